"""Attention weights as heat maps: which key token each query token looks at.

Example:
    >>> import numpy as np
    >>> tokens = ["the", "cat", "sat"]
    >>> weights = np.eye(3)
    >>> fig = plot_attention(weights, tokens)
    >>> fig = plot_attention_heads(np.stack([weights, weights[::-1]]), tokens)   # one panel per head
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from dlcourse.plots.canvas import figure_and_axes, grid_shape

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_attention(weights: Any, tokens: Sequence[str], *, query_tokens: Sequence[str] | None = None,
                   ax: Axes | None = None, title: str = "Attention", annotate: bool | None = None,
                   colorbar: bool = True, cmap: str = "viridis") -> Figure:
    """Heat map of a ``(queries, keys)`` weight matrix; rows are queries, columns keys.

    Args:
        weights: shape ``(len(query_tokens), len(tokens))``; each row usually sums to 1.
        tokens: the key tokens (columns); also the query tokens unless ``query_tokens`` is given.
        annotate: write the weight in each cell (default: only for up to 12 tokens).
    """
    weights = np.asarray(weights, dtype=float)
    queries = list(tokens if query_tokens is None else query_tokens)
    keys = list(tokens)
    if weights.ndim != 2:
        raise ValueError(f"weights must be a 2-D (queries, keys) matrix, got shape {weights.shape}")
    if weights.shape != (len(queries), len(keys)):
        raise ValueError(f"weights has shape {weights.shape} but there are {len(queries)} query and "
                         f"{len(keys)} key tokens")
    fig, ax = figure_and_axes(ax, figsize=(0.5 * len(keys) + 2.5, 0.45 * len(queries) + 1.5))
    image = ax.imshow(weights, cmap=cmap, vmin=0.0, vmax=max(1.0, float(weights.max())), aspect="auto")
    if annotate is None:
        annotate = max(len(keys), len(queries)) <= 12
    if annotate:
        for (i, j), value in np.ndenumerate(weights):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="black" if value > 0.6 else "white")
    ax.set_xticks(range(len(keys)), keys, rotation=60, ha="right")
    ax.set_yticks(range(len(queries)), queries)
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query")
    ax.grid(False)
    ax.set_title(title)
    if colorbar:
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return fig


def plot_attention_heads(weights: Any, tokens: Sequence[str], *, ncols: int | None = None,
                         title: str | None = None) -> Figure:
    """One heat map per head for weights of shape ``(heads, queries, keys)`` (self-attention)."""
    import matplotlib.pyplot as plt

    weights = np.asarray(weights, dtype=float)
    if weights.ndim == 2:
        weights = weights[None]
    if weights.ndim != 3:
        raise ValueError(f"weights must have shape (heads, queries, keys), got {weights.shape}")
    heads = weights.shape[0]
    rows, cols = grid_shape(heads, ncols if ncols is not None else min(heads, 4))
    side = 0.35 * len(tokens) + 1.5
    fig, axes = plt.subplots(rows, cols, figsize=(side * cols, side * rows + 0.3), squeeze=False)
    for spare in axes.ravel()[heads:]:
        spare.remove()
    for head, ax in enumerate(axes.ravel()[:heads]):
        plot_attention(weights[head], tokens, ax=ax, title=f"head {head + 1}", colorbar=False,
                       annotate=False if heads > 1 else None)
        if head % cols:
            ax.set_ylabel("")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
