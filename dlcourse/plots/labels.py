"""Turn whatever a model or data set gives you into integer class labels.

Labels come as integers, one-hot rows, softmax probability rows or sigmoid
probabilities; the classification plots accept all of them.

Example:
    >>> import numpy as np
    >>> as_class_labels(np.array([[0.1, 0.9], [0.8, 0.2]]))
    array([1, 0])
    >>> as_class_labels(np.array([0.2, 0.7]))
    array([0, 1])
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np


def as_class_labels(y: Any, name: str = "y", threshold: float = 0.5) -> np.ndarray:
    """Integer class labels from integers, one-hot/probability rows (argmax) or probabilities (``>= threshold``)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 2:
        return np.argmax(y, axis=1)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D labels or 2-D scores, got shape {y.shape}")
    if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
        return (y >= threshold).astype(int)
    if y.dtype.kind not in "iufb":
        raise ValueError(f"{name} must hold numbers, got dtype {y.dtype}")
    return y.astype(int)


def class_name(label: int, class_names: Sequence[str] | None) -> str:
    """The name of class ``label``, or the number itself when there are no names."""
    if class_names is None:
        return str(int(label))
    if not 0 <= label < len(class_names):
        raise ValueError(f"class_names has {len(class_names)} names but label {label} occurs")
    return str(class_names[label])
