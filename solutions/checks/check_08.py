"""Hidden checks for notebook 08 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases

EPS = 1e-7


def _d_loss(real_probs, fake_probs):
    real, fake = np.clip(real_probs, EPS, 1 - EPS), np.clip(fake_probs, EPS, 1 - EPS)
    return -np.mean(np.log(real)) - np.mean(np.log(1 - fake))


def _d_inputs(rng):
    return [{"real_probs": rng.random(n), "fake_probs": rng.random(m)} for n, m in ((8, 8), (3, 5), (1, 1))] + [
        {"real_probs": np.array([1.0, 0.0]), "fake_probs": np.array([0.0, 1.0])}]


def _g_loss(fake_probs):
    return -np.mean(np.log(np.clip(fake_probs, EPS, 1 - EPS)))


def _g_inputs(rng):
    return [{"fake_probs": rng.random(n)} for n in (1, 6, 30)] + [{"fake_probs": np.array([0.0, 1.0])}]


def _interpolate(z1, z2, steps):
    t = np.linspace(0, 1, steps)[:, None]
    return (1 - t) * z1 + t * z2


def _interpolate_inputs(rng):
    return [{"z1": rng.normal(size=d), "z2": rng.normal(size=d), "steps": s} for d, s in ((4, 5), (16, 2), (2, 9))]


CHECKS = {
    "08.q1": {"inputs": _d_inputs, "judge": lambda out, cases: compare_cases(out, cases, _d_loss)},
    "08.q2": {"inputs": _g_inputs, "judge": lambda out, cases: compare_cases(out, cases, _g_loss)},
    "08.q3": {"inputs": _interpolate_inputs, "judge": lambda out, cases: compare_cases(out, cases, _interpolate)},
}
