"""Confusion matrix: which classes the model mixes up.

Example:
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    >>> fig = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], class_names=["cat", "dog", "fox"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from dlcourse.plots.canvas import figure_and_axes
from dlcourse.plots.labels import as_class_labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_NORMALISATIONS = {None: None, False: None, True: "true", "true": "true", "pred": "pred", "all": "all"}
_NORMALISATION_TITLES = {"true": "share of each true class", "pred": "share of each predicted class",
                         "all": "share of all samples"}


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int | None = None) -> np.ndarray:
    """Counts ``C[i, j]`` of samples with true class ``i`` predicted as class ``j``.

    ``y_pred`` may be labels or the model's probabilities (argmax / threshold 0.5 is taken).
    """
    true = as_class_labels(y_true, "y_true")
    pred = as_class_labels(y_pred, "y_pred")
    if true.shape != pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {true.size} and {pred.size}")
    if true.size and min(true.min(), pred.min()) < 0:
        raise ValueError("y_true and y_pred must be non-negative class labels")
    seen = int(max(true.max(initial=-1), pred.max(initial=-1))) + 1
    if num_classes is None:
        num_classes = seen
    elif num_classes < seen:
        raise ValueError(f"num_classes is {num_classes} but label {seen - 1} occurs")
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (true, pred), 1)
    return counts


def normalise_confusion(counts: np.ndarray, normalize: str) -> np.ndarray:
    """Rows sum to 1 (``"true"``), columns sum to 1 (``"pred"``) or everything sums to 1 (``"all"``)."""
    counts = counts.astype(float)
    if normalize == "true":
        totals = counts.sum(axis=1, keepdims=True)
    elif normalize == "pred":
        totals = counts.sum(axis=0, keepdims=True)
    else:
        totals = np.array(counts.sum())
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def plot_confusion_matrix(y_true: Any, y_pred: Any, *, class_names: Sequence[str] | None = None,
                          normalize: str | bool | None = None, ax: Axes | None = None, cmap: str = "Blues",
                          colorbar: bool = True, title: str | None = None) -> Figure:
    """Heat map of the confusion matrix with the number (or share) written in every cell.

    Args:
        y_true, y_pred: labels, or one-hot / probability rows.
        class_names: names for the tick labels (default: 0, 1, 2, ...).
        normalize: None (counts), ``"true"`` (or True), ``"pred"`` or ``"all"``.
    """
    if normalize not in _NORMALISATIONS:
        raise ValueError(f"normalize must be None, True, 'true', 'pred' or 'all', got {normalize!r}")
    normalize = _NORMALISATIONS[normalize]
    num_classes = len(class_names) if class_names is not None else None
    counts = confusion_matrix(y_true, y_pred, num_classes)
    shown = normalise_confusion(counts, normalize) if normalize else counts
    names = list(class_names) if class_names is not None else [str(i) for i in range(len(counts))]

    size = max(3.5, 0.6 * len(names) + 2)
    fig, ax = figure_and_axes(ax, figsize=(size + 1, size))
    image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1 if normalize else max(int(counts.max()), 1))
    dark = shown.max() / 2 if shown.max() > 0 else 1
    for i in range(shown.shape[0]):
        for j in range(shown.shape[1]):
            text = f"{shown[i, j]:.2f}" if normalize else str(shown[i, j])
            ax.text(j, i, text, ha="center", va="center", fontsize=9,
                    color="white" if shown[i, j] > dark else "black")
    crowded = len(names) > 4
    ax.set_xticks(range(len(names)), names, rotation=45 if crowded else 0, ha="right" if crowded else "center")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    if title is None:
        title = "Confusion matrix" + (f" ({_NORMALISATION_TITLES[normalize]})" if normalize else "")
    ax.set_title(title)
    if colorbar:
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return fig
