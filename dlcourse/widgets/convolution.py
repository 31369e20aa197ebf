"""Convolution explorer: edit a 3x3 kernel (nine number boxes or a preset) and see the output image.

The convolution is ``dlcourse.plots.kernels.conv2d`` (NumPy) and the drawing
``dlcourse.plots.plot_convolution``; this module only adds the controls.

Example:
    >>> from dlcourse.plots.kernels import KERNEL_PRESETS, sample_image
    >>> fig = draw_convolution(sample_image(), KERNEL_PRESETS["edge"])
    >>> convolution_explorer()        # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import ipywidgets as widgets
import numpy as np

from dlcourse.plots.kernels import KERNEL_PRESETS, plot_convolution, sample_image
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CUSTOM = "custom"
#: Control names of the nine kernel cells, row by row: k00 k01 k02 / k10 ... / ... k22.
CELL_NAMES = tuple(f"k{row}{col}" for row in range(3) for col in range(3))


def kernel_from_cells(cells: Mapping[str, float]) -> np.ndarray:
    """The 3x3 kernel from the nine values named ``k00`` ... ``k22``."""
    return np.array([float(cells[name]) for name in CELL_NAMES]).reshape(3, 3)


def draw_convolution(image: Any, kernel: Any) -> Figure:
    """Input, kernel and convolved output side by side."""
    kernel = np.asarray(kernel, dtype=float)
    if kernel.shape != (3, 3):
        raise ValueError(f"kernel must be 3x3, got shape {kernel.shape}")
    return plot_convolution(image, kernel)


def convolution_explorer(image: Any = None, *, preset: str = "edge", static: bool | None = None
                         ) -> InteractiveFigure | Figure:
    """Nine boxes for the kernel's numbers and a preset menu (edge, sharpen, blur, identity, ...).

    ``image`` is a grey-scale ``(h, w)`` picture (default: ``sample_image()``). Picking a
    preset fills the nine boxes. Returns the live widget, or without a live front end the
    static figure of the starting kernel.
    """
    if preset not in KERNEL_PRESETS:
        raise ValueError(f"preset must be one of {list(KERNEL_PRESETS)}, got {preset!r}")
    picture = sample_image() if image is None else np.asarray(image, dtype=float)
    start = KERNEL_PRESETS[preset]
    initial = {name: float(value) for name, value in zip(CELL_NAMES, start.ravel())}

    def draw(**cells: float) -> Figure:
        return draw_convolution(picture, kernel_from_cells(cells))

    def make_controls() -> dict[str, widgets.ValueWidget]:
        box = widgets.Layout(width="70px")
        return {name: widgets.FloatText(value=initial[name], step=0.1, layout=box) for name in CELL_NAMES}

    extra: dict[str, widgets.Dropdown] = {}  # the preset menu, made only for a live widget

    def arrange(controls: Mapping[str, widgets.Widget]) -> widgets.Widget:
        presets = extra["presets"] = widgets.Dropdown(options=[*KERNEL_PRESETS, CUSTOM], value=preset,
                                                      description="preset")
        grid = widgets.GridBox([controls[name] for name in CELL_NAMES],
                               layout=widgets.Layout(grid_template_columns="repeat(3, 75px)"))
        return widgets.HBox([presets, grid])

    def cell_edited(panel: InteractiveFigure, _value: float) -> None:
        presets = extra["presets"]
        if presets.value == CUSTOM:
            return
        if not np.allclose(kernel_from_cells(panel.values()), KERNEL_PRESETS[presets.value]):
            presets.value = CUSTOM  # the boxes no longer hold the preset

    panel = interactive_figure(draw, initial, make_controls, static=static, arrange=arrange,
                               reactions={name: cell_edited for name in CELL_NAMES})
    if isinstance(panel, InteractiveFigure):
        panel.presets = extra["presets"]
        panel.presets.observe(lambda change: _apply_preset(panel, change["new"]), names="value")
    return panel


def _apply_preset(panel: InteractiveFigure, preset: str) -> None:
    """Fill the nine boxes with a preset kernel and redraw once."""
    if preset == CUSTOM:
        return
    with panel.hold_redraw():
        for name, value in zip(CELL_NAMES, KERNEL_PRESETS[preset].ravel()):
            panel.controls[name].value = float(value)
