"""Helpers for the transformer notebook: attention of a trained classifier, text sampling, and a stopwatch.

* ``classifier_attention`` / ``attention_fn``: run a trained text classifier (e.g.
  :func:`dlcourse.models.transformer_classifier`) on raw text and return its words and each head's
  attention map over them, cropped to the real (non-padding) words; ``attention_fn`` packages that as
  the ``text -> (tokens, weights)`` function that :func:`dlcourse.widgets.attention_explorer` wants.
* ``next_token_logits`` / ``text_sampler``: the next-character scores of a language model such as
  :func:`dlcourse.models.gpt` after a prompt, and a ``(prompt, temperature) -> text`` function for
  :func:`dlcourse.widgets.sampling_explorer`.
* ``forward_backward_seconds`` / ``sequence_length_timings``: how long one forward + backward pass of a
  layer takes, over growing sequence lengths (to compare a recurrent layer with a transformer block).
* ``warmup_cosine``: the usual transformer learning-rate schedule, a linear warm-up then a cosine decay.

Example:
    >>> import numpy as np
    >>> schedule = warmup_cosine(1e-3, total_steps=100, warmup_fraction=0.1)
    >>> [round(float(schedule(step)), 5) for step in (0, 10, 100)]
    [0.0, 0.001, 0.0]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "classifier_attention", "attention_fn", "next_token_logits", "text_sampler",
    "forward_backward_seconds", "sequence_length_timings", "warmup_cosine",
]

AttentionFunction = Callable[[str], tuple[list[str], np.ndarray]]
SampleFunction = Callable[[str, float], str]


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    return int(value)


def _attention_layer_count(model: Any) -> int:
    from dlcourse.models.transformer import ATTENTION_LAYERS

    return sum(isinstance(layer, ATTENTION_LAYERS) for layer in model.layers)


def classifier_attention(model: Any, vectorizer: Any, text: str, *, layer: int = -1,
                         max_tokens: int | None = None) -> tuple[list[str], np.ndarray]:
    """The words of ``text`` as the model sees them, and every head's attention among them.

    ``text`` goes through ``vectorizer`` (a ``keras.layers.TextVectorization``, e.g. from
    :func:`dlcourse.pipelines.text_vectorizer`); the padding at the end is cut off, so the maps
    show only real words (out-of-vocabulary words appear as ``[UNK]``).

    Args:
        model: a trained model with attention layers, such as :func:`dlcourse.models.transformer_classifier`.
        vectorizer: the layer that turned texts into the model's token ids.
        text: one review / sentence.
        layer: which attention layer (0 = first, -1 = last).
        max_tokens: keep only the first ``max_tokens`` words (small maps are easier to read).

    Returns:
        ``(tokens, weights)`` with ``weights`` of shape ``(heads, n, n)``, ``n = len(tokens)``; row ``i``
        of head ``h`` says how much word ``i`` attends to each word, and sums to 1.

    Example:
        >>> tokens, weights = classifier_attention(model, vectorizer, "a truly great film")  # doctest: +SKIP
        >>> tokens, weights.shape  # doctest: +SKIP
        (['a', 'truly', 'great', 'film'], (2, 4, 4))
    """
    from keras import ops

    from dlcourse.models.transformer import attention_maps

    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text: must be a non-empty string, got {text!r}")
    if max_tokens is not None:
        max_tokens = _positive_int("max_tokens", max_tokens)
    layers = _attention_layer_count(model)
    if layers == 0:
        raise ValueError(f"model: {model.name!r} has no attention layers")
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not -layers <= layer < layers:
        raise ValueError(f"layer: must be an index into the model's {layers} attention layer(s), got {layer!r}")
    ids = np.asarray(ops.convert_to_numpy(vectorizer([text])))[0]
    length = int(np.count_nonzero(ids))  # TextVectorization pads with 0 at the end
    if length == 0:
        raise ValueError(f"text: {text!r} has no words the vectorizer knows how to split")
    vocabulary = vectorizer.get_vocabulary()
    n = length if max_tokens is None else min(length, max_tokens)
    maps = attention_maps(model, ids)[layer]  # (heads, length, length) over the full padded window
    weights = maps[:, :n, :n]
    if n < length:  # renormalise over the words shown, so each row still sums to 1
        weights = weights / np.maximum(weights.sum(axis=-1, keepdims=True), 1e-12)
    return [vocabulary[int(i)] for i in ids[:n]], weights


def attention_fn(model: Any, vectorizer: Any, *, layer: int = -1, max_tokens: int | None = 40) -> AttentionFunction:
    """``text -> (tokens, weights)`` for :func:`dlcourse.widgets.attention_explorer`, from a trained classifier.

    Example:
        >>> explore = attention_fn(model, vectorizer)  # doctest: +SKIP
        >>> dlc.widgets.attention_explorer(explore, text="a dull plot but wonderful actors")  # doctest: +SKIP
    """
    if not hasattr(vectorizer, "get_vocabulary"):
        raise ValueError(f"vectorizer: must be a TextVectorization layer, got {type(vectorizer).__name__}")
    if max_tokens is not None:
        max_tokens = _positive_int("max_tokens", max_tokens)
    if _attention_layer_count(model) == 0:
        raise ValueError(f"model: {getattr(model, 'name', model)!r} has no attention layers")

    def explain(text: str) -> tuple[list[str], np.ndarray]:
        return classifier_attention(model, vectorizer, text, layer=layer, max_tokens=max_tokens)

    return explain


def _encode(vocabulary: Any, prompt: str | Sequence[int] | np.ndarray) -> np.ndarray:
    ids = vocabulary.encode(prompt) if isinstance(prompt, str) else np.asarray(prompt)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError(f"prompt: must be a non-empty text or sequence of token ids, got {prompt!r}")
    return ids.astype(np.int64)


def next_token_logits(model: Any, prompt_ids: Sequence[int] | np.ndarray) -> np.ndarray:
    """The language model's scores for the token that follows ``prompt_ids``: a vector of ``vocab_size`` logits.

    Like :func:`dlcourse.models.generate`, the model sees the last ``sequence_length`` tokens,
    padded on the right (the causal mask keeps the padding out of view).

    Example:
        >>> logits = next_token_logits(model, vocab.encode("ROMEO:"))  # doctest: +SKIP
        >>> vocab.decode([logits.argmax()])  # the most likely next character  # doctest: +SKIP
    """
    from keras import ops

    ids = np.asarray(prompt_ids)
    if ids.ndim != 1 or ids.size == 0 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"prompt_ids: must be a non-empty 1-D sequence of integer ids, got shape {ids.shape}")
    window = model.input_shape[1]
    context = ids if window is None else ids[-window:]
    batch = context[None] if window is None else np.pad(context, (0, window - len(context)))[None]
    logits = ops.convert_to_numpy(model(batch.astype("int32"), training=False))
    return np.asarray(logits[0, len(context) - 1], dtype=np.float64)


def text_sampler(model: Any, vocabulary: Any, n: int = 200, *, top_k: int | None = None,
                 seed: int | None = 0) -> SampleFunction:
    """``(prompt, temperature) -> prompt + n sampled characters`` for :func:`dlcourse.widgets.sampling_explorer`.

    Args:
        model: a language model such as :func:`dlcourse.models.gpt`.
        vocabulary: a :class:`dlcourse.pipelines.CharVocabulary` (``encode`` / ``decode``).
        n: how many characters to add.
        top_k: sample only among the ``top_k`` most likely characters.
        seed: the same seed, prompt and temperature give the same text (``None``: new text each call).

    Example:
        >>> sample = text_sampler(model, vocab, n=100)  # doctest: +SKIP
        >>> print(sample("ROMEO:", 0.8))  # doctest: +SKIP
    """
    from dlcourse.models.generation import generate

    n = _positive_int("n", n)
    if not (hasattr(vocabulary, "encode") and hasattr(vocabulary, "decode")):
        raise ValueError(f"vocabulary: needs encode() and decode(), got {type(vocabulary).__name__}")
    if top_k is not None:
        top_k = _positive_int("top_k", top_k)

    def sample(prompt: str, temperature: float) -> str:
        ids = _encode(vocabulary, prompt)
        new = generate(model, ids, n, temperature=temperature, top_k=top_k, seed=seed)
        return vocabulary.decode(ids) + vocabulary.decode(new)

    return sample


def _require_tensorflow() -> Any:
    import keras

    if keras.backend.backend() != "tensorflow":
        raise NotImplementedError(f"timing uses tf.GradientTape; the Keras backend is {keras.backend.backend()!r}")
    import tensorflow as tf

    return tf


def forward_backward_seconds(layer: Any, inputs: Any, *, repeats: int = 5, warmup: int = 1) -> float:
    """Wall-clock seconds of one forward + backward pass of ``layer`` on ``inputs`` (the fastest of ``repeats``).

    The pass (output, a sum as the loss, gradients with respect to the weights and the inputs)
    is compiled once with ``tf.function``, run ``warmup`` times untimed, then ``repeats`` times.
    The fastest run is returned, as ``timeit`` advises: slower runs measure other programs
    competing for the CPU, not the layer. TensorFlow backend only.

    Example:
        >>> import keras
        >>> x = np.zeros((2, 16, 8), "float32")
        >>> seconds = forward_backward_seconds(keras.layers.GRU(8, return_sequences=True), x, repeats=2)
        >>> seconds > 0
        True
    """
    tf = _require_tensorflow()
    repeats = _positive_int("repeats", repeats)
    if isinstance(warmup, bool) or not isinstance(warmup, (int, np.integer)) or warmup < 0:
        raise ValueError(f"warmup: must be a non-negative integer, got {warmup!r}")
    if not callable(layer):
        raise ValueError(f"layer: must be a Keras layer or model, got {type(layer).__name__}")
    x = tf.convert_to_tensor(inputs, dtype=tf.float32)
    if x.shape.rank != 3:
        raise ValueError(f"inputs: must have shape (batch, length, features), got {tuple(x.shape)}")
    layer(x)  # build the weights

    @tf.function
    def step(x: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x, training=True))
        return tape.gradient(loss, [x, *layer.trainable_variables])

    for _ in range(warmup + 1):  # the first call traces and compiles
        step(x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        grads = step(x)
        _ = [g.numpy() for g in grads[:1]]  # wait for the result
        times.append(time.perf_counter() - start)
    return float(min(times))


def sequence_length_timings(layers: Mapping[str, Callable[[], Any]], lengths: Sequence[int], *,
                            batch_size: int = 32, features: int = 64, repeats: int = 3,
                            seed: int = 0) -> dict[str, list[float]]:
    """Forward + backward seconds of fresh layers over growing sequence lengths.

    Args:
        layers: name -> function that builds a new layer mapping ``(batch, length, features)`` to a
            tensor, e.g. ``lambda: keras.layers.GRU(64, return_sequences=True)``.
        lengths: the sequence lengths to time.
        batch_size, features: size of the random inputs.
        repeats: timed passes per point (the fastest is kept).

    Returns:
        name -> one time in seconds per length (a new layer per length, so each is compiled for its shape).

    Example:
        >>> import keras
        >>> timings = sequence_length_timings({"dense": lambda: keras.layers.Dense(4)}, [8, 16],
        ...                                   batch_size=2, features=4, repeats=1)
        >>> list(timings), len(timings["dense"])
        (['dense'], 2)
    """
    if not isinstance(layers, Mapping) or not layers or not all(callable(f) for f in layers.values()):
        raise ValueError(f"layers: must be a non-empty mapping of name -> layer-building function, got {layers!r}")
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence) or not lengths:
        raise ValueError(f"lengths: must be a non-empty sequence of positive integers, got {lengths!r}")
    lengths = [_positive_int("lengths", length) for length in lengths]
    batch_size = _positive_int("batch_size", batch_size)
    features = _positive_int("features", features)
    rng = np.random.default_rng(seed)
    timings: dict[str, list[float]] = {name: [] for name in layers}
    for length in lengths:
        x = rng.normal(size=(batch_size, length, features)).astype("float32")
        for name, build in layers.items():
            timings[name].append(forward_backward_seconds(build(), x, repeats=repeats))
    return timings


def warmup_cosine(peak_learning_rate: float, total_steps: int, *, warmup_fraction: float = 0.1,
                  final_fraction: float = 0.0) -> Any:
    """Learning rate that rises linearly from 0 to ``peak_learning_rate``, then falls along a cosine.

    Transformers train better with a short warm-up (Adam's early steps are noisy, and big steps
    then can wreck the attention weights) followed by a slow decay.

    Args:
        peak_learning_rate: the rate reached at the end of the warm-up.
        total_steps: number of optimizer steps in the whole training (epochs x batches per epoch).
        warmup_fraction: the share of ``total_steps`` spent warming up, in ``[0, 1)``.
        final_fraction: the rate at the end, as a fraction of the peak.

    Returns:
        A ``keras.optimizers.schedules.CosineDecay`` to pass as an optimizer's ``learning_rate``.

    Example:
        >>> import keras
        >>> optimizer = keras.optimizers.AdamW(warmup_cosine(1e-3, total_steps=1000))
    """
    import keras

    if isinstance(peak_learning_rate, bool) or not isinstance(peak_learning_rate, (int, float, np.floating)) \
            or not peak_learning_rate > 0:
        raise ValueError(f"peak_learning_rate: must be a positive number, got {peak_learning_rate!r}")
    total_steps = _positive_int("total_steps", total_steps)
    if not isinstance(warmup_fraction, (int, float, np.floating)) or not 0 <= warmup_fraction < 1:
        raise ValueError(f"warmup_fraction: must be a number in [0, 1), got {warmup_fraction!r}")
    if not isinstance(final_fraction, (int, float, np.floating)) or not 0 <= final_fraction <= 1:
        raise ValueError(f"final_fraction: must be a number in [0, 1], got {final_fraction!r}")
    warmup_steps = int(round(warmup_fraction * total_steps))
    decay_steps = max(total_steps - warmup_steps, 1)
    if warmup_steps == 0:
        return keras.optimizers.schedules.CosineDecay(float(peak_learning_rate), decay_steps, alpha=final_fraction)
    return keras.optimizers.schedules.CosineDecay(0.0, decay_steps, alpha=final_fraction,
                                                  warmup_target=float(peak_learning_rate), warmup_steps=warmup_steps)
