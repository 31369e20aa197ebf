"""dlcourse.scenes: seeded scenes with boxes inside the image, IoU, and the box plot."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.scenes import CLASS_NAMES, iou, make_scenes, plot_boxes


def test_scenes_are_seeded_and_well_formed():
    images, labels, boxes = make_scenes(60, size=48, seed=3)
    again = make_scenes(60, size=48, seed=3)
    np.testing.assert_array_equal(images, again[0])
    np.testing.assert_array_equal(labels, again[1])
    np.testing.assert_array_equal(boxes, again[2])
    assert not np.array_equal(images, make_scenes(60, size=48, seed=4)[0])
    assert images.shape == (60, 48, 48, 3) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert labels.shape == (60,) and set(labels.tolist()) == set(range(len(CLASS_NAMES)))
    assert boxes.shape == (60, 4)
    assert (boxes >= 0).all() and (boxes <= 1).all()
    assert (boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all()


def _road_pixels(image: np.ndarray) -> np.ndarray:
    """True where a (noise-free) pixel looks like road: grey asphalt, white paint or yellow paint."""
    value, saturation = image.max(axis=-1), image.max(axis=-1) - image.min(axis=-1)
    grey = (saturation < 0.06) & (((value > 0.25) & (value < 0.5)) | (value > 0.85))
    yellow = np.abs(image - np.array([0.95, 0.8, 0.2])).max(axis=-1) < 1e-6
    return grey | yellow


def test_the_box_is_tight_around_the_object():
    """Outside the box there is only road; the object reaches every side of its box."""
    size = 64
    images, labels, boxes = make_scenes(60, size=size, seed=0, noise=0.0)
    for image, box in zip(images, boxes):
        x0, y0, x1, y1 = np.round(box * size).astype(int)
        road = _road_pixels(image)
        outside = np.ones((size, size), dtype=bool)
        outside[y0:y1, x0:x1] = False
        assert road[outside].all()
        thing = ~road[y0:y1, x0:x1]
        assert thing[0].any() and thing[-1].any() and thing[:, 0].any() and thing[:, -1].any()
        assert thing.mean() > 0.2       # mostly object, not road


def test_classes_differ_in_shape():
    _, labels, boxes = make_scenes(300, seed=2)
    aspect = (boxes[:, 3] - boxes[:, 1]) / (boxes[:, 2] - boxes[:, 0])   # height / width
    assert aspect[labels == 0].max() < 1.0 < aspect[labels == 1].min()    # cars are wide, pedestrians tall


def test_iou_of_identical_disjoint_and_partial_boxes():
    box = np.array([0.1, 0.2, 0.5, 0.6])
    assert float(iou(box, box)) == pytest.approx(1.0)
    assert float(iou(box, [0.6, 0.7, 0.9, 0.9])) == 0.0
    assert float(iou(box, [0.5, 0.2, 0.9, 0.6])) == 0.0            # touching edges: no overlap
    assert float(iou([0, 0, 2, 2], [1, 0, 3, 2])) == pytest.approx(1 / 3)
    assert float(iou([0, 0, 4, 4], [1, 1, 3, 3])) == pytest.approx(0.25)   # one box inside the other
    many = iou(np.array([[0, 0, 1, 1], [0, 0, 2, 2]]), np.array([0, 0, 1, 1]))  # broadcasting
    np.testing.assert_allclose(many, [1.0, 0.25])
    assert float(iou([0, 0, 0, 0], [0, 0, 0, 0])) == 0.0            # empty boxes do not divide by zero
    assert float(iou([0, 0, 1, 1], [0.8, 0, 0.2, 1])) == 0.0        # an inverted (predicted) box is empty
    assert float(iou([0.8, 0.8, 0.2, 0.2], [0, 0, 1, 1])) == 0.0


def test_iou_is_symmetric():
    rng = np.random.default_rng(0)
    corners = rng.uniform(0, 1, size=(50, 2, 2))
    a = np.concatenate([corners.min(axis=1), corners.max(axis=1)], axis=1)
    b = np.roll(a, 1, axis=0)
    np.testing.assert_allclose(iou(a, b), iou(b, a))
    assert ((iou(a, b) >= 0) & (iou(a, b) <= 1)).all()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="boxes_a"):
        iou([0, 0, 1], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="boxes_b"):
        iou([0, 0, 1, 1], [0, 0, np.nan, 1])
    with pytest.raises(ValueError, match="^n "):
        make_scenes(0)
    with pytest.raises(ValueError, match="size"):
        make_scenes(2, size=16)
    with pytest.raises(ValueError, match="noise"):
        make_scenes(2, noise=-1)
    images, labels, boxes = make_scenes(3)
    with pytest.raises(ValueError, match="true_boxes"):
        plot_boxes(images, boxes[:2])
    with pytest.raises(ValueError, match="pred_boxes"):
        plot_boxes(images, boxes, boxes[:, :3])
    with pytest.raises(ValueError, match="pred_labels"):
        plot_boxes(images, boxes, labels=labels, pred_labels=labels[:1])


def test_plot_boxes_draws_both_boxes_and_titles():
    from matplotlib.patches import Rectangle

    images, labels, boxes = make_scenes(4, seed=1)
    wrong = (labels + 1) % len(CLASS_NAMES)
    fig = plot_boxes(images, boxes, boxes, labels=labels, pred_labels=wrong, ncols=2)
    assert len(fig.axes) == 4
    for ax in fig.axes:
        assert sum(isinstance(p, Rectangle) for p in ax.patches) == 2
        assert "→" in ax.get_title() and "IoU 1.00" in ax.get_title()
    fig = plot_boxes(images, boxes)
    assert all(len(ax.patches) == 1 for ax in fig.axes)
