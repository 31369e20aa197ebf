"""dlcourse.forecasting: baselines forecast what they promise, errors and scaling are exact, bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.forecasting import (Standardizer, add_last, improvement, mae, mae_table, naive_forecast,
                                  relative_to_last, seasonal_naive_forecast)
from dlcourse.pipelines import make_windows

SEASONAL = np.tile([1.0, 5.0, 2.0, 8.0], 6)  # a pure cycle of length 4


def test_naive_forecast_repeats_the_last_value_for_every_window_shape():
    x, _ = make_windows(np.arange(10.0), input_width=3, horizon=2)
    forecast = naive_forecast(x, horizon=2)
    assert forecast.shape == (len(x), 2)
    np.testing.assert_array_equal(forecast[:, 0], x[:, -1, 0])
    np.testing.assert_array_equal(forecast[:, 1], x[:, -1, 0])
    np.testing.assert_array_equal(naive_forecast(x[..., 0], horizon=2), forecast)  # (n, width) works too


def test_naive_forecast_is_perfect_on_a_constant_and_off_by_the_slope_on_a_line():
    x, y = make_windows(np.full(20, 3.5), input_width=4, horizon=3)
    assert mae(y, naive_forecast(x, horizon=3)) == 0.0
    x, y = make_windows(2.0 * np.arange(30.0), input_width=4, horizon=3)
    np.testing.assert_allclose(y - naive_forecast(x, horizon=3), np.tile([2.0, 4.0, 6.0], (len(x), 1)))


def test_seasonal_naive_is_perfect_on_a_pure_cycle_even_beyond_one_season():
    x, y = make_windows(SEASONAL, input_width=8, horizon=6)
    forecast = seasonal_naive_forecast(x, season_length=4, horizon=6)
    assert forecast.shape == y.shape
    np.testing.assert_array_equal(forecast, y)
    assert mae(y, naive_forecast(x, horizon=6)) > 1.0  # the naive forecast misses the cycle


def test_seasonal_naive_takes_the_value_one_season_before_each_step():
    x = np.array([[10.0, 11.0, 12.0, 13.0, 14.0]])
    np.testing.assert_array_equal(seasonal_naive_forecast(x, season_length=3, horizon=4), [[12.0, 13.0, 14.0, 12.0]])
    np.testing.assert_array_equal(seasonal_naive_forecast(x, season_length=1, horizon=2), [[14.0, 14.0]])


@pytest.mark.parametrize("call, word", [
    (lambda: naive_forecast(np.zeros((2, 3)), horizon=0), "horizon"),
    (lambda: naive_forecast(np.zeros(5), horizon=1), "x"),
    (lambda: naive_forecast(np.zeros((2, 3, 2)), horizon=1), "x"),
    (lambda: seasonal_naive_forecast(np.zeros((2, 3)), season_length=4), "season_length"),
    (lambda: seasonal_naive_forecast(np.zeros((2, 3)), season_length=2.0), "season_length"),
    (lambda: seasonal_naive_forecast(np.zeros((2, 6)), season_length=2, horizon=-1), "horizon"),
])
def test_baselines_reject_bad_arguments(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_mae_and_improvement():
    assert mae([1.0, 2.0, 3.0], [2.0, 2.0, 1.0]) == pytest.approx(1.0)
    assert mae(np.ones((4, 1)), np.zeros(4)) == 1.0  # (n, 1) against (n,) is fine
    assert improvement(2.0, 1.5) == pytest.approx(25.0)
    assert improvement(1.0, 1.2) == pytest.approx(-20.0)
    with pytest.raises(ValueError, match="y_pred"):
        mae(np.zeros((3, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="y_true"):
        mae([], [])
    with pytest.raises(ValueError, match="baseline"):
        improvement(0.0, 1.0)
    with pytest.raises(ValueError, match="model"):
        improvement(1.0, float("nan"))


def test_mae_table_sorts_and_measures_against_the_best_baseline():
    table = mae_table({"naive": 2.0, "seasonal naive": 1.0, "GRU": 0.6}, baselines=["naive", "seasonal naive"])
    assert list(table.index) == ["GRU", "seasonal naive", "naive"]
    assert table.loc["GRU", "improvement over best baseline (%)"] == pytest.approx(40.0)
    assert table.loc["naive", "improvement over best baseline (%)"] == pytest.approx(-100.0)
    with pytest.raises(ValueError, match="baselines"):
        mae_table({"GRU": 1.0}, baselines=["naive"])
    with pytest.raises(ValueError, match="maes"):
        mae_table({}, baselines=["naive"])


def test_standardizer_uses_the_training_statistics_and_inverts_exactly():
    train = np.array([2.0, 4.0, 6.0, 8.0])
    scaler = Standardizer.fit(train)
    assert scaler.mean == pytest.approx(5.0) and scaler.std == pytest.approx(np.std(train))
    scaled = scaler.transform(train)
    assert scaled.dtype == np.float32
    assert abs(float(scaled.mean())) < 1e-6 and float(scaled.std()) == pytest.approx(1.0, rel=1e-5)
    future = np.array([10.0, 12.0])  # other data is scaled with the training statistics, not its own
    np.testing.assert_allclose(scaler.transform(future), (future - 5.0) / np.std(train), rtol=1e-6)
    np.testing.assert_allclose(scaler.inverse(scaler.transform(future)), future, rtol=1e-6)
    np.testing.assert_allclose(scaler.unscale(scaler.scale([1.0, -2.0])), [1.0, -2.0], rtol=1e-6)
    with pytest.raises(ValueError, match="values"):
        Standardizer.fit(np.ones(5))
    with pytest.raises(ValueError, match="values"):
        Standardizer.fit([1.0, np.nan])


def test_relative_windows_are_level_free_and_round_trip():
    series = np.sin(np.arange(40) / 3.0)
    x, y = make_windows(series, input_width=6, horizon=2)
    x_rel, y_rel, last = relative_to_last(x, y)
    shifted = relative_to_last(x.astype(float) + 100.0, y.astype(float) + 100.0)  # the same shape, higher ...
    np.testing.assert_allclose(shifted[0], x_rel, atol=1e-9)  # ... gives the same model input
    np.testing.assert_allclose(shifted[1], y_rel, atol=1e-9)
    assert x_rel.shape == x.shape and np.all(x_rel[:, -1] == 0.0)
    np.testing.assert_allclose(add_last(y_rel, last), y, rtol=1e-6)
    x_only, y_none, _ = relative_to_last(x[..., 0])
    assert y_none is None and x_only.shape == (len(x), 6)
    with pytest.raises(ValueError, match="y"):
        relative_to_last(x, y[:-1])
    with pytest.raises(ValueError, match="last"):
        add_last(y_rel, last[:-1])
