"""dlcourse.sequence_tools: the NumPy replay of LSTM/GRU matches Keras, gradients through time behave, plots draw."""

from __future__ import annotations

import keras
import matplotlib
import numpy as np
import pytest

from dlcourse.sequence_tools import (gru_gates, input_gradient_norms, lstm_gates, marked_value_task, plot_gates,
                                     plot_unrolled_rnn)

matplotlib.use("Agg")
RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 12, 2)).astype("float32")


def _randomise(layer, scale=0.5):
    """Non-zero biases too, so the test sees every term of the cell equations."""
    layer.set_weights([RNG.normal(0, scale, size=w.shape).astype("float32") for w in layer.get_weights()])
    return layer


def test_lstm_gates_reproduce_the_keras_layer():
    layer = keras.layers.LSTM(5, return_sequences=True)
    layer.build((None, None, 2))
    _randomise(layer)
    gates = lstm_gates(layer, X)
    np.testing.assert_allclose(gates["hidden"], layer(X), atol=1e-5)
    for name in ("input", "forget", "output"):
        assert gates[name].min() >= 0.0 and gates[name].max() <= 1.0
    i, f, g, c = gates["input"], gates["forget"], gates["candidate"], gates["cell"]
    np.testing.assert_allclose(c[:, 1:], f[:, 1:] * c[:, :-1] + i[:, 1:] * g[:, 1:], atol=1e-12)
    np.testing.assert_allclose(gates["hidden"], gates["output"] * np.tanh(c), atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_gates_reproduce_the_keras_layer(reset_after):
    layer = keras.layers.GRU(4, return_sequences=True, reset_after=reset_after)
    layer.build((None, None, 2))
    _randomise(layer)
    gates = gru_gates(layer, X)
    np.testing.assert_allclose(gates["hidden"], layer(X), atol=1e-5)
    z, g, h = gates["update"], gates["candidate"], gates["hidden"]
    np.testing.assert_allclose(h[:, 1:], z[:, 1:] * h[:, :-1] + (1 - z[:, 1:]) * g[:, 1:], atol=1e-12)


def test_gates_accept_one_sequence_and_an_unbuilt_layer():
    gates = lstm_gates(keras.layers.LSTM(3), X[0])
    assert gates["forget"].shape == (1, 12, 3)


def test_gates_reject_bad_arguments():
    with pytest.raises(ValueError, match="layer"):
        lstm_gates(keras.layers.GRU(3), X)
    with pytest.raises(ValueError, match="layer"):
        gru_gates(keras.layers.GRU(3, activation="relu"), X)
    with pytest.raises(ValueError, match="x"):
        lstm_gates(keras.layers.LSTM(3), np.zeros(5))
    built = keras.layers.LSTM(3)
    built.build((None, None, 4))
    with pytest.raises(ValueError, match="features"):
        lstm_gates(built, X)


def test_gradients_vanish_through_time_for_a_simple_rnn_not_for_an_identity_path():
    keras.utils.set_random_seed(1)
    x = RNG.normal(size=(8, 60, 1)).astype("float32")
    simple = keras.layers.SimpleRNN(16)
    norms = input_gradient_norms(simple, x)
    assert norms.shape == (60,)
    assert norms[-1] > 100 * norms[0]  # the first steps barely influence the last output

    inputs = keras.Input((60, 1))
    total = keras.Model(inputs, keras.ops.sum(inputs, axis=(1, 2)))  # output = sum of all inputs
    np.testing.assert_allclose(input_gradient_norms(total, x), np.ones(60), rtol=1e-6)


def test_input_gradient_norms_of_a_sequence_output_and_bad_arguments():
    inputs = keras.Input((5, 1))
    model = keras.Model(inputs, 3.0 * inputs)  # returns a sequence: output step t depends on x_t only
    x = np.ones((2, 5, 1), "float32")
    np.testing.assert_allclose(input_gradient_norms(model, x, output_index=2), [0, 0, 3, 0, 0])
    with pytest.raises(ValueError, match="output_index"):
        input_gradient_norms(model, x, output_index=9)
    with pytest.raises(ValueError, match="x"):
        input_gradient_norms(model, np.ones(5))


def test_plots_draw_and_check_their_arguments():
    layer = keras.layers.GRU(3)
    gates = gru_gates(layer, X[:1])
    fig = plot_gates(gates, x=X[:1], names=["update", "hidden"], units=[0, 2])
    assert len(fig.axes) == 3
    assert len(fig.axes[1].lines) == 2
    with pytest.raises(ValueError, match="names"):
        plot_gates(gates, names=["forget"])
    with pytest.raises(ValueError, match="units"):
        plot_gates(gates, units=[7])
    with pytest.raises(ValueError, match="example"):
        plot_gates(gates, example=3)
    fig = plot_gates(gates, x=X[:1], names=["reset"], feature_names=["value", "marker"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["value", "marker"]
    with pytest.raises(ValueError, match="feature_names"):
        plot_gates(gates, x=X[:1], feature_names=["only one"])
    assert plot_unrolled_rnn(3).axes[0].get_title().startswith("A recurrent cell")
    with pytest.raises(ValueError, match="steps"):
        plot_unrolled_rnn(0)


def test_marked_value_task_targets_the_marked_value():
    x, y, positions = marked_value_task(200, steps=30, mark_within=5, seed=3)
    assert x.shape == (200, 30, 2) and x.dtype == np.float32 and y.shape == (200,)
    assert np.all(x[..., 1].sum(axis=1) == 1.0)  # exactly one marker per sequence
    np.testing.assert_array_equal(x[..., 1].argmax(axis=1), positions)
    assert positions.max() < 5
    np.testing.assert_allclose(y, x[np.arange(200), positions, 0])
    assert abs(float(np.mean(y ** 2)) - 1 / 3) < 0.1  # predicting 0 gives an MSE near 1/3
    np.testing.assert_array_equal(marked_value_task(5, seed=3)[0], marked_value_task(5, seed=3)[0])
    with pytest.raises(ValueError, match="steps"):
        marked_value_task(5, steps=0)
    with pytest.raises(ValueError, match="mark_within"):
        marked_value_task(5, steps=10, mark_within=11)
