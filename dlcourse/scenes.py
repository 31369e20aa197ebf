"""Synthetic street scenes for object detection: one car, pedestrian or traffic sign per image, with its box.

A self-driving car must say not only *what* is in front of it but *where*. Real detection data sets
(COCO, KITTI, nuScenes) are gigabytes; these scenes are drawn with NumPy in milliseconds, seeded, so a
small network can learn classification *and* localisation on a laptop CPU:

* :func:`make_scenes` draws ``n`` RGB images of a road seen from above (grey asphalt, two dashed lane
  markings, sensor noise) with one object of interest each, and returns its class and bounding box;
* :func:`iou` measures how well a predicted box overlaps the true one (intersection over union);
* :func:`plot_boxes` shows images with their true (green) and predicted (red, dashed) boxes.

Boxes are ``(x_min, y_min, x_max, y_max)`` as *fractions* of the image width and height, so they lie in
``[0, 1]`` whatever the image size (``y`` grows downwards, as in image coordinates).

Example:
    >>> images, labels, boxes = make_scenes(8, size=64, seed=0)
    >>> images.shape, images.dtype.name, labels.shape, boxes.shape
    ((8, 64, 64, 3), 'float32', (8,), (8, 4))
    >>> [CLASS_NAMES[k] for k in labels[:3]]
    ['traffic sign', 'pedestrian', 'pedestrian']
    >>> float(iou(boxes[0], boxes[0]))
    1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CLASS_NAMES", "make_scenes", "iou", "plot_boxes"]

#: The object classes, in label order.
CLASS_NAMES = ("car", "pedestrian", "traffic sign")

_ASPHALT = np.array([0.36, 0.37, 0.39])
_DARK = np.array([0.08, 0.08, 0.09])


def _check_positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _bright_colour(rng: np.random.Generator) -> np.ndarray:
    """A random saturated colour (cars and clothes come in every colour, so colour never gives the class away)."""
    colour = rng.uniform(0.0, 1.0, size=3)
    colour[rng.integers(3)] = rng.uniform(0.75, 1.0)
    colour[rng.integers(3)] = rng.uniform(0.0, 0.25)
    return colour


def _fill_rect(image: np.ndarray, mask: np.ndarray, top: int, left: int, bottom: int, right: int,
               colour: np.ndarray) -> None:
    """Paint a rectangle (rows ``top:bottom``, columns ``left:right``) and mark it as object in ``mask``."""
    region = np.s_[max(top, 0):max(bottom, 0), max(left, 0):max(right, 0)]
    image[region] = colour
    mask[region] = True


def _fill_disc(image: np.ndarray, mask: np.ndarray, cy: float, cx: float, radius: float,
               colour: np.ndarray) -> None:
    """Paint a disc of pixels whose centres lie within ``radius`` of ``(cy, cx)`` and mark it in ``mask``."""
    rows, cols = np.ogrid[:image.shape[0], :image.shape[1]]
    disc = (rows - cy) ** 2 + (cols - cx) ** 2 <= radius ** 2
    image[disc] = colour
    mask |= disc


def _draw_road(image: np.ndarray, rng: np.random.Generator) -> None:
    size = image.shape[0]
    image[:] = _ASPHALT * rng.uniform(0.8, 1.2)
    paint = np.array([0.95, 0.95, 0.9]) if rng.random() < 0.7 else np.array([0.95, 0.8, 0.2])
    rows = np.arange(size)
    slope = rng.uniform(-0.25, 0.25)                       # lanes seen at a slight angle
    dash, phase = max(size // 8, 2), rng.integers(size)
    for offset in (rng.uniform(0.15, 0.3), rng.uniform(0.7, 0.85)):
        centre = offset * size + slope * (rows - size / 2)
        columns = np.round(centre).astype(int)
        painted = (((rows + phase) // dash) % 2 == 0) & (columns >= 0) & (columns < size - 1)
        image[rows[painted], columns[painted]] = paint
        image[rows[painted], columns[painted] + 1] = paint


def _draw_car(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> None:
    size = image.shape[0]
    width = int(rng.uniform(0.28, 0.45) * size)
    height = max(int(width * rng.uniform(0.45, 0.6)), 4)
    wheel = max(height // 4, 1)
    top = int(rng.integers(1, size - height - wheel - 1))
    left = int(rng.integers(1, size - width - 1))
    bottom, right = top + height, left + width
    _fill_rect(image, mask, top, left, bottom, right, _bright_colour(rng))            # body
    inset = max(width // 5, 1)
    windows = (top + 1, left + inset, top + 1 + max(height // 3, 1), right - inset)
    _fill_rect(image, mask, *windows, _DARK + 0.15)
    wheel_width = max(width // 5, 2)
    for x in (left + 1, right - 1 - wheel_width):                                      # wheels
        _fill_rect(image, mask, bottom - wheel, x, bottom + wheel, x + wheel_width, _DARK)


def _draw_pedestrian(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> None:
    size = image.shape[0]
    height = int(rng.uniform(0.3, 0.45) * size)
    width = max(int(height * rng.uniform(0.3, 0.4)), 4)
    top = int(rng.integers(1, size - height - 1))
    left = int(rng.integers(1, size - width - 1))
    bottom, right = top + height, left + width
    head = width / 2
    skin = np.array([0.9, 0.72, 0.55]) * rng.uniform(0.6, 1.0)
    _fill_disc(image, mask, top + head, left + width / 2, head, skin)
    torso_top, legs_top = int(top + 2 * head), int(top + 2 * head + 0.45 * (height - 2 * head))
    _fill_rect(image, mask, torso_top, left, legs_top, right, _bright_colour(rng))    # shirt
    legs = _DARK + rng.uniform(0.0, 0.12)
    gap = max(width // 5, 1)
    _fill_rect(image, mask, legs_top, left + 1, bottom, left + width // 2 - gap // 2, legs)   # legs
    _fill_rect(image, mask, legs_top, left + width // 2 + (gap + 1) // 2, bottom, right - 1, legs)


def _draw_sign(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> None:
    size = image.shape[0]
    diameter = int(rng.uniform(0.16, 0.28) * size)
    pole = int(diameter * rng.uniform(0.6, 1.0))
    top = int(rng.integers(1, size - diameter - pole - 1))
    left = int(rng.integers(1, size - diameter - 1))
    radius = diameter / 2
    cy, cx = top + radius - 0.5, left + radius - 0.5
    pole_width = max(diameter // 6, 1)
    mid = left + diameter // 2
    _fill_rect(image, mask, top + diameter - 1, mid - pole_width // 2, top + diameter + pole,
               mid - pole_width // 2 + pole_width, _DARK + 0.1)                          # pole
    _fill_disc(image, mask, cy, cx, radius, np.array([0.85, 0.1, 0.1]))              # red ring
    _fill_disc(image, mask, cy, cx, radius * 0.65, np.array([0.95, 0.95, 0.95]))     # white face


_DRAWERS = (_draw_car, _draw_pedestrian, _draw_sign)


def make_scenes(n: int, size: int = 64, seed: int | None = 0, *, noise: float = 0.03
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw ``n`` street scenes, each with one object; return ``(images, labels, boxes)``.

    Args:
        n: number of images.
        size: height and width in pixels (at least 32).
        seed: the same seed gives the same scenes.
        noise: standard deviation of the Gaussian sensor noise added to every pixel.

    Returns:
        ``images`` float32 ``(n, size, size, 3)`` in ``[0, 1]``; ``labels`` int64 ``(n,)``, an index into
        :data:`CLASS_NAMES`; ``boxes`` float32 ``(n, 4)``, ``(x_min, y_min, x_max, y_max)`` as fractions of
        the image size, tight around the object.

    Example:
        >>> images, labels, boxes = make_scenes(100, seed=1)
        >>> bool((boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= 1).all() and (boxes[:, 2:] > boxes[:, :2]).all())
        True
    """
    n = _check_positive_int("n", n)
    size = _check_positive_int("size", size, minimum=32)
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)) or noise < 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    images = np.empty((n, size, size, 3), dtype=np.float32)
    labels = rng.integers(len(CLASS_NAMES), size=n)
    boxes = np.empty((n, 4), dtype=np.float32)
    canvas = np.empty((size, size, 3))
    mask = np.empty((size, size), dtype=bool)
    for i, label in enumerate(labels):
        _draw_road(canvas, rng)
        mask[:] = False
        _DRAWERS[label](canvas, mask, rng)
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        boxes[i] = (cols[0] / size, rows[0] / size, (cols[-1] + 1) / size, (rows[-1] + 1) / size)
        images[i] = canvas
        if noise > 0:
            images[i] += noise * rng.standard_normal(canvas.shape, dtype=np.float32)
    np.clip(images, 0.0, 1.0, out=images)
    return images, labels.astype(np.int64), boxes


