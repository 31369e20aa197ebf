"""Hidden checks for notebook 01 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import close, compare_cases


def _neuron(x, w, b):
    return 1.0 / (1.0 + np.exp(-(x @ w + b)))


def _neuron_inputs(rng):
    return [{"x": rng.normal(size=(n, d)), "w": rng.normal(size=d), "b": float(rng.normal())}
            for n, d in ((1, 3), (7, 4), (20, 1), (5, 10))]


def _relu_derivative(z):
    return (z > 0).astype(float)


def _relu_inputs(rng):
    return [{"z": rng.normal(size=(9,))}, {"z": rng.normal(size=(4, 6))}, {"z": np.array([0.0, -0.0, 1e-9, -1e-9])}]


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_inputs(rng):
    return [{"z": rng.normal(size=(3, 5))}, {"z": rng.normal(scale=800.0, size=(6, 4))},
            {"z": np.array([[1e4, -1e4, 0.0]])}, {"z": rng.normal(size=(1, 1))}]


def _xor_judge(values):
    if len(values) != 4:
        return 0.0, "xor_params must be (W1, b1, W2, b2)"
    W1, b1, W2, b2 = values
    if W1.shape != (2, 2) or b1.shape != (2,) or W2.shape != (2,) or b2.shape not in ((), (1,)):
        return 0.0, "wrong shapes for (W1, b1, W2, b2)"
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    out = np.maximum(X @ W1 + b1, 0) @ W2 + b2.reshape(())
    ok, why = close((out > 0.5).astype(float), [0, 1, 1, 0])
    if not np.all(np.isfinite(out)):
        return 0.0, "the network's outputs are not finite"
    return (1.0, "the network computes XOR") if ok else (0.0, f"the network does not compute XOR ({why})")


CHECKS = {
    "01.q1": {"inputs": _neuron_inputs, "judge": lambda out, cases: compare_cases(out, cases, _neuron)},
    "01.q2": {"inputs": _relu_inputs, "judge": lambda out, cases: compare_cases(out, cases, _relu_derivative)},
    "01.q3": {"inputs": _softmax_inputs, "judge": lambda out, cases: compare_cases(out, cases, _softmax)},
    "01.q4": {"judge": _xor_judge},
}
