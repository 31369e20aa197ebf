"""tf.data input pipelines: from arrays or text to shuffled, batched, cached, prefetched data sets.

Why a pipeline and not plain arrays? ``tf.data`` prepares the next batch while
the model trains on the current one (``prefetch``), keeps decoded data in memory
(``cache``) and applies random augmentation freshly every epoch, on the fly.

Example:
    >>> import numpy as np
    >>> ds = make_dataset(np.zeros((10, 2)), np.arange(10), batch_size=4)
    >>> [int(x.shape[0]) for x, _ in ds]
    [4, 4, 2]
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from dlcourse.data.splits import DataSplits


def _tf() -> Any:
    import tensorflow as tf

    return tf


def _check_batch_size(batch_size: int) -> None:
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")


def scale_images(images: np.ndarray, *, add_channel: bool = True) -> np.ndarray:
    """uint8 images (0-255) as float32 in [0, 1], with a trailing channel axis for grey-scale images.

    Example:
        >>> scale_images(np.full((2, 28, 28), 255, np.uint8)).shape
        (2, 28, 28, 1)
    """
    images = np.asarray(images)
    scaled = images.astype("float32") / 255.0 if images.dtype == np.uint8 else images.astype("float32")
    return scaled[..., None] if add_channel and scaled.ndim == 3 else scaled


def make_dataset(x: Any, y: Any = None, *, batch_size: int = 32, shuffle: bool = False, seed: int = 0,
                 cache: bool = True, prefetch: bool = True, preprocess: Callable | None = None,
                 augment: Callable | None = None, drop_remainder: bool = False) -> Any:
    """A ``tf.data.Dataset`` of ``(x, y)`` batches (or ``x`` batches when ``y`` is None).

    Order: slice -> ``preprocess`` (per example) -> cache -> shuffle (freshly each epoch) -> batch
    -> ``augment`` (per batch, ``training=True``) -> prefetch. Caching comes before shuffling and
    augmentation so the cached data stays clean and each epoch sees new random variants.

    Args:
        augment: a Keras layer/model such as :func:`dlcourse.augmentation.augmentation_block`; pass it for
            the training set only.
    """
    tf = _tf()
    _check_batch_size(batch_size)
    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if preprocess is not None:
        ds = ds.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        ds = ds.cache()
    if shuffle:
        n = int(ds.cardinality())
        ds = ds.shuffle(n if n > 0 else 10_000, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if augment is not None:
        if y is None:
            ds = ds.map(lambda xb: augment(xb, training=True), num_parallel_calls=tf.data.AUTOTUNE)
        else:
            ds = ds.map(lambda xb, yb: (augment(xb, training=True), yb), num_parallel_calls=tf.data.AUTOTUNE)
    if prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE)
    return ds


def image_datasets(data: DataSplits, *, batch_size: int = 128, augment: Callable | None = None,
                   seed: int = 0) -> tuple[Any, Any, Any]:
    """Train / validation / test pipelines for an image data set: scaled to [0, 1], train shuffled and augmented.

    Example:
        >>> from dlcourse import data
        >>> train, val, test = image_datasets(data.load("mnist"), batch_size=64)  # doctest: +SKIP
    """
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.train, data.val, data.test
    return (
        make_dataset(scale_images(x_train), y_train, batch_size=batch_size, shuffle=True, seed=seed, augment=augment),
        make_dataset(scale_images(x_val), y_val, batch_size=batch_size),
        make_dataset(scale_images(x_test), y_test, batch_size=batch_size),
    )


def normalizer(x: np.ndarray, axis: int | None = -1) -> Any:
    """A ``keras.layers.Normalization`` adapted to ``x`` (zero mean, unit variance per feature).

    Example:
        >>> layer = normalizer(np.array([[1.0], [3.0]]))
        >>> [round(float(v), 3) for v in np.ravel(layer(np.array([[1.0], [3.0]])))]
        [-1.0, 1.0]
    """
    import keras

    layer = keras.layers.Normalization(axis=axis)
    layer.adapt(np.asarray(x, dtype="float32"))
    return layer


def make_windows(series: Sequence[float] | np.ndarray, input_width: int, horizon: int = 1
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Slide a window over a 1-D series: inputs of ``input_width`` steps, targets of the next ``horizon`` steps.

    Returns ``x`` of shape ``(n, input_width, 1)`` and ``y`` of shape ``(n, horizon)``.

    Example:
        >>> x, y = make_windows(np.arange(6.0), input_width=3, horizon=1)
        >>> x[:, :, 0].tolist(), y.tolist()
        ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [[3.0], [4.0], [5.0]])
    """
    series = np.asarray(series, dtype="float32")
    if series.ndim != 1:
        raise ValueError(f"series must be one-dimensional, got shape {series.shape}")
    for arg, value in {"input_width": input_width, "horizon": horizon}.items():
        if not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{arg} must be a positive integer, got {value!r}")
    n = len(series) - input_width - horizon + 1
    if n <= 0:
        raise ValueError(f"series: {len(series)} steps is too short for input_width={input_width} + "
                         f"horizon={horizon}")
    windows = np.lib.stride_tricks.sliding_window_view(series, input_width + horizon)[:n]
    return windows[:, :input_width, None].copy(), windows[:, input_width:].copy()


