"""Hidden checks for notebook 05 (used only by the grader; never handed out)."""

import numpy as np

from dlcourse.grading.judging import compare_cases

PARAMETER_BUDGET = 3000
ACCURACY_FLOOR = 0.9


def _conv2d(image, kernel):
    kh, kw = kernel.shape
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _conv_inputs(rng):
    return [{"image": rng.normal(size=shape), "kernel": rng.normal(size=kshape)}
            for shape, kshape in (((5, 5), (3, 3)), ((7, 4), (2, 3)), ((6, 6), (1, 1)), ((4, 9), (4, 2)))]


def _max_pool(x, size):
    h, w = x.shape[0] // size, x.shape[1] // size
    return x[: h * size, : w * size].reshape(h, size, w, size).max(axis=(1, 3))


def _pool_inputs(rng):
    return [{"x": rng.normal(size=shape), "size": size} for shape, size in (((6, 6), 2), ((7, 9), 3), ((5, 4), 2))]


def _output_size(n, k, stride, padding):
    return (n + 2 * padding - k) // stride + 1


def _size_inputs(rng):
    return [{"n": n, "k": k, "stride": s, "padding": p}
            for n, k, s, p in ((17, 3, 2, 0), (224, 7, 2, 3), (10, 10, 1, 0), (9, 4, 3, 1), (64, 5, 1, 2))]


def _model_judge(model):
    from dlcourse.exercises.data import make_bars

    params = model.count_params()
    if params > PARAMETER_BUDGET:
        return 0.0, f"{params} parameters, over the budget of {PARAMETER_BUDGET}"
    x, y = make_bars(600, seed=20260)
    probabilities = np.asarray(model.predict(x, verbose=0, batch_size=200))
    if probabilities.shape != (len(y), 3):
        return 0.0, f"the model outputs shape {probabilities.shape}, expected (n, 3)"
    accuracy = float(np.mean(probabilities.argmax(axis=1) == y))
    if accuracy < ACCURACY_FLOOR:
        return 0.0, f"hidden test accuracy {accuracy:.3f} < {ACCURACY_FLOOR} ({params} parameters)"
    return 1.0, f"hidden test accuracy {accuracy:.3f} with {params} parameters"


CHECKS = {
    "05.q1": {"inputs": _conv_inputs, "judge": lambda out, cases: compare_cases(out, cases, _conv2d)},
    "05.q2": {"inputs": _pool_inputs, "judge": lambda out, cases: compare_cases(out, cases, _max_pool)},
    "05.q3": {"inputs": _size_inputs, "judge": lambda out, cases: compare_cases(out, cases, _output_size)},
    "05.q4": {"judge": _model_judge},
}
