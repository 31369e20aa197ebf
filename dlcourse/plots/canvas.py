"""Small helpers every plot uses: get a figure and axes, lay out a grid of panels.

Every plot in ``dlcourse.plots`` either draws on the ``ax`` you pass in or makes
a new figure, and always returns the ``Figure``.

Example:
    >>> fig, ax = figure_and_axes(None)
    >>> fig is ax.figure
    True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def figure_and_axes(ax: Axes | None = None, figsize: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    """Return ``(figure, ax)``: the given axes and its figure, or a new single-panel figure."""
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    fig, new_ax = plt.subplots(figsize=figsize)
    return fig, new_ax


def grid_shape(n_panels: int, ncols: int | None = None, max_cols: int = 8) -> tuple[int, int]:
    """``(rows, cols)`` for ``n_panels`` panels: ``ncols`` columns, or a roughly square grid.

    Example:
        >>> grid_shape(10, ncols=4)
        (3, 4)
    """
    if n_panels < 1:
        raise ValueError(f"n_panels must be at least 1, got {n_panels}")
    if ncols is None:
        ncols = min(max_cols, math.ceil(math.sqrt(n_panels)))
    elif ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    ncols = min(ncols, n_panels)
    return math.ceil(n_panels / ncols), ncols


def axes_grid(n_panels: int, ncols: int | None = None, panel_size: float = 1.8,
              figsize: tuple[float, float] | None = None) -> tuple[Figure, list[Axes]]:
    """A new figure with ``n_panels`` axes in a grid; cells beyond ``n_panels`` are removed.

    Example:
        >>> fig, axes = axes_grid(5, ncols=3)
        >>> len(axes), len(fig.axes)
        (5, 5)
    """
    import matplotlib.pyplot as plt

    rows, cols = grid_shape(n_panels, ncols)
    if figsize is None:
        figsize = (panel_size * cols, panel_size * rows + 0.4)
    fig, axes = plt.subplots(rows, cols, figsize=figsize, squeeze=False)
    flat = list(axes.ravel())
    for spare in flat[n_panels:]:
        spare.remove()
    return fig, flat[:n_panels]


def hide_ticks(ax: Axes) -> None:
    """Remove ticks, tick labels and grid: for panels that show images."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
