"""Gradient-descent explorer: choose a surface, an optimiser, a learning rate and a start point.

The drawing is ``dlcourse.plots.plot_loss_surface`` (the optimisers are the NumPy
ones in ``dlcourse.plots.optimizers``); this module only adds the controls.

Example:
    >>> fig = draw_descent("bowl", "sgd", lr=0.9, start_x=-2.8, start_y=1.5, steps=30)
    >>> descent_explorer("rosenbrock")       # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from dlcourse.plots.landscapes import SURFACES, get_surface
from dlcourse.plots.optimizers import OPTIMIZER_LABELS, OPTIMIZERS
from dlcourse.plots.surfaces import plot_loss_surface
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ALL_OPTIMIZERS = "all four"


def draw_descent(surface: str, optimizer: str, lr: float, start_x: float, start_y: float, steps: int) -> Figure:
    """The surface's contours and one optimiser's path (``"all four"``: each at its tuned rate, ``lr`` unused)."""
    if optimizer == ALL_OPTIMIZERS:
        return plot_loss_surface(surface, OPTIMIZERS, start=(start_x, start_y), lr=None, steps=steps)
    return plot_loss_surface(surface, (optimizer,), start=(start_x, start_y), lr=lr, steps=steps)


def descent_explorer(surface: str = "rosenbrock", optimizer: str = "sgd", *, lr: float | None = None,
                     steps: int | None = None, static: bool | None = None) -> InteractiveFigure | Figure:
    """Controls for surface, optimiser, learning rate (log slider), start point and number of steps.

    Choosing another surface or optimiser moves the other sliders to that pair's tuned
    defaults. Returns the live widget, or without a live front end the static figure.
    """
    chosen = get_surface(surface)
    if optimizer not in OPTIMIZERS and optimizer != ALL_OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {[*OPTIMIZERS, ALL_OPTIMIZERS]}, got {optimizer!r}")
    initial = dict(surface=chosen.name, optimizer=optimizer, lr=lr or _default_lr(chosen.name, optimizer),
                   start_x=chosen.start[0], start_y=chosen.start[1], steps=steps or chosen.steps)

    def make_controls() -> dict[str, widgets.ValueWidget]:
        x_low, x_high = chosen.x_range
        y_low, y_high = chosen.y_range
        return {
            "surface": widgets.Dropdown(options=list(SURFACES), value=chosen.name, description="surface"),
            "optimizer": widgets.Dropdown(options=[(OPTIMIZER_LABELS[o], o) for o in OPTIMIZERS]
                                          + [(ALL_OPTIMIZERS, ALL_OPTIMIZERS)], value=optimizer,
                                          description="optimiser"),
            "lr": widgets.FloatLogSlider(value=initial["lr"], base=10, min=-5, max=0.5, step=0.1,
                                         description="learning rate", readout_format=".1e",
                                         continuous_update=False, disabled=optimizer == ALL_OPTIMIZERS),
            "start_x": widgets.FloatSlider(value=initial["start_x"], min=x_low, max=x_high, step=0.05,
                                           description="start x", continuous_update=False),
            "start_y": widgets.FloatSlider(value=initial["start_y"], min=y_low, max=y_high, step=0.05,
                                           description="start y", continuous_update=False),
            "steps": widgets.IntSlider(value=initial["steps"], min=1, max=2000, step=10, description="steps",
                                       continuous_update=False),
        }

    def surface_changed(panel: InteractiveFigure, name: str) -> None:
        new = get_surface(name)
        controls = panel.controls
        for axis, (low, high), start in (("start_x", new.x_range, new.start[0]),
                                         ("start_y", new.y_range, new.start[1])):
            slider = controls[axis]
            slider.min, slider.max = min(low, slider.min), max(high, slider.max)  # widen first, then narrow
            slider.value = start
            slider.min, slider.max = low, high
        controls["steps"].value = new.steps
        controls["lr"].value = _default_lr(name, controls["optimizer"].value)

    def optimizer_changed(panel: InteractiveFigure, optimizer: str) -> None:
        panel.controls["lr"].value = _default_lr(panel.controls["surface"].value, optimizer)
        panel.controls["lr"].disabled = optimizer == ALL_OPTIMIZERS

    return interactive_figure(draw_descent, initial, make_controls, static=static,
                              reactions={"surface": surface_changed, "optimizer": optimizer_changed})


def _default_lr(surface: str, optimizer: str) -> float:
    """The surface's tuned learning rate for the optimiser (for "all four": SGD's, the slider is unused)."""
    rates = get_surface(surface).learning_rates
    return rates["sgd" if optimizer == ALL_OPTIMIZERS else optimizer]
