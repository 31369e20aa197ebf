"""Sampling-temperature explorer: the same prompt at different temperatures.

Shows the text your language model samples at temperature ``T`` next to what ``T``
does to a softmax: ``softmax(logits / T)`` for one logits vector (say, the model's
next-token scores for the prompt).

Example:
    >>> import numpy as np
    >>> sample = lambda prompt, temperature: prompt + " ..."
    >>> fig = draw_sampling(np.array([2.0, 1.0, 0.0]), 0.7, text="hello ...", tokens=["a", "b", "c"])
    >>> sampling_explorer(sample, logits=np.array([2.0, 1.0, 0.0]))     # doctest: +SKIP
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, Callable, Sequence

import ipywidgets as widgets
import numpy as np

from dlcourse.plots.sampling import plot_temperature_distribution
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SampleFunction = Callable[[str, float], str]


def draw_sampling(logits: Any, temperature: float, *, text: str = "", tokens: Sequence[str] | None = None,
                  top_k: int = 20) -> Figure:
    """Top: the sampled text; bottom: the softmax of ``logits`` at ``temperature`` (outline: T = 1)."""
    import matplotlib.pyplot as plt

    fig, (text_ax, bars_ax) = plt.subplots(2, 1, figsize=(8.0, 5.6), gridspec_kw={"height_ratios": [1, 2]})
    text_ax.axis("off")
    wrapped = "\n".join(textwrap.wrap(text, width=90)[:6]) or "(no text)"
    text_ax.text(0.0, 1.0, wrapped, va="top", ha="left", family="monospace", fontsize=9,
                 transform=text_ax.transAxes)
    text_ax.set_title(f"sampled at T = {temperature:g}", loc="left", fontsize=10)
    plot_temperature_distribution(logits, temperature, tokens=tokens, top_k=top_k, ax=bars_ax)
    fig.tight_layout()
    return fig


def sampling_explorer(sample_fn: SampleFunction, logits: Any, *, prompt: str = "", tokens: Sequence[str] | None = None,
                      temperature: float = 1.0, top_k: int = 20, static: bool | None = None
                      ) -> InteractiveFigure | Figure:
    """A temperature slider, a prompt box and a "sample again" button above text and distribution.

    Args:
        sample_fn: ``sample_fn(prompt, temperature) -> text`` from your language model.
        logits: one vector of next-token scores to show the temperature's effect on.
        tokens: the vocabulary, to label the bars.

    Returns the live widget, or without a live front end the static figure at ``temperature``.
    """
    if not callable(sample_fn):
        raise ValueError(f"sample_fn must be a callable (prompt, temperature) -> str, got {type(sample_fn).__name__}")
    logits = np.asarray(logits, dtype=float)
    if logits.ndim != 1:
        raise ValueError(f"logits must be a 1-D vector, got shape {logits.shape}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature!r}")

    def draw(temperature: float, prompt: str) -> Figure:
        text = str(sample_fn(prompt, temperature))
        return draw_sampling(logits, temperature, text=text, tokens=tokens, top_k=top_k)

    def make_controls() -> dict[str, widgets.ValueWidget]:
        return {
            "temperature": widgets.FloatLogSlider(value=temperature, base=10, min=-1.3, max=0.7, step=0.05,
                                                  description="temperature", readout_format=".2f",
                                                  continuous_update=False),
            "prompt": widgets.Text(value=prompt, description="prompt", continuous_update=False,
                                   layout=widgets.Layout(width="60%")),
        }

    extra: dict[str, widgets.Button] = {}  # widgets beyond the controls, made only for a live widget

    def arrange(controls: dict) -> widgets.Widget:
        extra["again"] = widgets.Button(description="sample again", icon="refresh")
        return widgets.VBox([controls["prompt"], widgets.HBox([controls["temperature"], extra["again"]])])

    panel = interactive_figure(draw, {"temperature": temperature, "prompt": prompt}, make_controls,
                               static=static, arrange=arrange)
    if isinstance(panel, InteractiveFigure):
        panel.sample_again = extra["again"]
        panel.sample_again.on_click(lambda _button: panel.redraw())
    return panel
