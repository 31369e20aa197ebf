"""Augmentation explorer: sliders for rotation, zoom, shift, flips and noise -> augmented copies.

The Keras preprocessing layers come from ``dlcourse.augmentation.augmentation_block``
(the same block the course puts in front of its models), rebuilt with a fixed seed
for every drawing, so the same settings always show the same pictures.

Example:
    >>> fig = draw_augmentations(images[:2], rotation=0.1, zoom=0.1, translation=0.1,
    ...                          flip="none", noise=0.0)                        # doctest: +SKIP
    >>> augmentation_explorer(x_train)                                        # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from dlcourse.plots.images import plot_image_grid, value_range_of
from dlcourse.plots.predict import as_numpy
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FLIPS = ("none", "horizontal", "vertical", "horizontal_and_vertical")


def augment(images: Any, *, rotation: float = 0.0, zoom: float = 0.0, translation: float = 0.0,
            flip: str = "none", noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Randomly augmented copies of ``images`` (shape ``(n, h, w)`` or ``(n, h, w, c)``), same shape back.

    ``noise`` is the standard deviation as a fraction of the images' value range.
    """
    from dlcourse.augmentation import augmentation_block

    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, channels), got {images.shape}")
    if flip not in FLIPS:
        raise ValueError(f"flip must be one of {list(FLIPS)}, got {flip!r}")
    low, high = value_range_of(images)
    block = augmentation_block(flip=None if flip == "none" else flip, rotation=rotation, zoom=zoom,
                               translation=translation, noise=noise * (high - low), seed=seed)
    batch = images.astype("float32")
    grey = batch.ndim == 3
    if grey:
        batch = batch[..., None]
    if not block.layers:  # nothing switched on
        return batch[..., 0] if grey else batch
    augmented = as_numpy(block(batch, training=True))
    return augmented[..., 0] if grey else augmented


def draw_augmentations(images: Any, rotation: float, zoom: float, translation: float, flip: str, noise: float,
                       *, seed: int = 0, n_variants: int = 5) -> Figure:
    """One row per image: the original, then ``n_variants`` augmented copies."""
    images = np.asarray(images)
    if n_variants < 1:
        raise ValueError(f"n_variants must be at least 1, got {n_variants}")
    value_range = value_range_of(images)
    copies = augment(np.repeat(images, n_variants, axis=0), rotation=rotation, zoom=zoom,
                     translation=translation, flip=flip, noise=noise, seed=seed)
    rows, titles = [], []
    for i, image in enumerate(images):
        rows.append(image.astype("float32"))
        rows.extend(copies[i * n_variants:(i + 1) * n_variants])
        titles.extend(["original"] + [f"augmented {k + 1}" for k in range(n_variants)])
    return plot_image_grid(np.stack(rows), titles=titles, ncols=n_variants + 1, max_images=len(rows),
                           value_range=value_range)


def augmentation_explorer(images: Any, *, n_images: int = 3, n_variants: int = 5, rotation: float = 0.1,
                          zoom: float = 0.1, translation: float = 0.1, flip: str = "none", noise: float = 0.0,
                          seed: int = 0, static: bool | None = None) -> InteractiveFigure | Figure:
    """Sliders for each augmentation, applied to the first ``n_images`` of ``images``.

    Returns the live widget, or without a live front end the static figure of the starting values.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"images must be a non-empty batch (n, h, w[, channels]), got shape {images.shape}")
    if n_images < 1:
        raise ValueError(f"n_images must be at least 1, got {n_images}")
    shown = images[:n_images]
    initial = dict(rotation=rotation, zoom=zoom, translation=translation, flip=flip, noise=noise, seed=seed)

    def draw(rotation: float, zoom: float, translation: float, flip: str, noise: float, seed: int) -> Figure:
        return draw_augmentations(shown, rotation, zoom, translation, flip, noise, seed=seed, n_variants=n_variants)

    def make_controls() -> dict[str, widgets.ValueWidget]:
        slider = dict(step=0.01, continuous_update=False, readout_format=".2f")
        return {
            "rotation": widgets.FloatSlider(value=rotation, min=0.0, max=0.5, description="rotation", **slider),
            "zoom": widgets.FloatSlider(value=zoom, min=0.0, max=0.5, description="zoom", **slider),
            "translation": widgets.FloatSlider(value=translation, min=0.0, max=0.5, description="shift", **slider),
            "flip": widgets.Dropdown(options=list(FLIPS), value=flip, description="flip"),
            "noise": widgets.FloatSlider(value=noise, min=0.0, max=0.5, description="noise", **slider),
            "seed": widgets.IntText(value=seed, description="seed"),
        }

    return interactive_figure(draw, initial, make_controls, static=static)
