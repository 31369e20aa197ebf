"""The machinery every widget shares: controls above a figure, redrawn whenever a control changes.

Each widget in this package is three small pieces:

1. a plain drawing function, e.g. ``draw_neuron(w1, w2, b, activation) -> Figure``
   (testable without a browser);
2. the starting values of its controls;
3. a function that builds the ipywidgets controls (sliders, dropdowns, ...).

``interactive_figure`` glues them together. With a live front end it returns an
``InteractiveFigure`` widget; without one (plain Python, nbconvert, nbval, or
``DLCOURSE_STATIC_WIDGETS=1``) it returns the starting state as a static matplotlib
``Figure``. Either way, make the widget call the last line of a notebook cell and
Jupyter shows it there (assigning it to a variable shows nothing, as with any widget).

Example:
    >>> import ipywidgets as widgets
    >>> from dlcourse.plots import plot_activation
    >>> panel = interactive_figure(
    ...     lambda name: plot_activation(name),
    ...     initial={"name": "relu"},
    ...     make_controls=lambda: {"name": widgets.Dropdown(options=["relu", "tanh"], value="relu")},
    ...     static=False)
    >>> panel.controls["name"].value = "tanh"      # the figure is redrawn
    >>> panel.redraw_count
    2
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

import ipywidgets as widgets

from dlcourse.widgets.frontend import has_live_frontend, in_ipython, in_kernel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DrawFunction = Callable[..., "Figure"]
Reaction = Callable[["InteractiveFigure", Any], None]


class InteractiveFigure(widgets.VBox):
    """Controls above a matplotlib figure; any control's change calls ``draw(**values)`` again.

    Attributes:
        controls: ``{name: control widget}``; ``draw`` receives their values under these names.
        figure: the figure drawn last (also what the ``Output`` below the controls shows).
        redraw_count: how many times the figure has been drawn.
        last_error: the exception from the last failed drawing, or None.
    """

    def __init__(self, draw: DrawFunction, controls: Mapping[str, widgets.ValueWidget], *,
                 arrange: Callable[[Mapping[str, widgets.Widget]], widgets.Widget] | None = None,
                 reactions: Mapping[str, Reaction] | None = None):
        super().__init__()
        self.draw = draw
        self.controls = dict(controls)
        self.reactions = dict(reactions or {})
        self.output = widgets.Output()
        self.figure: Figure | None = None
        self.redraw_count = 0
        self.last_error: Exception | None = None
        self._held = False
        self._names = {id(control): name for name, control in self.controls.items()}
        controls_box = arrange(self.controls) if arrange else widgets.VBox(list(self.controls.values()))
        self.children = [controls_box, self.output]
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    @contextmanager
    def hold_redraw(self) -> Iterator[None]:
        """Change several controls at once and redraw only once, at the end."""
        if self._held:  # already holding: the outer block redraws
            yield
            return
        self._held = True
        try:
            yield
        finally:
            self._held = False
        self.redraw()

    def redraw(self) -> None:
        """Draw the figure for the current values and show it below the controls."""
        import matplotlib.pyplot as plt

        try:
            figure = self.draw(**self.values())
        except Exception as error:  # in a notebook show the problem instead of a silent widget
            self.last_error = error
            if not in_kernel():
                raise
            self._show(f"Could not draw this setting: {type(error).__name__}: {error}")
            return
        plt.close(figure)  # we show it ourselves; pyplot must not show it a second time
        self.last_error = None
        self.figure = figure
        self.redraw_count += 1
        self._show(figure)

    def _show(self, content: Any) -> None:
        if not in_ipython():  # plain Python: nowhere to show it, and no stray prints
            return
        from IPython.display import display

        self.output.clear_output(wait=True)
        with self.output:
            display(content)

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._held:
            return
        name = self._names.get(id(change["owner"]))
        with self.hold_redraw():
            if name in self.reactions:
                self.reactions[name](self, change["new"])


def static_figure(figure: Figure) -> Figure:
    """A widget's static stand-in: the figure, closed in pyplot so Jupyter shows it once (as the cell result)."""
    import matplotlib.pyplot as plt

    plt.close(figure)
    return figure


def interactive_figure(draw: DrawFunction, initial: Mapping[str, Any],
                       make_controls: Callable[[], Mapping[str, widgets.ValueWidget]], *, static: bool | None = None,
                       arrange: Callable[[Mapping[str, widgets.Widget]], widgets.Widget] | None = None,
                       reactions: Mapping[str, Reaction] | None = None) -> InteractiveFigure | Figure:
    """A live ``InteractiveFigure``, or (no live front end) the static figure ``draw(**initial)``.

    Args:
        draw: makes the figure from the controls' values, passed by name.
        initial: the starting values (what the static figure shows).
        make_controls: builds ``{name: control}``; only called when the widget is live.
        static: force static (True) or live (False); None decides with ``has_live_frontend()``.
        arrange: lays the controls out (default: one under the other).
        reactions: ``{name: f(panel, new_value)}`` run before redrawing when that control
            changes, e.g. to move other controls; they are redrawn once, together.
    """
    if static is None:
        static = not has_live_frontend()
    if static:
        return static_figure(draw(**initial))
    return InteractiveFigure(draw, make_controls(), arrange=arrange, reactions=reactions)
