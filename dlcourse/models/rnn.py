"""Recurrent networks (SimpleRNN, LSTM, GRU) for token sequences and numeric time series.

Also :class:`MaskedGlobalMaxPooling1D`, a max over time that ignores padded steps.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from dlcourse.models import _checks as check
from dlcourse.models._blocks import dense_stack, output_layer

CELLS = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def rnn(
    input_shape: tuple[int | None, int] | None = None,
    *,
    vocab_size: int | None = None,
    sequence_length: int | None = None,
    embedding_dim: int = 32,
    mask_zero: bool = True,
    mask_value: float | None = None,
    cell: str = "lstm",
    units: int | tuple[int, ...] = (64,),
    bidirectional: bool = False,
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    dense: int | tuple[int, ...] = (),
    activation: Any = "relu",
    return_sequences: bool = False,
    output_units: int = 1,
    output_activation: Any = "sigmoid",
    name: str = "rnn",
) -> keras.Model:
    """Build an uncompiled recurrent network, for tokens or for numbers.

    Give exactly one of:

    * ``vocab_size`` for token ids (integers, 0 = padding): an ``Embedding`` comes first, and with
      ``mask_zero=True`` the recurrent layers skip the padded steps;
    * ``input_shape=(timesteps, features)`` for numeric series (``timesteps`` may be ``None``).

    Recurrent layers are stacked, one per entry of ``units``; all but the last return
    their whole sequence to the next. The last returns only its final state
    (many-to-one), or every step with ``return_sequences=True`` (many-to-many).

    Args:
        input_shape: ``(timesteps, features)`` of a numeric series.
        vocab_size: number of distinct token ids (for text).
        sequence_length: length of the token sequences (``None`` = any length).
        embedding_dim: size of each token's embedding vector.
        mask_zero: treat token id 0 as padding to be skipped.
        mask_value: for numeric input, time steps whose features all equal this value are skipped.
        cell: ``"simple"``, ``"lstm"`` or ``"gru"``.
        units: units of each recurrent layer, e.g. ``(64, 32)`` for two stacked layers.
        bidirectional: read each sequence forwards and backwards (doubles the state size).
        dropout, recurrent_dropout: dropout on the inputs / on the recurrent state of each step.
        dense: units of dense layers between the recurrent part and the output.
        activation: activation of those dense layers.
        return_sequences: one output per time step instead of one per sequence.
        output_units: e.g. 1 for yes/no, the number of classes, or the forecast horizon.
        output_activation: ``"sigmoid"`` (default, yes/no), ``"softmax"`` or ``None`` for forecasting.
        name: the model's name.

    Example:
        >>> sentiment = rnn(vocab_size=10_000, cell="gru", units=(32,), bidirectional=True)
        >>> forecaster = rnn((24, 1), cell="lstm", units=(32,), output_units=6, output_activation=None)
        >>> forecaster.output_shape
        (None, 6)
    """
    if (input_shape is None) == (vocab_size is None):
        raise ValueError("input_shape: give exactly one of input_shape=(timesteps, features) for numeric "
                         "series or vocab_size=... for token ids")
    check.choice("cell", cell, CELLS)
    units = check.positive_ints("units", units)
    bidirectional = check.flag("bidirectional", bidirectional)
    dropout = check.rate("dropout", dropout)
    recurrent_dropout = check.rate("recurrent_dropout", recurrent_dropout)
    dense = check.positive_ints("dense", dense, allow_empty=True)
    activation = check.activation("activation", activation)
    return_sequences = check.flag("return_sequences", return_sequences)
    output_units = check.positive_int("output_units", output_units)
    output_activation = check.activation("output_activation", output_activation)

    if vocab_size is not None:
        vocab_size = check.positive_int("vocab_size", vocab_size)
        if sequence_length is not None:
            sequence_length = check.positive_int("sequence_length", sequence_length)
        embedding_dim = check.positive_int("embedding_dim", embedding_dim)
        mask_zero = check.flag("mask_zero", mask_zero)
        inputs = keras.Input((sequence_length,), dtype="int32", name="token_ids")
        x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=mask_zero, name="embedding")(inputs)
    else:
        input_shape = check.shape("input_shape", input_shape, ndims=(2,), allow_none=True)
        if input_shape[1] is None:
            raise ValueError(f"input_shape: the number of features must be known, got {input_shape!r}")
        inputs = keras.Input(input_shape, name="series")
        x = inputs
        if mask_value is not None:
            x = keras.layers.Masking(check.finite_number("mask_value", mask_value), name="masking")(x)

    for i, n in enumerate(units, start=1):
        keep_sequence = i < len(units) or return_sequences
        layer = CELLS[cell](n, return_sequences=keep_sequence, dropout=dropout, recurrent_dropout=recurrent_dropout,
                            name=f"{cell}_{i}")
        if bidirectional:
            layer = keras.layers.Bidirectional(layer, name=f"bidirectional_{i}")
        x = layer(x)
    x = dense_stack(x, dense, activation=activation, prefix="dense")
    outputs = output_layer(x, output_units, output_activation)
    return keras.Model(inputs, outputs, name=name)


@keras.saving.register_keras_serializable(package="dlcourse")
class MaskedGlobalMaxPooling1D(keras.layers.Layer):
    """The maximum over time of each feature, taken over the steps the mask keeps.

    ``keras.layers.GlobalMaxPooling1D`` ignores masks (and warns that it drops them), so padded
    steps could win the maximum; this layer never lets them. Without a mask it is a plain max.

    Example:
        >>> import numpy as np
        >>> steps = np.array([[[1.0], [5.0], [9.0]]], dtype="float32")   # the 9 is padding
        >>> float(MaskedGlobalMaxPooling1D()(steps, mask=np.array([[True, True, False]]))[0, 0])
        5.0
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return ops.max(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        return ops.max(ops.where(keep, inputs, ops.full_like(inputs, -1e9)), axis=1)   # padding never wins

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], input_shape[2])
