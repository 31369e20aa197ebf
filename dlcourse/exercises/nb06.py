"""Questions of notebook 06 (augmentation and transfer learning): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close
from dlcourse.exercises.questions import Question

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _flip(f):
    f = callable_answer(f, "flip_some")
    images = np.arange(8.0).reshape(2, 2, 2, 1)
    expect_close(f(images, np.array([True, False])), [[[[1], [0]], [[3], [2]]], [[[4], [5]], [[6], [7]]]],
                 "flip_some(2 images, [True, False])")
    return ""


def _crop(f):
    f = callable_answer(f, "center_crop")
    images = np.arange(25.0).reshape(1, 5, 5, 1)
    expect_close(f(images, 3)[0, :, :, 0], [[6, 7, 8], [11, 12, 13], [16, 17, 18]], "center_crop(5x5 image, 3)")
    return ""


def _normalize(f):
    f = callable_answer(f, "imagenet_normalize")
    expect_close(f(np.full((1, 1, 1, 3), 255.0)), [[[[2.2489083, 2.4285714, 2.64]]]], "imagenet_normalize(white)")
    return ""


QUESTIONS = [
    Question("06.q1", "flipping some images", "function", "flip_some", 2,
             "images[flags] selects the images to flip; reverse their width axis (axis 2) with [:, :, ::-1].",
             _flip),
    Question("06.q2", "a centre crop", "function", "center_crop", 2,
             "top = (H - size) // 2, left = (W - size) // 2; slice all images at once.", _crop),
    Question("06.q3", "ImageNet preprocessing for a pretrained model", "function", "imagenet_normalize", 2,
             "scale to [0, 1] by dividing by 255, then subtract the per-channel mean and divide by the std.",
             _normalize),
]
