"""Questions of notebook 01 (neurons and activations): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import as_array, callable_answer, expect_close, require
from dlcourse.exercises.questions import Question


def _neuron(f):
    f = callable_answer(f, "neuron")
    got = f(np.array([[1.0, 2.0], [0.0, 0.0], [2.0, 0.0]]), np.array([0.5, -0.25]), 0.1)
    expect_close(got, [0.52497919, 0.52497919, 0.75026011], "neuron(x, w, b)")
    return "A batch of 3 inputs gives 3 outputs between 0 and 1."


def _relu_derivative(f):
    f = callable_answer(f, "relu_derivative")
    expect_close(f(np.array([-2.0, -0.5, 0.5, 3.0])), [0, 0, 1, 1], "relu_derivative([-2, -0.5, 0.5, 3])")
    expect_close(f(np.array([[-1.0, 2.0], [4.0, -3.0]])), [[0, 1], [1, 0]], "relu_derivative of a 2-D array")
    return ""


def _stable_softmax(f):
    f = callable_answer(f, "stable_softmax")
    expect_close(f(np.array([[1.0, 2.0, 3.0]])), [[0.09003057, 0.24472847, 0.66524096]], "stable_softmax([[1, 2, 3]])")
    expect_close(f(np.array([[1000.0, 1000.0], [-1000.0, 0.0]])), [[0.5, 0.5], [0.0, 1.0]],
                 "stable_softmax of very large/small scores")
    return "Rows sum to 1 and huge scores no longer overflow."


def _xor_params(params):
    require(isinstance(params, (tuple, list)) and len(params) == 4, "xor_params must be a tuple (W1, b1, W2, b2)")
    W1, b1, W2, b2 = (as_array(p, name) for p, name in zip(params, ("W1", "b1", "W2", "b2")))
    require(W1.shape == (2, 2) and b1.shape == (2,) and W2.shape == (2,) and b2.shape == (),
            "shapes must be W1 (2, 2), b1 (2,), W2 (2,), b2 () (a number)")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    out = np.maximum(X @ W1 + b1, 0) @ W2 + b2
    got = (out > 0.5).astype(int)
    require(np.array_equal(got, [0, 1, 1, 0]), f"the network outputs {got.tolist()} on (0,0),(0,1),(1,0),(1,1); "
                                              "XOR is [0, 1, 1, 0]")
    return "Your hidden layer solves XOR."


QUESTIONS = [
    Question("01.q1", "a sigmoid neuron on a batch", "function", "neuron", 2,
             "compute z = x @ w + b for the whole batch, then 1 / (1 + exp(-z)); the result has shape (n,).",
             _neuron),
    Question("01.q2", "the derivative of ReLU", "function", "relu_derivative", 2,
             "1.0 where z > 0, 0.0 elsewhere (use z > 0 and convert to float); keep the input's shape.",
             _relu_derivative),
    Question("01.q3", "a numerically stable softmax", "function", "stable_softmax", 3,
             "subtract each row's maximum (axis=-1, keepdims=True) before exp, then divide by the row sum.",
             _stable_softmax),
    Question("01.q4", "hand-picked weights that solve XOR", "value", "xor_params", 3,
             "one hidden unit can count the active inputs (x1 + x2), another fires only when both are on "
             "(x1 + x2 - 1); subtract the second twice.",
             _xor_params),
]
