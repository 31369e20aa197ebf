"""rnn: cells, stacking, bidirectional, token masking, time-series forecasting, save / load."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import models


@pytest.fixture(autouse=True)
def _seeded():
    dlcourse.seed(0)


def _contains_token(n: int = 400, length: int = 10, target: int = 3, seed: int = 0):
    """Post-padded token sequences of random length; the label says whether ``target`` occurs in them."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, length), dtype=np.int32)
    y = np.arange(n) % 2
    for row, label in zip(x, y):
        size = rng.integers(3, length + 1)
        tokens = rng.choice([t for t in range(1, 12) if t != target], size)
        if label:
            tokens[rng.integers(size)] = target
        row[:size] = tokens
    return x, y


@pytest.mark.parametrize(("cell", "expected"), [
    # features = 3, units = 5
    ("simple", 5 * (5 + 3 + 1)),  # one kernel, one recurrent kernel, one bias
    ("lstm", 4 * 5 * (5 + 3 + 1)),  # the same for each of the 4 gates
    ("gru", 3 * 5 * (5 + 3 + 2)),  # 3 gates; Keras' GRU keeps two biases (reset_after=True)
])
def test_recurrent_layer_parameter_counts_by_hand(cell, expected):
    model = models.rnn((7, 3), cell=cell, units=5, output_units=2, output_activation=None)
    assert model.get_layer(f"{cell}_1").count_params() == expected
    assert model.count_params() == expected + (5 * 2 + 2)


def test_stacked_bidirectional_layers_pass_sequences_on():
    model = models.rnn(vocab_size=50, sequence_length=12, cell="gru", units=(8, 4), bidirectional=True,
                       dense=(6,), output_units=3, output_activation="softmax")
    assert model.get_layer("bidirectional_1").output.shape == (None, 12, 16)  # forward + backward
    assert model.get_layer("bidirectional_2").output.shape == (None, 8)
    assert model.get_layer("dense_1").output.shape == (None, 6)
    assert model.output_shape == (None, 3)
    assert model.get_layer("embedding").output.shape == (None, 12, 32)


def test_return_sequences_gives_one_output_per_step():
    model = models.rnn((None, 2), cell="simple", units=(4,), return_sequences=True, output_units=3)
    assert model.predict(np.zeros((2, 9, 2)), verbose=0).shape == (2, 9, 3)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_mask_zero_makes_padding_invisible(bidirectional):
    model = models.rnn(vocab_size=20, cell="lstm", units=(6,), bidirectional=bidirectional)
    unmasked = models.rnn(vocab_size=20, cell="lstm", units=(6,), bidirectional=bidirectional, mask_zero=False)
    unmasked.set_weights(model.get_weights())
    short = np.array([[4, 9, 2]])
    padded = np.array([[4, 9, 2, 0, 0, 0]])
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(short, verbose=0), atol=1e-6)
    # without the mask the padding is read as a real token and changes the answer
    assert not np.allclose(unmasked.predict(padded, verbose=0), unmasked.predict(short, verbose=0), atol=1e-6)


def test_masking_layer_skips_steps_of_numeric_series():
    model = models.rnn((None, 2), cell="gru", units=4, mask_value=0.0, output_activation=None)
    series = np.random.default_rng(0).normal(size=(1, 5, 2)).astype("float32")
    padded = np.concatenate([series, np.zeros((1, 3, 2), "float32")], axis=1)
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(series, verbose=0), atol=1e-6)


def test_token_classifier_learns_beyond_chance():
    x, y = _contains_token()
    model = models.rnn(vocab_size=12, embedding_dim=8, cell="gru", units=(16,))
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    test_x, test_y = _contains_token(200, seed=1)
    accuracy = np.mean((model.predict(test_x, verbose=0)[:, 0] > 0.5) == test_y)
    assert accuracy > 0.8


def test_forecaster_predicts_a_sine_horizon():
    window, horizon = 16, 3
    t = np.arange(600, dtype="float32")
    series = np.sin(2 * np.pi * t / 25)
    starts = np.arange(0, len(series) - window - horizon, 2)
    x = np.stack([series[s:s + window] for s in starts])[..., None]
    y = np.stack([series[s + window:s + window + horizon] for s in starts])
    model = models.rnn((window, 1), cell="lstm", units=(16,), output_units=horizon, output_activation=None)
    assert model.output_shape == (None, horizon)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    history = model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.05 * float(np.var(y))  # a trivial mean forecast scores var(y)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_rnn_save_load_round_trip(cell, tmp_path):
    model = models.rnn(vocab_size=30, cell=cell, units=(4, 4), bidirectional=cell == "gru", dense=(3,))
    x, _ = _contains_token(5)
    path = tmp_path / f"{cell}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_masked_max_pooling_ignores_padding_and_matches_plain_max_without_mask(tmp_path):
    steps = np.array([[[1.0, -2.0], [5.0, -1.0], [9.0, 7.0]]], dtype="float32")   # the last step is padding
    pool = models.MaskedGlobalMaxPooling1D()
    masked = keras.ops.convert_to_numpy(pool(steps, mask=np.array([[True, True, False]])))
    np.testing.assert_allclose(masked, [[5.0, -1.0]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(pool(steps)), [[9.0, 7.0]])

    # in a model: the same review with and without extra padding gets the same prediction
    ids = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(20, 4, mask_zero=True)(ids)
    x = keras.layers.GRU(3, return_sequences=True)(x)
    model = keras.Model(ids, keras.layers.Dense(1)(models.MaskedGlobalMaxPooling1D()(x)))
    short, padded = np.array([[3, 7, 2]]), np.array([[3, 7, 2, 0, 0, 0]])
    np.testing.assert_allclose(model.predict(short, verbose=0), model.predict(padded, verbose=0), atol=1e-6)
    path = tmp_path / "pool.keras"
    model.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).predict(padded, verbose=0),
                               model.predict(padded, verbose=0), atol=1e-6)
