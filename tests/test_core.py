"""Quick mode, seeding and the environment/setup helpers."""

from __future__ import annotations

import random
import subprocess
import sys
import warnings

import numpy as np
import pytest

import dlcourse as dlc
from dlcourse import runtime as env_module


@pytest.mark.parametrize("value, quick", [("1", True), ("yes", True), ("0", False), ("", False), ("false", False)])
def test_pick_follows_the_quick_switch(monkeypatch, value, quick):
    monkeypatch.setenv("DLCOURSE_QUICK", value)
    assert dlc.is_quick() is quick
    assert dlc.pick(full=15, quick=1) == (1 if quick else 15)


def test_seed_makes_python_numpy_and_keras_repeatable():
    import keras

    def draw():
        dlc.seed(7)
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return random.random(), np.random.rand(), layer.kernel.numpy().copy()

    first, second = draw(), draw()
    assert first[0] == second[0] and first[1] == second[1]
    np.testing.assert_array_equal(first[2], second[2])
    dlc.seed(8)
    assert random.random() != first[0]


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_seed_rejects_bad_values(bad):
    with pytest.raises(ValueError, match="n must be"):
        dlc.seed(bad)


def test_environment_reports_backend_versions_and_quick_mode(monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    info = dlc.environment()
    assert info.backend == "tensorflow"
    assert info.versions["keras"].startswith("3.")
    assert info.quick is True and info.is_colab is False
    text = "\n".join(info.lines())
    assert "Keras backend: tensorflow" in text and "Quick mode: ON" in text


def test_setup_seeds_sets_plot_style_and_prints(capsys):
    import matplotlib as mpl

    mpl.rcdefaults()
    info = dlc.setup(seed=3)
    out = capsys.readouterr().out
    assert "Keras backend" in out and "GPU" in out
    assert mpl.rcParams["axes.spines.top"] is False
    assert info.backend == "tensorflow"


def test_old_versions_warn_instead_of_failing(monkeypatch):
    monkeypatch.setattr(env_module, "package_version", lambda name: "2.10.0" if name == "tensorflow" else "9.9")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dlc.setup(seed=0, verbose=False)
    assert any("tensorflow 2.10.0 is older than 2.16" in str(w.message) for w in caught)


def test_colab_is_detected_from_the_google_colab_module(monkeypatch):
    assert not env_module.is_colab()
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert env_module.is_colab()


def test_import_is_lazy_about_keras():
    code = "import sys, dlcourse; print('keras' in sys.modules, 'tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
