"""Hidden checks for notebook 03 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases


def _standardize(train, test):
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (test - mean) / std


def _standardize_inputs(rng):
    return [{"train": rng.normal(loc=5, scale=3, size=(n, d)), "test": rng.normal(size=(m, d))}
            for n, d, m in ((10, 3, 4), (50, 1, 7), (6, 5, 1))]


def _one_hot(labels, num_classes):
    return np.eye(num_classes)[labels]


def _one_hot_inputs(rng):
    return [{"labels": rng.integers(0, k, size=n), "num_classes": k} for n, k in ((5, 3), (12, 10), (1, 2))]


def _accuracy(y_true, probs):
    return np.mean(np.argmax(probs, axis=-1) == y_true)


def _accuracy_inputs(rng):
    return [{"y_true": rng.integers(0, k, size=n), "probs": rng.dirichlet(np.ones(k), size=n)}
            for n, k in ((10, 3), (25, 5), (1, 2))]


def _early(val_losses, patience):
    best_epoch, best = 0, np.inf
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best_epoch, best = epoch, loss
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


def _early_inputs(rng):
    curves = [np.array([5.0, 4.0, 4.0, 4.5, 3.0, 3.5, 3.6, 3.7, 3.8]), np.linspace(3, 1, 8),
              np.array([1.0, 2.0, 3.0, 4.0]), 1 / np.arange(1, 20) + rng.normal(scale=0.05, size=19)]
    return [{"val_losses": c, "patience": p} for c, p in zip(curves, (2, 3, 1, 4))]


CHECKS = {
    "03.q1": {"inputs": _standardize_inputs, "judge": lambda out, cases: compare_cases(out, cases, _standardize)},
    "03.q2": {"inputs": _one_hot_inputs, "judge": lambda out, cases: compare_cases(out, cases, _one_hot)},
    "03.q3": {"inputs": _accuracy_inputs, "judge": lambda out, cases: compare_cases(out, cases, _accuracy)},
    "03.q4": {"inputs": _early_inputs, "judge": lambda out, cases: compare_cases(out, cases, _early)},
}
