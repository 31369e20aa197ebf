"""Questions of notebook 02 (losses, gradient descent, backpropagation): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close, require
from dlcourse.exercises.questions import Question


def _mse(f):
    f = callable_answer(f, "mse")
    expect_close(f(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])), 4 / 3, "mse([1, 2, 3], [1, 2, 5])")
    return ""


def _cross_entropy(f):
    f = callable_answer(f, "cross_entropy")
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    expect_close(f(y, np.array([[0.2, 0.8], [0.6, 0.4]])), 0.36698459, "cross_entropy on two rows")
    big = f(y, np.array([[1.0, 0.0], [1.0, 0.0]]))
    require(np.isfinite(np.asarray(big, dtype=float)).all(), "a probability of exactly 0 must not give inf: clip "
                                                              "probabilities to [1e-7, 1] first")
    return ""


def _gradient_step(f):
    f = callable_answer(f, "gradient_step")
    result = f(np.array([0.0]), 0.0, np.array([[1.0], [2.0]]), np.array([2.0, 4.0]), 0.1)
    require(isinstance(result, tuple) and len(result) == 2, "return a tuple (w_new, b_new)")
    expect_close(result[0], [1.0], "w_new")
    expect_close(result[1], 0.6, "b_new")
    return "One step moves w from 0 to 1.0 and b from 0 to 0.6."


def _loss(X, y, W1, b1, W2, b2):
    h = np.tanh(X @ W1 + b1)
    p = 1 / (1 + np.exp(-(h @ W2 + b2)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _backprop(f):
    f = callable_answer(f, "backprop")
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=4), np.float64(0.3)]
    grads = f(X, y, *params)
    require(isinstance(grads, tuple) and len(grads) == 4, "return a tuple (dW1, db1, dW2, db2)")
    eps = 1e-6
    for index, name in enumerate(("dW1", "db1", "dW2", "db2")):  # numerical gradient, one entry at a time
        numeric = np.zeros(np.shape(params[index]))
        for position in np.ndindex(numeric.shape):
            plus = [np.array(p, dtype=float) for p in params]
            minus = [np.array(p, dtype=float) for p in params]
            plus[index][position] += eps
            minus[index][position] -= eps
            numeric[position] = (_loss(X, y, *plus) - _loss(X, y, *minus)) / (2 * eps)
        expect_close(grads[index], numeric, name, atol=1e-5)
    return "Your gradients match numerical gradients."


QUESTIONS = [
    Question("02.q1", "mean squared error", "function", "mse", 2,
             "the mean over all entries of (y_pred - y_true) ** 2; return a number.", _mse),
    Question("02.q2", "categorical cross-entropy", "function", "cross_entropy", 2,
             "clip probs to [1e-7, 1], then -sum(y * log(p)) over each row, averaged over rows.", _cross_entropy),
    Question("02.q3", "one gradient-descent step for linear regression", "function", "gradient_step", 3,
             "residual r = X @ w + b - y; dL/dw = 2 / n * X.T @ r; dL/db = 2 * mean(r); step against the gradient.",
             _gradient_step),
    Question("02.q4", "backpropagation through a two-layer network", "function", "backprop", 4,
             "go backwards: dz2 = (p - y) / n; dW2 = h.T @ dz2; db2 = sum(dz2); dh = outer(dz2, W2); "
             "dz1 = dh * (1 - h ** 2); dW1 = X.T @ dz1; db1 = dz1.sum(axis=0).", _backprop),
]
