"""Questions of notebook 07 (recurrent networks): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close, require
from dlcourse.exercises.questions import Question


def _windows(f):
    f = callable_answer(f, "make_windows")
    result = f(np.arange(6.0), 3, 1)
    require(isinstance(result, tuple) and len(result) == 2, "return a tuple (X, y)")
    expect_close(result[0], [[0, 1, 2], [1, 2, 3], [2, 3, 4]], "X for window=3, horizon=1")
    expect_close(result[1], [3, 4, 5], "y for window=3, horizon=1")
    X, y = f(np.arange(6.0), 2, 3)
    expect_close(y, [4, 5], "y for window=2, horizon=3")
    return ""


def _step(f):
    f = callable_answer(f, "rnn_step")
    expect_close(f(np.array([[1.0, 2.0]]), np.array([[0.5]]), np.array([[0.5], [-0.25]]), np.array([[2.0]]),
                   np.array([0.1])), [[0.80049902]], "rnn_step on one example")
    return ""


def _forward(f):
    f = callable_answer(f, "rnn_forward")
    xs = np.ones((3, 1, 1))
    states = f(xs, np.zeros((1, 1)), np.array([[1.0]]), np.array([[0.0]]), np.array([0.0]))
    expect_close(states, np.full((3, 1, 1), np.tanh(1.0)), "rnn_forward with Wh = 0")
    states = f(xs, np.zeros((1, 1)), np.array([[0.0]]), np.array([[1.0]]), np.array([0.0]))
    expect_close(states, np.zeros((3, 1, 1)), "rnn_forward with Wx = 0 from h0 = 0")
    return ""


def _lstm(f):
    f = callable_answer(f, "lstm_parameters")
    expect_close(f(1, 32), 4352, "lstm_parameters(input_dim=1, units=32)")
    return "Same count as keras.layers.LSTM(32) on 1 feature."


QUESTIONS = [
    Question("07.q1", "windows for forecasting", "function", "make_windows", 3,
             "window i is series[i:i + window]; its target is series[i + window + horizon - 1]; stop when "
             "the target would fall off the end.", _windows),
    Question("07.q2", "one step of a simple RNN", "function", "rnn_step", 2,
             "h_t = tanh(x_t @ Wx + h_prev @ Wh + b).", _step),
    Question("07.q3", "unrolling the RNN over time", "function", "rnn_forward", 3,
             "loop over the first axis of xs, feeding each new state into the next step; stack the states.",
             _forward),
    Question("07.q4", "how many parameters has an LSTM layer?", "function", "lstm_parameters", 2,
             "four gates, each with an input kernel, a recurrent kernel and a bias.", _lstm),
]
