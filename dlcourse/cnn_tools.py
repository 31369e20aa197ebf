"""The arithmetic of convolutional networks, a real photo to convolve, and training with a stopwatch.

* ``conv_output_size``: how big a convolution's (or pooling's) output is, from the input size,
  kernel size, stride and padding.
* ``receptive_fields`` / ``receptive_field_table``: how many input pixels one output value of each
  layer can "see"; the table reads the layers of a Keras model.
* ``sample_photo``: a real photograph (Grace Hopper, shipped with matplotlib, so it works offline).
* ``course_cnn`` / ``compile_cnn``: notebook 05's CNN for 28 x 28 grey images and its training recipe.
* ``save_mnist_classifier`` / ``mnist_classifier``: notebook 05 keeps its trained MNIST CNN in the
  Keras cache; notebook 08 loads it to judge generated digits (and trains it with the same recipe
  when notebook 05 has not been run).
* ``timed_fit``: ``model.fit`` plus its wall-clock and CPU time.
* ``top_confusions``: the most frequent (true class, predicted class) mistakes.

Example:
    >>> conv_output_size(28, 3, padding="valid"), conv_output_size(28, 3, padding="same", stride=2)
    (26, 14)
    >>> receptive_fields([(3, 1), (2, 2), (3, 1), (2, 2)])   # conv 3x3, pool 2x2, conv 3x3, pool 2x2
    [3, 4, 8, 10]
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from dlcourse.quick import is_quick, pick

__all__ = [
    "conv_output_size", "receptive_fields", "LayerGeometry", "receptive_field_table",
    "sample_photo", "course_cnn", "compile_cnn", "mnist_classifier_path", "save_mnist_classifier",
    "mnist_classifier", "TimedFit", "timed_fit", "top_confusions",
]

PADDINGS = ("valid", "same")


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    return int(value)


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: str | int = "valid") -> int:
    """Height (or width) of a convolution's or pooling's output along one axis.

    With ``p`` zeros added on each side, a kernel of size ``k`` moved ``s`` pixels at a time fits
    ``floor((n + 2p - k) / s) + 1`` times into ``n`` pixels. Keras' ``padding="valid"`` means
    ``p = 0``; ``padding="same"`` pads just enough that the output is ``ceil(n / s)``.

    Args:
        size: input height or width ``n``.
        kernel_size: kernel (or pooling window) size ``k``.
        stride: step ``s`` between two kernel positions.
        padding: ``"valid"``, ``"same"`` or a number of zero pixels ``p`` added on each side.

    Example:
        >>> conv_output_size(28, 5), conv_output_size(28, 5, padding=2), conv_output_size(28, 3, stride=2)
        (24, 28, 13)
    """
    size = _positive_int("size", size)
    kernel_size = _positive_int("kernel_size", kernel_size)
    stride = _positive_int("stride", stride)
    if padding == "same":
        return math.ceil(size / stride)
    if padding == "valid":
        pad = 0
    elif isinstance(padding, (int, np.integer)) and not isinstance(padding, bool) and padding >= 0:
        pad = int(padding)
    else:
        raise ValueError(f"padding: must be 'valid', 'same' or a non-negative integer, got {padding!r}")
    if size + 2 * pad < kernel_size:
        raise ValueError(f"kernel_size: {kernel_size} does not fit in {size} pixels padded by {pad} on each side")
    return (size + 2 * pad - kernel_size) // stride + 1


def receptive_fields(layers: Sequence[tuple[int, int]]) -> list[int]:
    """Receptive field (in input pixels, along one axis) after each layer of a stack.

    ``layers`` lists ``(kernel_size, stride)`` per layer (a 2x2 pooling is ``(2, 2)``). Each layer
    widens the field by ``(kernel_size - 1) * jump``, where ``jump`` is the product of the strides
    before it: the distance in input pixels between two neighbouring positions of its input.

    Example:
        >>> receptive_fields([(3, 1), (3, 1), (3, 1)])   # three 3x3 convolutions see 7x7
        [3, 5, 7]
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise ValueError(f"layers: must be a sequence of (kernel_size, stride) pairs, got {layers!r}")
    field, jump, fields = 1, 1, []
    for i, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise ValueError(f"layers: item {i} must be a (kernel_size, stride) pair, got {layer!r}")
        kernel_size = _positive_int(f"layers[{i}] kernel_size", layer[0])
        stride = _positive_int(f"layers[{i}] stride", layer[1])
        field += (kernel_size - 1) * jump
        jump *= stride
        fields.append(field)
    return fields


