"""Inside a convolutional network: a layer's filters, and its feature maps for one image.

Both take a Keras model and the name of one of its ``Conv2D`` layers.

Example:
    >>> fig = plot_conv_filters(model, "conv2d")              # doctest: +SKIP
    >>> fig = plot_feature_maps(model, "conv2d", x_test[0])   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dlcourse.plots.canvas import axes_grid, hide_ticks
from dlcourse.plots.images import to_displayable
from dlcourse.plots.predict import as_numpy

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def get_layer(model: Any, layer_name: str) -> Any:
    """``model.get_layer(layer_name)`` with an error that lists the layer names."""
    try:
        return model.get_layer(layer_name)
    except ValueError:
        names = [layer.name for layer in model.layers]
        raise ValueError(f"layer_name {layer_name!r} is not in the model; its layers are {names}") from None


def conv_kernel(model: Any, layer_name: str) -> np.ndarray:
    """The layer's kernel, shape ``(kh, kw, in_channels, filters)``."""
    layer = get_layer(model, layer_name)
    weights = layer.get_weights()
    if not weights or np.ndim(weights[0]) != 4:
        raise ValueError(f"layer_name {layer_name!r} is not a Conv2D layer (its weights have no 4-D kernel)")
    return np.asarray(weights[0])


def plot_conv_filters(model: Any, layer_name: str, *, max_filters: int = 32, channel: int | None = None,
                      ncols: int = 8) -> Figure:
    """The first ``max_filters`` kernels of a Conv2D layer, one small image each.

    Args:
        channel: which input channel to show. None: colour filters for RGB input
            (3 channels), otherwise the mean over the input channels.
    """
    kernel = conv_kernel(model, layer_name)
    if max_filters < 1:
        raise ValueError(f"max_filters must be at least 1, got {max_filters}")
    in_channels, n_filters = kernel.shape[2], kernel.shape[3]
    if channel is not None and not 0 <= channel < in_channels:
        raise ValueError(f"channel must be in [0, {in_channels}), got {channel}")
    n = min(n_filters, max_filters)
    fig, axes = axes_grid(n, ncols, panel_size=1.2)
    for i, ax in enumerate(axes):
        weights = kernel[:, :, :, i]
        if channel is not None:
            picture, cmap = weights[:, :, channel], "coolwarm"
        elif in_channels == 3:
            picture, cmap = (weights - weights.min()) / (np.ptp(weights) or 1.0), None
        else:
            picture, cmap = weights.mean(axis=2), "coolwarm"
        if cmap is None:
            ax.imshow(picture)
        else:
            limit = float(np.abs(picture).max()) or 1.0
            ax.imshow(picture, cmap=cmap, vmin=-limit, vmax=limit)
        ax.set_title(str(i), fontsize=8)
        hide_ticks(ax)
    fig.suptitle(f"{layer_name}: {n} of {n_filters} filters ({kernel.shape[0]}x{kernel.shape[1]})")
    fig.tight_layout()
    return fig


def feature_maps(model: Any, layer_name: str, image: Any) -> np.ndarray:
    """The layer's output for one image, shape ``(h, w, channels)``."""
    import keras

    layer = get_layer(model, layer_name)
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError("model must be built with a known input (e.g. start it with keras.Input) "
                         "before its feature maps can be read")
    if len(inputs) != 1:
        raise ValueError(f"model must have a single input to show feature maps, it has {len(inputs)}")
    probe = keras.Model(inputs=inputs[0], outputs=layer.output)
    batch = _as_batch(image, tuple(inputs[0].shape[1:]))
    maps = as_numpy(probe(batch, training=False))[0]
    if maps.ndim != 3:
        raise ValueError(f"layer_name {layer_name!r} outputs shape {maps.shape}, not (h, w, channels) maps")
    return maps


def plot_feature_maps(model: Any, layer_name: str, image: Any, *, max_maps: int = 32, ncols: int = 8,
                      cmap: str = "viridis") -> Figure:
    """What the layer's filters respond to in ``image``: the input, then one panel per channel."""
    if max_maps < 1:
        raise ValueError(f"max_maps must be at least 1, got {max_maps}")
    maps = feature_maps(model, layer_name, image)
    n = min(maps.shape[-1], max_maps)
    fig, axes = axes_grid(n + 1, ncols, panel_size=1.3)
    axes[0].imshow(to_displayable(np.asarray(image)), cmap="gray")
    axes[0].set_title("input", fontsize=8)
    hide_ticks(axes[0])
    for i, ax in enumerate(axes[1:]):
        ax.imshow(maps[:, :, i], cmap=cmap)
        ax.set_title(str(i), fontsize=8)
        hide_ticks(ax)
    fig.suptitle(f"{layer_name}: {n} of {maps.shape[-1]} feature maps ({maps.shape[0]}x{maps.shape[1]})")
    fig.tight_layout()
    return fig


def _as_batch(image: Any, input_shape: tuple) -> np.ndarray:
    image = np.asarray(image, dtype="float32")
    if image.ndim == len(input_shape) - 1:  # grey-scale image without its channel axis
        image = image[..., None]
    if image.ndim != len(input_shape):
        raise ValueError(f"image must be one input of shape {input_shape}, got {image.shape}")
    return image[None]
