"""A convolutional network for images: convolution blocks, then a dense head."""

from __future__ import annotations

from typing import Any

import keras

from dlcourse.models import _checks as check
from dlcourse.models._blocks import dense_stack, image_input_block, output_layer, regularizer
from dlcourse.augmentation import augmentation_block

POOLING_LAYERS = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}
PADDINGS = ("same", "valid")


def cnn(
    input_shape: tuple[int, ...] = (28, 28, 1),
    filters: int | tuple[int, ...] = (32, 64),
    kernel_size: int = 3,
    *,
    convs_per_block: int = 1,
    strides: int | tuple[int, ...] = 1,
    pooling: str | None | tuple[str | None, ...] = "max",
    padding: str = "same",
    activation: Any = "relu",
    kernel_initializer: Any = "glorot_uniform",
    batch_norm: bool = False,
    dropout: float | tuple[float, ...] = 0.0,
    global_pooling: bool = False,
    dense: int | tuple[int, ...] = (128,),
    dense_dropout: float = 0.0,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | bool | None = None,
    rescale: float | bool | None = None,
    output_units: int = 10,
    output_activation: Any = "softmax",
    name: str = "cnn",
) -> keras.Model:
    """Build an uncompiled convolutional network.

    Block ``i`` (one per entry of ``filters``) is ``convs_per_block`` times
    ``Conv2D -> [BatchNormalization] -> Activation``, then ``[pooling 2x2] -> [Dropout]``;
    the block's first convolution moves by ``strides`` pixels.
    The feature maps are then flattened (or globally averaged) in a layer named
    ``features``, followed by the dense head ``dense_1, ...`` and the ``output`` layer.

    Args:
        input_shape: ``(height, width, channels)``; ``(height, width)`` adds the channel axis itself.
        filters: number of filters of each block, e.g. ``(32, 64)`` for two blocks.
        kernel_size: size of the square convolution kernels.
        convs_per_block: convolution layers in each block (VGG-style stacks use 2).
        strides: step of each block's first convolution, one for all blocks or one per block; ``2`` halves the
            feature maps in the convolution itself (cheaper than a full-size convolution followed by pooling).
        pooling: ``"max"``, ``"average"`` or ``None`` (no down-sampling) after each block, or one of them per
            block, e.g. ``(None, "max")`` after a strided first block.
        padding: ``"same"`` keeps height and width, ``"valid"`` shrinks them by ``kernel_size - 1``.
        activation: activation of the convolution and dense layers.
        kernel_initializer: how the weights start.
        batch_norm: ``BatchNormalization`` after each convolution and dense layer.
        dropout: dropout rate at the end of each convolution block, or one rate per block.
        global_pooling: average each feature map to one number instead of flattening.
        dense: units of the dense layers of the head; ``()`` for none.
        dense_dropout: dropout rate after each dense layer of the head.
        l2: L2 weight penalty on every kernel.
        augmentation: a Keras layer (e.g. a ``keras.Sequential`` of random layers) applied first,
            or ``True`` for a default :func:`~dlcourse.augmentation.augmentation_block` (small rotations, zooms, shifts;
            no flips, which would turn digits into other symbols).
        rescale: multiply pixels by this factor; ``True`` means ``1/255`` (uint8 input).
        output_units, output_activation: the output layer (classes and ``"softmax"`` by default).
        name: the model's name.

    Example:
        >>> model = cnn((28, 28), filters=(16, 32), rescale=True, augmentation=True)
        >>> model.output_shape
        (None, 10)
        >>> cnn(filters=(32, 64), strides=(2, 1), pooling=(None, "max")).get_layer("features").output.shape
        (None, 3136)
    """
    input_shape = check.shape("input_shape", input_shape, ndims=(2, 3))
    filters = check.positive_ints("filters", filters)
    kernel_size = check.positive_int("kernel_size", kernel_size)
    convs_per_block = check.positive_int("convs_per_block", convs_per_block)
    strides = _per_block("strides", strides, len(filters))
    for stride in strides:
        check.positive_int("strides", stride)
    poolings = _per_block("pooling", pooling, len(filters))
    for block_pooling in poolings:
        check.choice("pooling", block_pooling, [*POOLING_LAYERS, None])
    check.choice("padding", padding, PADDINGS)
    activation = check.activation("activation", activation)
    kernel_initializer = check.initializer("kernel_initializer", kernel_initializer)
    batch_norm = check.flag("batch_norm", batch_norm)
    dropouts = tuple(check.rate("dropout", rate) for rate in _per_block("dropout", dropout, len(filters)))
    global_pooling = check.flag("global_pooling", global_pooling)
    dense = check.positive_ints("dense", dense, allow_empty=True)
    dense_dropout = check.rate("dense_dropout", dense_dropout)
    penalty = regularizer(0.0, check.non_negative("l2", l2))
    augmentation = _augmentation_layer(augmentation)
    rescale = check.rescale_factor("rescale", rescale)
    output_units = check.positive_int("output_units", output_units)
    output_activation = check.activation("output_activation", output_activation)
    _check_spatial_size(input_shape, convs_per_block, kernel_size, padding, strides, poolings)

    inputs = keras.Input(input_shape, name="inputs")
    x = image_input_block(inputs, add_channel=len(input_shape) == 2)
    if augmentation is not None:
        x = augmentation(x)
    x = image_input_block(x, rescale=rescale)
    for block, (n_filters, stride, block_pooling, block_dropout) in enumerate(
            zip(filters, strides, poolings, dropouts), start=1):
        x = conv_block(x, n_filters, kernel_size, block=block, convs=convs_per_block, strides=stride,
                       pooling=block_pooling, padding=padding, activation=activation, batch_norm=batch_norm,
                       dropout=block_dropout, kernel_initializer=kernel_initializer, kernel_regularizer=penalty)
    if global_pooling:
        x = keras.layers.GlobalAveragePooling2D(name="features")(x)
    else:
        x = keras.layers.Flatten(name="features")(x)
    x = dense_stack(x, dense, activation=activation, dropout=dense_dropout, batch_norm=batch_norm,
                    kernel_initializer=kernel_initializer, kernel_regularizer=penalty, prefix="dense")
    outputs = output_layer(x, output_units, output_activation, kernel_initializer=kernel_initializer,
                           kernel_regularizer=penalty)
    return keras.Model(inputs, outputs, name=name)


