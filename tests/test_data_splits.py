"""Split helpers and the generic load() machinery, on synthetic data."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import data
from dlcourse.data.splits import Split, take


def test_stratified_split_keeps_class_proportions_and_is_deterministic():
    labels = np.array([0] * 600 + [1] * 300 + [2] * 100)
    keep, val = data.stratified_split(labels, 0.1, seed=1)
    assert len(val) == 100 and len(keep) == 900
    assert np.bincount(labels[val]).tolist() == [60, 30, 10]
    assert not set(keep) & set(val)
    again = data.stratified_split(labels, 0.1, seed=1)[1]
    np.testing.assert_array_equal(val, again)
    assert not np.array_equal(val, data.stratified_split(labels, 0.1, seed=2)[1])


def test_balanced_subset_is_uniform_even_when_classes_are_not():
    labels = np.array([0] * 900 + [1] * 90 + [2] * 10)
    index = data.balanced_subset(labels, 60, seed=0)
    assert len(index) == 60
    assert np.bincount(labels[index]).tolist() == [25, 25, 10]  # class 2 only has 10


@pytest.mark.parametrize("limit", [0, -5, 2.5])
def test_balanced_subset_rejects_bad_limits(limit):
    with pytest.raises(ValueError, match="limit"):
        data.balanced_subset(np.zeros(10), limit)


def test_take_slices_text_corpora_contiguously():
    part = Split("abcdefgh", None)
    assert take(part, np.arange(2, 5)).x == "cde"


def test_load_carves_a_stratified_validation_split():
    splits = data.load("gaussians", n_samples=1000, centers=4, limit=None)
    assert len(splits.train) + len(splits.val) + len(splits.test) == 1000
    assert len(splits.val) == 80 and splits.num_classes == 4
    assert np.bincount(splits.val.y).tolist() == [20, 20, 20, 20]
    assert "4 classes" in repr(splits)


def test_limit_shrinks_every_split_in_proportion_and_keeps_balance():
    splits = data.load("spirals", n_samples=2000, classes=2, limit=200)
    assert len(splits.train) == 200
    assert np.bincount(splits.train.y).tolist() == [100, 100]
    assert len(splits.val) == 23 and len(splits.test) == 56


def test_auto_limit_follows_quick_mode(monkeypatch, require_data):
    require_data("mnist")
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    quick = data.load("mnist")
    assert len(quick.train) == data.get_spec("mnist").quick_limit
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    assert len(data.load("mnist").train) == 54000


def test_load_is_deterministic_for_a_seed():
    a, b = data.load("moons", seed=3), data.load("moons", seed=3)
    np.testing.assert_array_equal(a.train.x, b.train.x)
    assert not np.array_equal(a.train.x, data.load("moons", seed=4).train.x)


@pytest.mark.parametrize("kwargs, argument", [
    ({"name": "mnits"}, "name"),
    ({"name": "moons", "colour": "red"}, "options"),
    ({"name": "moons", "limit": 0}, "limit"),
    ({"name": "moons", "limit": "all"}, "limit"),
    ({"name": "moons", "val_fraction": 1.5}, "val_fraction"),
    ({"name": "moons", "n_samples": 3}, "n_samples"),
    ({"name": "spirals", "classes": 1}, "classes"),
    ({"name": "moons", "noise": -1.0}, "noise"),
])
def test_bad_arguments_raise_value_errors_naming_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=f"^{argument}"):
        data.load(**kwargs)


@pytest.mark.parametrize("maker", [data.make_spirals, data.make_moons, data.make_gaussians, data.make_xor])
def test_synthetic_sets_are_two_dimensional_and_seeded(maker):
    x, y = maker(300, seed=5)
    assert x.shape == (300, 2) and x.dtype == np.float32 and len(y) == 300
    np.testing.assert_array_equal(x, maker(300, seed=5)[0])


def test_xor_labels_follow_the_sign_rule():
    x, y = data.make_xor(2000, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(int))


def test_adding_a_data_set_is_one_registry_entry(monkeypatch):
    monkeypatch.setattr(data.registry, "DATASETS", dict(data.DATASETS))

    @data.register("ramp", kind="toy", description="a ramp", quick_limit=None)
    def read_ramp(seed: int, n: int = 50) -> data.RawData:
        x = np.arange(n, dtype="float32")
        return data.RawData(Split(x, (x > n / 2).astype(int)), Split(x[:10], np.zeros(10, int)))

    assert "ramp" in data.names()
    splits = data.load("ramp", n=100)
    assert len(splits.train) + len(splits.val) == 100
    assert "options: n=50" in data.describe("ramp")
