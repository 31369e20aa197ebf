"""2-D convolution in NumPy, classic 3x3 kernels and a picture of input -> kernel -> output.

Like Keras' ``Conv2D``, ``conv2d`` computes a cross-correlation: the kernel is
slid over the image without being flipped.

Example:
    >>> image = sample_image()
    >>> edges = conv2d(image, KERNEL_PRESETS["edge"])
    >>> edges.shape == image.shape
    True
    >>> fig = plot_convolution(image, KERNEL_PRESETS["sharpen"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from dlcourse.plots.canvas import hide_ticks

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

KERNEL_PRESETS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "edge": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=float),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "blur": np.full((3, 3), 1 / 9),
    "vertical edges (Sobel)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
    "horizontal edges (Sobel)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float),
}


def conv2d(image: Any, kernel: Any, padding: str = "same") -> np.ndarray:
    """Slide ``kernel`` over a grey-scale ``image`` and sum the products at every position.

    Args:
        image: shape ``(h, w)`` (or ``(h, w, 1)``).
        kernel: shape ``(kh, kw)``.
        padding: ``"same"`` (zero-pad, output as big as the input) or ``"valid"`` (no padding, smaller output).
    """
    image = np.asarray(image, dtype=float)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"image must be grey-scale with shape (h, w), got {image.shape}")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must have shape (kh, kw), got {kernel.shape}")
    if padding not in ("same", "valid"):
        raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
    kh, kw = kernel.shape
    if padding == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        image = np.pad(image, ((top, kh - 1 - top), (left, kw - 1 - left)))
    if image.shape[0] < kh or image.shape[1] < kw:
        raise ValueError(f"kernel {kernel.shape} is larger than the image {image.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))  # (out_h, out_w, kh, kw)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def sample_image(size: int = 32) -> np.ndarray:
    """A small grey-scale test picture in [0, 1]: a square, a disc and a diagonal bar."""
    if size < 8:
        raise ValueError(f"size must be at least 8, got {size}")
    rows, cols = np.mgrid[0:size, 0:size] / size
    square = (rows > 0.15) & (rows < 0.45) & (cols > 0.1) & (cols < 0.4)
    disc = (rows - 0.65) ** 2 + (cols - 0.68) ** 2 < 0.2 ** 2
    bar = np.abs(rows - (1 - cols)) < 0.04
    return np.clip(square * 1.0 + disc * 0.7 + bar * 0.5, 0, 1)


def plot_convolution(image: Any, kernel: Any, *, axes: Sequence[Axes] | None = None,
                     title: str | None = None) -> Figure:
    """Three panels: the input image, the kernel with its numbers, and the convolved output."""
    kernel = np.asarray(kernel, dtype=float)
    output = conv2d(image, kernel)
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3, figsize=(9.5, 3.4), gridspec_kw={"width_ratios": [3, 2, 3]})
    elif len(axes) != 3:
        raise ValueError(f"axes must hold 3 Axes (input, kernel, output), got {len(axes)}")
    image_ax, kernel_ax, output_ax = axes
    image_ax.imshow(np.squeeze(np.asarray(image, dtype=float)), cmap="gray")
    image_ax.set_title("input")
    limit = max(float(np.abs(kernel).max()), 1e-9)
    kernel_ax.imshow(kernel, cmap="coolwarm", vmin=-limit, vmax=limit)
    for (i, j), value in np.ndenumerate(kernel):
        kernel_ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=10)
    kernel_ax.set_title("kernel")
    output_ax.imshow(output, cmap="gray")
    output_ax.set_title("output")
    for ax in axes:
        hide_ticks(ax)
    fig = image_ax.figure
    if title:
        fig.suptitle(title)
    return fig
