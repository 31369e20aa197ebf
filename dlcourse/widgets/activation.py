"""Activation explorer: pick a function, see its derivative and where it saturates.

The drawing is ``dlcourse.plots.plot_activation``; this module only adds the controls.

Example:
    >>> activation_explorer()        # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from dlcourse.plots.activations import plot_activation
from dlcourse.plots.functions import ACTIVATIONS, get_activation
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def draw_activation(name: str, x_range: tuple[float, float] = (-6.0, 6.0), derivative: bool = True,
                    threshold: float = 0.05) -> Figure:
    """The function, its derivative and its saturated regions (``|f'| < threshold``) shaded."""
    return plot_activation(name, x_range=x_range, derivative=derivative, saturation=threshold > 0,
                           threshold=threshold if threshold > 0 else 0.05)


def activation_explorer(name: str = "sigmoid", *, x_range: tuple[float, float] = (-6.0, 6.0),
                        threshold: float = 0.05, static: bool | None = None) -> InteractiveFigure | Figure:
    """Dropdown of activations, input range, derivative on/off and the saturation threshold.

    Returns the live widget, or without a live front end the static figure of the starting values.
    """
    get_activation(name)
    initial = dict(name=name, x_range=tuple(x_range), derivative=True, threshold=threshold)

    def make_controls() -> dict[str, widgets.ValueWidget]:
        return {
            "name": widgets.Dropdown(options=list(ACTIVATIONS), value=name, description="function"),
            "x_range": widgets.FloatRangeSlider(value=tuple(x_range), min=-20.0, max=20.0, step=0.5,
                                                description="x range", continuous_update=False),
            "derivative": widgets.Checkbox(value=True, description="show derivative"),
            "threshold": widgets.FloatSlider(value=threshold, min=0.0, max=0.5, step=0.01,
                                             description="|f'| below", continuous_update=False),
        }

    return interactive_figure(draw_activation, initial, make_controls, static=static)
