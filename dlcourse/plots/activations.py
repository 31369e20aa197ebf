"""Activation functions, their derivatives and where they saturate (gradient near zero).

Example:
    >>> fig = plot_activation("sigmoid")               # one function, derivative, saturation shaded
    >>> fig = plot_activations(["sigmoid", "tanh", "relu"])
    >>> saturated_intervals(np.linspace(-6, 6, 121), "sigmoid", threshold=0.05)[0][0]
    -6.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from dlcourse.plots.canvas import figure_and_axes
from dlcourse.plots.functions import ACTIVATIONS, get_activation

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def saturated_intervals(x: np.ndarray, name: str, threshold: float = 0.05) -> list[tuple[float, float]]:
    """The ``(start, end)`` stretches of ``x`` where ``|f'(x)| < threshold``: little gradient gets through."""
    derivative = np.abs(get_activation(name).derivative(x))
    flat = derivative < threshold
    intervals, start = [], None
    for value, is_flat in zip(x, flat):
        if is_flat and start is None:
            start = value
        if not is_flat and start is not None:
            intervals.append((float(start), float(previous)))
            start = None
        previous = value
    if start is not None:
        intervals.append((float(start), float(x[-1])))
    return intervals


def plot_activation(name: str, *, x_range: tuple[float, float] = (-6.0, 6.0), derivative: bool = True,
                    saturation: bool = True, threshold: float = 0.05, ax: Axes | None = None,
                    num: int = 401) -> Figure:
    """One activation ``f``, optionally its derivative ``f'`` and the saturated regions shaded.

    Args:
        name: a key of ``dlcourse.plots.functions.ACTIVATIONS`` (``"sigmoid"``, ``"relu"``, ...).
        x_range: the inputs to show.
        threshold: a region counts as saturated where ``|f'(x)| < threshold``.
    """
    activation = get_activation(name)
    low, high = _check_range(x_range)
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    x = np.linspace(low, high, num)
    fig, ax = figure_and_axes(ax)
    ax.plot(x, activation.function(x), linewidth=2.2, label=f"{name}(x)")
    if derivative:
        ax.plot(x, activation.derivative(x), "--", linewidth=1.6, label=f"{name}'(x)")
    if saturation:
        for i, (start, end) in enumerate(saturated_intervals(x, name, threshold)):
            ax.axvspan(start, end, color="orange", alpha=0.15,
                       label=f"saturated: |{name}'| < {threshold:g}" if i == 0 else "_nolegend_")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlim(low, high)
    ax.set_xlabel("x")
    ax.set_title(name)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_activations(names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"), *,
                     x_range: tuple[float, float] = (-6.0, 6.0), derivative: bool = True,
                     saturation: bool = False, ncols: int | None = None) -> Figure:
    """Several activations side by side, one panel each (see ``plot_activation``)."""
    import matplotlib.pyplot as plt

    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError(f"names must list at least one of {sorted(ACTIVATIONS)}")
    for name in names:
        get_activation(name)
    ncols = min(ncols or 4, len(names))
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.0 * nrows), squeeze=False)
    for spare in axes.ravel()[len(names):]:
        spare.remove()
    for name, ax in zip(names, axes.ravel()):
        plot_activation(name, x_range=x_range, derivative=derivative, saturation=saturation, ax=ax)
    fig.tight_layout()
    return fig


def _check_range(x_range: tuple[float, float]) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValueError(f"x_range must be a pair (low, high), got {x_range!r}") from None
    if not low < high:
        raise ValueError(f"x_range must have low < high, got {x_range!r}")
    return low, high
