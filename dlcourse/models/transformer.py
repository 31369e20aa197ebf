"""Transformer blocks and two small transformers: a text classifier and a GPT-style language model."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from dlcourse.models import _checks as check
from dlcourse.models._blocks import dense_stack, output_layer
from dlcourse.models.attention import MultiHeadSelfAttention
from dlcourse.models.positional import POSITION_KINDS, TokenAndPositionEmbedding


@keras.saving.register_keras_serializable(package="dlcourse")
class TransformerEncoderBlock(keras.layers.Layer):
    """One encoder block: self-attention and a feed-forward network, each with a residual and LayerNorm.

    ``x -> LayerNorm(x + Dropout(Attention(x))) -> LayerNorm(x + Dropout(FFN(x)))``
    where ``FFN`` is ``Dense(ff_dim, relu) -> Dense(embed_dim)``. Input and output are
    ``(batch, length, embed_dim)``; a padding mask from the embedding is respected and passed on.

    Args:
        embed_dim: size of each token vector (must be divisible by ``num_heads``).
        num_heads: attention heads, each of size ``embed_dim // num_heads``.
        ff_dim: hidden units of the feed-forward network.
        dropout: dropout rate on attention weights and both residual branches.

    Example:
        >>> block = TransformerEncoderBlock(embed_dim=32, num_heads=2, ff_dim=64)
        >>> out, weights = block(np.zeros((1, 6, 32)), return_attention_scores=True)
    """

    causal = False  # a decoder block sets this: each token may only look back

    def __init__(self, embed_dim: int, num_heads: int, ff_dim: int, dropout: float = 0.1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.embed_dim = check.positive_int("embed_dim", embed_dim)
        self.num_heads = check.positive_int("num_heads", num_heads)
        self.ff_dim = check.positive_int("ff_dim", ff_dim)
        self.dropout = check.rate("dropout", dropout)
        if embed_dim % num_heads:
            raise ValueError(f"num_heads: must divide embed_dim={embed_dim}, got {num_heads}")
        self.attention = MultiHeadSelfAttention(num_heads, key_dim=embed_dim // num_heads, dropout=dropout,
                                                use_causal_mask=self.causal, name="self_attention")
        self.attention_dropout = keras.layers.Dropout(dropout, name="attention_residual_dropout")
        self.attention_norm = keras.layers.LayerNormalization(epsilon=1e-6, name="attention_norm")
        self.ffn_hidden = keras.layers.Dense(ff_dim, activation="relu", name="ffn_hidden")
        self.ffn_output = keras.layers.Dense(embed_dim, name="ffn_output")
        self.ffn_dropout = keras.layers.Dropout(dropout, name="ffn_residual_dropout")
        self.ffn_norm = keras.layers.LayerNormalization(epsilon=1e-6, name="ffn_norm")

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        if input_shape[-1] != self.embed_dim:
            raise ValueError(f"input_shape: last axis must be embed_dim={self.embed_dim}, got {input_shape}")
        self.attention.build(input_shape)
        self.attention_norm.build(input_shape)
        self.ffn_hidden.build(input_shape)
        self.ffn_output.build((*input_shape[:-1], self.ff_dim))
        self.ffn_norm.build(input_shape)
        super().build(input_shape)

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None,
             return_attention_scores: bool = False) -> Any:
        attended, weights = self.attention(inputs, mask=mask, training=training, return_attention_scores=True)
        x = self.attention_norm(inputs + self.attention_dropout(attended, training=training))
        transformed = self.ffn_output(self.ffn_hidden(x))
        x = self.ffn_norm(x + self.ffn_dropout(transformed, training=training))
        return (x, weights) if return_attention_scores else x

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "embed_dim": self.embed_dim, "num_heads": self.num_heads,
                "ff_dim": self.ff_dim, "dropout": self.dropout}


@keras.saving.register_keras_serializable(package="dlcourse")
class CausalDecoderBlock(TransformerEncoderBlock):
    """A GPT-style decoder block: the encoder block with causal self-attention.

    Token ``i`` attends to tokens ``0..i`` only, so the model can be trained to predict
    every next token of a sequence at once without seeing the answer.
    """

    causal = True


def _check_transformer_sizes(embed_dim: Any, num_heads: Any, ff_dim: Any, num_layers: Any,
                             dropout: Any, positions: Any) -> None:
    embed_dim = check.positive_int("embed_dim", embed_dim)
    num_heads = check.positive_int("num_heads", num_heads)
    check.positive_int("ff_dim", ff_dim)
    check.positive_int("num_layers", num_layers)
    check.rate("dropout", dropout)
    check.choice("positions", positions, POSITION_KINDS)
    if embed_dim % num_heads:
        raise ValueError(f"num_heads: must divide embed_dim={embed_dim}, got {num_heads}")


def transformer_classifier(
    vocab_size: int,
    sequence_length: int,
    *,
    embed_dim: int = 32,
    num_heads: int = 2,
    ff_dim: int = 64,
    num_layers: int = 1,
    dropout: float = 0.1,
    positions: str = "learned",
    mask_zero: bool = True,
    dense: int | tuple[int, ...] = (),
    output_units: int = 1,
    output_activation: Any = "sigmoid",
    variable_length: bool = False,
    name: str = "transformer_classifier",
) -> keras.Model:
    """An encoder-only transformer that classifies token sequences (e.g. review sentiment).

    ``token_ids -> TokenAndPositionEmbedding -> encoder_1 .. encoder_n -> average over tokens
    -> [dense] -> output``. With ``mask_zero=True`` token 0 is padding: it gets no attention
    and is left out of the average.

    ``sequence_length`` is the longest input the position table covers. With
    ``variable_length=True`` the input has length ``None``: batches may be any length up to
    ``sequence_length``, e.g. from a length-bucketed pipeline (``text_datasets(...,
    bucket_width=32)``), which saves most of the attention's cost on padding (it grows with the
    square of the length).

    Example:
        >>> model = transformer_classifier(vocab_size=20_000, sequence_length=200)
        >>> model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
        >>> maps = attention_maps(model, x_test[0])  # doctest: +SKIP
    """
    vocab_size = check.positive_int("vocab_size", vocab_size)
    sequence_length = check.positive_int("sequence_length", sequence_length)
    _check_transformer_sizes(embed_dim, num_heads, ff_dim, num_layers, dropout, positions)
    mask_zero = check.flag("mask_zero", mask_zero)
    dense = check.positive_ints("dense", dense, allow_empty=True)
    output_units = check.positive_int("output_units", output_units)
    output_activation = check.activation("output_activation", output_activation)
    variable_length = check.flag("variable_length", variable_length)

    inputs = keras.Input((None if variable_length else sequence_length,), dtype="int32", name="token_ids")
    x = TokenAndPositionEmbedding(vocab_size, sequence_length, embed_dim, mask_zero=mask_zero,
                                  positions=positions, name="embedding")(inputs)
    for i in range(1, num_layers + 1):
        x = TransformerEncoderBlock(embed_dim, num_heads, ff_dim, dropout, name=f"encoder_{i}")(x)
    x = keras.layers.GlobalAveragePooling1D(name="average_tokens")(x)
    x = keras.layers.Dropout(dropout, name="head_dropout")(x)
    x = dense_stack(x, dense, prefix="dense")
    outputs = output_layer(x, output_units, output_activation)
    return keras.Model(inputs, outputs, name=name)


def gpt(
    vocab_size: int,
    sequence_length: int,
    *,
    embed_dim: int = 64,
    num_heads: int = 4,
    ff_dim: int = 128,
    num_layers: int = 2,
    dropout: float = 0.1,
    positions: str = "learned",
    name: str = "gpt",
) -> keras.Model:
    """A small GPT-style language model: for each position, logits over the next token.

    ``token_ids (batch, sequence_length) -> TokenAndPositionEmbedding -> decoder_1 .. decoder_n
    -> logits (batch, sequence_length, vocab_size)``. Train it on windows of text with the
    targets shifted by one and ``SparseCategoricalCrossentropy(from_logits=True)``; sample
    from it with :func:`~dlcourse.models.generation.generate`.

    Example:
        >>> model = gpt(vocab_size=65, sequence_length=64)
        >>> model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        >>> # model.fit(windows[:, :-1], windows[:, 1:], epochs=...)
    """
    vocab_size = check.positive_int("vocab_size", vocab_size)
    sequence_length = check.positive_int("sequence_length", sequence_length)
    _check_transformer_sizes(embed_dim, num_heads, ff_dim, num_layers, dropout, positions)

    inputs = keras.Input((sequence_length,), dtype="int32", name="token_ids")
    x = TokenAndPositionEmbedding(vocab_size, sequence_length, embed_dim, positions=positions,
                                  name="embedding")(inputs)
    for i in range(1, num_layers + 1):
        x = CausalDecoderBlock(embed_dim, num_heads, ff_dim, dropout, name=f"decoder_{i}")(x)
    logits = keras.layers.Dense(vocab_size, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


ATTENTION_LAYERS = (TransformerEncoderBlock, MultiHeadSelfAttention)


def attention_maps(model: keras.Model, token_ids: Any) -> np.ndarray:
    """The attention weights of every attention layer of ``model`` for some token ids, for plotting.

    Works for models that are a straight chain of layers, such as those of
    :func:`transformer_classifier` and :func:`gpt`: the layers are run one after the
    other up to the last attention layer, collecting its weights.

    Args:
        model: a model with :class:`TransformerEncoderBlock` / :class:`CausalDecoderBlock` /
            :class:`~dlcourse.models.attention.MultiHeadSelfAttention` layers.
        token_ids: one sequence ``(length,)`` or a batch ``(batch, length)``.

    Returns:
        ``(layers, heads, length, length)`` for one sequence, ``(layers, batch, heads, length, length)``
        for a batch; entry ``[l, h, i, j]`` is how much token ``i`` attends to token ``j``.

    Example:
        >>> maps = attention_maps(model, x_test[0])  # doctest: +SKIP
        >>> plt.imshow(maps[0, 0])  # layer 1, head 1  # doctest: +SKIP
    """
    ids = np.asarray(token_ids)
    if ids.ndim not in (1, 2):
        raise ValueError(f"token_ids: must be one sequence (length,) or a batch (batch, length), got shape {ids.shape}")
    batch = ids[None] if ids.ndim == 1 else ids
    attention_layers = [layer for layer in model.layers if isinstance(layer, ATTENTION_LAYERS)]
    if not attention_layers:
        raise ValueError(f"model: {model.name!r} has no attention layers")

    x = ops.convert_to_tensor(batch.astype("int32"))
    maps = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, ATTENTION_LAYERS):
            x, weights = layer(x, training=False, return_attention_scores=True)
            maps.append(ops.convert_to_numpy(weights))
            if layer is attention_layers[-1]:
                break
        else:
            x = layer(x, training=False)
    stacked = np.stack(maps)  # (layers, batch, heads, length, length)
    return stacked[:, 0] if ids.ndim == 1 else stacked
