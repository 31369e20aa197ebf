"""Image augmentation with Keras preprocessing layers.

The block is an ordinary ``keras.Sequential``: put it first in a model or map it
over a training ``tf.data`` pipeline. Random layers only change images when
called with ``training=True`` (as ``fit`` does), so validation, test and
``predict`` see the real images.

Example:
    >>> augment = augmentation_block(rotation=0.05, zoom=0.1)
    >>> [layer.name for layer in augment.layers]
    ['random_rotation', 'random_zoom']
"""

from __future__ import annotations

from typing import Any


def augmentation_block(*, flip: str | None = None, rotation: float = 0.0, zoom: float = 0.0,
                       translation: float = 0.0, noise: float = 0.0, seed: int | None = None,
                       name: str = "augmentation") -> Any:
    """A ``keras.Sequential`` of random flips, rotations, zooms, translations and Gaussian noise.

    Args:
        flip: ``"horizontal"``, ``"vertical"``, ``"horizontal_and_vertical"`` or None (no flipping).
            Leave it off for digits: a mirrored 2 is not a 2.
        rotation: maximum rotation as a fraction of a full turn (0.05 = +/-18 degrees).
        zoom: maximum zoom in or out as a fraction of the image size.
        translation: maximum shift as a fraction of the image size.
        noise: standard deviation of added Gaussian noise (in input units, e.g. 0.05 for pixels in [0, 1]).
        seed: makes the random transformations repeatable.
    """
    import keras

    flips = {None, "horizontal", "vertical", "horizontal_and_vertical"}
    if flip not in flips:
        raise ValueError(f"flip must be one of {sorted(f for f in flips if f)} or None, got {flip!r}")
    for arg, value in {"rotation": rotation, "zoom": zoom, "translation": translation, "noise": noise}.items():
        if not isinstance(value, (int, float)) or value < 0 or (arg != "noise" and value >= 1):
            raise ValueError(f"{arg} must be a number in [0, 1), got {value!r}")
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip(flip, seed=seed, name="random_flip"))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="constant", seed=seed, name="random_rotation"))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant", seed=seed, name="random_zoom"))
    if translation:
        layers.append(keras.layers.RandomTranslation(translation, translation, fill_mode="constant", seed=seed,
                                                     name="random_translation"))
    if noise:
        layers.append(keras.layers.GaussianNoise(noise, seed=seed, name="gaussian_noise"))
    if not layers:  # everything switched off: a valid block that changes nothing
        layers.append(keras.layers.Identity(name="no_augmentation"))
    return keras.Sequential(layers, name=name)
