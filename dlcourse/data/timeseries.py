"""Real time series for forecasting, from data sets that statsmodels ships (no download needed).

Splits are chronological (train, then validation, then test): shuffling a time
series before splitting would leak the future into training.
"""

from __future__ import annotations

import numpy as np

from dlcourse.data.registry import RawData, register
from dlcourse.data.splits import Split


def chronological_split(times: np.ndarray, values: np.ndarray, val_fraction: float = 0.15,
                        test_fraction: float = 0.15) -> tuple[Split, Split, Split]:
    """Cut a series into consecutive train / validation / test parts."""
    n = len(values)
    n_test, n_val = int(round(n * test_fraction)), int(round(n * val_fraction))
    a, b = n - n_val - n_test, n - n_test
    return Split(times[:a], values[:a]), Split(times[a:b], values[a:b]), Split(times[b:], values[b:])


@register("co2", kind="timeseries", stratify=False,
          description="Monthly mean atmospheric CO2 at Mauna Loa, 1958-2001 (ppm): trend plus a yearly cycle",
          source="statsmodels.datasets.co2 (NOAA / Scripps)")
def read_co2(seed: int, frequency: str = "MS") -> RawData:
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"].interpolate()
    series = weekly.resample(frequency).mean().dropna() if frequency != "W" else weekly
    times = series.index.values.astype("datetime64[D]")
    train, val, test = chronological_split(times, series.to_numpy(dtype=np.float32))
    season = {"MS": 12, "M": 12, "W": 52}.get(frequency)
    return RawData(train, test, val=val, info={"units": "ppm", "frequency": frequency, "season_length": season})


@register("sunspots", kind="timeseries", stratify=False,
          description="Yearly mean sunspot numbers, 1700-2008: a noisy cycle of about 11 years",
          source="statsmodels.datasets.sunspots (SIDC)")
def read_sunspots(seed: int) -> RawData:
    from statsmodels.datasets import sunspots

    frame = sunspots.load_pandas().data
    times = np.asarray([np.datetime64(f"{int(year)}-01-01") for year in frame["YEAR"]])
    train, val, test = chronological_split(times, frame["SUNACTIVITY"].to_numpy(dtype=np.float32))
    return RawData(train, test, val=val, info={"units": "sunspot number", "frequency": "yearly",
                                               "season_length": 11})
