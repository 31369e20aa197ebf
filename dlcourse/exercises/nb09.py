"""Questions of notebook 09 (Transformers): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close
from dlcourse.exercises.questions import Question


def _mask(f):
    f = callable_answer(f, "causal_mask")
    expect_close(f(3), [[1, 0, 0], [1, 1, 0], [1, 1, 1]], "causal_mask(3)")
    return ""


def _attention(f):
    f = callable_answer(f, "attention")
    Q = K = np.eye(2)
    V = np.array([[1.0, 2.0], [3.0, 4.0]])
    expect_close(f(Q, K, V, np.ones((2, 2))), [[1.66047690, 2.66047690], [2.33952310, 3.33952310]],
                 "attention without masking")
    expect_close(f(Q, K, V, np.tril(np.ones((2, 2)))), [[1.0, 2.0], [2.33952310, 3.33952310]],
                 "attention with a causal mask")
    return ""


def _positions(f):
    f = callable_answer(f, "positional_encoding")
    expect_close(f(3, 4), [[0.0, 1.0, 0.0, 1.0], [0.841471, 0.540302, 0.01, 0.99995],
                           [0.909297, -0.416147, 0.019999, 0.9998]], "positional_encoding(3, 4)", atol=1e-5)
    return ""


QUESTIONS = [
    Question("09.q1", "a causal attention mask", "function", "causal_mask", 2,
             "position i may look at positions j <= i: a lower-triangular matrix of ones (np.tril).", _mask),
    Question("09.q2", "scaled dot-product attention", "function", "attention", 4,
             "scores = Q @ K.T / sqrt(d); where mask == 0 put -1e9; softmax over the last axis; multiply by V.",
             _attention),
    Question("09.q3", "sinusoidal positional encoding", "function", "positional_encoding", 3,
             "angle[pos, i] = pos / 10000 ** (2 * i / depth); even columns get sin(angle), odd columns cos(angle).",
             _positions),
]