def window_dataset(series: Sequence[float] | np.ndarray, input_width: int, horizon: int = 1, *,
                   batch_size: int = 32, shuffle: bool = False, seed: int = 0) -> Any:
    """:func:`make_windows` as a batched, cached, prefetched ``tf.data`` pipeline."""
    x, y = make_windows(series, input_width, horizon)
    return make_dataset(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed)


def text_vectorizer(texts: Any, *, max_tokens: int = 20_000, sequence_length: int | None = 200,
                    output_mode: str = "int", standardize: str | None = "lower_and_strip_punctuation") -> Any:
    """A ``keras.layers.TextVectorization`` adapted to ``texts``: words to integer ids, padded to a length.

    Id 0 is padding and id 1 is "[UNK]" (a word not in the vocabulary).

    Example:
        >>> vectorize = text_vectorizer(["a good film", "a bad film"], sequence_length=4)
        >>> vectorize(["a good film"]).shape
        TensorShape([1, 4])
    """
    import keras

    if not isinstance(max_tokens, (int, np.integer)) or max_tokens <= 2:
        raise ValueError(f"max_tokens must be an integer > 2, got {max_tokens!r}")
    layer = keras.layers.TextVectorization(max_tokens=max_tokens, output_mode=output_mode,
                                           output_sequence_length=sequence_length, standardize=standardize)
    layer.adapt(_tf().data.Dataset.from_tensor_slices(np.asarray(texts, dtype=object).astype(str)).batch(512))
    return layer


