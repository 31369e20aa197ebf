"""Classic 2-D test functions for optimisers, each with its gradient.

* ``rosenbrock``: a long, curved, flat-bottomed valley; minimum 0 at (1, 1).
* ``beale``: sharp ridges and flat plateaus; minimum 0 at (3, 0.5).
* ``saddle``: ``x**2 - y**2``; no minimum, a saddle point at (0, 0).
* ``bowl``: an elongated bowl ``0.1 x**2 + y**2``; minimum 0 at (0, 0). Plain SGD zig-zags across it.

Example:
    >>> rosenbrock(1.0, 1.0)
    0.0
    >>> get_surface("bowl").gradient(1.0, 1.0)
    (0.2, 2.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Function2D = Callable[[np.ndarray, np.ndarray], np.ndarray]
Gradient2D = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def rosenbrock(x, y):
    """``(1 - x)**2 + 100 (y - x**2)**2``."""
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def rosenbrock_gradient(x, y):
    """``(df/dx, df/dy)`` of ``rosenbrock``."""
    return -2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)


def beale(x, y):
    """``(1.5 - x + xy)**2 + (2.25 - x + xy**2)**2 + (2.625 - x + xy**3)**2``."""
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def beale_gradient(x, y):
    """``(df/dx, df/dy)`` of ``beale``."""
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    d_dx = 2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1)
    d_dy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2
    return d_dx, d_dy


def saddle(x, y):
    """``x**2 - y**2``: downhill along y, uphill along x."""
    return x ** 2 - y ** 2


def saddle_gradient(x, y):
    """``(2x, -2y)``."""
    return 2 * x, -2 * y


def bowl(x, y):
    """``0.1 x**2 + y**2``: ten times steeper along y than along x."""
    return 0.1 * x ** 2 + y ** 2


def bowl_gradient(x, y):
    """``(0.2 x, 2 y)``."""
    return 0.2 * x, 2 * y


@dataclass(frozen=True)
class LossSurface:
    """A 2-D loss function, its gradient and sensible defaults for drawing and optimising it.

    ``learning_rates`` and ``steps`` are defaults tuned so every optimiser makes visible progress.
    """

    name: str
    function: Function2D
    gradient: Gradient2D
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    minimum: tuple[float, float] | None
    learning_rates: dict[str, float] = field(default_factory=dict)
    steps: int = 200
    log_levels: bool = False

    def __call__(self, x, y):
        return self.function(x, y)


SURFACES: dict[str, LossSurface] = {
    surface.name: surface
    for surface in (
        LossSurface("rosenbrock", rosenbrock, rosenbrock_gradient, (-2.0, 2.0), (-1.0, 3.0), start=(-1.2, 1.0),
                    minimum=(1.0, 1.0), log_levels=True, steps=1000,
                    learning_rates={"sgd": 2e-3, "momentum": 5e-4, "rmsprop": 3e-2, "adam": 0.2}),
        LossSurface("beale", beale, beale_gradient, (-4.5, 4.5), (-4.5, 4.5), start=(1.0, 1.5),
                    minimum=(3.0, 0.5), log_levels=True, steps=300,
                    learning_rates={"sgd": 3e-3, "momentum": 3e-4, "rmsprop": 3e-2, "adam": 0.1}),
        LossSurface("saddle", saddle, saddle_gradient, (-2.0, 2.0), (-2.0, 2.0), start=(-1.8, 0.01),
                    minimum=None, steps=60,
                    learning_rates={"sgd": 5e-2, "momentum": 1e-2, "rmsprop": 1e-2, "adam": 5e-2}),
        LossSurface("bowl", bowl, bowl_gradient, (-3.0, 3.0), (-2.0, 2.0), start=(-2.8, 1.5),
                    minimum=(0.0, 0.0), steps=60,
                    learning_rates={"sgd": 0.9, "momentum": 0.1, "rmsprop": 0.05, "adam": 0.1}),
    )
}


def get_surface(surface: str | LossSurface) -> LossSurface:
    """A ``LossSurface`` by name (``"rosenbrock"``, ``"beale"``, ``"saddle"``, ``"bowl"``), or the one given."""
    if isinstance(surface, LossSurface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {sorted(SURFACES)}, got {surface!r}")
    return SURFACES[surface]
