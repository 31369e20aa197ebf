"""Small synthetic data sets for the exercises (fast to make, so grading stays fast)."""

from __future__ import annotations

import numpy as np


def make_bars(n: int, seed: int = 0, size: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """``n`` noisy ``size``×``size`` images of a horizontal (0), vertical (1) or diagonal (2) bar.

    Example:
        >>> x, y = make_bars(6)
        >>> x.shape, y.shape
        ((6, 12, 12, 1), (6,))
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = rng.normal(0.0, 0.3, size=(n, size, size)).astype("float32")
    for i, label in enumerate(y):
        offset = rng.integers(0, size)
        length = rng.integers(size // 2, size + 1)
        start = rng.integers(0, size - length + 1)
        span = np.arange(start, start + length)
        if label == 0:
            x[i, offset, span] += 1.0
        elif label == 1:
            x[i, span, offset] += 1.0
        else:
            column = rng.integers(0, size - length + 1)
            x[i, span, np.arange(column, column + length)] += 1.0
    return x[..., None], y.astype("int64")
