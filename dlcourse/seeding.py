"""Seeding: one call makes Python, NumPy and Keras (and its backend) reproducible."""

from __future__ import annotations

import os
import random

import numpy as np


def seed(n: int = 42) -> int:
    """Seed Python's ``random``, NumPy and Keras' backend with ``n`` and return ``n``.

    Keras is seeded only if it can be imported, so this is safe to call before
    anything else. Results on a CPU are then repeatable from run to run; some GPU
    kernels remain non-deterministic.

    Example:
        >>> seed(0)
        0
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"seed: n must be a non-negative integer, got {n!r}")
    n = int(n)
    os.environ["PYTHONHASHSEED"] = str(n)
    random.seed(n)
    np.random.seed(n)
    try:
        import keras
    except ImportError:  # pragma: no cover - keras is a dependency
        return n
    keras.utils.set_random_seed(n)
    return n
