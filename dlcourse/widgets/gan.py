"""GAN latent explorer: move the first few latent coordinates and watch the generated image change.

Example:
    >>> import numpy as np
    >>> generator = lambda z: np.tanh(np.outer(z[0], z[0])[None, :8, :8])
    >>> fig = draw_latent_image(generator, np.linspace(-1, 1, 8))
    >>> gan_latent_explorer(generator, latent_dim=8)       # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from dlcourse.plots.canvas import figure_and_axes
from dlcourse.plots.gans import generate_images, latent_vectors
from dlcourse.plots.images import show_image
from dlcourse.widgets.panel import InteractiveFigure, interactive_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def draw_latent_image(generator: Any, z: Any, *, value_range: tuple[float, float] | None = None) -> Figure:
    """The image the generator makes from one latent vector ``z`` (shape ``(latent_dim,)``)."""
    z = np.asarray(z, dtype="float32")
    if z.ndim != 1:
        raise ValueError(f"z must be one latent vector, shape (latent_dim,), got {z.shape}")
    image = generate_images(generator, z[None])[0]
    fig, ax = figure_and_axes(None, figsize=(3.6, 3.8))
    shown = ", ".join(f"{v:+.1f}" for v in z[:4])
    show_image(ax, image, title=f"z = [{shown}{', ...' if len(z) > 4 else ''}]", value_range=value_range)
    return fig


def gan_latent_explorer(generator: Any, latent_dim: int, *, n_sliders: int = 4, seed: int = 0,
                        value_range: tuple[float, float] | None = None, static: bool | None = None
                        ) -> InteractiveFigure | Figure:
    """Sliders for latent coordinates ``z[0] ... z[n_sliders - 1]``; the rest stay fixed (drawn with ``seed``).

    ``generator`` is a Keras model or a callable from latent vectors ``(n, latent_dim)``
    to images. Returns the live widget, or without a live front end the static figure.
    """
    if not callable(generator):
        raise ValueError(f"generator must be a Keras model or a callable, got {type(generator).__name__}")
    if not isinstance(latent_dim, (int, np.integer)) or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}")
    if n_sliders < 1:
        raise ValueError(f"n_sliders must be at least 1, got {n_sliders}")
    n_sliders = min(n_sliders, latent_dim)
    base = latent_vectors(1, latent_dim, seed)[0]
    initial = {f"z{i}": float(np.clip(base[i], -3, 3)) for i in range(n_sliders)}

    def draw(**sliders: float) -> Figure:
        z = base.copy()
        for i in range(n_sliders):
            z[i] = sliders[f"z{i}"]
        return draw_latent_image(generator, z, value_range=value_range)

    def make_controls() -> dict[str, widgets.ValueWidget]:
        return {name: widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1, description=f"z[{name[1:]}]",
                                          continuous_update=False)
                for name, value in initial.items()}

    return interactive_figure(draw, initial, make_controls, static=static)
