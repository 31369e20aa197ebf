"""Widgets that need Keras: the live training plot in a real fit, and the augmentation explorer."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlcourse import widgets
from dlcourse.widgets import frontend

keras = pytest.importorskip("keras")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def moons():
    from dlcourse.data import make_moons

    x, y = make_moons(96, seed=0)
    return x.astype("float32"), y.astype("float32")


def tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def panel_lines(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


# --- LiveTrainingPlot -----------------------------------------------------------------------------

def test_live_training_plot_records_each_epoch_and_draws_train_and_validation(moons, capfd, monkeypatch):
    monkeypatch.setenv(frontend.STATIC_ENV, "1")
    x, y = moons
    model = tiny_model()
    capfd.readouterr()  # drop anything Keras printed while building the model
    live = widgets.LiveTrainingPlot(metrics=("loss", "accuracy"))
    history = model.fit(x[:64], y[:64], validation_data=(x[64:], y[64:]), epochs=3, batch_size=32,
                        callbacks=[live], verbose=0)
    assert capfd.readouterr().err == ""

    assert live.epochs == [1, 2, 3]
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert len(live.history[key]) == 3
        np.testing.assert_allclose(live.history[key], history.history[key], rtol=1e-6)

    assert isinstance(live.figure, Figure) and live.redraw_count == 1  # headless: drawn once, at the end
    loss_ax, accuracy_ax = live.figure.axes
    for ax, key in ((loss_ax, "loss"), (accuracy_ax, "accuracy")):
        lines = panel_lines(ax)
        np.testing.assert_allclose(lines["train"].get_ydata(), live.history[key])
        np.testing.assert_allclose(lines["validation"].get_ydata(), live.history["val_" + key])
    assert any(label.startswith("best epoch") for label in panel_lines(loss_ax))


def test_live_mode_redraws_every_n_epochs_on_one_figure_outside_pyplot(moons):
    x, y = moons
    live = widgets.LiveTrainingPlot(metrics="loss", every=2, live=True)
    tiny_model().fit(x, y, epochs=3, batch_size=48, callbacks=[live], verbose=0)
    assert live.redraw_count == 2  # after epoch 2, and the final epoch 3
    assert live.figure._suptitle.get_text() == "epoch 3"
    (ax,) = live.figure.axes
    assert len(panel_lines(ax)["train"].get_ydata()) == 3
    assert "validation" not in panel_lines(ax)
    assert plt.get_fignums() == []  # live figures never go through pyplot


def test_live_mode_shows_a_progress_line_above_the_figure_and_updates_both_in_place(moons, monkeypatch):
    import IPython.display

    from dlcourse.widgets import live as live_module

    shown = []

    class Handle:
        def __init__(self, kind):
            self.kind = kind

        def update(self, obj, **kwargs):
            shown.append(("update", self.kind, obj))

    def fake_display(obj, raw=False, display_id=False):
        kind = "text" if raw else "figure"
        shown.append(("display", kind, obj))
        return Handle(kind)

    monkeypatch.setattr(live_module, "in_ipython", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    x, y = moons
    live = widgets.LiveTrainingPlot(metrics=("loss", "accuracy"), live=True)
    assert live.status() == ""
    tiny_model().fit(x[:64], y[:64], validation_data=(x[64:], y[64:]), epochs=2, batch_size=32, callbacks=[live],
                     verbose=0)
    assert [(action, kind) for action, kind, _ in shown] == [
        ("display", "text"), ("display", "figure"), ("update", "text"), ("update", "figure")]
    first, last = shown[0][2]["text/plain"], shown[2][2]["text/plain"]
    assert first.startswith("Epoch 1/2 · loss ") and last == live.status()
    assert live.status() == "Epoch 2/2 · " + " · ".join(
        f"{key} {live.history[key][-1]:.4f}" for key in ("loss", "val_loss", "accuracy", "val_accuracy"))
    assert shown[3][2] is live.figure


def test_live_training_plot_rejects_bad_arguments_and_unknown_metrics(moons):
    with pytest.raises(ValueError, match="every"):
        widgets.LiveTrainingPlot(every=0)
    with pytest.raises(ValueError, match="metrics"):
        widgets.LiveTrainingPlot(metrics=())
    x, y = moons
    with pytest.raises(ValueError, match="metrics"):
        tiny_model().fit(x, y, epochs=1, callbacks=[widgets.LiveTrainingPlot(metrics=("auc",))], verbose=0)


# --- augmentation explorer ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    images = np.zeros((3, 16, 16), dtype="float32")
    images[:, 4:12, 6:10] = 1.0  # a bar, so rotations and shifts are visible
    return 0.95 * images + 0.05 * rng.random(images.shape).astype("float32")


def shown_images(fig) -> list[np.ndarray]:
    return [np.asarray(ax.get_images()[0].get_array()) for ax in fig.axes]


def test_draw_augmentations_shows_originals_then_seeded_copies(digits):
    fig = widgets.draw_augmentations(digits[:2], rotation=0.2, zoom=0.0, translation=0.0, flip="none",
                                     noise=0.0, seed=1, n_variants=3)
    assert len(fig.axes) == 2 * (1 + 3)
    assert [ax.get_title() for ax in fig.axes[:4]] == ["original", "augmented 1", "augmented 2", "augmented 3"]
    images = shown_images(fig)
    np.testing.assert_allclose(images[0], digits[0], atol=1e-6)  # originals are untouched
    assert not np.allclose(images[1], images[0], atol=1e-3)  # rotated copies differ
    again = shown_images(widgets.draw_augmentations(digits[:2], 0.2, 0.0, 0.0, "none", 0.0, seed=1, n_variants=3))
    np.testing.assert_allclose(again[1], images[1])  # same seed, same pictures
    other = shown_images(widgets.draw_augmentations(digits[:2], 0.2, 0.0, 0.0, "none", 0.0, seed=2, n_variants=3))
    assert not np.allclose(other[1], images[1])


def test_augment_with_everything_off_returns_the_images_and_flip_mirrors(digits):
    np.testing.assert_allclose(widgets.augment(digits), digits)
    flipped = widgets.augment(digits, flip="horizontal", seed=0)
    for original, copy in zip(digits, flipped):
        assert np.allclose(copy, original) or np.allclose(copy, original[:, ::-1])
    with pytest.raises(ValueError, match="flip"):
        widgets.augment(digits, flip="diagonal")


def test_augmentation_explorer_redraws_with_slider_values(digits, monkeypatch):
    monkeypatch.setenv(frontend.STATIC_ENV, "1")
    assert isinstance(widgets.augmentation_explorer(digits, n_images=1, n_variants=2), Figure)

    panel = widgets.augmentation_explorer(digits, n_images=1, n_variants=2, rotation=0.0, zoom=0.0,
                                          translation=0.0, static=False)
    plain = shown_images(panel.figure)
    np.testing.assert_allclose(plain[1], plain[0], atol=1e-6)  # nothing switched on
    panel.controls["translation"].value = 0.3
    shifted = shown_images(panel.figure)
    assert panel.redraw_count == 2
    assert not np.allclose(shifted[1], plain[1], atol=1e-3)
    np.testing.assert_allclose(shifted[0], plain[0])