def _as_boxes(name: str, boxes: Any) -> np.ndarray:
    array = np.asarray(boxes, dtype=float)
    if array.ndim == 0 or array.shape[-1] != 4:
        raise ValueError(f"{name} must have 4 numbers (x_min, y_min, x_max, y_max) on its last axis, "
                         f"got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: every coordinate must be a finite number")
    return array


def iou(boxes_a: Any, boxes_b: Any) -> np.ndarray:
    """Intersection over union of matching boxes: area of the overlap / area covered by either box.

    1 means the boxes coincide, 0 that they do not touch. Detection benchmarks usually count a
    prediction as correct when its IoU with the true box is at least 0.5. A box with ``x_max < x_min`` or
    ``y_max < y_min`` (a network's box head can predict one) is empty: its IoU with anything is 0.

    Args:
        boxes_a, boxes_b: arrays whose last axis is ``(x_min, y_min, x_max, y_max)``; their other axes
            broadcast against each other (e.g. ``(n, 4)`` with ``(n, 4)``, or one box against many).

    Example:
        >>> iou([0.0, 0.0, 2.0, 2.0], [1.0, 0.0, 3.0, 2.0])      # overlap 2, union 6
        array(0.33333333)
        >>> iou([[0, 0, 1, 1], [0, 0, 1, 1]], [[0, 0, 1, 1], [2, 2, 3, 3]])
        array([1., 0.])
    """
    a, b = _as_boxes("boxes_a", boxes_a), _as_boxes("boxes_b", boxes_b)
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0.0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0.0, None)
    intersection = width * height
    area_a = np.clip(a[..., 2] - a[..., 0], 0.0, None) * np.clip(a[..., 3] - a[..., 1], 0.0, None)
    area_b = np.clip(b[..., 2] - b[..., 0], 0.0, None) * np.clip(b[..., 3] - b[..., 1], 0.0, None)
    union = area_a + area_b - intersection
    return np.divide(intersection, union, out=np.zeros_like(np.asarray(intersection, dtype=float)),
                     where=union > 0)


