"""A multi-layer perceptron (fully connected network) for classification or regression."""

from __future__ import annotations

from typing import Any

import keras

from dlcourse.models import _checks as check
from dlcourse.models._blocks import dense_stack, image_input_block, output_layer, regularizer


def mlp(
    input_shape: int | tuple[int, ...],
    hidden: int | tuple[int, ...] = (128, 64),
    activation: Any = "relu",
    *,
    kernel_initializer: Any = "glorot_uniform",
    dropout: float = 0.0,
    l1: float = 0.0,
    l2: float = 0.0,
    batch_norm: bool = False,
    flatten: bool | None = None,
    rescale: float | bool | None = None,
    output_units: int = 10,
    output_activation: Any = "softmax",
    name: str = "mlp",
) -> keras.Model:
    """Build an uncompiled fully connected network.

    Args:
        input_shape: shape of one example, e.g. ``2`` or ``(2,)`` for points, ``(28, 28)`` for images.
        hidden: units of each hidden layer; ``()`` gives a linear / logistic model.
        activation: activation of the hidden layers (a ``keras.activations`` name).
        kernel_initializer: how the weights start (``"glorot_uniform"``, ``"he_normal"``, ...).
        dropout: dropout rate after every hidden layer (0 = none).
        l1, l2: weight penalties on every dense kernel (0 = none).
        batch_norm: put a ``BatchNormalization`` between each hidden layer and its activation.
        flatten: flatten the input to a vector first; ``None`` flattens whenever the input has several axes.
        rescale: multiply the input by this factor first; ``True`` means ``1/255`` (uint8 pixels).
        output_units: number of outputs (classes, or values to predict).
        output_activation: ``"softmax"`` for classes, ``"sigmoid"`` for yes/no, ``None`` for regression.
        name: the model's name.

    Layers are named ``hidden_1``, ``hidden_1_relu``, ``hidden_1_dropout``, ..., ``output``.

    Example:
        >>> model = mlp((28, 28), hidden=(64,), rescale=True)
        >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> regressor = mlp(3, hidden=(16, 16), output_units=1, output_activation=None)
    """
    input_shape = check.shape("input_shape", input_shape)
    hidden = check.positive_ints("hidden", hidden, allow_empty=True)
    activation = check.activation("activation", activation)
    kernel_initializer = check.initializer("kernel_initializer", kernel_initializer)
    dropout = check.rate("dropout", dropout)
    l1, l2 = check.non_negative("l1", l1), check.non_negative("l2", l2)
    batch_norm = check.flag("batch_norm", batch_norm)
    if flatten is None:
        flatten = len(input_shape) > 1
    flatten = check.flag("flatten", flatten)
    rescale = check.rescale_factor("rescale", rescale)
    output_units = check.positive_int("output_units", output_units)
    output_activation = check.activation("output_activation", output_activation)

    penalty = regularizer(l1, l2)
    inputs = keras.Input(input_shape, name="inputs")
    x = image_input_block(inputs, rescale=rescale, flatten=flatten)
    x = dense_stack(x, hidden, activation=activation, dropout=dropout, batch_norm=batch_norm,
                    kernel_initializer=kernel_initializer, kernel_regularizer=penalty)
    outputs = output_layer(x, output_units, output_activation, kernel_initializer=kernel_initializer,
                           kernel_regularizer=penalty)
    return keras.Model(inputs, outputs, name=name)
