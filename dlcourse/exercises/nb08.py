"""Questions of notebook 08 (GANs): public self-checks."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises.check import callable_answer, expect_close
from dlcourse.exercises.questions import Question


def _d_loss(f):
    f = callable_answer(f, "discriminator_loss")
    expect_close(f(np.array([0.9, 0.8]), np.array([0.1, 0.3])), 0.39526976, "discriminator_loss")
    expect_close(f(np.array([1.0]), np.array([0.0])), 0.0, "discriminator_loss of a perfect discriminator",
                 atol=1e-5)
    return ""


def _g_loss(f):
    f = callable_answer(f, "generator_loss")
    expect_close(f(np.array([0.1, 0.3])), 1.75327895, "generator_loss (non-saturating)")
    return ""


def _interpolate(f):
    f = callable_answer(f, "interpolate")
    expect_close(f(np.array([0.0, 2.0]), np.array([4.0, -2.0]), 3), [[0, 2], [2, 0], [4, -2]],
                 "interpolate(z1, z2, 3)")
    return ""


QUESTIONS = [
    Question("08.q1", "the discriminator's loss", "function", "discriminator_loss", 3,
             "binary cross-entropy with label 1 for real and 0 for fake: -mean(log D(x)) - mean(log(1 - D(G(z)))); "
             "clip probabilities to [1e-7, 1 - 1e-7].", _d_loss),
    Question("08.q2", "the non-saturating generator loss", "function", "generator_loss", 2,
             "the generator wants D(G(z)) = 1: -mean(log D(G(z))), clipped like the discriminator's.", _g_loss),
    Question("08.q3", "walking through latent space", "function", "interpolate", 2,
             "weights t = np.linspace(0, 1, steps); each row is (1 - t) * z1 + t * z2.", _interpolate),
]
