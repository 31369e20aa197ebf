"""Sampling text from a language model one token at a time."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from dlcourse.models import _checks as check


def next_token_distribution(logits: np.ndarray, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """Turn next-token logits ``(batch, vocab)`` into probabilities, sharpened or flattened by ``temperature``.

    ``temperature < 1`` favours likely tokens, ``> 1`` makes choices more random;
    ``top_k`` keeps only the ``k`` most likely tokens. ``temperature=0`` puts all the
    probability on the most likely token (greedy decoding).

    Example:
        >>> next_token_distribution(np.array([[0.0, 1.0, 2.0]]), temperature=0).tolist()
        [[0.0, 0.0, 1.0]]
    """
    logits = np.asarray(logits, dtype=np.float64)
    if top_k is not None:
        kth_largest = np.sort(logits, axis=-1)[:, -top_k][:, None]
        logits = np.where(logits < kth_largest, -np.inf, logits)
    if temperature == 0:
        probs = np.zeros_like(logits)
        probs[np.arange(len(logits)), logits.argmax(axis=-1)] = 1.0
        return probs
    scaled = logits / temperature
    scaled -= scaled.max(axis=-1, keepdims=True)
    probs = np.exp(scaled)
    return probs / probs.sum(axis=-1, keepdims=True)


def generate(model: keras.Model, prompt_ids: Any, n: int, temperature: float = 1.0, top_k: int | None = None,
             seed: int | None = None, *, include_prompt: bool = False) -> np.ndarray:
    """Continue ``prompt_ids`` by ``n`` tokens sampled from a language model such as :func:`gpt`.

    At each step the model sees the last ``sequence_length`` tokens (padded on the right
    with 0, which the causal mask keeps out of view), its logits at the last real position
    give the next-token distribution, and one token is drawn from it.

    Args:
        model: maps token ids ``(batch, length)`` to logits ``(batch, length, vocab)``.
        prompt_ids: one prompt ``(length,)`` or a batch of equally long prompts ``(batch, length)``.
        n: how many tokens to add.
        temperature: 1 samples from the model as it is, 0 always picks the most likely token.
        top_k: sample only among the ``top_k`` most likely tokens.
        seed: makes the sampling repeatable.
        include_prompt: return the prompt followed by the new tokens instead of the new tokens only.

    Returns:
        The new token ids (numpy ``int``), shape ``(n,)`` for one prompt or ``(batch, n)``.

    Example:
        >>> ids = generate(model, encode("ROMEO:"), n=200, temperature=0.8, seed=0)  # doctest: +SKIP
        >>> print(decode(ids))  # doctest: +SKIP
    """
    prompt = np.asarray(prompt_ids)
    if prompt.ndim not in (1, 2) or prompt.shape[-1] == 0 or not np.issubdtype(prompt.dtype, np.integer):
        raise ValueError(f"prompt_ids: must be a non-empty sequence (or batch of sequences) of integer token ids, "
                         f"got shape {prompt.shape} and dtype {prompt.dtype}")
    n = check.positive_int("n", n)
    temperature = check.non_negative("temperature", temperature)
    vocab_size = model.output_shape[-1]
    if top_k is not None:
        top_k = check.positive_int("top_k", top_k)
        if vocab_size is not None and top_k > vocab_size:
            raise ValueError(f"top_k: must be at most the vocabulary size {vocab_size}, got {top_k}")

    tokens = prompt[None] if prompt.ndim == 1 else prompt
    tokens = tokens.astype(np.int64)
    window = model.input_shape[1] or None  # None: the model takes any length
    rng = np.random.default_rng(seed)
    new_tokens = []
    for _ in range(n):
        context = tokens if window is None else tokens[:, -window:]
        length = context.shape[1]
        batch = context if window is None else np.pad(context, ((0, 0), (0, window - length)))
        if window is None:   # a new length at every step: a compiled function would be re-traced each time
            outputs = model(batch.astype("int32"), training=False)
        else:                # a fixed shape: the compiled predict step is traced once and is many times faster
            outputs = model.predict_on_batch(batch.astype("int32"))
        logits = ops.convert_to_numpy(outputs)[:, length - 1, :]
        if temperature == 0:  # greedy: the most likely token, no randomness
            chosen = logits.argmax(axis=-1)
        else:
            probs = next_token_distribution(logits, temperature, top_k)
            chosen = np.array([rng.choice(probs.shape[-1], p=row) for row in probs])
        new_tokens.append(chosen)
        tokens = np.concatenate([tokens, chosen[:, None]], axis=1)
    result = tokens if include_prompt else np.stack(new_tokens, axis=1)
    return result[0] if prompt.ndim == 1 else result
