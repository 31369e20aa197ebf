"""Every registered data set loads into sane, deterministic splits (real files from the Keras cache)."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import data


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_image_sets_full_size_shapes_and_classes(name, require_data):
    require_data(name)
    splits = data.load(name, limit=None)
    assert splits.train.x.shape == (54000, 28, 28) and splits.val.x.shape == (6000, 28, 28)
    assert splits.test.x.shape == (10000, 28, 28) and splits.train.x.dtype == np.uint8
    assert splits.num_classes == 10
    assert np.bincount(splits.val.y, minlength=10).min() >= 500  # stratified: every class well represented


def test_quick_mnist_is_balanced(require_data):
    require_data("mnist")
    splits = data.load("mnist", limit=500)
    counts = np.bincount(splits.train.y, minlength=10)
    assert counts.min() == counts.max() == 50


def test_reuters_sequences_respect_num_words(require_data):
    require_data("reuters")
    splits = data.load("reuters", num_words=1000, limit=300)
    assert splits.num_classes == 46 and len(splits.test) == 2246 * 300 // 8084 + 1
    assert max(max(seq) for seq in splits.train.x) < 1000


def test_imdb_reviews_are_raw_text_with_balanced_labels(require_data):
    require_data("imdb_reviews")
    splits = data.load("imdb_reviews", limit=200, seed=1)
    assert len(splits.train) == 200 and np.bincount(splits.train.y).tolist() == [100, 100]
    assert all(isinstance(text, str) and len(text) > 20 for text in splits.train.x)
    assert not any("<br />" in text for text in splits.train.x)
    assert splits.class_names == ["neg", "pos"]
    again = data.load("imdb_reviews", limit=200, seed=1)
    assert list(again.train.x[:5]) == list(splits.train.x[:5])


def test_shakespeare_is_split_by_position(require_data):
    require_data("shakespeare")
    splits = data.load("shakespeare", limit=None)
    assert splits.train.x.startswith("First Citizen:")
    assert len(splits.train.x) + len(splits.val.x) + len(splits.test.x) == 1115394
    assert len(splits.info["vocabulary"]) == 65
    quick = data.load("shakespeare", limit=10_000)
    assert len(quick.train.x) == 10_000 and splits.train.x.startswith(quick.train.x)


@pytest.mark.parametrize("name, season", [("co2", 12), ("sunspots", 11)])
def test_time_series_are_chronological(name, season):
    splits = data.load(name)
    times = np.concatenate([splits.train.x, splits.val.x, splits.test.x])
    assert np.all(np.diff(times) > np.timedelta64(0, "D")), "train, then validation, then test"
    assert splits.train.y.dtype == np.float32 and not np.isnan(splits.train.y).any()
    assert splits.info["season_length"] == season


def test_every_registered_name_has_a_description():
    for name in data.names():
        assert name in data.describe(name) and data.get_spec(name).description
