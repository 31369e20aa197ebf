"""Grids of images, with true and predicted labels; mistakes get red titles.

Example:
    >>> import numpy as np
    >>> images = np.random.rand(6, 28, 28)
    >>> fig = plot_image_grid(images, y_true=[0, 1, 2, 0, 1, 2], y_pred=[0, 1, 1, 0, 2, 2])
    >>> [ax.title.get_color() for ax in fig.axes][:3]
    ['black', 'black', 'red']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from dlcourse.plots.canvas import axes_grid, hide_ticks
from dlcourse.plots.labels import as_class_labels, class_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CORRECT_COLOUR = "black"
MISTAKE_COLOUR = "red"


def value_range_of(images: np.ndarray) -> tuple[float, float]:
    """Guess the pixel range: (0, 255) for integers; for floats (0, 1), (-1, 1) or (0, 255) if the data fits.

    Floats may overshoot [0, 1] or [-1, 1] by 0.1 (noise or augmentation push pixels a
    little outside); anything else is shown over its own minimum to maximum.
    """
    images = np.asarray(images)
    if images.dtype == bool:
        return 0.0, 1.0
    if images.dtype.kind in "iu":
        return 0.0, 255.0
    low, high = float(np.nanmin(images)), float(np.nanmax(images))
    for start, stop, slack in ((0.0, 1.0, 0.1), (-1.0, 1.0, 0.1), (0.0, 255.0, 0.0)):
        if start - slack <= low and high <= stop + slack:
            return start, stop
    return low, high


def to_displayable(image: Any, value_range: tuple[float, float] | None = None) -> np.ndarray:
    """One image as ``(h, w)`` or ``(h, w, 3)`` floats in [0, 1], ready for ``imshow``.

    A single channel is squeezed away; ``value_range`` (guessed if None) is mapped onto [0, 1].
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] not in (3, 4)):
        raise ValueError(f"image must have shape (h, w), (h, w, 1) or (h, w, 3), got {image.shape}")
    low, high = value_range if value_range is not None else value_range_of(image)
    scaled = (image.astype(float) - low) / ((high - low) or 1.0)
    return np.clip(scaled, 0.0, 1.0)


def show_image(ax: Axes, image: Any, *, title: str | None = None, title_colour: str = CORRECT_COLOUR,
               value_range: tuple[float, float] | None = None, cmap: str = "gray") -> None:
    """Draw one image on ``ax`` without ticks, grey-scale images with ``cmap``."""
    pixels = to_displayable(image, value_range)
    ax.imshow(pixels, cmap=cmap if pixels.ndim == 2 else None, vmin=0.0, vmax=1.0)
    hide_ticks(ax)
    if title is not None:
        ax.set_title(title, color=title_colour, fontsize=9)


def plot_image_grid(images: Any, y_true: Any = None, y_pred: Any = None, *, class_names: Sequence[str] | None = None,
                    titles: Sequence[str] | None = None, ncols: int | None = None, max_images: int = 25,
                    value_range: tuple[float, float] | None = None, cmap: str = "gray",
                    title: str | None = None) -> Figure:
    """A grid of images titled with their labels; with ``y_pred`` the mistakes get red titles.

    Args:
        images: shape ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``.
        y_true, y_pred: labels or probability rows (optional).
        class_names: label names for the titles.
        titles: your own title per image (instead of labels).
        max_images: draw at most this many (the first ones).
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, channels), got {images.shape}")
    if len(images) == 0:
        raise ValueError("images is empty")
    if max_images < 1:
        raise ValueError(f"max_images must be at least 1, got {max_images}")
    n = min(len(images), max_images)
    true = _labels_for(y_true, "y_true", len(images))
    pred = _labels_for(y_pred, "y_pred", len(images))
    if titles is not None and len(titles) < n:
        raise ValueError(f"titles needs one title per image shown ({n}), got {len(titles)}")
    if value_range is None:
        value_range = value_range_of(images[:n])

    fig, axes = axes_grid(n, ncols)
    for i, ax in enumerate(axes):
        text, colour = _title_for(i, true, pred, class_names, titles)
        show_image(ax, images[i], title=text, title_colour=colour, value_range=value_range, cmap=cmap)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _labels_for(y: Any, name: str, n_images: int) -> np.ndarray | None:
    if y is None:
        return None
    labels = as_class_labels(y, name)
    if len(labels) != n_images:
        raise ValueError(f"{name} must have one label per image ({n_images}), got {len(labels)}")
    return labels


def _title_for(i: int, true: np.ndarray | None, pred: np.ndarray | None, class_names: Sequence[str] | None,
               titles: Sequence[str] | None) -> tuple[str | None, str]:
    if titles is not None:
        return str(titles[i]), CORRECT_COLOUR
    if true is not None and pred is not None:
        mistake = true[i] != pred[i]
        text = f"true: {class_name(true[i], class_names)}\npred: {class_name(pred[i], class_names)}"
        return text, MISTAKE_COLOUR if mistake else CORRECT_COLOUR
    if true is not None:
        return class_name(true[i], class_names), CORRECT_COLOUR
    if pred is not None:
        return f"pred: {class_name(pred[i], class_names)}", CORRECT_COLOUR
    return None, CORRECT_COLOUR
