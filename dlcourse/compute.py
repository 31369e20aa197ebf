"""What a network costs to run: parameters, FLOPs, training throughput and raw matrix-multiply speed.

FLOPs (floating-point operations) are counted the usual way: one multiply plus one
add per weight and per position where the weight is used, so a dense layer with
``n_in`` inputs and ``n_out`` outputs costs ``2 * n_in * n_out`` FLOPs per example
(the bias add takes the place of the last addition). Activations, pooling and other
element-wise steps are cheap next to that and are left out. These are *forward*
FLOPs per example; a training step costs about three times as much (the backward
pass computes two gradients per weight-use).

Example:
    >>> dense_params(784, 128), dense_flops(784, 128)
    (100480, 200704)
    >>> conv2d_params(3, 1, 32), conv2d_flops(3, 1, 32, (28, 28))
    (320, 451584)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = [
    "dense_params", "dense_flops", "conv2d_params", "conv2d_flops",
    "LayerCost", "layer_costs", "model_flops", "cost_table",
    "measure_throughput", "matmul_gflops",
]


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    return int(value)


def _pair(name: str, value: Any) -> tuple[int, int]:
    """``3`` or ``(3, 3)`` as ``(3, 3)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name}: must be an integer or a pair of integers, got {value!r}")
        return _positive_int(name, value[0]), _positive_int(name, value[1])
    size = _positive_int(name, value)
    return size, size


def dense_params(n_in: int, n_out: int, *, bias: bool = True) -> int:
    """Weights of a ``Dense`` layer: one per input-output pair, plus one bias per output.

    Example:
        >>> dense_params(784, 10)
        7850
    """
    n_in, n_out = _positive_int("n_in", n_in), _positive_int("n_out", n_out)
    return n_in * n_out + (n_out if bias else 0)


def dense_flops(n_in: int, n_out: int) -> int:
    """Forward FLOPs of a ``Dense`` layer for one example: ``2 * n_in * n_out``.

    Example:
        >>> dense_flops(784, 10)
        15680
    """
    n_in, n_out = _positive_int("n_in", n_in), _positive_int("n_out", n_out)
    return 2 * n_in * n_out


def conv2d_params(kernel_size: int | tuple[int, int], in_channels: int, filters: int, *, bias: bool = True) -> int:
    """Weights of a ``Conv2D`` layer: a ``kh x kw x in_channels`` kernel per filter, plus one bias per filter.

    The count does not depend on the image size: the same kernel slides over every position.

    Example:
        >>> conv2d_params(3, 32, 64)
        18496
    """
    kh, kw = _pair("kernel_size", kernel_size)
    in_channels, filters = _positive_int("in_channels", in_channels), _positive_int("filters", filters)
    return kh * kw * in_channels * filters + (filters if bias else 0)


def conv2d_flops(kernel_size: int | tuple[int, int], in_channels: int, filters: int,
                 output_size: int | tuple[int, int]) -> int:
    """Forward FLOPs of a ``Conv2D`` layer for one example: ``2 * kh * kw * in_channels * filters * H_out * W_out``.

    Every output value (``filters`` of them at each of the ``H_out x W_out`` positions)
    is a weighted sum over a ``kh x kw x in_channels`` patch.

    Example:
        >>> conv2d_flops(3, 32, 64, 14)
        7225344
    """
    kh, kw = _pair("kernel_size", kernel_size)
    height, width = _pair("output_size", output_size)
    in_channels, filters = _positive_int("in_channels", in_channels), _positive_int("filters", filters)
    return 2 * kh * kw * in_channels * filters * height * width


@dataclass(frozen=True)
class LayerCost:
    """Parameters and forward FLOPs (per example) of one layer."""

    name: str
    kind: str
    params: int
    flops: int


