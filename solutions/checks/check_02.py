"""Hidden checks for notebook 02 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases


def _mse(y_true, y_pred):
    return np.mean((y_pred - y_true) ** 2)


def _mse_inputs(rng):
    return [{"y_true": rng.normal(size=n), "y_pred": rng.normal(size=n)} for n in (1, 6, 50)] + [
        {"y_true": rng.normal(size=(4, 3)), "y_pred": rng.normal(size=(4, 3))}]


def _cross_entropy(y_true, probs):
    return np.mean(-np.sum(y_true * np.log(np.clip(probs, 1e-7, 1.0)), axis=-1))


def _ce_inputs(rng):
    cases = []
    for n, k in ((3, 4), (10, 2), (1, 5)):
        logits = rng.normal(size=(n, k)) * 3
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        cases.append({"y_true": np.eye(k)[rng.integers(0, k, size=n)], "probs": probs})
    cases.append({"y_true": np.array([[1.0, 0.0, 0.0]]), "probs": np.array([[0.0, 0.5, 0.5]])})
    return cases


def _step(w, b, X, y, lr):
    r = X @ w + b - y
    return w - lr * 2.0 / len(y) * X.T @ r, b - lr * 2.0 * r.mean()


def _step_inputs(rng):
    return [{"w": rng.normal(size=d), "b": float(rng.normal()), "X": rng.normal(size=(n, d)),
             "y": rng.normal(size=n), "lr": lr} for n, d, lr in ((5, 2, 0.1), (30, 4, 0.01), (2, 1, 0.5))]


def _backprop(X, y, W1, b1, W2, b2):
    h = np.tanh(X @ W1 + b1)
    p = 1.0 / (1.0 + np.exp(-(h @ W2 + b2)))
    dz2 = (p - y) / len(y)
    dz1 = np.outer(dz2, W2) * (1.0 - h ** 2)
    return X.T @ dz1, dz1.sum(axis=0), h.T @ dz2, dz2.sum()


def _backprop_inputs(rng):
    return [{"X": rng.normal(size=(n, d)), "y": rng.integers(0, 2, size=n).astype(float),
             "W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h), "W2": rng.normal(size=h),
             "b2": float(rng.normal())} for n, d, h in ((6, 3, 4), (1, 2, 5), (12, 5, 3))]


CHECKS = {
    "02.q1": {"inputs": _mse_inputs, "judge": lambda out, cases: compare_cases(out, cases, _mse)},
    "02.q2": {"inputs": _ce_inputs, "judge": lambda out, cases: compare_cases(out, cases, _cross_entropy)},
    "02.q3": {"inputs": _step_inputs, "judge": lambda out, cases: compare_cases(out, cases, _step)},
    "02.q4": {"inputs": _backprop_inputs, "judge": lambda out, cases: compare_cases(out, cases, _backprop,
                                                                                  atol=1e-8)},
}
