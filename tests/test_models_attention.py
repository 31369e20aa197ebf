"""Attention from scratch: scaled dot-product attention, masks, multi-head layer, positional encodings."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

import dlcourse
from dlcourse import models


@pytest.fixture(autouse=True)
def _seeded():
    dlcourse.seed(0)


def _numpy_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights


def _np(x):
    return ops.convert_to_numpy(x)


def test_masks_have_the_documented_values():
    np.testing.assert_array_equal(_np(models.causal_mask(3)), np.tril(np.ones((3, 3), bool)))
    np.testing.assert_array_equal(_np(models.padding_mask(np.array([[5, 0, 7, 0]]))),
                                  [[[True, False, True, False]]])
    np.testing.assert_array_equal(_np(models.padding_mask([[1, 9, 9]], pad_id=9)), [[[True, False, False]]])


@pytest.mark.parametrize("masked", [False, True])
def test_scaled_dot_product_attention_matches_numpy(masked):
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=shape).astype("float32") for shape in [(2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5)])
    mask = rng.random((2, 1, 4, 6)) > 0.3 if masked else None
    if masked:
        mask[..., 0] = True  # every query keeps at least one key
    output, weights = models.scaled_dot_product_attention(q, k, v, mask)
    expected_output, expected_weights = _numpy_attention(q, k, v, mask)
    assert _np(output).shape == (2, 3, 4, 5)
    assert _np(weights).shape == (2, 3, 4, 6)
    np.testing.assert_allclose(_np(weights), expected_weights, atol=1e-5)
    np.testing.assert_allclose(_np(output), expected_output, atol=1e-5)


def test_causal_mask_puts_no_weight_on_future_tokens():
    x = np.random.default_rng(1).normal(size=(2, 5, 4)).astype("float32")
    _, weights = models.scaled_dot_product_attention(x, x, x, mask=models.causal_mask(5))
    weights = _np(weights)
    assert np.all(weights[:, np.triu_indices(5, k=1)[0], np.triu_indices(5, k=1)[1]] == 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(weights[:, 0, 0], 1.0)  # the first token can only see itself


def test_padding_mask_puts_no_weight_on_padding_and_the_output_ignores_it():
    token_ids = np.array([[3, 8, 1, 0, 0]])
    x = np.random.default_rng(2).normal(size=(1, 5, 4)).astype("float32")
    output, weights = models.scaled_dot_product_attention(x, x, x, mask=models.padding_mask(token_ids))
    assert np.all(_np(weights)[..., 3:] == 0.0)
    changed = x.copy()
    changed[:, 3:] = 100.0  # whatever sits at padded positions
    output2, _ = models.scaled_dot_product_attention(changed[:, :3], changed, changed,
                                                     mask=models.padding_mask(token_ids))
    np.testing.assert_allclose(_np(output2), _np(output)[:, :3], atol=1e-5)


def _copy_into_keras_attention(ours: models.MultiHeadSelfAttention, theirs: keras.layers.MultiHeadAttention,
                               heads: int, key_dim: int, width: int) -> None:
    for name in ("query", "key", "value"):
        dense = getattr(ours, f"{name}_dense")
        kernel, bias = dense.get_weights()
        getattr(theirs, f"_{name}_dense").set_weights([kernel.reshape(width, heads, key_dim),
                                                       bias.reshape(heads, key_dim)])
    kernel, bias = ours.output_dense.get_weights()
    theirs._output_dense.set_weights([kernel.reshape(heads, key_dim, width), bias])


@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_self_attention_matches_keras_multi_head_attention(causal):
    heads, key_dim, width = 2, 4, 6
    x = np.random.default_rng(3).normal(size=(2, 5, width)).astype("float32")
    ours = models.MultiHeadSelfAttention(heads, key_dim, use_causal_mask=causal)
    out, weights = ours(x, return_attention_scores=True)
    theirs = keras.layers.MultiHeadAttention(heads, key_dim)
    theirs(x, x)  # build
    _copy_into_keras_attention(ours, theirs, heads, key_dim, width)
    expected, expected_weights = theirs(x, x, use_causal_mask=causal, return_attention_scores=True)
    np.testing.assert_allclose(_np(weights), _np(expected_weights), atol=1e-5)
    np.testing.assert_allclose(_np(out), _np(expected), atol=1e-5)


def test_multi_head_self_attention_uses_the_embedding_padding_mask_and_passes_it_on():
    token_ids = keras.Input((6,), dtype="int32")
    vectors = keras.layers.Embedding(20, 8, mask_zero=True)(token_ids)
    attended, weights = models.MultiHeadSelfAttention(2, name="mhsa")(vectors, return_attention_scores=True)
    pooled = keras.layers.GlobalAveragePooling1D()(attended)  # a masked mean: needs the mask passed on
    probe = keras.Model(token_ids, [weights, pooled])
    ids = np.array([[4, 7, 2, 0, 0, 0]])
    w, pooled_value = probe.predict(ids, verbose=0)
    assert w.shape == (1, 2, 6, 6)
    assert np.all(w[..., 3:] == 0.0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=1e-5)
    layer = probe.get_layer("mhsa")
    mean_of_real_tokens = _np(layer(_np(probe.layers[1](ids[:, :3]))))[0].mean(axis=0)
    np.testing.assert_allclose(pooled_value[0], mean_of_real_tokens, atol=1e-5)


def test_sinusoidal_encoding_follows_the_formula():
    length, depth = 7, 6
    added = _np(models.SinusoidalPositionalEncoding()(np.zeros((1, length, depth), "float32")))[0]
    position = np.arange(length)[:, None]
    pair = np.arange(depth // 2)[None, :]
    angle = position / 10_000 ** (2 * pair / depth)
    np.testing.assert_allclose(added[:, 0::2], np.sin(angle), atol=1e-5)
    np.testing.assert_allclose(added[:, 1::2], np.cos(angle), atol=1e-5)


def test_learned_positional_embedding_adds_one_vector_per_position():
    layer = models.PositionalEmbedding(sequence_length=6)
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    out = _np(layer(x))
    table = _np(layer.position_embeddings)
    assert table.shape == (6, 3)
    np.testing.assert_allclose(out, x + table[None, :4], atol=1e-6)  # shorter sequences use the first rows


@pytest.mark.parametrize("positions", ["learned", "sinusoidal"])
def test_token_and_position_embedding_shapes_and_mask(positions):
    layer = models.TokenAndPositionEmbedding(30, 8, 4, mask_zero=True, positions=positions)
    ids = np.array([[5, 6, 0, 0], [1, 2, 3, 0]])
    out = _np(layer(ids))
    assert out.shape == (2, 4, 4)
    np.testing.assert_array_equal(_np(layer.compute_mask(ids)), ids != 0)
    # the same token at different positions gets different vectors
    same_token = _np(layer(np.array([[7, 7]])))[0]
    assert not np.allclose(same_token[0], same_token[1])


@pytest.mark.parametrize("make_layer", [
    lambda: models.MultiHeadSelfAttention(2, 3, dropout=0.1, use_causal_mask=True),
    lambda: models.SinusoidalPositionalEncoding(max_wavelength=500.0),
    lambda: models.PositionalEmbedding(5),
    lambda: models.TokenAndPositionEmbedding(11, 5, 6, mask_zero=True, positions="sinusoidal"),
    lambda: models.TransformerEncoderBlock(6, 2, 12, dropout=0.2),
    lambda: models.CausalDecoderBlock(6, 3, 12, dropout=0.0),
], ids=["mhsa", "sinusoidal", "learned", "token_and_position", "encoder", "decoder"])
def test_custom_layers_round_trip_through_config_and_save(make_layer, tmp_path):
    layer = make_layer()
    takes_ids = isinstance(layer, models.TokenAndPositionEmbedding)
    inputs = keras.Input((5,), dtype="int32") if takes_ids else keras.Input((5, 6))
    model = keras.Model(inputs, layer(inputs))
    x = np.array([[1, 4, 2, 0, 0]]) if takes_ids else np.random.default_rng(0).normal(size=(2, 5, 6))

    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()

    path = tmp_path / "layer.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.layers[1]) is type(layer)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