def _output_shape(layer: Any) -> tuple[int, ...]:
    try:
        shape = tuple(layer.output.shape)
    except (AttributeError, ValueError) as exc:
        raise ValueError(f"model: cannot tell the output shape of layer {layer.name!r}; build the model "
                         f"(call it on an input or give it a keras.Input) first") from exc
    if any(d is None for d in shape[1:]):
        raise ValueError(f"model: layer {layer.name!r} has an unknown output size {shape}; FLOPs need fixed sizes")
    return shape


def _own_layers(model: Any) -> Iterable[Any]:
    """Every leaf layer, looking inside nested models (e.g. a backbone or an augmentation block)."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _own_layers(layer)
        else:
            yield layer


def layer_costs(model: Any) -> list[LayerCost]:
    """Parameters and forward FLOPs per example of every layer that has weights, input side first.

    Supports ``Dense``, ``Conv2D`` and ``BatchNormalization`` (2 FLOPs per value: scale and
    shift); layers without weights (pooling, flatten, activations, dropout) cost no
    parameters and are skipped. Any other layer with weights raises ``ValueError``.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
        >>> [(c.params, c.flops) for c in layer_costs(model)]
        [(15, 24), (8, 12)]
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model: must be a keras.Model, got {type(model).__name__}")
    costs = []
    for layer in _own_layers(model):
        if not layer.weights:
            continue
        params = int(layer.count_params())
        if isinstance(layer, keras.layers.Dense):
            n_in, n_out = (int(d) for d in layer.kernel.shape)
            positions = math.prod(_output_shape(layer)[1:-1])  # Dense on a sequence is used at every step
            flops = dense_flops(n_in, n_out) * positions
        elif isinstance(layer, keras.layers.Conv2D):
            kh, kw, cin, cout = (int(d) for d in layer.kernel.shape)
            shape = _output_shape(layer)
            height, width = shape[1:3] if layer.data_format == "channels_last" else shape[2:4]
            flops = conv2d_flops((kh, kw), cin, cout, (height, width))
        elif isinstance(layer, keras.layers.BatchNormalization):
            flops = 2 * math.prod(_output_shape(layer)[1:])
        else:
            raise ValueError(f"model: layer {layer.name!r} ({type(layer).__name__}) has weights but no FLOP "
                             f"formula here; supported: Dense, Conv2D, BatchNormalization")
        costs.append(LayerCost(layer.name, type(layer).__name__, params, flops))
    return costs


def model_flops(model: Any) -> int:
    """Forward FLOPs for one example through a model of ``Dense`` / ``Conv2D`` (/ batch-norm) layers.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128), keras.layers.Dense(10)])
        >>> model_flops(model) == dense_flops(784, 128) + dense_flops(128, 10)
        True
    """
    return sum(cost.flops for cost in layer_costs(model))


def cost_table(model: Any) -> str:
    """:func:`layer_costs` as an aligned text table with a total row, ready to ``print``.

    Example:
        >>> import keras
        >>> print(cost_table(keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])))
        layer  kind    parameters     FLOPs
        d      Dense           15        24
        total                  15        24
    """
    costs = layer_costs(model)
    width = max([len("layer"), len("total"), *(len(c.name) for c in costs)])
    kind_width = max([len("kind"), *(len(c.kind) for c in costs)])
    lines = [f"{'layer':<{width}}  {'kind':<{kind_width}}  {'parameters':>11}  {'FLOPs':>8}"]
    for c in costs:
        lines.append(f"{c.name:<{width}}  {c.kind:<{kind_width}}  {c.params:>11,}  {c.flops:>8,}")
    total_params, total_flops = sum(c.params for c in costs), sum(c.flops for c in costs)
    lines.append(f"{'total':<{width}}  {'':<{kind_width}}  {total_params:>11,}  {total_flops:>8,}")
    return "\n".join(line.rstrip() for line in lines)