def plot_boxes(images: np.ndarray, true_boxes: Any, pred_boxes: Any = None, *, labels: Any = None,
               pred_labels: Any = None, class_names: Sequence[str] | None = CLASS_NAMES, ncols: int | None = None,
               panel_size: float = 2.2) -> Figure:
    """A grid of images with the true box (green) and, if given, the predicted box (red, dashed).

    Each title names the true class (and the predicted one after an arrow, red when wrong) and the IoU of
    the two boxes when predictions are given.

    Args:
        images: ``(n, height, width, channels)`` or ``(n, height, width)``, floats in ``[0, 1]`` or uint8.
        true_boxes, pred_boxes: ``(n, 4)`` boxes as fractions of the image size (as :func:`make_scenes`).
        labels, pred_labels: class indices, optional.
        class_names: names for the class indices.
        ncols: panels per row (default: a roughly square grid, at most 8 wide).
        panel_size: inches per panel.

    Example:
        >>> images, labels, boxes = make_scenes(4)
        >>> fig = plot_boxes(images, boxes, boxes + 0.02, labels=labels, pred_labels=labels)
        >>> len(fig.axes)
        4
    """
    from matplotlib.patches import Rectangle

    from dlcourse.plots.canvas import axes_grid, grid_shape, hide_ticks

    images = np.asarray(images)
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"images must be a non-empty batch (n, height, width[, channels]), got shape {images.shape}")
    n = len(images)
    true_boxes = _as_boxes("true_boxes", true_boxes)
    if true_boxes.shape != (n, 4):
        raise ValueError(f"true_boxes must have shape ({n}, 4) for {n} images, got {true_boxes.shape}")
    if pred_boxes is not None:
        pred_boxes = _as_boxes("pred_boxes", pred_boxes)
        if pred_boxes.shape != (n, 4):
            raise ValueError(f"pred_boxes must have shape ({n}, 4) for {n} images, got {pred_boxes.shape}")
    for name, values in (("labels", labels), ("pred_labels", pred_labels)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} must have one entry per image ({n}), got {len(values)}")

    def name_of(k: Any) -> str:
        return class_names[int(k)] if class_names is not None else str(int(k))

    rows, cols = grid_shape(n, ncols)
    title_lines = (labels is not None) + (pred_boxes is not None)
    fig, axes = axes_grid(n, ncols=ncols, figsize=(panel_size * cols, (panel_size + 0.2 * title_lines) * rows + 0.2))
    height, width = images.shape[1:3]
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap="gray" if images.ndim == 3 else None)
        hide_ticks(ax)
        shown = [(true_boxes[i], "lime", "-")]
        if pred_boxes is not None:
            shown.append((pred_boxes[i], "red", "--"))
        for (x0, y0, x1, y1), colour, style in shown:
            ax.add_patch(Rectangle((x0 * width - 0.5, y0 * height - 0.5), (x1 - x0) * width, (y1 - y0) * height,
                                   fill=False, edgecolor=colour, linestyle=style, linewidth=1.8))
        title, title_colour = "", "black"
        if labels is not None:
            title = name_of(labels[i])
            if pred_labels is not None:
                title += f" → {name_of(pred_labels[i])}" if pred_labels[i] != labels[i] else " ✓"
                title_colour = "black" if pred_labels[i] == labels[i] else "red"
        if pred_boxes is not None:
            title += f"\nIoU {float(iou(true_boxes[i], pred_boxes[i])):.2f}"
        if title:
            ax.set_title(title, fontsize=9, color=title_colour)
    fig.tight_layout()
    return fig
