"""Sampling temperature: how dividing logits by ``T`` sharpens (T < 1) or flattens (T > 1) the softmax.

Example:
    >>> import numpy as np
    >>> fig = plot_temperature_distribution(np.array([2.0, 1.0, 0.1]), temperature=0.5, tokens=["a", "b", "c"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from dlcourse.plots.canvas import figure_and_axes
from dlcourse.plots.functions import softmax

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_temperature_distribution(logits: Any, temperature: float, *, tokens: Sequence[str] | None = None,
                                  top_k: int = 20, ax: Axes | None = None) -> Figure:
    """Bars: ``softmax(logits / temperature)`` for the ``top_k`` most likely tokens; outline: ``T = 1``.

    Args:
        logits: a 1-D vector of scores, one per vocabulary token.
        temperature: positive; 1 leaves the model's distribution unchanged.
        tokens: the vocabulary (labels for the bars); default: token ids.
    """
    logits = np.asarray(logits, dtype=float)
    if logits.ndim != 1 or logits.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D vector, got shape {logits.shape}")
    if not (isinstance(temperature, (int, float, np.floating)) and temperature > 0):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    if tokens is not None and len(tokens) != logits.size:
        raise ValueError(f"tokens must have one entry per logit ({logits.size}), got {len(tokens)}")
    if top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    probabilities = softmax(logits, temperature)
    reference = softmax(logits, 1.0)
    shown = np.argsort(-logits, kind="stable")[:top_k]
    labels = [repr(tokens[i]) if tokens is not None else str(i) for i in shown]

    fig, ax = figure_and_axes(ax, figsize=(max(5.0, 0.35 * len(shown) + 2), 3.6))
    positions = np.arange(len(shown))
    ax.bar(positions, probabilities[shown], color="tab:blue", label=f"T = {temperature:g}")
    ax.step(positions, reference[shown], where="mid", color="black", linewidth=1, label="T = 1")
    ax.set_xticks(positions, labels, rotation=60 if len(shown) > 6 else 0, ha="right" if len(shown) > 6 else "center")
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    entropy = float(-(probabilities * np.log(np.maximum(probabilities, 1e-300))).sum())
    ax.set_title(f"next-token distribution at T = {temperature:g} (entropy {entropy:.2f} nats)")
    ax.legend()
    return fig
