"""Loss surface as a contour map, with the paths of optimisers walking down it.

Example:
    >>> fig = plot_loss_surface("rosenbrock")                      # SGD, momentum, RMSprop, Adam
    >>> fig = plot_loss_surface("bowl", optimizers=["sgd"], lr=0.9, steps=30)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from dlcourse.plots.canvas import figure_and_axes
from dlcourse.plots.landscapes import LossSurface, get_surface
from dlcourse.plots.optimizers import OPTIMIZER_LABELS, OPTIMIZERS, optimizer_path

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_PATH_COLOURS = {"sgd": "tab:red", "momentum": "tab:orange", "rmsprop": "tab:green", "adam": "tab:blue"}


def plot_surface_contours(surface: str | LossSurface, ax: Axes, resolution: int = 250) -> None:
    """Filled contours of the surface over its default range (log-spaced levels where it spans decades)."""
    surface = get_surface(surface)
    xs = np.linspace(*surface.x_range, resolution)
    ys = np.linspace(*surface.y_range, resolution)
    xx, yy = np.meshgrid(xs, ys)
    zz = surface(xx, yy)
    if surface.log_levels:
        levels = np.geomspace(max(float(zz.min()), 1e-3), float(zz.max()), 30)
    else:
        levels = np.linspace(float(zz.min()), float(zz.max()), 30)
    ax.contourf(xx, yy, zz, levels=levels, cmap="viridis", alpha=0.75,
                norm=_log_norm(levels) if surface.log_levels else None, extend="both")
    ax.contour(xx, yy, zz, levels=levels[::3], colors="white", linewidths=0.4, alpha=0.6)


def plot_loss_surface(surface: str | LossSurface = "rosenbrock", optimizers: Sequence[str] = OPTIMIZERS, *,
                      start: Sequence[float] | None = None, lr: float | Mapping[str, float] | None = None,
                      steps: int | None = None, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Contour map of ``surface`` with one path per optimiser, the start and the minimum marked.

    Args:
        surface: ``"rosenbrock"``, ``"beale"``, ``"saddle"``, ``"bowl"`` or a ``LossSurface``.
        optimizers: any of ``"sgd"``, ``"momentum"``, ``"rmsprop"``, ``"adam"``.
        start: starting point (default: the surface's own).
        lr: one learning rate for all, a dict per optimiser, or None for the surface's tuned defaults.
        steps: updates per optimiser (default: the surface's own).
    """
    surface = get_surface(surface)
    optimizers = [optimizers] if isinstance(optimizers, str) else list(optimizers)
    if not optimizers:
        raise ValueError(f"optimizers must list at least one of {list(OPTIMIZERS)}")
    start = tuple(surface.start if start is None else start)
    steps = surface.steps if steps is None else steps
    fig, ax = figure_and_axes(ax, figsize=(6.5, 5.0))
    plot_surface_contours(surface, ax)

    for name in optimizers:
        rate = _learning_rate(lr, name, surface)
        path = optimizer_path(name, surface, start, rate, steps)
        ax.plot(path[:, 0], path[:, 1], "-o", markersize=2, linewidth=1.4, color=_PATH_COLOURS.get(name),
                label=f"{OPTIMIZER_LABELS[name]} (lr={rate:g})")
    ax.plot([start[0]], [start[1]], "o", color="white", markeredgecolor="black", markersize=9, label="start")
    if surface.minimum is not None:
        ax.plot([surface.minimum[0]], [surface.minimum[1]], "*", color="gold", markeredgecolor="black",
                markersize=15, label="minimum")
    ax.set_xlim(*surface.x_range)
    ax.set_ylim(*surface.y_range)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)
    ax.set_title(title or f"{surface.name}: {steps} steps")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8, frameon=True)
    return fig


def _learning_rate(lr: float | Mapping[str, float] | None, name: str, surface: LossSurface) -> float:
    if lr is None:
        if name not in surface.learning_rates:
            raise ValueError(f"optimizers: unknown optimiser {name!r}; choose from {list(OPTIMIZERS)}")
        return surface.learning_rates[name]
    if isinstance(lr, Mapping):
        if name not in lr:
            raise ValueError(f"lr has no learning rate for {name!r}")
        return float(lr[name])
    return float(lr)


def _log_norm(levels: np.ndarray):
    from matplotlib.colors import LogNorm

    return LogNorm(vmin=levels[0], vmax=levels[-1])
