"""Small synthetic 2-D data sets for first lessons: spirals, moons, Gaussian mixtures and XOR.

Each ``make_*`` function is plain NumPy and seeded; the registered loaders split
its output into stratified train / validation / test sets.

Example:
    >>> x, y = make_xor(200, seed=0)
    >>> x.shape, sorted(set(y.tolist()))
    ((200, 2), [0, 1])
"""

from __future__ import annotations

import numpy as np

from dlcourse.data.registry import RawData, register
from dlcourse.data.splits import Split, stratified_split, take


def _check(n_samples: int, noise: float) -> None:
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 10:
        raise ValueError(f"n_samples must be an integer >= 10, got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")


def make_spirals(n_samples: int = 1000, classes: int = 2, noise: float = 0.2, turns: float = 1.5,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: not separable by any straight line."""
    _check(n_samples, noise)
    if not isinstance(classes, (int, np.integer)) or classes < 2:
        raise ValueError(f"classes must be an integer >= 2, got {classes!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % classes
    t = rng.uniform(0.05, 1.0, n_samples)
    angle = t * turns * 2 * np.pi + y * 2 * np.pi / classes
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) * 3
    x += rng.normal(0, noise * 0.3, x.shape)
    return x.astype(np.float32), y.astype(np.int64)


def make_moons(n_samples: int = 1000, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles."""
    _check(n_samples, noise)
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    t = rng.uniform(0, np.pi, n_samples)
    x = np.where(y[:, None] == 0, np.stack([np.cos(t), np.sin(t)], 1),
                 np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1))
    x += rng.normal(0, noise, x.shape)
    return x.astype(np.float32), y.astype(np.int64)


def make_gaussians(n_samples: int = 1000, centers: int = 3, spread: float = 1.0, seed: int = 0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """A mixture of Gaussian blobs, one class per blob, centres evenly spaced on a circle."""
    _check(n_samples, spread)
    if not isinstance(centers, (int, np.integer)) or centers < 2:
        raise ValueError(f"centers must be an integer >= 2, got {centers!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % centers
    angles = 2 * np.pi * np.arange(centers) / centers
    means = 4 * np.stack([np.cos(angles), np.sin(angles)], 1)
    x = means[y] + rng.normal(0, spread, (n_samples, 2))
    return x.astype(np.float32), y.astype(np.int64)


def make_xor(n_samples: int = 1000, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in the four quadrants; the label is 1 where x1 and x2 have opposite signs (XOR)."""
    _check(n_samples, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n_samples, 2))
    y = (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(np.int64)
    x += rng.normal(0, noise, x.shape)
    return x.astype(np.float32), y


def _split(x: np.ndarray, y: np.ndarray, seed: int, classes: int) -> RawData:
    keep, test = stratified_split(y, 0.2, seed=seed)
    return RawData(take(Split(x, y), keep), take(Split(x, y), test),
                   class_names=[f"class {c}" for c in range(classes)])


@register("spirals", kind="toy", description="Interleaved 2-D spirals (not linearly separable)")
def read_spirals(seed: int, n_samples: int = 1000, classes: int = 2, noise: float = 0.2) -> RawData:
    return _split(*make_spirals(n_samples, classes=classes, noise=noise, seed=seed), seed=seed, classes=classes)


@register("moons", kind="toy", description="Two interleaving 2-D half circles")
def read_moons(seed: int, n_samples: int = 1000, noise: float = 0.2) -> RawData:
    return _split(*make_moons(n_samples, noise=noise, seed=seed), seed=seed, classes=2)


@register("gaussians", kind="toy", description="A mixture of 2-D Gaussian blobs, one class per blob")
def read_gaussians(seed: int, n_samples: int = 1000, centers: int = 3, spread: float = 1.0) -> RawData:
    return _split(*make_gaussians(n_samples, centers=centers, spread=spread, seed=seed), seed=seed, classes=centers)


@register("xor", kind="toy", description="The XOR problem with noise: the classic non-linear task")
def read_xor(seed: int, n_samples: int = 1000, noise: float = 0.1) -> RawData:
    return _split(*make_xor(n_samples, noise=noise, seed=seed), seed=seed, classes=2)
