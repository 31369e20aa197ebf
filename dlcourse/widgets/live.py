"""A Keras callback that draws the training curves while ``fit`` runs.

In a live notebook the same figure is updated in place after every ``every``
epochs, under a one-line progress text (``Epoch 3/10 · loss 0.3121 · val_loss ...``;
see ``status()``), so ``fit(..., verbose=0)`` still shows where training is. Without
a live front end (plain Python, nbconvert, nbval) it draws the finished curves once,
when training ends. Either way ``self.history`` holds the numbers and ``self.figure``
the last figure.

Example:
    >>> live = LiveTrainingPlot(metrics=("loss", "accuracy"))
    >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[live], verbose=0)   # doctest: +SKIP
    >>> live.history["val_loss"]                                                        # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import keras

from dlcourse.plots.history import VALIDATION_PREFIX, plot_history
from dlcourse.widgets.frontend import has_live_frontend, in_ipython

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class LiveTrainingPlot(keras.callbacks.Callback):
    """Redraw loss and metrics (training and validation) during ``model.fit``.

    Args:
        metrics: the metrics to draw, one panel each (their ``val_`` twins are added automatically).
        every: redraw after every ``every`` epochs (live front end only).
        live: force live updating (True) or one final figure (False); None asks ``has_live_frontend()``.

    Attributes:
        history: ``{"loss": [...], "val_loss": [...], ...}``, one value per finished epoch.
        epochs: the finished epochs, counting from 1.
        figure: the figure drawn last (None before the first drawing).
        redraw_count: how many times the curves were drawn.
    """

    def __init__(self, metrics: str | Sequence[str] = ("loss",), every: int = 1, live: bool | None = None):
        super().__init__()
        metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
        if not metrics or not all(isinstance(m, str) and m for m in metrics):
            raise ValueError(f"metrics must be one or more metric names, got {metrics!r}")
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self.metrics = metrics
        self.every = every
        self.live = live
        self.history: dict[str, list[float]] = {}
        self.epochs: list[int] = []
        self.figure: Figure | None = None
        self.redraw_count = 0
        self._updating_live = False
        self._drawn_epoch = 0
        self._display_handle: Any = None
        self._status_handle: Any = None

    def status(self) -> str:
        """The latest epoch in one line, e.g. ``Epoch 3/10 · loss 0.3121 · val_loss 0.3410`` ("" before any)."""
        if not self.epochs:
            return ""
        total = (self.params or {}).get("epochs") or "?"
        numbers = " · ".join(f"{key} {values[-1]:.4f}" for key, values in self.history.items())
        return f"Epoch {self.epochs[-1]}/{total} · {numbers}"

    # --- Keras hooks -------------------------------------------------------------------------------

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.history = {}
        self.epochs = []
        self._display_handle = self._status_handle = None
        self._drawn_epoch = 0
        self._updating_live = has_live_frontend() if self.live is None else bool(self.live)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        missing = [m for m in self.metrics if m not in logs]
        if missing:
            raise ValueError(f"metrics: {missing} not in the training logs; available: {sorted(logs)} "
                             "(compile the model with these metrics)")
        self.epochs.append(epoch + 1)
        for metric in self.metrics:
            for key in (metric, VALIDATION_PREFIX + metric):
                if key in logs:
                    self.history.setdefault(key, []).append(float(logs[key]))
        if self._updating_live and len(self.epochs) % self.every == 0:
            self._draw_live()

    def on_train_end(self, logs: dict | None = None) -> None:
        if not self.epochs:
            return
        if self._updating_live:
            if self._drawn_epoch != self.epochs[-1]:  # the last epochs were not a multiple of `every`
                self._draw_live()
            return
        self.figure = plot_history(self.history, list(self.metrics), best="auto")
        self.redraw_count += 1
        if in_ipython():  # executed notebook: show it in the cell's output, once
            import matplotlib.pyplot as plt
            from IPython.display import display

            display(self.figure)
            plt.close(self.figure)

    # --- drawing ----------------------------------------------------------------------------------

    def _draw_live(self) -> None:
        """Draw on a figure outside pyplot (so Jupyter never shows it twice) and update the display in place."""
        from matplotlib.figure import Figure

        figure = Figure(figsize=(5.0 * len(self.metrics), 3.6), layout="constrained")
        axes = figure.subplots(1, len(self.metrics), squeeze=False)[0]
        plot_history(self.history, list(self.metrics), best="auto", ax=list(axes),
                     title=f"epoch {self.epochs[-1]}")
        self.figure = figure
        self.redraw_count += 1
        self._drawn_epoch = self.epochs[-1]
        if not in_ipython():
            return
        from IPython.display import display

        status = {"text/plain": self.status()}
        if self._display_handle is None:
            self._status_handle = display(status, raw=True, display_id=True)
            self._display_handle = display(figure, display_id=True)
        else:
            self._status_handle.update(status, raw=True)
            self._display_handle.update(figure)
