"""Call a Keras model or a plain function the same way and get NumPy back.

Plots that need predictions (decision boundaries, GAN samples) accept either a
Keras model or any callable ``f(x) -> array``.

Example:
    >>> import numpy as np
    >>> predict = as_predict_function(lambda x: x.sum(axis=1))
    >>> predict(np.ones((2, 3)))
    array([3., 3.])
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

PredictFunction = Callable[[np.ndarray], np.ndarray]


def as_numpy(value: Any) -> np.ndarray:
    """A NumPy array from a NumPy array, a list or a backend tensor (TensorFlow, JAX, PyTorch)."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach"):  # a torch tensor may carry gradients
        value = value.detach().cpu()
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


def as_predict_function(model_or_fn: Any, batch_size: int = 8192) -> PredictFunction:
    """A function ``x -> NumPy predictions`` from a Keras model (uses ``predict``) or a callable."""
    if hasattr(model_or_fn, "predict") and hasattr(model_or_fn, "layers"):
        model = model_or_fn
        return lambda x: as_numpy(model.predict(x, batch_size=batch_size, verbose=0))
    if callable(model_or_fn):
        return lambda x: as_numpy(model_or_fn(x))
    raise ValueError(f"model must be a Keras model or a callable, got {type(model_or_fn).__name__}")
