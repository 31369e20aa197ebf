"""tf.data pipelines: batching, shuffling, augmentation only in training, windows, text, characters."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dlcourse as dlc
from dlcourse import data, pipelines
from dlcourse.augmentation import augmentation_block


def test_make_dataset_batches_caches_and_shuffles_each_epoch():
    x = np.arange(100, dtype="float32")[:, None]
    ds = pipelines.make_dataset(x, x[:, 0], batch_size=32, shuffle=True, seed=0)
    epoch1 = np.concatenate([xb.numpy()[:, 0] for xb, _ in ds])
    epoch2 = np.concatenate([xb.numpy()[:, 0] for xb, _ in ds])
    assert sorted(epoch1) == list(range(100))
    assert not np.array_equal(epoch1, epoch2), "reshuffled every epoch"
    assert [int(xb.shape[0]) for xb, _ in ds] == [32, 32, 32, 4]


def test_bad_batch_size_is_rejected():
    with pytest.raises(ValueError, match="^batch_size"):
        pipelines.make_dataset(np.zeros(3), batch_size=0)


def test_augmentation_changes_training_batches_only():
    images = np.random.default_rng(0).random((8, 28, 28, 1)).astype("float32")
    augment = augmentation_block(rotation=0.1, zoom=0.1, noise=0.1, seed=0)
    train = pipelines.make_dataset(images, np.zeros(8), batch_size=8, augment=augment)
    clean = pipelines.make_dataset(images, np.zeros(8), batch_size=8)
    assert not np.allclose(next(iter(train))[0].numpy(), images)
    np.testing.assert_allclose(next(iter(clean))[0].numpy(), images)
    np.testing.assert_allclose(augment(images, training=False).numpy(), images)  # inference: identity


@pytest.mark.parametrize("kwargs, argument", [({"flip": "diagonal"}, "flip"), ({"rotation": 1.5}, "rotation"),
                                              ({"zoom": -0.1}, "zoom"), ({"noise": -1}, "noise")])
def test_augmentation_block_validates_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=f"^{argument}"):
        augmentation_block(**kwargs)


def test_image_pipeline_feeds_model_fit_and_the_model_learns():
    import keras

    dlc.seed(0)
    y = np.arange(600) % 3
    images = np.random.default_rng(0).integers(0, 40, (600, 8, 8)).astype(np.uint8)
    images[np.arange(600), 2 * y] += 200  # each class lights up its own row
    fake = data.DataSplits("rows", data.Split(images[:400], y[:400]), data.Split(images[400:500], y[400:500]),
                           data.Split(images[500:], y[500:]), class_names=["a", "b", "c"])
    train, val, test = pipelines.image_datasets(fake, batch_size=32)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(test, verbose=0)[1] > 0.6  # chance is 1/3


def test_scale_images_adds_a_channel_and_scales():
    out = pipelines.scale_images(np.array([[[0, 255]]], np.uint8))
    assert out.shape == (1, 1, 2, 1) and out.dtype == np.float32 and out.max() == 1.0


def test_make_windows_pairs_inputs_with_the_following_steps():
    x, y = pipelines.make_windows(np.arange(10.0), input_width=4, horizon=2)
    assert x.shape == (5, 4, 1) and y.shape == (5, 2)
    np.testing.assert_array_equal(x[1, :, 0], [1, 2, 3, 4])
    np.testing.assert_array_equal(y[1], [5, 6])


@pytest.mark.parametrize("kwargs, argument", [({"input_width": 0}, "input_width"), ({"input_width": 3, "horizon": -1},
                                              "horizon"), ({"input_width": 20}, "series")])
def test_make_windows_validates(kwargs, argument):
    with pytest.raises(ValueError, match=f"^{argument}"):
        pipelines.make_windows(np.arange(10.0), **kwargs)


def test_window_dataset_feeds_a_forecaster_that_learns():
    import keras

    dlc.seed(0)
    series = np.sin(np.arange(400) / 8).astype("float32")
    ds = pipelines.window_dataset(series, input_width=16, horizon=1, batch_size=32, shuffle=True)
    model = keras.Sequential([keras.Input((16, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(ds, epochs=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_text_pipeline_vectorises_inside_tf_data_and_feeds_fit():
    import keras

    dlc.seed(0)
    rng = np.random.default_rng(0)
    good, bad = ["great", "wonderful", "superb"], ["awful", "boring", "terrible"]
    texts = [" ".join(rng.choice(good if i % 2 else bad, 3)) + " film" for i in range(300)]
    labels = np.arange(300) % 2
    splits = data.DataSplits("toy", data.Split(np.array(texts[:200], object), labels[:200]),
                             data.Split(np.array(texts[200:250], object), labels[200:250]),
                             data.Split(np.array(texts[250:], object), labels[250:]), class_names=["neg", "pos"])
    vectorize = pipelines.text_vectorizer(splits.train.x, max_tokens=50, sequence_length=6)
    assert vectorize(["great film"]).shape == (1, 6)
    train, val, test = pipelines.text_datasets(splits, vectorize, batch_size=32)
    tokens, _ = next(iter(train))
    assert tokens.dtype.name == "int64" and tokens.shape[1] == 6
    assert [int(ds.cardinality()) for ds in (train, val, test)] == [7, 2, 2]   # known sizes: schedules need them
    model = keras.Sequential([keras.Input((6,), dtype="int64"), keras.layers.Embedding(50, 8),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, "sigmoid")])
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    model.fit(train, validation_data=val, epochs=5, verbose=0)
    assert model.evaluate(test, verbose=0)[1] > 0.9


def test_char_sequences_targets_are_inputs_shifted_by_one():
    text = "to be or not to be, that is the question"
    vocab = pipelines.CharVocabulary(text)
    ds = pipelines.char_sequences(text, vocab, sequence_length=10, batch_size=2, shuffle=False, stride=1)
    inputs, targets = next(iter(ds))
    assert vocab.decode(inputs[0].numpy()) == text[:10]
    assert vocab.decode(targets[0].numpy()) == text[1:11]
    with pytest.raises(ValueError, match="^text"):
        vocab.encode("Zebra")


def test_normalizer_standardises_features():
    layer = pipelines.normalizer(np.array([[0.0, 10.0], [2.0, 30.0]]))
    out = np.asarray(layer(np.array([[0.0, 10.0], [2.0, 30.0]])))
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-3)


def _reviews_of_varied_length(seed: int) -> tuple[np.ndarray, np.ndarray, data.DataSplits, Any]:
    """200 toy reviews of 1-29 words (the same set as train, validation and test) and a 32-token vectorizer."""
    rng = np.random.default_rng(seed)
    words = ["good", "bad", "film", "plot", "actor", "music"]
    texts = np.array([" ".join(rng.choice(words, n)) for n in rng.integers(1, 30, 200)], dtype=object)
    labels = np.arange(200) % 2
    split = data.Split(texts, labels)
    splits = data.DataSplits("toy", split, split, split, class_names=["neg", "pos"])
    return texts, labels, splits, pipelines.text_vectorizer(texts, max_tokens=20, sequence_length=32)


def test_text_datasets_bucketing_trims_padding_and_keeps_every_example():
    _, labels, splits, vectorize = _reviews_of_varied_length(seed=0)
    train, _, test = pipelines.text_datasets(splits, vectorize, batch_size=16, bucket_width=8)

    train_batches = list(train)
    widths = {int(ids.shape[1]) for ids, _ in train_batches}
    assert widths <= {8, 16, 24, 32} and len(widths) > 1
    for ids, _ in train_batches:       # a batch is cut to its longest text, rounded up to the bucket width
        longest = int(np.max(np.sum(ids.numpy() != 0, axis=1)))
        assert ids.shape[1] - 8 < longest <= ids.shape[1]
    assert sum(len(y) for _, y in train_batches) == 200
    assert sorted(np.concatenate([y.numpy() for _, y in train_batches])) == sorted(labels)
    # the number of batches is known in advance (fit's progress bar, learning-rate schedules) and exact
    assert int(train.cardinality()) == len(train_batches) > 200 // 16
    assert len(list(train)) == len(train_batches), "the same count in the next, reshuffled epoch"
    # evaluation batches keep the order of the data set, so predictions line up with the labels
    np.testing.assert_array_equal(np.concatenate([y.numpy() for _, y in test]), labels)
    with pytest.raises(ValueError, match="bucket_width"):
        pipelines.text_datasets(splits, vectorize, bucket_width=0)


def test_text_datasets_sort_eval_by_length_pads_less_and_evaluates_the_same():
    import keras

    texts, labels, splits, vectorize = _reviews_of_varied_length(seed=1)
    _, _, in_order = pipelines.text_datasets(splits, vectorize, batch_size=16, bucket_width=4)
    _, val, by_length = pipelines.text_datasets(splits, vectorize, batch_size=16, bucket_width=4,
                                                sort_eval_by_length=True)

    lengths = np.array([np.count_nonzero(vectorize([t])) for t in texts])
    sorted_batches = [(ids.numpy(), y.numpy()) for ids, y in by_length]
    widths = [ids.shape[1] for ids, _ in sorted_batches]
    assert widths == sorted(widths) and len(set(widths)) > 1
    seen = np.concatenate([np.count_nonzero(ids, axis=1) for ids, _ in sorted_batches])
    np.testing.assert_array_equal(seen, np.sort(lengths))                        # every text once, in length order
    np.testing.assert_array_equal(np.concatenate([y for _, y in sorted_batches]),
                                  labels[np.argsort(lengths, kind="stable")])
    assert [ids.shape[1] for ids, _ in val] == widths                            # validation is sorted too
    padded = sum(ids.size for ids, _ in sorted_batches)
    assert padded < 0.8 * sum(int(np.prod(ids.shape)) for ids, _ in in_order)   # far fewer padded tokens to process

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((None,), dtype="int64"), keras.layers.Embedding(20, 8, mask_zero=True),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, "sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    np.testing.assert_allclose(model.evaluate(by_length, verbose=0), model.evaluate(in_order, verbose=0), rtol=1e-5)
    with pytest.raises(ValueError, match="bucket_width"):
        pipelines.text_datasets(splits, vectorize, sort_eval_by_length=True)
