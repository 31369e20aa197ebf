"""Small building blocks the builders share: input handling and a stack of dense layers.

These are plain functions on Keras tensors, used inside the functional API:

    >>> inputs = keras.Input((28, 28))
    >>> x = image_input_block(inputs, rescale=1 / 255, flatten=True)
    >>> x = dense_stack(x, (64,), activation="relu")
"""

from __future__ import annotations

from typing import Any

import keras


def regularizer(l1: float = 0.0, l2: float = 0.0) -> keras.regularizers.Regularizer | None:
    """An L1/L2 weight penalty, or ``None`` when both factors are 0."""
    if l1 == 0.0 and l2 == 0.0:
        return None
    return keras.regularizers.L1L2(l1=l1, l2=l2)


def image_input_block(x: Any, *, rescale: float | None = None, flatten: bool = False,
                      add_channel: bool = False) -> Any:
    """Optional input steps: rescale pixel values, add a channel axis, flatten to a vector."""
    if rescale is not None:
        x = keras.layers.Rescaling(rescale, name="rescale")(x)
    if add_channel:
        # (height, width) -> (height, width, 1): grey-scale images as Keras conv layers expect them
        x = keras.layers.Reshape((*x.shape[1:], 1), name="add_channel")(x)
    if flatten:
        x = keras.layers.Flatten(name="flatten")(x)
    return x


def dense_stack(x: Any, units: tuple[int, ...], *, activation: Any = "relu", dropout: float = 0.0,
                batch_norm: bool = False, kernel_initializer: Any = "glorot_uniform",
                kernel_regularizer: Any = None, prefix: str = "hidden") -> Any:
    """Dense layers named ``{prefix}_1``, ``{prefix}_2``, ... each followed by its optional extras.

    One layer is ``Dense -> [BatchNormalization] -> Activation -> [Dropout]``. With
    batch norm the dense layer has no bias: the norm's own offset (beta) does that job.
    """
    for i, n in enumerate(units, start=1):
        name = f"{prefix}_{i}"
        x = keras.layers.Dense(n, use_bias=not batch_norm, kernel_initializer=kernel_initializer,
                               kernel_regularizer=kernel_regularizer, name=name)(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
        if activation is not None:
            x = keras.layers.Activation(activation, name=f"{name}_{_short_name(activation)}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def output_layer(x: Any, units: int, activation: Any, *, name: str = "output", **dense_options: Any) -> Any:
    """The final dense layer; ``activation=None`` (or ``"linear"``) gives raw numbers for regression or logits."""
    return keras.layers.Dense(units, activation=activation, name=name, **dense_options)(x)


def _short_name(activation: Any) -> str:
    label = activation if isinstance(activation, str) else getattr(activation, "__name__", "")
    return label if label.isidentifier() else "activation"
