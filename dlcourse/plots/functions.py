"""Activation functions and their derivatives in plain NumPy.

One home for the maths that the plots (``plot_activation``) and the widgets
(neuron playground, activation explorer, sampling-temperature explorer) share.
Every function takes and returns NumPy arrays and is numerically stable: no
overflow warnings for inputs like ``-1000`` or ``1000``.

Example:
    >>> import numpy as np
    >>> sigmoid(np.array([0.0]))
    array([0.5])
    >>> get_activation("relu").derivative(np.array([-1.0, 2.0]))
    array([0., 1.])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

ArrayFunction = Callable[[np.ndarray], np.ndarray]


# --- the functions ------------------------------------------------------------------------------

def linear(x: np.ndarray) -> np.ndarray:
    """Identity: ``f(x) = x``."""
    return np.asarray(x, dtype=float).copy()


def linear_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of ``linear``: 1 everywhere."""
    return np.ones_like(np.asarray(x, dtype=float))


def step(x: np.ndarray) -> np.ndarray:
    """Heaviside step (the perceptron's activation): 1 where ``x >= 0``, else 0."""
    return (np.asarray(x, dtype=float) >= 0).astype(float)


def step_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of ``step``: 0 everywhere (undefined at 0), which is why it cannot be trained by gradients."""
    return np.zeros_like(np.asarray(x, dtype=float))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow for large ``|x|``."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # always in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x: np.ndarray) -> np.ndarray:
    """``sigmoid(x) * (1 - sigmoid(x))``: at most 0.25, which is what makes deep sigmoid nets' gradients vanish."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, output in (-1, 1)."""
    return np.tanh(np.asarray(x, dtype=float))


def tanh_derivative(x: np.ndarray) -> np.ndarray:
    """``1 - tanh(x)**2``: at most 1, at x = 0."""
    return 1.0 - np.tanh(np.asarray(x, dtype=float)) ** 2


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(0, x)``."""
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def relu_derivative(x: np.ndarray) -> np.ndarray:
    """1 where ``x > 0``, else 0 (we take 0 at exactly 0, as Keras does)."""
    return (np.asarray(x, dtype=float) > 0).astype(float)


def leaky_relu(x: np.ndarray, alpha: float = 0.1) -> np.ndarray:
    """``x`` for positive inputs, ``alpha * x`` for negative ones, so the gradient never dies completely."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_derivative(x: np.ndarray, alpha: float = 0.1) -> np.ndarray:
    """1 where ``x > 0``, else ``alpha``."""
    return np.where(np.asarray(x, dtype=float) > 0, 1.0, alpha)


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: ``x`` for positive inputs, ``alpha * (exp(x) - 1)`` for negative ones."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_derivative(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """1 where ``x > 0``, else ``alpha * exp(x)``."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def softplus(x: np.ndarray) -> np.ndarray:
    """Smooth ReLU ``log(1 + exp(x))``, computed as ``logaddexp(0, x)`` to avoid overflow."""
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


def softplus_derivative(x: np.ndarray) -> np.ndarray:
    """The derivative of softplus is the sigmoid."""
    return sigmoid(x)


def softmax(logits: np.ndarray, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    """Probabilities from logits: ``exp(z / T) / sum(exp(z / T))``.

    Subtracting the maximum first keeps ``exp`` from overflowing. A low
    ``temperature`` sharpens the distribution, a high one flattens it.

    Example:
        >>> softmax(np.array([1.0, 1.0]))
        array([0.5, 0.5])
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature!r}")
    z = np.asarray(logits, dtype=float) / temperature
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_jacobian(logits: np.ndarray) -> np.ndarray:
    """Derivative of softmax for one logits vector: ``J[i, j] = p_i * (delta_ij - p_j)``."""
    logits = np.asarray(logits, dtype=float)
    if logits.ndim != 1:
        raise ValueError(f"logits must be a 1-D vector, got shape {logits.shape}")
    p = softmax(logits)
    return np.diag(p) - np.outer(p, p)


# --- a registry, so plots and widgets can offer "pick an activation by name" ---------------------

@dataclass(frozen=True)
class Activation:
    """An element-wise activation function together with its derivative."""

    name: str
    function: ArrayFunction
    derivative: ArrayFunction

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.function(x)


ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in (
        Activation("sigmoid", sigmoid, sigmoid_derivative),
        Activation("tanh", tanh, tanh_derivative),
        Activation("relu", relu, relu_derivative),
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
        Activation("elu", elu, elu_derivative),
        Activation("softplus", softplus, softplus_derivative),
        Activation("linear", linear, linear_derivative),
        Activation("step", step, step_derivative),
    )
}


def get_activation(name: str) -> Activation:
    """Look an activation up by name (see ``ACTIVATIONS``); raises ``ValueError`` for unknown names.

    Example:
        >>> get_activation("tanh").derivative(np.array([0.0]))
        array([1.])
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]