def text_datasets(data: DataSplits, vectorizer: Any, *, batch_size: int = 64, seed: int = 0,
                  bucket_width: int | None = None, sort_eval_by_length: bool = False) -> tuple[Any, Any, Any]:
    """Train / validation / test pipelines of ``(token_ids, label)`` batches from a raw-text data set.

    The texts are vectorised once (in parallel) and cached as token ids; the training set is
    reshuffled every epoch.

    ``bucket_width`` saves work for recurrent models, whose cost grows with the padded length:
    every batch is cut to its longest text, rounded up to a multiple of ``bucket_width``, and
    training batches are drawn from texts of similar length (``bucket_by_sequence_length``), so
    they carry little padding. Batches then have different lengths (a few distinct ones, so an
    XLA-compiled model compiles only a few times): the model's input must accept ``(None,)``.

    Validation and test batches keep the data set's order, so ``model.predict(test)`` lines up
    with ``data.test.y``. In that order nearly every batch holds one long text and is padded to
    it; ``sort_eval_by_length=True`` (with ``bucket_width``) orders validation and test texts by
    length instead, which makes ``evaluate`` and validation during ``fit`` much cheaper and gives
    the same loss and accuracy, but predictions then come in length order: take the labels from
    the data set (``np.concatenate([y for _, y in test])``), not from ``data.test.y``.

    Example:
        >>> from dlcourse.data import DataSplits, Split
        >>> texts = np.array(["a good film", "a very very long and boring film indeed"], dtype=object)
        >>> split = Split(texts, np.array([1, 0]))
        >>> vectorize = text_vectorizer(texts, max_tokens=20, sequence_length=12)
        >>> _, _, test = text_datasets(DataSplits("toy", split, split, split), vectorize, batch_size=1,
        ...                            bucket_width=4)
        >>> [int(ids.shape[1]) for ids, _ in test]
        [4, 8]
        >>> long_first = Split(texts[::-1], np.array([0, 1]))
        >>> _, _, test = text_datasets(DataSplits("toy", split, split, long_first), vectorize, batch_size=1,
        ...                            bucket_width=4, sort_eval_by_length=True)
        >>> [(int(ids.shape[1]), int(y[0])) for ids, y in test]
        [(4, 1), (8, 0)]
    """
    _check_batch_size(batch_size)
    if bucket_width is not None and (not isinstance(bucket_width, (int, np.integer)) or bucket_width <= 0):
        raise ValueError(f"bucket_width must be a positive integer or None, got {bucket_width!r}")
    if sort_eval_by_length and bucket_width is None:
        raise ValueError("sort_eval_by_length=True needs bucket_width: without it every batch is padded to the "
                         "full sequence length, so sorting saves nothing")
    tf = _tf()

    def trim(ids: Any, labels: Any) -> tuple[Any, Any]:
        # cut the padding columns that no text in the batch needs, keeping a multiple of bucket_width
        longest = tf.reduce_max(tf.reduce_sum(tf.cast(ids != 0, tf.int32), axis=1))
        width = tf.maximum(1, (longest + bucket_width - 1) // bucket_width) * bucket_width
        return ids[:, :tf.minimum(width, tf.shape(ids)[1])], labels

    def build(part: Any, training: bool) -> Any:
        texts = np.asarray(part.x, dtype=object).astype(str)
        ds = tf.data.Dataset.from_tensor_slices((texts, np.asarray(part.y)))
        ds = ds.batch(1024).map(lambda t, y: (vectorizer(t), y), num_parallel_calls=tf.data.AUTOTUNE)
        ds = ds.unbatch().apply(tf.data.experimental.assert_cardinality(len(texts)))   # unbatch forgets the size
        ds = ds.cache()                  # vectorise once; later epochs read token ids from memory
        if sort_eval_by_length and not training:
            ids, labels = (np.concatenate(parts) for parts in zip(*ds.batch(4096).as_numpy_iterator()))
            order = np.argsort(np.count_nonzero(ids, axis=1), kind="stable")
            ds = tf.data.Dataset.from_tensor_slices((ids[order], labels[order]))
        if training:
            ds = ds.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
        if bucket_width is None:
            ds = ds.batch(batch_size)
        elif training:
            full_length = int(vectorizer(texts[:1]).shape[1])
            boundaries = list(range(bucket_width + 1, full_length + 1, bucket_width))

            def text_length(ids: Any, _: Any) -> Any:
                return tf.reduce_sum(tf.cast(ids != 0, tf.int32))

            # each bucket emits its full batches and, at the end of an epoch, one partial batch: count
            # them so that `fit` and learning-rate schedules know the number of steps per epoch
            lengths = np.fromiter(ds.map(text_length).as_numpy_iterator(), dtype=np.int64, count=len(texts))
            per_bucket = np.bincount(np.searchsorted(boundaries, lengths, side="right"))
            batches = int(np.sum(-(-per_bucket // batch_size)))
            ds = ds.bucket_by_sequence_length(text_length, boundaries, [batch_size] * (len(boundaries) + 1))
            ds = ds.map(trim).apply(tf.data.experimental.assert_cardinality(batches))
        else:
            ds = ds.batch(batch_size).map(trim)
        return ds.prefetch(tf.data.AUTOTUNE)

    return build(data.train, True), build(data.val, False), build(data.test, False)


class CharVocabulary:
    """Characters <-> integer ids for a character-level language model.

    Example:
        >>> vocab = CharVocabulary("hello")
        >>> vocab.decode(vocab.encode("hole"))
        'hole'
    """

    def __init__(self, text_or_chars: str | Sequence[str]):
        self.chars = sorted(set(text_or_chars))
        self.index = {ch: i for i, ch in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        unknown = sorted(set(text) - set(self.index))
        if unknown:
            raise ValueError(f"text: characters {unknown!r} are not in the vocabulary")
        return np.fromiter((self.index[ch] for ch in text), dtype=np.int32, count=len(text))

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def char_sequences(text: str, vocabulary: CharVocabulary, *, sequence_length: int = 100, batch_size: int = 64,
                   shuffle: bool = True, seed: int = 0, stride: int | None = None) -> Any:
    """Next-character training pairs: inputs ``text[i:i+L]`` and targets ``text[i+1:i+L+1]`` as id batches."""
    if not isinstance(sequence_length, (int, np.integer)) or sequence_length <= 0:
        raise ValueError(f"sequence_length must be a positive integer, got {sequence_length!r}")
    ids = vocabulary.encode(text)
    stride = stride or sequence_length
    starts = np.arange(0, len(ids) - sequence_length - 1, stride)
    if len(starts) == 0:
        raise ValueError(f"text: {len(text)} characters is too short for sequence_length={sequence_length}")
    windows = np.stack([ids[s: s + sequence_length + 1] for s in starts])
    return make_dataset(windows[:, :-1], windows[:, 1:], batch_size=batch_size, shuffle=shuffle, seed=seed)
