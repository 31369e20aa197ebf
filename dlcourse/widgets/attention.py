"""Attention explorer: type a sentence, see every head's attention map.

It works with any model: pass a function ``attention_fn(text) -> (tokens, weights)``
where ``weights`` has shape ``(heads, queries, keys)`` (or ``(queries, keys)`` for one head).

Example:
    >>> import numpy as np
    >>> def uniform_attention(text):
    ...     tokens = text.split()
    ...     n = len(tokens)
    ...     return tokens, np.full((2, n, n), 1 / n)
    >>> fig = draw_attention(uniform_attention, "the cat sat")
    >>> attention_explorer(uniform_attention)      # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import ipywidgets as widgets
import numpy as np

from dlcourse.plots.attention import plot_attention_heads
from dlcourse.plots.predict import as_numpy
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

AttentionFunction = Callable[[str], tuple[Sequence[str], Any]]


def draw_attention(attention_fn: AttentionFunction, text: str) -> Figure:
    """Run ``attention_fn`` on ``text`` and draw one heat map per head."""
    if not text.strip():
        raise ValueError("text is empty: type a sentence")
    result = attention_fn(text)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise ValueError("attention_fn must return (tokens, weights)")
    tokens, weights = list(result[0]), np.asarray(as_numpy(result[1]), dtype=float)
    return plot_attention_heads(weights, [str(t) for t in tokens], title=f"attention for: {text!r}")


def attention_explorer(attention_fn: AttentionFunction, text: str = "the cat sat on the mat", *,
                       static: bool | None = None) -> InteractiveFigure | Figure:
    """A text box (press Enter to update) above the heads' attention maps for that text.

    Returns the live widget, or without a live front end the static figure for ``text``.
    """
    if not callable(attention_fn):
        raise ValueError("attention_fn must be a callable text -> (tokens, weights), "
                         f"got {type(attention_fn).__name__}")

    def draw(text: str) -> Figure:
        return draw_attention(attention_fn, text)

    def make_controls() -> dict[str, widgets.ValueWidget]:
        return {"text": widgets.Text(value=text, description="sentence", continuous_update=False,
                                     layout=widgets.Layout(width="60%"))}

    return interactive_figure(draw, {"text": text}, make_controls, static=static)
