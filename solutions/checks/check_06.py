"""Hidden checks for notebook 06 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases


def _flip(images, flags):
    out = images.copy()
    out[flags] = out[flags][:, :, ::-1]
    return out


def _flip_inputs(rng):
    return [{"images": rng.normal(size=(n, h, w, c)), "flags": rng.random(n) > 0.5}
            for n, h, w, c in ((4, 3, 5, 1), (6, 4, 4, 3), (1, 2, 7, 2))]


def _crop(images, size):
    top, left = (images.shape[1] - size) // 2, (images.shape[2] - size) // 2
    return images[:, top:top + size, left:left + size]


def _crop_inputs(rng):
    return [{"images": rng.normal(size=(n, h, w, c)), "size": s}
            for n, h, w, c, s in ((2, 6, 6, 1, 4), (3, 7, 9, 3, 2), (1, 5, 8, 2, 5))]


def _normalize(images):
    return (images / 255.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])


def _normalize_inputs(rng):
    return [{"images": rng.integers(0, 256, size=(n, 4, 4, 3)).astype(float)} for n in (1, 3)]


CHECKS = {
    "06.q1": {"inputs": _flip_inputs, "judge": lambda out, cases: compare_cases(out, cases, _flip)},
    "06.q2": {"inputs": _crop_inputs, "judge": lambda out, cases: compare_cases(out, cases, _crop)},
    "06.q3": {"inputs": _normalize_inputs, "judge": lambda out, cases: compare_cases(out, cases, _normalize)},
}
