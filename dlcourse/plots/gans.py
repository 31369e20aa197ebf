"""Images from a GAN's generator: a grid of samples from random latent vectors.

Example:
    >>> import numpy as np
    >>> fake_generator = lambda z: np.tanh(z[:, :16].reshape(-1, 4, 4))
    >>> fig = plot_gan_samples(fake_generator, latent_dim=16, n=8)
    >>> fig = plot_gan_samples(np.random.rand(8, 28, 28))          # images you generated yourself
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dlcourse.plots.images import plot_image_grid
from dlcourse.plots.predict import as_numpy

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Generators with ``tanh`` outputs produce pixels in [-1, 1].
GENERATOR_RANGE = (-1.0, 1.0)


def latent_vectors(n: int, latent_dim: int, seed: int | None = 0) -> np.ndarray:
    """``n`` standard-normal latent vectors, shape ``(n, latent_dim)``, float32."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if latent_dim < 1:
        raise ValueError(f"latent_dim must be at least 1, got {latent_dim}")
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")


def generate_images(generator: Any, z: Any, labels: Any = None) -> np.ndarray:
    """Run the generator (a Keras model or any callable) on latent vectors ``z``; NumPy images back.

    A conditional generator (inputs ``[noise, label]``) also needs ``labels``, one class per vector.
    """
    z = np.asarray(z, dtype="float32")
    if z.ndim != 2:
        raise ValueError(f"z must have shape (n, latent_dim), got {z.shape}")
    if not callable(generator):
        raise ValueError(f"generator must be a Keras model or a callable, got {type(generator).__name__}")
    from dlcourse.models.gan import generator_inputs  # noise alone, or [noise, labels] for a conditional one

    kwargs = {"training": False} if hasattr(generator, "layers") else {}
    return as_numpy(generator(generator_inputs(generator, z, labels), **kwargs))


def plot_gan_samples(generator_or_images: Any, *, latent_dim: int | None = None, n: int = 16, seed: int | None = 0,
                     ncols: int | None = None, value_range: tuple[float, float] | None = None,
                     labels: Any = None, title: str = "Generated samples") -> Figure:
    """A grid of ``n`` generated images.

    Args:
        generator_or_images: a generator (Keras model or callable taking ``(n, latent_dim)``
            latent vectors), or already generated images.
        latent_dim: the generator's latent size (default: read from a Keras model's input).
        value_range: pixel range of the images (default: guessed; [-1, 1] for tanh outputs).
        labels: for a conditional generator, the class of each of the ``n`` images.
    """
    if callable(generator_or_images):
        latent_dim = latent_dim or _latent_dim_of(generator_or_images)
        images = generate_images(generator_or_images, latent_vectors(n, latent_dim, seed), labels)
    else:
        images = np.asarray(generator_or_images)[:n]
    return plot_image_grid(images, ncols=ncols, max_images=n, value_range=value_range, title=title)


def _latent_dim_of(generator: Any) -> int:
    try:
        return int(generator.inputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError, ValueError):
        raise ValueError("latent_dim: pass the generator's latent size") from None
