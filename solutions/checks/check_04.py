"""Hidden checks for notebook 04 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases


def _l2(weights, lam):
    return lam * sum(np.sum(w ** 2) for w in weights)


def _l2_inputs(rng):
    return [{"weights": [rng.normal(size=(3, 4)), rng.normal(size=4)], "lam": 0.01},
            {"weights": [rng.normal(size=(2, 2, 3))], "lam": 0.5},
            {"weights": [rng.normal(size=5), rng.normal(size=1), rng.normal(size=(4, 1))], "lam": 2.0}]


def _dropout(x, mask, rate):
    return x * mask / (1.0 - rate)


def _dropout_inputs(rng):
    return [{"x": rng.normal(size=(4, 6)), "mask": (rng.random((4, 6)) > r).astype(float), "rate": r}
            for r in (0.2, 0.5, 0.9)]


def _chain(z):
    s = 1 / (1 + np.exp(-z))
    return np.prod(s * (1 - s))


def _chain_inputs(rng):
    return [{"z": rng.normal(size=n)} for n in (1, 5, 20)]


def _clip(grad, max_norm):
    norm = np.linalg.norm(grad)
    return grad * (max_norm / norm) if norm > max_norm else grad


def _clip_inputs(rng):
    return [{"grad": rng.normal(size=s) * scale, "max_norm": m}
            for s, scale, m in ((5, 10.0, 1.0), ((3, 4), 0.01, 1.0), (7, 3.0, 2.5))]


CHECKS = {
    "04.q1": {"inputs": _l2_inputs, "judge": lambda out, cases: compare_cases(out, cases, _l2)},
    "04.q2": {"inputs": _dropout_inputs, "judge": lambda out, cases: compare_cases(out, cases, _dropout)},
    "04.q3": {"inputs": _chain_inputs, "judge": lambda out, cases: compare_cases(out, cases, _chain, atol=1e-12)},
    "04.q4": {"inputs": _clip_inputs, "judge": lambda out, cases: compare_cases(out, cases, _clip)},
}