def measure_throughput(model: Any, x: Any, y: Any = None, batch_sizes: Sequence[int] = (32, 128, 512), *,
                       steps: int = 10, warmup: int = 2, training: bool = True) -> dict[int, float]:
    """Examples per second at each batch size: ``steps`` timed training (or prediction) steps after ``warmup``.

    Each step runs on the first ``batch_size`` examples of ``x`` (and ``y``). Training uses
    ``model.train_on_batch``, so the model must be compiled and its weights change;
    ``training=False`` times ``model.predict_on_batch`` instead. Warm-up steps (not timed)
    absorb the one-off cost of tracing and compiling for each new batch shape.

    Args:
        model: a Keras model (compiled, for ``training=True``).
        x, y: inputs and targets, at least ``max(batch_sizes)`` examples.
        batch_sizes: the batch sizes to time.
        steps: timed steps per batch size.
        warmup: untimed steps per batch size before timing.
        training: time training steps (forward + backward + update) or only forward passes.

    Returns:
        ``{batch_size: examples per second}`` in the order given.

    Example:
        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2)])
        >>> model.compile("sgd", "mse")
        >>> speeds = measure_throughput(model, np.zeros((16, 8)), np.zeros((16, 2)), (4, 16), steps=2)
        >>> sorted(speeds) == [4, 16] and all(v > 0 for v in speeds.values())
        True
    """
    steps, warmup = _positive_int("steps", steps), int(warmup)
    if warmup < 0:
        raise ValueError(f"warmup: must be 0 or more, got {warmup!r}")
    sizes = [_positive_int("batch_sizes", b) for b in batch_sizes]
    if not sizes:
        raise ValueError("batch_sizes: give at least one batch size")
    if max(sizes) > len(x):
        raise ValueError(f"batch_sizes: the largest batch ({max(sizes)}) is bigger than the data ({len(x)} examples)")
    if training:
        if y is None:
            raise ValueError("y: training steps need targets; pass y or use training=False")
        if not getattr(model, "compiled", False):
            raise ValueError("model: compile it first (training steps need a loss and an optimizer)")
    speeds = {}
    for size in sizes:
        xb = x[:size]
        yb = None if y is None else y[:size]
        if training:
            def step() -> None:
                model.train_on_batch(xb, yb)  # returns numbers on the host, so the step has finished
        else:
            def step() -> None:
                model.predict_on_batch(xb)
        for _ in range(warmup):
            step()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        speeds[size] = size * steps / (time.perf_counter() - start)
    return speeds


def matmul_gflops(n: int = 1024, *, device: str | None = None, repeats: int = 5, dtype: str = "float32") -> float:
    """Billions of FLOPs per second a square ``n x n`` matrix product reaches (best of ``repeats``).

    A product of two ``n x n`` matrices takes ``2 n^3`` FLOPs. This is the arithmetic
    deep learning is made of, so the number is a fair first measure of a device.

    Args:
        n: matrix size.
        device: e.g. ``"cpu:0"`` or ``"gpu:0"`` (``keras.device`` names); ``None``: the default device.
        repeats: timed products; the fastest counts.
        dtype: ``"float32"``, ``"float16"`` or ``"bfloat16"`` (half precision is what tensor cores speed up).

    Example:
        >>> matmul_gflops(64, repeats=2) > 0
        True
    """
    import keras

    n, repeats = _positive_int("n", n), _positive_int("repeats", repeats)
    if dtype not in ("float32", "float16", "bfloat16"):
        raise ValueError(f"dtype: must be 'float32', 'float16' or 'bfloat16', got {dtype!r}")

    def run() -> float:
        a = keras.random.normal((n, n), dtype=dtype, seed=0)
        b = keras.random.normal((n, n), dtype=dtype, seed=1)
        keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.matmul(a, b)))  # warm-up (and kernel selection)
        best = math.inf
        for _ in range(repeats):
            start = time.perf_counter()
            keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.matmul(a, b)))  # a scalar back: waits for the GPU
            best = min(best, time.perf_counter() - start)
        return 2 * n**3 / best / 1e9

    if device is None:
        return run()
    with keras.device(device):
        return run()