@dataclass(frozen=True)
class LayerGeometry:
    """One row of :func:`receptive_field_table` (sizes along the height axis)."""

    layer: str
    kind: str
    kernel_size: int
    stride: int
    output_size: int
    jump: int
    receptive_field: int


_SPATIAL_KINDS = {"Conv2D": "conv", "MaxPooling2D": "max pool", "AveragePooling2D": "average pool",
                  "DepthwiseConv2D": "depthwise conv", "SeparableConv2D": "separable conv"}


def receptive_field_table(model: Any) -> list[LayerGeometry]:
    """The convolution and pooling layers of a Keras model with their output size and receptive field.

    Layers that do not move across the image (batch norm, activations, dropout) change neither and
    are left out. Dilated convolutions are refused.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3),
        ...                           keras.layers.MaxPooling2D(), keras.layers.Conv2D(8, 3)])
        >>> [(row.kind, row.output_size, row.receptive_field) for row in receptive_field_table(model)]
        [('conv', 26, 3), ('max pool', 13, 4), ('conv', 11, 8)]
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise ValueError(f"model: must be a Keras model, got {type(model).__name__}")
    rows, field, jump = [], 1, 1
    for layer in layers:
        kind = _SPATIAL_KINDS.get(type(layer).__name__)
        if kind is None:
            continue
        config = layer.get_config()
        kernel = config.get("kernel_size", config.get("pool_size"))
        strides = config.get("strides") or kernel
        dilation = config.get("dilation_rate", (1, 1))
        if tuple(np.atleast_1d(dilation)) not in ((1,), (1, 1)):
            raise ValueError(f"model: layer {layer.name!r} is dilated ({dilation}); not supported")
        kernel, stride = int(np.atleast_1d(kernel)[0]), int(np.atleast_1d(strides)[0])
        field += (kernel - 1) * jump
        jump *= stride
        output_size = int(layer.output.shape[1])
        rows.append(LayerGeometry(layer.name, kind, kernel, stride, output_size, jump, field))
    if not rows:
        raise ValueError(f"model: {getattr(model, 'name', 'the model')!r} has no convolution or pooling layer")
    return rows


def sample_photo(size: int | None = 128, *, colour: bool = False) -> np.ndarray:
    """A real photograph in ``[0, 1]``: Grace Hopper, from matplotlib's sample data (no download needed).

    Args:
        size: the width in pixels after resizing (height follows the aspect ratio); None keeps 512x600.
        colour: ``(h, w, 3)`` RGB instead of a grey-scale ``(h, w)`` image.

    Example:
        >>> sample_photo(64).shape, sample_photo(64, colour=True).shape
        ((75, 64), (75, 64, 3))
    """
    from matplotlib import cbook
    from PIL import Image

    if size is not None:
        size = _positive_int("size", size)
        if size < 8:
            raise ValueError(f"size: must be at least 8 pixels, got {size}")
    with cbook.get_sample_data("grace_hopper.jpg") as file:
        picture = Image.open(file)
        picture.load()
    picture = picture.convert("RGB" if colour else "L")
    if size is not None:
        height = round(picture.height * size / picture.width)
        picture = picture.resize((size, height), Image.Resampling.LANCZOS)
    return np.asarray(picture, dtype="float32") / 255.0


@dataclass
class TimedFit:
    """What :func:`timed_fit` returns: the Keras ``History`` and how long ``fit`` took.

    ``cpu_seconds`` is the processor time of the whole process (all threads). On a machine shared with
    other programs, ``seconds`` grows but ``cpu_seconds / cores`` stays close to the unshared wall time.
    """

    history: Any
    seconds: float
    cpu_seconds: float

    @property
    def epochs(self) -> int:
        """Epochs actually trained (fewer than asked when a callback stopped training)."""
        return len(next(iter(self.history.history.values()), []))


def course_cnn(*, name: str = "cnn") -> Any:
    """Notebook 05's CNN for 28 x 28 grey images in [0, 1] (10 classes, uncompiled).

    Two blocks of 32 and 64 filters of 3 x 3: the first down-samples with a stride-2 convolution
    (no pooling: on a CPU, the big full-size feature maps cost more time than their arithmetic),
    the second ends with max pooling and 15 % dropout; then a dense layer of 128 with 30 % dropout.

    Example:
        >>> course_cnn().count_params()
        421642
    """
    from dlcourse.models import cnn

    return cnn((28, 28, 1), filters=(32, 64), kernel_size=3, strides=(2, 1), pooling=(None, "max"),
               dropout=(0.0, 0.15), dense=(128,), dense_dropout=0.3, output_units=10, name=name)


def compile_cnn(model: Any, epochs: int, steps_per_epoch: int, learning_rate: float = 3e-3) -> Any:
    """Compile ``model`` for integer labels with Adam whose learning rate decays to 0 over the planned steps.

    Returns the model, so that ``compile_cnn(course_cnn(), epochs, len(train_ds))`` reads as one step.

    Example:
        >>> compile_cnn(course_cnn(), epochs=2, steps_per_epoch=10).loss
        'sparse_categorical_crossentropy'
    """
    import keras

    steps = _positive_int("epochs", epochs) * _positive_int("steps_per_epoch", steps_per_epoch)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


MNIST_CLASSIFIER_FORMAT = 1  # bump when course_cnn or the recipe changes, so an old saved model is not reused


def mnist_classifier_path(cache_dir: Path | str | None = None) -> Path:
    """Where notebook 05's trained MNIST CNN is kept: ``<cache_dir>/course-mnist-cnn-v<format>-<mode>.keras``.

    ``cache_dir`` defaults to ``dlcourse.data.keras_home() / "models"``; quick and full mode keep separate
    files (a quick-mode model is trained on a small subset).

    Example:
        >>> mnist_classifier_path("/tmp/models").name in ("course-mnist-cnn-v1-full.keras",
        ...                                                "course-mnist-cnn-v1-quick.keras")
        True
    """
    from dlcourse.data import keras_home

    folder = Path(cache_dir) if cache_dir is not None else keras_home() / "models"
    mode = "quick" if is_quick() else "full"
    return folder / f"course-mnist-cnn-v{MNIST_CLASSIFIER_FORMAT}-{mode}.keras"


def save_mnist_classifier(model: Any, cache_dir: Path | str | None = None) -> Path:
    """Keep notebook 05's trained MNIST CNN for later notebooks; returns the file's path.

    Example:
        >>> save_mnist_classifier(digit_model)  # doctest: +SKIP
        PosixPath('.../models/course-mnist-cnn-v1-full.keras')
    """
    from dlcourse.models._files import save_atomically

    if not hasattr(model, "save") or getattr(model, "output_shape", None) != (None, 10):
        raise ValueError(f"model: must be a Keras model with 10 class outputs, got {model!r}")
    path = mnist_classifier_path(cache_dir)
    save_atomically(model, path)
    return path


def mnist_classifier(cache_dir: Path | str | None = None, *, verbose: int = 0) -> Any:
    """Notebook 05's trained MNIST CNN (``course_cnn`` with ``compile_cnn``, images scaled to [0, 1]).

    Loaded from the file :func:`save_mnist_classifier` wrote; when there is none (notebook 05 not run
    yet), it is trained now with notebook 05's recipe and seed — 4 epochs, about 75 s on 2 CPU cores
    (1 epoch on a subset in quick mode) — and saved, so the next call loads it.

    Example:
        >>> judge = mnist_classifier()  # doctest: +SKIP
        >>> judge.predict(images_in_0_1).argmax(axis=1)  # doctest: +SKIP
    """
    import keras

    path = mnist_classifier_path(cache_dir)
    if path.is_file():
        return keras.models.load_model(path)
    from dlcourse.data import load
    from dlcourse.models._files import save_atomically
    from dlcourse.pipelines import image_datasets
    from dlcourse.seeding import seed

    epochs = pick(full=4, quick=1)
    train, val, _ = image_datasets(load("mnist"), batch_size=256)
    seed(42)
    model = compile_cnn(course_cnn(), epochs, len(train))
    model.fit(train, validation_data=val, epochs=epochs, verbose=verbose)
    save_atomically(model, path)
    return model


def timed_fit(model: Any, x: Any, y: Any = None, **fit_kwargs: Any) -> TimedFit:
    """Run ``model.fit(x, y, **fit_kwargs)`` and measure it with ``time.perf_counter()``.

    ``verbose`` defaults to 0. Only the training is timed, not building or compiling the model.
    For a ``tf.data.Dataset`` (which shuffles itself) ``shuffle`` defaults to False.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile("sgd", "mse")
        >>> run = timed_fit(model, np.zeros((8, 2)), np.zeros(8), epochs=2)
        >>> run.epochs, run.seconds > 0
        (2, True)
    """
    if not hasattr(model, "fit"):
        raise ValueError(f"model: must be a compiled Keras model, got {type(model).__name__}")
    if "epochs" in fit_kwargs:
        _positive_int("epochs", fit_kwargs["epochs"])
    fit_kwargs.setdefault("verbose", 0)
    if hasattr(x, "element_spec"):
        # A tf.data.Dataset shuffles itself (see dlcourse.pipelines); Keras ignores ``shuffle`` for it
        # and only warns that it does, so we say it explicitly.
        fit_kwargs.setdefault("shuffle", False)
    cpu_start, start = time.process_time(), time.perf_counter()
    history = model.fit(x, y, **fit_kwargs)
    return TimedFit(history, time.perf_counter() - start, time.process_time() - cpu_start)


def top_confusions(y_true: Any, y_pred: Any, class_names: Sequence[str] | None = None, k: int = 5
                   ) -> list[tuple[str, str, int]]:
    """The ``k`` most frequent mistakes as ``(true class, predicted class, count)``, most frequent first.

    ``y_true`` and ``y_pred`` are integer labels or probability rows (their arg-max is taken).

    Example:
        >>> top_confusions([0, 0, 1, 1, 2], [1, 1, 1, 0, 2], ["a", "b", "c"], k=2)
        [('a', 'b', 2), ('b', 'a', 1)]
    """
    k = _positive_int("k", k)
    y_true, y_pred = _labels("y_true", y_true), _labels("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_pred: {len(y_pred)} labels for {len(y_true)} true labels")
    n_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if class_names is None:
        class_names = [str(i) for i in range(n_classes)]
    elif len(class_names) < n_classes:
        raise ValueError(f"class_names: {len(class_names)} names for labels up to {n_classes - 1}")
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    np.fill_diagonal(counts, 0)
    order = np.argsort(-counts, axis=None, kind="stable")[:k]
    pairs = [np.unravel_index(i, counts.shape) for i in order]
    return [(class_names[t], class_names[p], int(counts[t, p])) for t, p in pairs if counts[t, p] > 0]


def _labels(name: str, values: Any) -> np.ndarray:
    values = np.asarray(values)
    if values.ndim == 2:
        values = values.argmax(axis=1)
    if values.ndim != 1 or (values.size and (not np.issubdtype(values.dtype, np.integer) or values.min() < 0)):
        raise ValueError(f"{name}: must be non-negative integer labels or probability rows, got shape "
                         f"{values.shape} and dtype {values.dtype}")
    return values.astype(int)
