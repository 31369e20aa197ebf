"""Questions of notebook 03 (the training process): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close, require
from dlcourse.exercises.questions import Question


def _standardize(f):
    f = callable_answer(f, "standardize")
    result = f(np.array([[1.0, 10.0], [3.0, 30.0]]), np.array([[2.0, 50.0]]))
    require(isinstance(result, tuple) and len(result) == 2, "return a tuple (train_scaled, test_scaled)")
    expect_close(result[0], [[-1, -1], [1, 1]], "train_scaled")
    expect_close(result[1], [[0, 3]], "test_scaled (scaled with the TRAINING mean and std)")
    return "The test set is scaled with the training statistics, as it must be."


def _one_hot(f):
    f = callable_answer(f, "one_hot")
    expect_close(f(np.array([2, 0, 1]), 4), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]], "one_hot([2, 0, 1], 4)")
    return ""


def _accuracy(f):
    f = callable_answer(f, "accuracy")
    expect_close(f(np.array([0, 1, 2, 1]), np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1],
                                                     [0.1, 0.1, 0.8]])), 0.5, "accuracy on 4 examples")
    return ""


def _early_stopping(f):
    f = callable_answer(f, "early_stopping")
    result = f([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9], 3)
    require(isinstance(result, tuple) and len(result) == 2, "return a tuple (stop_epoch, best_epoch)")
    expect_close(result, [5, 2], "early_stopping(losses, patience=3)")
    expect_close(f([3.0, 2.0, 1.0], 2), [2, 2], "early_stopping when the loss keeps improving")
    return ""


QUESTIONS = [
    Question("03.q1", "standardising features with the training statistics", "function", "standardize", 2,
             "mean and std per column (axis=0) of the TRAINING data only; apply (x - mean) / std to both sets.",
             _standardize),
    Question("03.q2", "one-hot labels", "function", "one_hot", 2,
             "start from np.zeros((len(labels), num_classes)) and set one entry per row, or index np.eye.",
             _one_hot),
    Question("03.q3", "accuracy from predicted probabilities", "function", "accuracy", 2,
             "the predicted class is the argmax over the last axis; average (prediction == label).", _accuracy),
    Question("03.q4", "when does early stopping stop?", "function", "early_stopping", 3,
             "walk through the epochs keeping the best loss and its epoch; stop at the first epoch that is "
             "`patience` epochs after the best one; if that never happens, stop at the last epoch.",
             _early_stopping),
]
