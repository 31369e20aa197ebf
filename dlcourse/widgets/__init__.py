"""Interactive widgets for the course (core ipywidgets 7.7 or 8 + matplotlib inline; no ipympl, so they run in Colab).

Every widget is a function that returns the widget; put the call on the last line
of a cell. Its drawing is a plain function (``draw_neuron``, ``draw_descent``, ...)
that you can also call yourself. Without a live front end (plain Python, nbconvert,
nbval, or ``DLCOURSE_STATIC_WIDGETS=1``) a widget function returns a static
matplotlib ``Figure`` of its starting state instead, so executed notebooks still
show the picture. Pass ``static=True``/``False`` to decide yourself.

Example:
    >>> from dlcourse import widgets
    >>> widgets.neuron_playground()          # doctest: +SKIP
    >>> live = widgets.LiveTrainingPlot(metrics=("loss", "accuracy"))   # imports Keras

``LiveTrainingPlot`` (a Keras callback) is loaded on first use, so importing this
package does not import Keras or TensorFlow.
"""

from __future__ import annotations

import importlib
from typing import Any

from dlcourse.widgets.activation import activation_explorer, draw_activation
from dlcourse.widgets.attention import attention_explorer, draw_attention
from dlcourse.widgets.augmentation import augment, augmentation_explorer, draw_augmentations
from dlcourse.widgets.convolution import convolution_explorer, draw_convolution
from dlcourse.widgets.descent import descent_explorer, draw_descent
from dlcourse.widgets.frontend import has_live_frontend
from dlcourse.widgets.gan import draw_latent_image, gan_latent_explorer
from dlcourse.widgets.neuron import draw_neuron, neuron_playground
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure
from dlcourse.widgets.sampling import draw_sampling, sampling_explorer

__all__ = [
    "has_live_frontend", "InteractiveFigure", "interactive_figure",
    "neuron_playground", "draw_neuron",
    "activation_explorer", "draw_activation",
    "descent_explorer", "draw_descent",
    "LiveTrainingPlot",
    "augmentation_explorer", "draw_augmentations", "augment",
    "convolution_explorer", "draw_convolution",
    "attention_explorer", "draw_attention",
    "gan_latent_explorer", "draw_latent_image",
    "sampling_explorer", "draw_sampling",
]


def __getattr__(name: str) -> Any:
    if name == "LiveTrainingPlot":  # importing it imports Keras, so only on demand
        value = importlib.import_module("dlcourse.widgets.live").LiveTrainingPlot
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dlcourse.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"LiveTrainingPlot"})
