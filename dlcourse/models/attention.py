"""Attention from scratch: scaled dot-product attention, its masks, and a multi-head self-attention layer.

Masks are boolean: ``True`` where a query may look at a key, ``False`` where it may not.
They broadcast against the ``(..., queries, keys)`` score matrix.

Example:
    >>> import numpy as np
    >>> x = np.random.rand(1, 4, 8).astype("float32")
    >>> out, weights = scaled_dot_product_attention(x, x, x, mask=causal_mask(4))
    >>> float(weights[0, 0, 1])  # the first token cannot see the second
    0.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
from keras import ops

from dlcourse.models import _checks as check


def causal_mask(length: Any) -> Any:
    """A ``(length, length)`` boolean mask letting position ``i`` see positions ``0..i`` only.

    Example:
        >>> ops.convert_to_numpy(causal_mask(3)).astype(int)
        array([[1, 0, 0],
               [1, 1, 0],
               [1, 1, 1]])
    """
    positions = ops.arange(length)
    return ops.greater_equal(positions[:, None], positions[None, :])


def padding_mask(token_ids: Any, pad_id: int = 0) -> Any:
    """A ``(batch, 1, length)`` boolean mask that hides padding keys (tokens equal to ``pad_id``).

    The axis of length 1 broadcasts over the queries: no query may look at a padding token.

    Example:
        >>> ops.convert_to_numpy(padding_mask([[5, 7, 0]]))
        array([[[ True,  True, False]]])
    """
    token_ids = ops.convert_to_tensor(token_ids)
    return ops.expand_dims(ops.not_equal(token_ids, pad_id), axis=-2)


def _large_negative(dtype: str) -> float:
    # Added to the scores of hidden keys so that softmax gives them weight 0.
    # float16 cannot hold -1e9, so it gets its most negative safe value instead.
    return -3.0e4 if keras.backend.standardize_dtype(dtype) == "float16" else -1.0e9


def scaled_dot_product_attention(query: Any, key: Any, value: Any, mask: Any = None, *,
                                 dropout: Callable[[Any], Any] | None = None) -> tuple[Any, Any]:
    """``softmax(query @ key^T / sqrt(d_k)) @ value``, returning ``(output, weights)``.

    Args:
        query: ``(..., queries, d_k)``.
        key: ``(..., keys, d_k)``.
        value: ``(..., keys, d_v)``.
        mask: optional boolean mask broadcastable to ``(..., queries, keys)``; ``False`` entries
            get attention weight 0 (see :func:`causal_mask`, :func:`padding_mask`).
        dropout: optional function applied to the weights before they mix the values
            (the returned weights are the ones before dropout).

    Returns:
        ``output`` of shape ``(..., queries, d_v)`` and ``weights`` of shape ``(..., queries, keys)``,
        each row of ``weights`` summing to 1.
    """
    query, key, value = (_float_tensor(t) for t in (query, key, value))
    d_k = query.shape[-1] if query.shape[-1] is not None else ops.shape(query)[-1]
    scores = ops.matmul(query, ops.swapaxes(key, -1, -2)) / ops.sqrt(ops.cast(d_k, query.dtype))
    if mask is not None:
        scores = ops.where(ops.cast(mask, "bool"), scores, _large_negative(scores.dtype))
    weights = ops.softmax(scores, axis=-1)
    mixing = dropout(weights) if dropout is not None else weights
    return ops.matmul(mixing, value), weights


def _float_tensor(x: Any) -> Any:
    """``x`` as a backend tensor with a float dtype (lists and int arrays become ``floatx``, e.g. float32)."""
    x = ops.convert_to_tensor(x)
    return x if "float" in keras.backend.standardize_dtype(x.dtype) else ops.cast(x, keras.backend.floatx())


@keras.saving.register_keras_serializable(package="dlcourse")
class MultiHeadSelfAttention(keras.layers.Layer):
    """Multi-head self-attention built on :func:`scaled_dot_product_attention`.

    Each of ``num_heads`` heads projects the input to its own queries, keys and values
    of size ``key_dim``, attends, and the heads' outputs are joined and projected back
    to the input size.

    Masking: a padding mask from an ``Embedding(mask_zero=True)`` (or
    :class:`~dlcourse.models.positional.TokenAndPositionEmbedding`) arrives
    automatically as ``mask`` and hides the padding keys; ``use_causal_mask`` hides
    future tokens; ``attention_mask`` adds any other ``(batch, queries, keys)`` mask.

    Example:
        >>> import numpy as np
        >>> layer = MultiHeadSelfAttention(num_heads=2, key_dim=4)
        >>> out, weights = layer(np.zeros((1, 5, 8)), return_attention_scores=True)
        >>> tuple(weights.shape)  # (batch, heads, queries, keys)
        (1, 2, 5, 5)
    """

    def __init__(self, num_heads: int, key_dim: int | None = None, dropout: float = 0.0,
                 use_causal_mask: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.num_heads = check.positive_int("num_heads", num_heads)
        self.key_dim = None if key_dim is None else check.positive_int("key_dim", key_dim)
        self.dropout = check.rate("dropout", dropout)
        self.use_causal_mask = check.flag("use_causal_mask", use_causal_mask)
        self.attention_dropout = keras.layers.Dropout(self.dropout, name="attention_dropout")

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        model_dim = input_shape[-1]
        if self.key_dim is None:
            if model_dim % self.num_heads:
                raise ValueError(f"num_heads: {self.num_heads} heads do not divide the input size {model_dim}; "
                                 f"pass key_dim or change num_heads")
            self.key_dim = model_dim // self.num_heads
        width = self.num_heads * self.key_dim
        self.query_dense = keras.layers.Dense(width, name="query")
        self.key_dense = keras.layers.Dense(width, name="key")
        self.value_dense = keras.layers.Dense(width, name="value")
        self.output_dense = keras.layers.Dense(model_dim, name="attention_output")
        for dense in (self.query_dense, self.key_dense, self.value_dense):
            dense.build(input_shape)
        self.output_dense.build((*input_shape[:-1], width))
        super().build(input_shape)

    def _split_heads(self, x: Any) -> Any:
        # (batch, length, heads * key_dim) -> (batch, heads, length, key_dim)
        x = ops.reshape(x, (ops.shape(x)[0], -1, self.num_heads, self.key_dim))
        return ops.transpose(x, (0, 2, 1, 3))

    def _join_heads(self, x: Any) -> Any:
        # (batch, heads, length, key_dim) -> (batch, length, heads * key_dim)
        x = ops.transpose(x, (0, 2, 1, 3))
        return ops.reshape(x, (ops.shape(x)[0], -1, self.num_heads * self.key_dim))

    def combined_mask(self, inputs: Any, mask: Any = None, attention_mask: Any = None,
                      use_causal_mask: bool | None = None) -> Any:
        """The ``(batch, 1, queries, keys)`` (or broadcastable) mask that the heads use, or ``None``."""
        combined = None
        if mask is not None:  # padding: (batch, keys) -> (batch, 1, keys), the same for every query
            combined = ops.expand_dims(ops.cast(mask, "bool"), axis=-2)
        if attention_mask is not None:
            attention_mask = ops.cast(attention_mask, "bool")
            combined = attention_mask if combined is None else ops.logical_and(combined, attention_mask)
        causal = self.use_causal_mask if use_causal_mask is None else use_causal_mask
        if causal:
            future = causal_mask(ops.shape(inputs)[1])
            combined = future if combined is None else ops.logical_and(combined, future)
        if combined is not None and len(combined.shape) == 3:
            combined = ops.expand_dims(combined, axis=1)  # the same mask for every head
        return combined

    def call(self, inputs: Any, mask: Any = None, attention_mask: Any = None, use_causal_mask: bool | None = None,
             return_attention_scores: bool = False, training: bool | None = None) -> Any:
        query = self._split_heads(self.query_dense(inputs))
        key = self._split_heads(self.key_dense(inputs))
        value = self._split_heads(self.value_dense(inputs))
        heads_mask = self.combined_mask(inputs, mask, attention_mask, use_causal_mask)
        attended, weights = scaled_dot_product_attention(
            query, key, value, heads_mask, dropout=lambda w: self.attention_dropout(w, training=training))
        outputs = self.output_dense(self._join_heads(attended))
        return (outputs, weights) if return_attention_scores else outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask  # padding stays padding

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "dropout": self.dropout, "use_causal_mask": self.use_causal_mask}
