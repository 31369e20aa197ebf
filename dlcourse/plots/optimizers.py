"""Four optimisers in a few lines of NumPy each, and the path they take on a 2-D surface.

The update rules match Keras' ``SGD``, ``SGD(momentum=0.9)``, ``RMSprop`` and ``Adam``.

Example:
    >>> path = optimizer_path("adam", "rosenbrock", start=(-1.2, 1.0), lr=0.2, steps=100)
    >>> path.shape
    (101, 2)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from dlcourse.plots.landscapes import LossSurface, get_surface

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "rmsprop": "RMSprop", "adam": "Adam"}

#: A path is cut off once a coordinate gets this big: the optimiser has diverged.
DIVERGED = 1e6


class SGD:
    """``params -= lr * grad``."""

    def __init__(self, lr: float):
        self.lr = lr

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return params - self.lr * grad


class Momentum:
    """A velocity that accumulates past gradients: ``v = momentum * v - lr * grad; params += v``."""

    def __init__(self, lr: float, momentum: float = 0.9):
        self.lr, self.momentum, self.velocity = lr, momentum, 0.0

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        self.velocity = self.momentum * self.velocity - self.lr * grad
        return params + self.velocity


class RMSprop:
    """Divide each step by a running root-mean-square of that coordinate's gradients."""

    def __init__(self, lr: float, rho: float = 0.9, epsilon: float = 1e-7):
        self.lr, self.rho, self.epsilon, self.mean_square = lr, rho, epsilon, 0.0

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        self.mean_square = self.rho * self.mean_square + (1 - self.rho) * grad ** 2
        return params - self.lr * grad / (np.sqrt(self.mean_square) + self.epsilon)


class Adam:
    """Momentum (first moment) plus RMSprop (second moment), both bias-corrected."""

    def __init__(self, lr: float, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        self.lr, self.beta_1, self.beta_2, self.epsilon = lr, beta_1, beta_2, epsilon
        self.m, self.v, self.t = 0.0, 0.0, 0

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        self.t += 1
        self.m = self.beta_1 * self.m + (1 - self.beta_1) * grad
        self.v = self.beta_2 * self.v + (1 - self.beta_2) * grad ** 2
        m_hat = self.m / (1 - self.beta_1 ** self.t)
        v_hat = self.v / (1 - self.beta_2 ** self.t)
        return params - self.lr * m_hat / (np.sqrt(v_hat) + self.epsilon)


_CLASSES = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam}


def make_optimizer(name: str, lr: float) -> SGD | Momentum | RMSprop | Adam:
    """A fresh optimiser (no history) by name: ``"sgd"``, ``"momentum"``, ``"rmsprop"`` or ``"adam"``."""
    if name not in _CLASSES:
        raise ValueError(f"name must be one of {list(OPTIMIZERS)}, got {name!r}")
    if not (isinstance(lr, (int, float, np.floating)) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    return _CLASSES[name](float(lr))


def optimizer_path(name: str, fn: str | LossSurface, start: Sequence[float], lr: float, steps: int) -> np.ndarray:
    """The points visited by optimiser ``name`` on surface ``fn``, shape ``(steps + 1, 2)``.

    The first row is ``start``. If the optimiser diverges (a coordinate becomes
    huge or not finite) the path stops there, so it may be shorter.

    Args:
        name: ``"sgd"``, ``"momentum"``, ``"rmsprop"`` or ``"adam"``.
        fn: a surface name (see ``dlcourse.plots.landscapes.SURFACES``) or a ``LossSurface``.
        start: the starting point ``(x, y)``.
        lr: learning rate.
        steps: number of updates.
    """
    surface = get_surface(fn)
    optimizer = make_optimizer(name, lr)
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    params = np.asarray(start, dtype=float)
    if params.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got {start!r}")
    path = [params]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            grad = np.asarray(surface.gradient(*params), dtype=float)
            params = optimizer.step(params, grad)
            if not np.all(np.isfinite(params)) or np.max(np.abs(params)) > DIVERGED:
                break
            path.append(params)
    return np.array(path)
