"""The transformer notebook's helpers: classifier attention, text sampling, timing and the learning-rate schedule."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import models, pipelines
from dlcourse.transformer_tools import (attention_fn, classifier_attention, forward_backward_seconds,
                                        next_token_logits, sequence_length_timings, text_sampler, warmup_cosine)

TEXTS = ["a great film with great actors", "a bad film", "the plot was dull but the music was great",
         "terrible acting and a boring story"]


@pytest.fixture(scope="module")
def classifier_and_vectorizer():
    dlcourse.seed(0)
    vectorizer = pipelines.text_vectorizer(TEXTS, max_tokens=50, sequence_length=12)
    model = models.transformer_classifier(50, 12, embed_dim=8, num_heads=2, ff_dim=8, num_layers=2)
    return model, vectorizer


@pytest.fixture(scope="module")
def char_model():
    dlcourse.seed(0)
    vocab = pipelines.CharVocabulary("abcde \n")
    model = models.gpt(len(vocab), 8, embed_dim=8, num_heads=2, ff_dim=8, num_layers=1)
    return model, vocab


def test_classifier_attention_returns_the_real_words_and_row_stochastic_maps(classifier_and_vectorizer):
    model, vectorizer = classifier_and_vectorizer
    tokens, weights = classifier_attention(model, vectorizer, "A great film, with GREAT actors!")
    assert tokens == ["a", "great", "film", "with", "great", "actors"]
    assert weights.shape == (2, 6, 6)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-5)
    full = models.attention_maps(model, keras.ops.convert_to_numpy(vectorizer(["a great film with great actors"]))[0])
    np.testing.assert_allclose(weights, full[-1][:, :6, :6], atol=1e-6)  # padding columns carried no weight
    first, _ = classifier_attention(model, vectorizer, "a bad film", layer=0)
    assert first == ["a", "bad", "film"]


def test_classifier_attention_marks_unknown_words_and_crops(classifier_and_vectorizer):
    model, vectorizer = classifier_and_vectorizer
    tokens, weights = classifier_attention(model, vectorizer, "a zebra film was great", max_tokens=3)
    assert tokens == ["a", "[UNK]", "film"]
    assert weights.shape == (2, 3, 3)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("kwargs, match", [({"text": "   "}, "text"), ({"text": "a film", "layer": 2}, "layer"),
                                           ({"text": "a film", "max_tokens": 0}, "max_tokens"),
                                           ({"text": "!!!"}, "text")])
def test_classifier_attention_rejects_bad_arguments(classifier_and_vectorizer, kwargs, match):
    model, vectorizer = classifier_and_vectorizer
    with pytest.raises(ValueError, match=match):
        classifier_attention(model, vectorizer, **kwargs)


def test_attention_fn_feeds_the_explorer(classifier_and_vectorizer):
    model, vectorizer = classifier_and_vectorizer
    explain = attention_fn(model, vectorizer, max_tokens=4)
    tokens, weights = explain("the plot was dull but the music was great")
    assert tokens == ["the", "plot", "was", "dull"] and weights.shape == (2, 4, 4)
    fig = dlcourse.widgets.attention_explorer(explain, text="a bad film", static=True)
    assert len(fig.axes) == 2  # one map per head
    with pytest.raises(ValueError, match="vectorizer"):
        attention_fn(model, object())
    with pytest.raises(ValueError, match="model"):
        attention_fn(models.mlp(4, hidden=(2,)), vectorizer)


def test_next_token_logits_are_the_models_last_position(char_model):
    model, vocab = char_model
    ids = vocab.encode("abc")
    padded = np.pad(ids, (0, 5))[None].astype("int32")
    expected = keras.ops.convert_to_numpy(model(padded))[0, 2]
    np.testing.assert_allclose(next_token_logits(model, ids), expected, atol=1e-5)
    long = vocab.encode("abcdeabcdeab")  # longer than the window of 8: only the last 8 count
    np.testing.assert_allclose(next_token_logits(model, long),
                               keras.ops.convert_to_numpy(model(long[-8:][None].astype("int32")))[0, -1], atol=1e-5)
    with pytest.raises(ValueError, match="prompt_ids"):
        next_token_logits(model, [])


def test_text_sampler_is_repeatable_and_extends_the_prompt(char_model):
    model, vocab = char_model
    sample = text_sampler(model, vocab, n=10, seed=3)
    text = sample("abc", 0.8)
    assert text.startswith("abc") and len(text) == 13 and set(text) <= set(vocab.chars)
    assert sample("abc", 0.8) == text
    assert text_sampler(model, vocab, n=5, seed=None)("ab", 0.0) == text_sampler(model, vocab, n=5, seed=9)("ab", 0.0)
    with pytest.raises(ValueError, match="n"):
        text_sampler(model, vocab, n=0)
    with pytest.raises(ValueError, match="vocabulary"):
        text_sampler(model, "abc")


def test_forward_backward_seconds_times_a_layer():
    x = np.zeros((2, 8, 4), "float32")
    assert 0 < forward_backward_seconds(keras.layers.Dense(3), x, repeats=2) < 10
    with pytest.raises(ValueError, match="inputs"):
        forward_backward_seconds(keras.layers.Dense(3), np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="repeats"):
        forward_backward_seconds(keras.layers.Dense(3), x, repeats=0)


def test_sequence_length_timings_gives_one_time_per_length_and_layer():
    timings = sequence_length_timings({"gru": lambda: keras.layers.GRU(4, return_sequences=True),
                                       "block": lambda: models.TransformerEncoderBlock(4, 2, 4, dropout=0.0)},
                                      [4, 8], batch_size=2, features=4, repeats=1)
    assert list(timings) == ["gru", "block"]
    assert all(len(t) == 2 and all(s > 0 for s in t) for t in timings.values())
    with pytest.raises(ValueError, match="lengths"):
        sequence_length_timings({"d": lambda: keras.layers.Dense(2)}, [4, 0])
    with pytest.raises(ValueError, match="layers"):
        sequence_length_timings({}, [4])


def test_warmup_cosine_rises_then_decays():
    schedule = warmup_cosine(1e-3, total_steps=100, warmup_fraction=0.2, final_fraction=0.1)
    values = [float(schedule(step)) for step in (0, 10, 20, 60, 100)]
    np.testing.assert_allclose(values, [0.0, 5e-4, 1e-3, 0.55e-3, 1e-4], rtol=1e-4, atol=1e-9)
    no_warmup = warmup_cosine(1e-3, total_steps=10, warmup_fraction=0.0)
    assert float(no_warmup(0)) == pytest.approx(1e-3) and float(no_warmup(10)) == pytest.approx(0.0, abs=1e-9)
    for kwargs, name in [({"peak_learning_rate": 0}, "peak_learning_rate"), ({"total_steps": 0}, "total_steps"),
                         ({"warmup_fraction": 1.0}, "warmup_fraction"), ({"final_fraction": 2}, "final_fraction")]:
        with pytest.raises(ValueError, match=name):
            warmup_cosine(**{"peak_learning_rate": 1e-3, "total_steps": 10, **kwargs})
