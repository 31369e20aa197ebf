"""transformer_classifier, gpt, generate and attention_maps."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import models


@pytest.fixture(autouse=True)
def _seeded():
    dlcourse.seed(0)


def _contains_token(n: int = 400, length: int = 10, target: int = 5, seed: int = 0):
    """Post-padded token sequences; the label says whether ``target`` occurs in them."""
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


def _small_classifier(**kwargs) -> keras.Model:
    options = {"embed_dim": 16, "num_heads": 2, "ff_dim": 32, "dropout": 0.0, **kwargs}
    return models.transformer_classifier(12, 10, **options)


def _small_gpt(vocab_size: int = 8, sequence_length: int = 8, **kwargs) -> keras.Model:
    options = {"embed_dim": 16, "num_heads": 2, "ff_dim": 32, "num_layers": 1, "dropout": 0.0, **kwargs}
    return models.gpt(vocab_size, sequence_length, **options)


# --- transformer_classifier ------------------------------------------------------------------------------------


def test_classifier_layers_and_shapes():
    model = _small_classifier(num_layers=2, dense=(8,), output_units=3, output_activation="softmax")
    names = [layer.name for layer in model.layers]
    assert names == ["token_ids", "embedding", "encoder_1", "encoder_2", "average_tokens", "head_dropout",
                     "dense_1", "dense_1_relu", "output"]
    assert model.get_layer("encoder_2").output.shape == (None, 10, 16)
    assert model.output_shape == (None, 3)
    # embedding: 12*16 tokens + 10*16 positions
    assert model.get_layer("embedding").count_params() == 12 * 16 + 10 * 16
    # one encoder block: 4 projections of 16x16 + bias, 2 layer norms, FFN 16->32->16
    block = 4 * (16 * 16 + 16) + 2 * (2 * 16) + (16 * 32 + 32) + (32 * 16 + 16)
    assert model.get_layer("encoder_1").count_params() == block


def test_classifier_ignores_whatever_the_padding_token_embeds_to():
    model = _small_classifier()
    x, _ = _contains_token(8)
    before = model.predict(x, verbose=0)
    table = model.get_layer("embedding").token_embedding
    weights = table.get_weights()[0]
    weights[0] = 50.0  # a wild vector for the padding id 0
    table.set_weights([weights])
    np.testing.assert_allclose(model.predict(x, verbose=0), before, atol=1e-5)

    unmasked = _small_classifier(mask_zero=False)
    unmasked.set_weights(model.get_weights())
    assert not np.allclose(unmasked.predict(x, verbose=0), before, atol=1e-3)


def test_classifier_learns_beyond_chance():
    x, y = _contains_token()
    model = _small_classifier()
    model.compile(keras.optimizers.Adam(3e-3), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    test_x, test_y = _contains_token(200, seed=1)
    accuracy = np.mean((model.predict(test_x, verbose=0)[:, 0] > 0.5) == test_y)
    assert accuracy > 0.8


@pytest.mark.parametrize("positions", ["learned", "sinusoidal"])
def test_variable_length_classifier_gives_the_same_answer_without_the_padding(positions):
    model = _small_classifier(variable_length=True, positions=positions)
    assert model.input_shape == (None, None)
    x, _ = _contains_token(8)
    x[:, 6:] = 0                                           # every sequence ends in padding
    trimmed = model.predict(x[:, :6], verbose=0)
    np.testing.assert_allclose(trimmed, model.predict(x, verbose=0), atol=1e-5)
    fixed = _small_classifier(positions=positions)
    fixed.set_weights(model.get_weights())
    np.testing.assert_allclose(fixed.predict(x, verbose=0), trimmed, atol=1e-5)


def test_attention_maps_shape_rows_and_padding():
    model = _small_classifier(num_layers=2)
    ids = np.array([4, 9, 1, 7, 0, 0, 0, 0, 0, 0])
    maps = models.attention_maps(model, ids)
    assert maps.shape == (2, 2, 10, 10)  # (layers, heads, queries, keys)
    np.testing.assert_allclose(maps.sum(axis=-1), 1.0, rtol=1e-5)
    assert np.all(maps[..., 4:] == 0.0)  # nobody attends to padding
    batch = models.attention_maps(model, np.stack([ids, ids]))
    assert batch.shape == (2, 2, 2, 10, 10)
    np.testing.assert_allclose(batch[:, 1], maps, atol=1e-6)


@pytest.mark.parametrize("positions", ["learned", "sinusoidal"])
def test_classifier_save_load_round_trip(positions, tmp_path):
    model = _small_classifier(positions=positions, num_layers=2, dropout=0.1)
    x, _ = _contains_token(6)
    path = tmp_path / "classifier.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_allclose(models.attention_maps(loaded, x[0]), models.attention_maps(model, x[0]), atol=1e-6)


# --- gpt and generate ------------------------------------------------------------------------------------------


def test_gpt_outputs_logits_for_every_position():
    model = _small_gpt(vocab_size=11, sequence_length=6)
    assert model.output_shape == (None, 6, 11)
    assert model.get_layer("logits").activation is keras.activations.linear
    assert isinstance(model.get_layer("decoder_1"), models.CausalDecoderBlock)


def test_gpt_is_causal_future_tokens_do_not_change_earlier_logits():
    model = _small_gpt()
    ids = np.array([[1, 2, 3, 4, 5, 6, 7, 1]])
    changed = ids.copy()
    changed[0, 5:] = [3, 3, 3]
    a, b = model.predict(ids, verbose=0), model.predict(changed, verbose=0)
    np.testing.assert_allclose(a[0, :5], b[0, :5], atol=1e-5)
    assert not np.allclose(a[0, 5:], b[0, 5:], atol=1e-4)
    maps = models.attention_maps(model, ids[0])
    assert np.all(maps[..., np.triu_indices(8, k=1)[0], np.triu_indices(8, k=1)[1]] == 0.0)


def _cycle_windows(n: int = 256, length: int = 9, period: int = 7):
    """Windows of the endless sequence 1 2 3 4 5 6 7 1 2 3 ... starting at random places."""
    starts = np.random.default_rng(0).integers(0, period, n)
    return (starts[:, None] + np.arange(length)[None, :]) % period + 1


def test_gpt_learns_a_cycle_and_greedy_generation_continues_it():
    windows = _cycle_windows()
    model = _small_gpt()
    model.compile(keras.optimizers.Adam(1e-2), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(windows[:, :-1], windows[:, 1:], epochs=8, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    continuation = models.generate(model, [3, 4, 5], n=12, temperature=0)
    np.testing.assert_array_equal(continuation, [6, 7, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3])  # beyond the 8-token window


def _greedy_by_hand(model: keras.Model, prompt: list[int], n: int) -> list[int]:
    tokens = list(prompt)
    window = model.input_shape[1]
    for _ in range(n):
        context = tokens[-window:]
        padded = np.array([context + [0] * (window - len(context))])
        logits = keras.ops.convert_to_numpy(model(padded))
        tokens.append(int(logits[0, len(context) - 1].argmax()))
    return tokens[len(prompt):]


def test_generate_returns_n_tokens_and_temperature_zero_is_greedy():
    model = _small_gpt(vocab_size=9, sequence_length=5)
    prompt = [1, 5, 2]
    greedy = models.generate(model, prompt, n=7, temperature=0)
    assert greedy.shape == (7,) and np.issubdtype(greedy.dtype, np.integer)
    assert greedy.tolist() == _greedy_by_hand(model, prompt, 7)
    # a vanishing temperature and top_k=1 both give the greedy choice too
    assert models.generate(model, prompt, n=7, temperature=1e-6, seed=1).tolist() == greedy.tolist()
    assert models.generate(model, prompt, n=7, top_k=1, seed=2).tolist() == greedy.tolist()
    with_prompt = models.generate(model, prompt, n=7, temperature=0, include_prompt=True)
    assert with_prompt.tolist() == prompt + greedy.tolist()


def test_generate_samples_repeatably_and_in_batches():
    model = _small_gpt(vocab_size=9, sequence_length=5)
    first = models.generate(model, [1, 2], n=20, temperature=1.5, seed=0)
    again = models.generate(model, [1, 2], n=20, temperature=1.5, seed=0)
    other = models.generate(model, [1, 2], n=20, temperature=1.5, seed=1)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.min() >= 0 and first.max() < 9
    batch = models.generate(model, np.array([[1, 2], [3, 4], [5, 6]]), n=4, seed=0)
    assert batch.shape == (3, 4)


def test_generate_with_top_k_picks_only_among_the_k_most_likely_tokens():
    model = _small_gpt(vocab_size=9, sequence_length=5)
    tokens = models.generate(model, [1, 2], n=6, top_k=2, temperature=5.0, seed=0, include_prompt=True).tolist()
    for step in range(2, len(tokens)):
        context = tokens[max(0, step - 5):step]
        padded = np.array([context + [0] * (5 - len(context))])
        logits = keras.ops.convert_to_numpy(model(padded))[0, len(context) - 1]
        assert tokens[step] in np.argsort(logits)[-2:]


def test_next_token_distribution_temperature_and_top_k():
    logits = np.array([[1.0, 2.0, 3.0, 0.0]])
    plain = models.next_token_distribution(logits)
    np.testing.assert_allclose(plain, np.exp(logits) / np.exp(logits).sum())
    sharp = models.next_token_distribution(logits, temperature=0.5)
    flat = models.next_token_distribution(logits, temperature=5.0)
    assert sharp[0, 2] > plain[0, 2] > flat[0, 2]
    top2 = models.next_token_distribution(logits, top_k=2)
    assert top2[0, 0] == 0 and top2[0, 3] == 0
    np.testing.assert_allclose(top2[0, 1:3], np.exp([2.0, 3.0]) / np.exp([2.0, 3.0]).sum())


def test_gpt_save_load_round_trip(tmp_path):
    model = _small_gpt(num_layers=2, dropout=0.1, positions="sinusoidal")
    ids = _cycle_windows(4, length=8)
    path = tmp_path / "gpt.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0))
    assert models.generate(loaded, [1, 2], 5, seed=0).tolist() == models.generate(model, [1, 2], 5, seed=0).tolist()
