"""Neuron playground: one neuron ``activation(w1*x1 + w2*x2 + b)`` on a 2-D data set.

Move the weights and the bias and watch the output surface and the decision line
(where ``w1*x1 + w2*x2 + b = 0``) move over the points.

Example:
    >>> fig = draw_neuron(1.0, -2.0, 0.5, "sigmoid")   # the drawing, no widget
    >>> neuron_playground()                             # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from dlcourse.plots.boundaries import grid_over, scatter_classes
from dlcourse.plots.canvas import figure_and_axes
from dlcourse.plots.functions import ACTIVATIONS, get_activation
from dlcourse.plots.labels import as_class_labels
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

NEURON_ACTIVATIONS = ("sigmoid", "tanh", "relu", "step", "linear")


def default_points(n_samples: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The two-moons data set the playground uses when you give it none."""
    from dlcourse.data import make_moons

    return make_moons(n_samples, seed=0)


def decision_line(w1: float, w2: float, b: float, x1_range: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Two points on the line ``w1*x1 + w2*x2 + b = 0`` (empty arrays if both weights are 0)."""
    if w2 != 0:
        x1 = np.array(x1_range, dtype=float)
        return x1, -(w1 * x1 + b) / w2
    if w1 != 0:
        return np.full(2, -b / w1), np.array([-1e6, 1e6])
    return np.empty(0), np.empty(0)


def draw_neuron(w1: float, w2: float, b: float, activation: str = "sigmoid", *, x: Any = None, y: Any = None,
                ax: Axes | None = None, resolution: int = 150) -> Figure:
    """The neuron's output over the plane (colours), its decision line and the data points.

    The title reports the accuracy of "class 1 where ``w1*x1 + w2*x2 + b >= 0``".
    """
    function = get_activation(activation).function
    if x is None:
        x, y = default_points()
    x = np.asarray(x, dtype=float)
    xx, yy, _ = grid_over(x, resolution, padding=0.5)
    output = function(w1 * xx + w2 * yy + b)

    fig, ax = figure_and_axes(ax, figsize=(6.2, 4.8))
    surface = ax.contourf(xx, yy, output, levels=20, cmap="coolwarm", alpha=0.55)
    fig.colorbar(surface, ax=ax, label=f"{activation}(w·x + b)")
    line_x, line_y = decision_line(w1, w2, b, (xx.min(), xx.max()))
    ax.plot(line_x, line_y, color="black", linewidth=2, label="w·x + b = 0")
    title = f"{activation}({w1:.2f}·x₁ {_signed(w2)}·x₂ {_signed(b)})"
    if y is not None:
        scatter_classes(ax, x, y)
        labels = as_class_labels(y, "y")
        predicted = (w1 * x[:, 0] + w2 * x[:, 1] + b >= 0).astype(int)
        title += f"   accuracy {np.mean(predicted == labels):.0%}"
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def _signed(value: float) -> str:
    """``+ 0.50`` or ``− 1.00``: a term as it reads in a formula."""
    return f"{'−' if value < 0 else '+'} {abs(value):.2f}"


def neuron_playground(x: Any = None, y: Any = None, *, w1: float = 1.0, w2: float = -1.0, b: float = 0.0,
                      activation: str = "sigmoid", static: bool | None = None) -> InteractiveFigure | Figure:
    """Sliders for ``w1``, ``w2``, ``b`` and a choice of activation over a 2-D data set (default: two moons).

    Returns the live widget, or without a live front end the static figure of the starting values.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(NEURON_ACTIVATIONS)}, got {activation!r}")
    if x is None:
        x, y = default_points()

    def draw(w1: float, w2: float, b: float, activation: str) -> Figure:
        return draw_neuron(w1, w2, b, activation, x=x, y=y)

    def make_controls() -> dict[str, widgets.ValueWidget]:
        slider = dict(min=-5.0, max=5.0, step=0.1, continuous_update=False)
        return {
            "w1": widgets.FloatSlider(value=w1, description="w1", **slider),
            "w2": widgets.FloatSlider(value=w2, description="w2", **slider),
            "b": widgets.FloatSlider(value=b, description="bias b", **slider),
            "activation": widgets.Dropdown(options=sorted(set(NEURON_ACTIVATIONS) | {activation}),
                                           value=activation, description="activation"),
        }

    return interactive_figure(draw, dict(w1=w1, w2=w2, b=b, activation=activation), make_controls,
                              static=static)
