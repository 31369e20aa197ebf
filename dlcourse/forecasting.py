"""Time-series forecasting helpers: baselines to beat, the error to measure, and level-free windows.

A forecasting model is only worth its training time if it beats the simplest
rules. This module holds those rules and the bookkeeping around them (notebook 07
uses it, the exercises reuse it):

* baselines on windows ``x`` of shape ``(n, input_width)`` or ``(n, input_width, 1)``:
  ``naive_forecast`` (repeat the last value) and ``seasonal_naive_forecast``
  (repeat the value one season earlier);
* ``mae`` (mean absolute error) and ``improvement`` (how much lower one MAE is than
  another, in percent), and ``mae_table`` to compare several forecasts at once;
* ``Standardizer``: zero mean and unit variance with statistics from the training
  split only;
* ``relative_to_last`` / ``add_last``: make windows *level-free* (every value minus
  the window's last value), the trick that lets a network forecast a trending series
  whose level leaves the range it saw in training.

Example:
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]])
    >>> naive_forecast(x, horizon=2).tolist()
    [[4.0, 4.0], [5.0, 5.0]]
    >>> seasonal_naive_forecast(x, season_length=2, horizon=2).tolist()
    [[3.0, 4.0], [4.0, 5.0]]
    >>> round(mae([[5.0, 6.0]], [[4.0, 4.0]]), 2), round(improvement(2.0, 1.5), 1)
    (1.5, 25.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np


def _positive_int(name: str, value: Any) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _windows(x: Any, name: str = "x") -> np.ndarray:
    """Windows as a float array of shape ``(n, input_width)`` (a trailing feature axis of size 1 is dropped)."""
    array = np.asarray(x, dtype=float)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must hold windows of shape (n, input_width) or (n, input_width, 1), "
                         f"got shape {np.shape(x)}")
    return array


def naive_forecast(x: Any, horizon: int = 1) -> np.ndarray:
    """The naive forecast: tomorrow (and every later step) looks like today.

    Args:
        x: input windows, shape ``(n, input_width)`` or ``(n, input_width, 1)``.
        horizon: how many future steps to forecast.

    Returns:
        ``(n, horizon)``: each window's last value, repeated.

    Example:
        >>> naive_forecast(np.array([[1.0, 2.0, 3.0]]), horizon=3).tolist()
        [[3.0, 3.0, 3.0]]
    """
    horizon = _positive_int("horizon", horizon)
    windows = _windows(x)
    return np.repeat(windows[:, -1:], horizon, axis=1)


def seasonal_naive_forecast(x: Any, season_length: int, horizon: int = 1) -> np.ndarray:
    """The seasonal-naive forecast: each future step repeats the value one season (period) earlier.

    Step ``h`` (1-based) of the forecast is the value ``season_length`` steps before it; for
    ``h > season_length`` the last observed season is repeated again.

    Args:
        x: input windows, shape ``(n, input_width)`` or ``(n, input_width, 1)``, with
            ``input_width >= season_length``.
        season_length: the period, e.g. 12 for monthly data with a yearly cycle.
        horizon: how many future steps to forecast.

    Returns:
        ``(n, horizon)``.

    Example:
        >>> seasonal_naive_forecast(np.array([[1.0, 5.0, 2.0, 6.0]]), season_length=2, horizon=3).tolist()
        [[2.0, 6.0, 2.0]]
    """
    season_length = _positive_int("season_length", season_length)
    horizon = _positive_int("horizon", horizon)
    windows = _windows(x)
    if windows.shape[1] < season_length:
        raise ValueError(f"season_length: the windows hold {windows.shape[1]} steps, fewer than one season "
                         f"({season_length}); use input_width >= season_length")
    last_season = windows[:, -season_length:]
    return last_season[:, np.arange(horizon) % season_length]


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error over every window and every step of the horizon.

    Example:
        >>> mae([1.0, 2.0, 3.0], [1.5, 2.0, 2.0])
        0.5
    """
    truth, prediction = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if truth.shape != prediction.shape:
        squeezed = (np.squeeze(truth), np.squeeze(prediction))
        if squeezed[0].shape != squeezed[1].shape:
            raise ValueError(f"y_pred must have the shape of y_true {truth.shape}, got {prediction.shape}")
        truth, prediction = squeezed
    if truth.size == 0:
        raise ValueError("y_true must not be empty")
    return float(np.mean(np.abs(truth - prediction)))


def improvement(baseline: float, model: float) -> float:
    """How much lower ``model``'s error is than ``baseline``'s, in percent (negative: the model is worse).

    Example:
        >>> improvement(baseline=2.0, model=1.5)
        25.0
    """
    if not np.isfinite(baseline) or baseline <= 0:
        raise ValueError(f"baseline must be a positive error, got {baseline!r}")
    if not np.isfinite(model) or model < 0:
        raise ValueError(f"model must be a non-negative error, got {model!r}")
    return float(100.0 * (baseline - model) / baseline)