def conv_block(x: Any, filters: int, kernel_size: int = 3, *, block: int = 1, convs: int = 1, strides: int = 1,
               pooling: str | None = "max", padding: str = "same", activation: Any = "relu",
               batch_norm: bool = False, dropout: float = 0.0, kernel_initializer: Any = "glorot_uniform",
               kernel_regularizer: Any = None) -> Any:
    """One convolution block on a Keras tensor; its layers are named ``block{block}_conv1``, ``block{block}_pool``, ...

    The first convolution moves by ``strides`` pixels, the others by one.

    Example:
        >>> x = conv_block(keras.Input((28, 28, 1)), 16, block=1)
        >>> tuple(x.shape)
        (None, 14, 14, 16)
    """
    prefix = f"block{block}"
    for i in range(1, convs + 1):
        x = keras.layers.Conv2D(filters, kernel_size, strides=strides if i == 1 else 1, padding=padding,
                                use_bias=not batch_norm, kernel_initializer=kernel_initializer,
                                kernel_regularizer=kernel_regularizer, name=f"{prefix}_conv{i}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"{prefix}_bn{i}")(x)
        x = keras.layers.Activation(activation, name=f"{prefix}_act{i}")(x)
    if pooling is not None:
        x = POOLING_LAYERS[pooling](2, name=f"{prefix}_pool")(x)
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name=f"{prefix}_dropout")(x)
    return x


def _augmentation_layer(augmentation: Any) -> keras.layers.Layer | None:
    if augmentation is None or augmentation is False:
        return None
    if augmentation is True:
        return augmentation_block(rotation=0.05, zoom=0.1, translation=0.1)
    if isinstance(augmentation, keras.layers.Layer):
        return augmentation
    raise ValueError(f"augmentation: must be None, True or a Keras layer (e.g. a keras.Sequential of "
                     f"random layers), got {augmentation!r}")


def _per_block(name: str, value: Any, blocks: int) -> tuple[Any, ...]:
    """One setting for every block, or a tuple with one per block."""
    if not isinstance(value, (tuple, list)):
        return (value,) * blocks
    if len(value) != blocks:
        raise ValueError(f"{name}: give one value for all blocks or one per block ({blocks}), got {value!r}")
    return tuple(value)


def _check_spatial_size(input_shape: tuple[int, ...], convs: int, kernel_size: int, padding: str,
                        strides: tuple[int, ...], poolings: tuple[str | None, ...]) -> None:
    """Refuse a network whose feature maps would shrink below 1x1 (a common first mistake)."""
    size = min(input_shape[:2])
    for stride, pooling in zip(strides, poolings):
        for conv in range(convs):
            step = stride if conv == 0 else 1
            size = (size - kernel_size) // step + 1 if padding == "valid" else -(-size // step)
        if size >= 1 and pooling is not None:
            size //= 2
        if size < 1:
            raise ValueError(f"filters: {len(strides)} blocks shrink a {input_shape[0]}x{input_shape[1]} image "
                             f"below 1x1; use fewer blocks, padding='same', smaller strides or pooling=None")
