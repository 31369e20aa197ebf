"""Hidden checks for notebook 07 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases


def _windows(series, window, horizon):
    view = np.lib.stride_tricks.sliding_window_view(series, window + horizon)
    return view[:, :window], view[:, -1]


def _windows_inputs(rng):
    return [{"series": rng.normal(size=n), "window": w, "horizon": h} for n, w, h in ((20, 5, 1), (12, 3, 4),
                                                                                      (8, 7, 1))]


def _step(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh + b)


def _rnn_inputs(rng, time=None):
    cases = []
    for n, f, u in ((2, 3, 4), (1, 1, 2), (5, 2, 3)):
        case = {"h0" if time else "h_prev": rng.normal(size=(n, u)), "Wx": rng.normal(size=(f, u)),
                "Wh": rng.normal(size=(u, u)) * 0.5, "b": rng.normal(size=u)}
        case["xs" if time else "x_t"] = rng.normal(size=(time, n, f) if time else (n, f))
        cases.append(case)
    return cases


def _forward(xs, h0, Wx, Wh, b):
    states, h = [], h0
    for x_t in xs:
        h = np.tanh(x_t @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states)


def _lstm(input_dim, units):
    return 4 * (units * (input_dim + units) + units)


def _lstm_inputs(rng):
    return [{"input_dim": d, "units": u} for d, u in ((3, 16), (10, 1), (128, 64))]


CHECKS = {
    "07.q1": {"inputs": _windows_inputs, "judge": lambda out, cases: compare_cases(out, cases, _windows)},
    "07.q2": {"inputs": _rnn_inputs, "judge": lambda out, cases: compare_cases(out, cases, _step)},
    "07.q3": {"inputs": lambda rng: _rnn_inputs(rng, time=4),
              "judge": lambda out, cases: compare_cases(out, cases, _forward)},
    "07.q4": {"inputs": _lstm_inputs, "judge": lambda out, cases: compare_cases(out, cases, _lstm)},
}