def mae_table(maes: Mapping[str, float], baselines: Sequence[str]) -> Any:
    """A pandas table of MAEs, best first, with each forecast's improvement over the best baseline.

    Args:
        maes: ``{forecast name: MAE}``.
        baselines: the names in ``maes`` that are baselines; the lowest of their MAEs is the reference.

    Example:
        >>> table = mae_table({"naive": 2.0, "seasonal naive": 1.0, "LSTM": 0.5}, ["naive", "seasonal naive"])
        >>> float(table.loc["LSTM", "improvement over best baseline (%)"])
        50.0
    """
    import pandas as pd

    if not maes:
        raise ValueError("maes must hold at least one forecast")
    missing = [name for name in baselines if name not in maes]
    if not baselines or missing:
        raise ValueError(f"baselines must name forecasts in maes; missing: {missing or 'none given'}")
    best = min(float(maes[name]) for name in baselines)
    rows = {name: {"MAE": float(value), "improvement over best baseline (%)": round(improvement(best, value), 1)}
            for name, value in maes.items()}
    table = pd.DataFrame.from_dict(rows, orient="index").sort_values("MAE")
    table.index.name = "forecast"
    return table


@dataclass(frozen=True)
class Standardizer:
    """Zero mean, unit variance, with the mean and standard deviation of the *training* data.

    Using statistics of the validation or test data would let information from the
    future leak into the model.

    Example:
        >>> scaler = Standardizer.fit(np.array([1.0, 2.0, 3.0]))
        >>> [round(float(v), 3) for v in scaler.transform(np.array([2.0, 4.0]))]
        [0.0, 2.449]
        >>> scaler.inverse(scaler.transform(np.array([7.0]))).round(4).tolist()
        [7.0]
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, values: Any) -> "Standardizer":
        """Take the statistics of ``values`` (the training data)."""
        array = np.asarray(values, dtype=float)
        if array.size < 2 or not np.all(np.isfinite(array)):
            raise ValueError("values must hold at least two finite numbers")
        std = float(array.std())
        if std == 0.0:
            raise ValueError("values are all equal, so their standard deviation is 0 and cannot scale anything")
        return cls(mean=float(array.mean()), std=std)

    def transform(self, values: Any) -> np.ndarray:
        """``(values - mean) / std`` as float32."""
        return ((np.asarray(values, dtype=float) - self.mean) / self.std).astype("float32")

    def inverse(self, values: Any) -> np.ndarray:
        """Back to the original units: ``values * std + mean``."""
        return np.asarray(values, dtype=float) * self.std + self.mean

    def scale(self, differences: Any) -> np.ndarray:
        """Differences (no mean to remove) in standard deviations: ``differences / std`` as float32."""
        return (np.asarray(differences, dtype=float) / self.std).astype("float32")

    def unscale(self, differences: Any) -> np.ndarray:
        """Differences back in the original units: ``differences * std``."""
        return np.asarray(differences, dtype=float) * self.std


def relative_to_last(x: Any, y: Any = None) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Level-free windows: subtract each window's last input value from its inputs (and targets).

    A model fed ``x - last`` and trained to predict ``y - last`` only sees the *shape* of
    the recent past and forecasts *changes*, so it works the same at any level of a
    trending series. Undo it with :func:`add_last`.

    Args:
        x: input windows ``(n, input_width)`` or ``(n, input_width, 1)``.
        y: target windows ``(n, horizon)`` or None.

    Returns:
        ``(x_relative, y_relative or None, last)`` with ``last`` of shape ``(n, 1)``; ``x_relative``
        keeps the shape of ``x``.

    Example:
        >>> x_rel, y_rel, last = relative_to_last(np.array([[1.0, 3.0]]), np.array([[4.0, 6.0]]))
        >>> x_rel.tolist(), y_rel.tolist(), last.tolist()
        ([[-2.0, 0.0]], [[1.0, 3.0]], [[3.0]])
    """
    x_array = np.asarray(x, dtype=float)
    last = _windows(x_array)[:, -1:]
    x_relative = x_array - (last[:, :, None] if x_array.ndim == 3 else last)
    if y is None:
        return x_relative, None, last
    y_array = np.asarray(y, dtype=float)
    if y_array.ndim != 2 or len(y_array) != len(last):
        raise ValueError(f"y must have shape (n, horizon) with n = {len(last)} windows, got {y_array.shape}")
    return x_relative, y_array - last, last


def add_last(y_relative: Any, last: Any) -> np.ndarray:
    """Undo :func:`relative_to_last` for forecasts: add each window's last value back.

    Example:
        >>> add_last(np.array([[1.0, 3.0]]), np.array([[3.0]])).tolist()
        [[4.0, 6.0]]
    """
    y_array, last_array = np.asarray(y_relative, dtype=float), np.asarray(last, dtype=float).reshape(-1, 1)
    if y_array.ndim != 2 or len(y_array) != len(last_array):
        raise ValueError(f"last must hold one value per forecast ({len(y_array)}), got shape {np.shape(last)}")
    return y_array + last_array
