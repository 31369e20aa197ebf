"""pretrained_backbone (trained once, cached, frozen) and transfer_classifier."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import models
from dlcourse.data import DataSplits, Split
from dlcourse.models import transfer


@pytest.fixture(autouse=True)
def _seeded():
    dlcourse.seed(0)


def _stripes(n: int, seed: int, size: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images with one bright stripe: horizontal (class 0) or vertical (class 1)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, (n, size, size)).astype(np.uint8)
    labels = np.arange(n) % 2
    for image, label, where in zip(images, labels, rng.integers(1, size - 1, n)):
        image[(where, slice(None)) if label == 0 else (slice(None), where)] = 255
    return images, labels


@pytest.fixture
def fake_loads(monkeypatch):
    """Replace the data loader by small stripe images; the list records each requested load."""
    calls = []

    def fake_load(name, *, seed=0, limit="auto", **options):
        calls.append({"name": name, "seed": seed, "limit": limit})
        return DataSplits(name=name, train=Split(*_stripes(200, seed)), val=Split(*_stripes(40, seed + 100)),
                          test=Split(*_stripes(40, seed + 200)), class_names=["horizontal", "vertical"])

    monkeypatch.setattr(transfer, "load_dataset", fake_load)
    return calls


def test_backbone_is_trained_once_then_loaded_from_the_cache(fake_loads, tmp_path):
    first = models.pretrained_backbone("mnist", filters=(4,), epochs=1, quick=True, cache_dir=tmp_path)
    files = list(tmp_path.glob("backbone-*.keras"))
    assert len(files) == 1 and len(fake_loads) == 1
    assert fake_loads[0]["name"] == "mnist"
    assert fake_loads[0]["limit"] == dlcourse.data.get_spec("mnist").quick_limit

    second = models.pretrained_backbone("mnist", filters=(4,), epochs=1, quick=True, cache_dir=tmp_path)
    assert len(fake_loads) == 1  # loaded the file, did not train again
    images, _ = _stripes(5, seed=7)
    np.testing.assert_array_equal(second.predict(images, verbose=0), first.predict(images, verbose=0))

    models.pretrained_backbone("mnist", filters=(4,), epochs=1, seed=1, quick=True, cache_dir=tmp_path)
    assert len(fake_loads) == 2  # other settings, other file
    assert len(list(tmp_path.glob("backbone-*.keras"))) == 2
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_backbone_is_frozen_and_outputs_features(fake_loads, tmp_path):
    backbone = models.pretrained_backbone("mnist", filters=(4, 8), epochs=1, quick=False, cache_dir=tmp_path)
    assert fake_loads[0]["limit"] is None  # the full data set when not in quick mode
    assert isinstance(backbone, keras.Model)
    assert backbone.trainable is False
    assert backbone.trainable_weights == [] and len(backbone.non_trainable_weights) > 0
    assert backbone.input_shape == (None, 12, 12)  # raw images, as the data set stores them
    assert backbone.output_shape == (None, 3 * 3 * 8)  # 12 -> 6 -> 3, 8 filters, flattened


def test_backbone_file_name_depends_on_every_setting(tmp_path):
    base = transfer.backbone_config("mnist", (4,), 1, 0, True)
    paths = {transfer.backbone_path(base, tmp_path)}
    for change in [{"dataset": "fashion_mnist"}, {"filters": [8]}, {"epochs": 2}, {"seed": 1}, {"quick": False}]:
        paths.add(transfer.backbone_path({**base, **change}, tmp_path))
    assert len(paths) == 6
    default = transfer.backbone_path(base)
    assert default.parent == dlcourse.data.keras_home() / "models"
    assert default.name.startswith("backbone-") and default.suffix == ".keras"


def test_quick_mode_picks_the_training_data_and_notebooks_share_the_default_backbone(monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    assert transfer.backbone_config()["quick"] is True
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    assert transfer.backbone_config()["quick"] is False
    # notebook 04 calls pretrained_backbone("mnist"), notebook 06 spells the settings out: one file for both
    assert transfer.backbone_config() == transfer.backbone_config("mnist", (32, 64), 1, 0)


def test_transfer_classifier_trains_only_its_head(fake_loads, tmp_path):
    backbone = models.pretrained_backbone("mnist", filters=(4,), epochs=1, quick=True, cache_dir=tmp_path)
    model = models.transfer_classifier(backbone, output_units=2, dense=(8,), dropout=0.1)
    assert model.output_shape == (None, 2)
    assert len(model.trainable_weights) == 4  # dense_1 and output: kernel and bias each
    frozen = [w.copy() for w in backbone.get_weights()]
    head = [w.copy() for w in model.get_layer("output").get_weights()]

    x, y = _stripes(64, seed=5)
    y = 1 - y  # a "new task": the labels swapped
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    for before, after in zip(frozen, backbone.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert not np.array_equal(head[0], model.get_layer("output").get_weights()[0])
