"""Learning-rate sweep ("LR range test"): loss against learning rate on a log axis.

Train briefly while the learning rate grows exponentially, record the loss at
each rate, then pick a rate where the loss falls fastest: a little before the
curve's minimum, well before it blows up.

Example:
    >>> import numpy as np
    >>> rates = np.geomspace(1e-5, 1.0, 30)
    >>> losses = 1 / (1 + 1e3 * rates) + rates ** 2
    >>> fig = plot_lr_sweep(rates, losses)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from dlcourse.plots.canvas import figure_and_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def suggest_learning_rate(learning_rates: Sequence[float], losses: Sequence[float]) -> float:
    """The rate where the smoothed loss falls fastest, looking only below the loss minimum.

    The learning-rate range test's rule of thumb: past the minimum training turns
    unstable, and single points (the ends, noise) say little, so the curve is
    smoothed with a short moving average and its end points are skipped.

    Example:
        >>> rates = np.geomspace(1e-5, 1, 26)
        >>> losses = 2 - np.tanh(np.log10(rates) + 3) + (rates > 0.1) * 5   # falls fastest at 1e-3, blows up late
        >>> round(float(np.log10(suggest_learning_rate(rates, losses))), 1)
        -3.0
    """
    rates, loss = _clean_sweep(learning_rates, losses)
    width = max(1, len(loss) // 15)
    padded = np.pad(loss, (width // 2, width - 1 - width // 2), mode="edge")
    smooth = np.convolve(padded, np.ones(width) / width, mode="valid")
    lowest = int(np.argmin(smooth))
    if lowest < 3:
        return float(rates[lowest])
    slope = np.gradient(smooth[: lowest + 1], np.log10(rates[: lowest + 1]))
    return float(rates[1 + int(np.argmin(slope[1:-1]))])


def plot_lr_sweep(learning_rates: Sequence[float], losses: Sequence[float], *, suggest: bool = True,
                  ax: Axes | None = None, title: str = "Learning-rate sweep") -> Figure:
    """Loss against learning rate (log x-axis); optionally mark the suggested learning rate.

    Non-finite losses (the run diverged) are left out, and the y-axis is cut at
    four times the first loss so a blow-up does not squash the interesting part.
    """
    rates, loss = _clean_sweep(learning_rates, losses)
    fig, ax = figure_and_axes(ax)
    ax.plot(rates, loss, "-", label="loss")
    if suggest:
        rate = suggest_learning_rate(rates, loss)
        ax.plot([rate], [loss[np.searchsorted(rates, rate)]], "o", color="crimson", markersize=9,
                label=f"suggested lr ≈ {rate:.1e}")
    ax.set_xscale("log")
    top = min(float(np.max(loss)), 4 * float(loss[0])) if loss[0] > 0 else float(np.max(loss))
    bottom = float(np.min(loss))
    margin = 0.05 * (top - bottom) or 0.1 * abs(top) or 0.1
    ax.set_ylim(bottom - margin, top + margin)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return fig


def _clean_sweep(learning_rates: Sequence[float], losses: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    rates = np.asarray(learning_rates, dtype=float).ravel()
    loss = np.asarray(losses, dtype=float).ravel()
    if rates.shape != loss.shape:
        raise ValueError(f"learning_rates and losses must have the same length, got {rates.size} and {loss.size}")
    if np.any(rates <= 0):
        raise ValueError("learning_rates must all be positive (they are drawn on a log axis)")
    keep = np.isfinite(loss)
    if keep.sum() < 2:
        raise ValueError("losses must hold at least two finite values")
    order = np.argsort(rates[keep])
    return rates[keep][order], loss[keep][order]
