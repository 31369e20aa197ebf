"""Hidden checks for notebook 09 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases


def _mask(n):
    return (np.arange(n)[:, None] >= np.arange(n)[None, :]).astype(float)


def _attention(Q, K, V, mask):
    scores = np.where(mask > 0, Q @ K.T / np.sqrt(Q.shape[-1]), -1e9)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (weights / weights.sum(axis=-1, keepdims=True)) @ V


def _attention_inputs(rng):
    cases = []
    for q, k, d, dv, causal in ((4, 4, 8, 3, True), (3, 5, 2, 2, False), (6, 6, 16, 4, True)):
        mask = _mask(q) if causal else (rng.random((q, k)) > 0.3).astype(float)
        mask[:, 0] = 1.0
        cases.append({"Q": rng.normal(size=(q, d)) * 3, "K": rng.normal(size=(k, d)) * 3, "V": rng.normal(size=(k, dv)),
                      "mask": mask})
    return cases


def _positions(length, depth):
    angles = np.arange(length)[:, None] / 10000.0 ** (np.arange(0, depth, 2)[None, :] / depth)
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(length, depth)


CHECKS = {
    "09.q1": {"inputs": lambda rng: [{"n": n} for n in (1, 4, 9)],
              "judge": lambda out, cases: compare_cases(out, cases, _mask)},
    "09.q2": {"inputs": _attention_inputs, "judge": lambda out, cases: compare_cases(out, cases, _attention)},
    "09.q3": {"inputs": lambda rng: [{"length": n, "depth": d} for n, d in ((5, 8), (50, 16), (1, 2))],
              "judge": lambda out, cases: compare_cases(out, cases, _positions, atol=1e-6)},
}
