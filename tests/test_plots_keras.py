"""dlcourse.plots with tiny Keras models: filters, feature maps, gradient norms, boundaries, histories."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet

from dlcourse import plots

keras = pytest.importorskip("keras")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def conv_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((10, 10, 1)),
        keras.layers.Conv2D(6, 3, padding="same", name="conv"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(2, name="head"),
    ])


def test_conv_filters_show_each_kernel(conv_model):
    fig = plots.plot_conv_filters(conv_model, "conv", max_filters=4)
    kernel = conv_model.get_layer("conv").get_weights()[0]
    assert len(fig.axes) == 4
    for i, ax in enumerate(fig.axes):
        np.testing.assert_allclose(ax.get_images()[0].get_array(), kernel[:, :, 0, i], rtol=1e-6)
        assert ax.get_title() == str(i)
    assert "4 of 6 filters" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="layer_name"):
        plots.plot_conv_filters(conv_model, "head")
    with pytest.raises(ValueError, match="layer_name"):
        plots.plot_conv_filters(conv_model, "no_such_layer")


def test_feature_maps_are_the_layer_output_and_match_numpy_conv2d(conv_model):
    image = np.random.default_rng(0).random((10, 10)).astype("float32")
    fig = plots.plot_feature_maps(conv_model, "conv", image)
    assert len(fig.axes) == 1 + 6  # the input, then one panel per channel
    kernel, bias = conv_model.get_layer("conv").get_weights()
    for channel, ax in enumerate(fig.axes[1:]):
        expected = plots.conv2d(image, kernel[:, :, 0, channel]) + bias[channel]  # Keras convolves like conv2d
        np.testing.assert_allclose(ax.get_images()[0].get_array(), expected, atol=1e-5)
    with pytest.raises(ValueError, match="image"):
        plots.feature_maps(conv_model, "conv", np.zeros((10, 10, 3, 2)))


def test_layer_gradient_norms_shrink_towards_the_input_in_a_deep_sigmoid_net():
    keras.utils.set_random_seed(1)
    layers = [keras.Input((8,))] + [keras.layers.Dense(16, activation="sigmoid", name=f"dense_{i}") for i in range(8)]
    model = keras.Sequential(layers + [keras.layers.Dropout(0.0, name="dropout"),
                                       keras.layers.Dense(1, activation="sigmoid", name="out")])
    model.compile(loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    norms = plots.layer_gradient_norms(model, x, y)
    assert list(norms) == [f"dense_{i}" for i in range(8)] + ["out"]  # dropout has no weights
    assert all(v > 0 for v in norms.values())
    assert norms["dense_0"] < norms["dense_7"] / 10  # vanishing gradients

    fig = plots.plot_gradient_norms(model, x, y)
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_ydata(), list(norms.values()), rtol=1e-5)
    with pytest.raises(ValueError, match="x and y"):
        plots.plot_gradient_norms(model)


def test_gradient_norms_need_a_loss_for_an_uncompiled_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="loss"):
        plots.layer_gradient_norms(model, np.zeros((2, 2)), np.zeros((2, 1)))
    norms = plots.layer_gradient_norms(model, np.ones((2, 2)), np.zeros((2, 1)), loss="mse")
    assert list(norms) == [model.layers[0].name]


def test_decision_boundary_and_history_from_a_real_keras_model():
    from dlcourse.data import make_moons

    x, y = make_moons(64, seed=0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    fig = plots.plot_decision_boundary(model, x, y, resolution=30)
    assert any(isinstance(c, ContourSet) and c.filled for c in fig.axes[0].collections)
    curves = plots.plot_history(history)
    assert [ax.get_title() for ax in curves.axes] == ["accuracy", "loss"]
    labels = {line.get_label() for line in curves.axes[1].get_lines()}
    assert {"train", "validation"} <= labels and any(label.startswith("best epoch") for label in labels)
