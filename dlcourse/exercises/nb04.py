"""Questions of notebook 04 (challenges: overfitting, vanishing and exploding gradients): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close
from dlcourse.exercises.questions import Question


def _l2(f):
    f = callable_answer(f, "l2_penalty")
    expect_close(f([np.array([1.0, -2.0]), np.array([[3.0]])], 0.1), 1.4, "l2_penalty([[1, -2], [[3]]], 0.1)")
    return ""


def _dropout(f):
    f = callable_answer(f, "dropout")
    expect_close(f(np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[1, 0, 1, 0]]), 0.5), [[2, 0, 6, 0]],
                 "dropout with rate 0.5")
    return "Inverted dropout keeps the expected activation unchanged."


def _chain(f):
    f = callable_answer(f, "sigmoid_chain_gradient")
    expect_close(f(np.array([0.0, 1.0, -2.0])), 0.00516075, "sigmoid_chain_gradient([0, 1, -2])", atol=1e-8)
    return "Three sigmoids already shrink the gradient 200 times: that is the vanishing gradient."


def _clip(f):
    f = callable_answer(f, "clip_by_norm")
    expect_close(f(np.array([3.0, 4.0]), 1.0), [0.6, 0.8], "clip_by_norm([3, 4], 1)")
    expect_close(f(np.array([0.3, 0.4]), 1.0), [0.3, 0.4], "clip_by_norm of a small gradient (unchanged)")
    return ""


QUESTIONS = [
    Question("04.q1", "the L2 penalty", "function", "l2_penalty", 2,
             "lam times the sum of the squares of every entry of every weight array in the list.", _l2),
    Question("04.q2", "inverted dropout", "function", "dropout", 2,
             "multiply by the 0/1 mask, then divide by the keep probability (1 - rate).", _dropout),
    Question("04.q3", "the gradient through a chain of sigmoids", "function", "sigmoid_chain_gradient", 3,
             "the derivative of sigmoid is s(z) * (1 - s(z)); the chain rule multiplies them all.", _chain),
    Question("04.q4", "gradient clipping by norm", "function", "clip_by_norm", 2,
             "compute the L2 norm; if it exceeds max_norm, multiply the gradient by max_norm / norm.", _clip),
]
