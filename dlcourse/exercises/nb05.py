"""Questions of notebook 05 (convolutional networks): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close, require
from dlcourse.exercises.questions import Question

PARAMETER_BUDGET = 3000
ACCURACY_FLOOR = 0.9


def _conv2d(f):
    f = callable_answer(f, "conv2d")
    expect_close(f(np.arange(9.0).reshape(3, 3), np.array([[1.0, 0.0], [0.0, -1.0]])), [[-4, -4], [-4, -4]],
                 "conv2d(3x3 image, 2x2 kernel)")
    expect_close(f(np.arange(20.0).reshape(4, 5), np.array([[1.0, 2.0, 3.0], [0.0, 0.0, -1.0]])),
                 [[1, 6, 11], [26, 31, 36], [51, 56, 61]], "conv2d(4x5 image, 2x3 kernel)")
    return "Valid cross-correlation, like Keras' Conv2D."


def _max_pool(f):
    f = callable_answer(f, "max_pool")
    expect_close(f(np.arange(16.0).reshape(4, 4), 2), [[5, 7], [13, 15]], "max_pool(4x4, 2)")
    expect_close(f(np.arange(25.0).reshape(5, 5), 2), [[6, 8], [16, 18]], "max_pool(5x5, 2) (drop the last row/col)")
    return ""


def _conv_output_size(f):
    f = callable_answer(f, "conv_output_size")
    for args, want in (((28, 3, 1, 0), 26), ((28, 3, 1, 1), 28), ((32, 5, 2, 2), 16)):
        expect_close(f(*args), want, f"conv_output_size{args}")
    return ""


def _model(model):
    import keras

    require(isinstance(model, keras.Model), "model must be a Keras model")
    require(model.count_params() <= PARAMETER_BUDGET,
            f"{model.count_params()} parameters; the budget is {PARAMETER_BUDGET}")
    from dlcourse.exercises.data import make_bars

    x, y = make_bars(300, seed=1)
    probabilities = np.asarray(model.predict(x, verbose=0))
    require(probabilities.shape == (300, 3), f"the model outputs shape {probabilities.shape}, expected (n, 3)")
    accuracy = float(np.mean(probabilities.argmax(axis=1) == y))
    require(accuracy >= ACCURACY_FLOOR, f"accuracy {accuracy:.3f} on fresh images; needed {ACCURACY_FLOOR}")
    return f"accuracy {accuracy:.3f} with {model.count_params()} parameters."


QUESTIONS = [
    Question("05.q1", "2-D convolution in NumPy", "function", "conv2d", 3,
             "output shape (H - kh + 1, W - kw + 1); each output pixel is (image[i:i+kh, j:j+kw] * kernel).sum().",
             _conv2d),
    Question("05.q2", "max pooling", "function", "max_pool", 2,
             "crop to a multiple of size, reshape to (H//s, s, W//s, s) and take the max over axes 1 and 3.",
             _max_pool),
    Question("05.q3", "the output size of a convolution", "function", "conv_output_size", 2,
             "count the positions the kernel can take on the padded input (n + 2 * padding pixels), moving "
             "stride pixels at a time; the first position counts too.", _conv_output_size),
    Question("05.q4", "a small CNN within a parameter budget", "model", "model", 5,
             "a couple of small Conv2D layers with MaxPooling2D between them, then a global pooling layer and "
             "Dense(3, activation='softmax'); model.summary() counts the parameters; Adam(0.01) trains faster.",
             _model),
]
