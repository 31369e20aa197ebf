"""Telling a transformer where each token is: sinusoidal and learned positional encodings.

Attention by itself ignores order ("dog bites man" = "man bites dog"), so a vector that
depends on the position is added to each token's embedding.

Example:
    >>> import numpy as np
    >>> embed = TokenAndPositionEmbedding(vocab_size=100, sequence_length=20, embed_dim=16, mask_zero=True)
    >>> vectors = embed(np.array([[5, 3, 9, 0]]))
    >>> tuple(vectors.shape)
    (1, 4, 16)
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from dlcourse.models import _checks as check

POSITION_KINDS = ("learned", "sinusoidal")


@keras.saving.register_keras_serializable(package="dlcourse")
class SinusoidalPositionalEncoding(keras.layers.Layer):
    """Adds the fixed sine / cosine position signal of "Attention Is All You Need" to its input.

    For position ``p`` and feature pair ``(2i, 2i + 1)`` it adds
    ``sin(p / max_wavelength ** (2i / d))`` and ``cos(p / max_wavelength ** (2i / d))``.
    It has no weights and works for any sequence length. Input: ``(batch, length, d)``, ``d`` even.

    Example:
        >>> import numpy as np
        >>> x = SinusoidalPositionalEncoding()(np.zeros((1, 10, 8)))  # the signal itself
    """

    def __init__(self, max_wavelength: float = 10_000.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(max_wavelength, (int, float)) or max_wavelength <= 1:
            raise ValueError(f"max_wavelength: must be a number > 1, got {max_wavelength!r}")
        self.max_wavelength = float(max_wavelength)
        self.supports_masking = True

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        if input_shape[-1] is None or input_shape[-1] % 2:
            raise ValueError(f"input_shape: the embedding size must be even, got {input_shape[-1]}")
        super().build(input_shape)

    def encoding(self, length: Any, depth: int, dtype: str = "float32") -> Any:
        """The ``(length, depth)`` position signal."""
        positions = ops.cast(ops.arange(length), "float32")[:, None]  # (length, 1)
        pair_index = ops.cast(ops.arange(depth // 2), "float32")[None, :]  # (1, depth / 2)
        angles = positions / ops.power(self.max_wavelength, 2.0 * pair_index / depth)
        signal = ops.stack([ops.sin(angles), ops.cos(angles)], axis=-1)  # (length, depth / 2, 2)
        return ops.cast(ops.reshape(signal, (-1, depth)), dtype)  # sin, cos, sin, cos, ...

    def call(self, inputs: Any) -> Any:
        signal = self.encoding(ops.shape(inputs)[1], inputs.shape[-1], inputs.dtype)
        return inputs + signal[None]

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return tuple(input_shape)  # also when the length is None (variable-length inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "max_wavelength": self.max_wavelength}


@keras.saving.register_keras_serializable(package="dlcourse")
class PositionalEmbedding(keras.layers.Layer):
    """Adds a learned vector for each position ``0 .. sequence_length - 1`` to its input.

    Input: ``(batch, length, d)`` with ``length <= sequence_length``. The vectors are
    weights, trained like any other.

    Example:
        >>> import numpy as np
        >>> x = PositionalEmbedding(sequence_length=10)(np.zeros((2, 10, 8)))
    """

    def __init__(self, sequence_length: int, initializer: Any = "glorot_uniform", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sequence_length = check.positive_int("sequence_length", sequence_length)
        self.initializer = keras.initializers.get(check.initializer("initializer", initializer))
        self.supports_masking = True

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.position_embeddings = self.add_weight(
            shape=(self.sequence_length, input_shape[-1]), initializer=self.initializer, name="position_embeddings")
        super().build(input_shape)

    def call(self, inputs: Any) -> Any:
        length = ops.shape(inputs)[1]
        positions = ops.convert_to_tensor(self.position_embeddings)[:length]  # the first `length` rows
        return inputs + ops.cast(positions, inputs.dtype)[None]

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return tuple(input_shape)  # also when the length is None (variable-length inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "sequence_length": self.sequence_length,
                "initializer": keras.initializers.serialize(self.initializer)}


@keras.saving.register_keras_serializable(package="dlcourse")
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Token ids ``(batch, length)`` to vectors ``(batch, length, embed_dim)``: token embedding + position.

    Args:
        vocab_size: number of distinct token ids.
        sequence_length: the longest sequence (size of the learned position table).
        embed_dim: size of each vector.
        mask_zero: token id 0 is padding; the layer then outputs a mask that later layers
            (attention, pooling) respect.
        positions: ``"learned"`` (:class:`PositionalEmbedding`) or ``"sinusoidal"``.
    """

    def __init__(self, vocab_size: int, sequence_length: int, embed_dim: int, mask_zero: bool = False,
                 positions: str = "learned", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vocab_size = check.positive_int("vocab_size", vocab_size)
        self.sequence_length = check.positive_int("sequence_length", sequence_length)
        self.embed_dim = check.positive_int("embed_dim", embed_dim)
        self.mask_zero = check.flag("mask_zero", mask_zero)
        self.positions = check.choice("positions", positions, POSITION_KINDS)
        if positions == "sinusoidal" and embed_dim % 2:
            raise ValueError(f"embed_dim: sinusoidal positions need an even size, got {embed_dim}")
        self.token_embedding = keras.layers.Embedding(vocab_size, embed_dim, name="token_embedding")
        if positions == "learned":
            self.position_encoding = PositionalEmbedding(sequence_length, name="position_embedding")
        else:
            self.position_encoding = SinusoidalPositionalEncoding(name="position_encoding")

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.token_embedding.build(input_shape)
        self.position_encoding.build((*input_shape, self.embed_dim))
        super().build(input_shape)

    def call(self, token_ids: Any) -> Any:
        return self.position_encoding(self.token_embedding(token_ids))

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (*input_shape, self.embed_dim)

    def compute_mask(self, token_ids: Any, mask: Any = None) -> Any:
        return ops.not_equal(token_ids, 0) if self.mask_zero else None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "vocab_size": self.vocab_size, "sequence_length": self.sequence_length,
                "embed_dim": self.embed_dim, "mask_zero": self.mask_zero, "positions": self.positions}
