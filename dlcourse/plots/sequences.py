"""Time-series forecasts against the truth, with the past the model saw before them.

Example:
    >>> import numpy as np
    >>> past = np.sin(np.arange(50) / 5)
    >>> truth = np.sin(np.arange(50, 60) / 5)
    >>> fig = plot_forecast(truth, truth + 0.1, past=past)
    >>> fig = plot_forecast(truth, {"naive": np.full(10, past[-1]), "model": truth + 0.1}, past=past)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from dlcourse.plots.canvas import figure_and_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_forecast(y_true: Any, y_pred: Any | Mapping[str, Any], *, past: Any = None, time: Any = None,
                  ax: Axes | None = None, title: str = "Forecast vs truth", ylabel: str = "value") -> Figure:
    """The past (if given), the true future and one or more forecasts of it.

    Args:
        y_true: the true values over the forecast horizon, 1-D.
        y_pred: the forecast (same length), or ``{name: forecast}`` to compare several.
        past: values before the horizon (drawn in grey).
        time: x-values for ``past`` followed by the horizon (default: step numbers).
    """
    truth = _series(y_true, "y_true")
    forecasts = y_pred if isinstance(y_pred, Mapping) else {"forecast": y_pred}
    if not forecasts:
        raise ValueError("y_pred must hold at least one forecast")
    history = _series(past, "past") if past is not None else np.empty(0)
    n_past, horizon = len(history), len(truth)
    steps = np.arange(n_past + horizon) if time is None else np.asarray(time)
    if steps.shape != (n_past + horizon,):
        raise ValueError(f"time must have one value per step of past + horizon ({n_past + horizon}), "
                         f"got shape {steps.shape}")

    fig, ax = figure_and_axes(ax, figsize=(8.0, 3.8))
    if n_past:
        ax.plot(steps[:n_past], history, color="gray", label="past")
    ax.plot(steps[n_past:], truth, color="black", linewidth=2, marker="o", markersize=3, label="truth")
    for name, forecast in forecasts.items():
        values = _series(forecast, f"y_pred[{name!r}]" if isinstance(y_pred, Mapping) else "y_pred")
        if len(values) != horizon:
            raise ValueError(f"y_pred must have the same length as y_true ({horizon}), got {len(values)}")
        ax.plot(steps[n_past:], values, "--", marker="x", markersize=4, label=str(name))
    if n_past:
        ax.axvline(steps[n_past - 1], color="gray", linestyle=":", linewidth=1)
    ax.set_xlabel("time")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return fig


def _series(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D series, got shape {array.shape}")
    return array
