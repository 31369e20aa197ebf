"""Decision boundary of a classifier on 2-D inputs: predict on a grid, colour the regions.

Example:
    >>> from dlcourse.data import make_moons
    >>> x, y = make_moons(200, seed=0)
    >>> fig = plot_decision_boundary(lambda p: (p[:, 1] < 0.25).astype(float), x, y)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dlcourse.plots.canvas import figure_and_axes
from dlcourse.plots.labels import as_class_labels
from dlcourse.plots.predict import as_predict_function

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def grid_over(x: np.ndarray, resolution: int = 200, padding: float = 0.5
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A ``resolution x resolution`` grid covering the 2-D points ``x`` plus ``padding``.

    Returns ``(xx, yy, points)``: the two coordinate matrices and the grid as
    ``(resolution**2, 2)`` points, ready for ``model.predict``.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n_samples, 2), got {x.shape}")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    (x_min, y_min), (x_max, y_max) = x.min(axis=0) - padding, x.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()]).astype("float32")


def scatter_classes(ax: Axes, x: np.ndarray, y: Any, cmap: str = "coolwarm") -> None:
    """The 2-D points coloured by class, with a legend entry per class."""
    labels = as_class_labels(y, "y")
    classes = np.unique(labels)
    colours = _class_colours(len(classes), cmap)
    for colour, label in zip(colours, classes):
        member = labels == label
        ax.scatter(x[member, 0], x[member, 1], s=14, color=colour, edgecolors="black", linewidths=0.4,
                   label=f"class {label}")


def plot_decision_boundary(model: Any, x: np.ndarray, y: Any, *, ax: Axes | None = None, resolution: int = 200,
                           padding: float = 0.5, threshold: float = 0.5, title: str = "Decision boundary"
                           ) -> Figure:
    """Regions the classifier assigns to each class, its boundary and the data points.

    Args:
        model: a Keras model or a function ``points (n, 2) -> predictions``. One output
            per point is read as the probability of class 1 (shaded from 0 to 1, boundary
            at ``threshold``); several outputs per point are class scores (argmax).
        x: inputs, shape ``(n_samples, 2)``; y: their labels (only used for colouring).
    """
    x = np.asarray(x, dtype=float)
    xx, yy, points = grid_over(x, resolution, padding)
    if len(as_class_labels(y, "y")) != len(x):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(np.asarray(y))}")
    scores = as_predict_function(model)(points)
    fig, ax = figure_and_axes(ax)
    if scores.ndim == 1 or scores.shape[-1] == 1:
        probability = scores.reshape(xx.shape)
        shading = ax.contourf(xx, yy, probability, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6,
                              extend="both")
        draw_boundary(ax, xx, yy, probability, [threshold])
        fig.colorbar(shading, ax=ax, label="P(class 1)")
    else:
        regions = np.argmax(scores, axis=-1).reshape(xx.shape)
        n_classes = scores.shape[-1]
        ax.contourf(xx, yy, regions, levels=np.arange(n_classes + 1) - 0.5, cmap="coolwarm", alpha=0.45)
        draw_boundary(ax, xx, yy, regions, np.arange(n_classes - 1) + 0.5)
    scatter_classes(ax, x, y)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.legend(loc="upper right")
    return fig


def draw_boundary(ax: Axes, xx: np.ndarray, yy: np.ndarray, values: np.ndarray, levels: Any) -> None:
    """Black line(s) where ``values`` crosses ``levels`` (nothing when it never does)."""
    inside = [level for level in np.atleast_1d(levels) if values.min() < level < values.max()]
    if inside:
        ax.contour(xx, yy, values, levels=inside, colors="black", linewidths=1.5)


def _class_colours(n: int, cmap: str) -> list:
    import matplotlib

    colour_map = matplotlib.colormaps[cmap]
    return [colour_map(v) for v in (np.linspace(0, 1, n) if n > 1 else [0.0])]
