"""dlcourse.compute: parameter and FLOP counts by hand, throughput and matmul speed."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import compute, models


@pytest.fixture(autouse=True)
def _seeded():
    dlcourse.seed(0)


def test_dense_counts_match_hand_arithmetic():
    # 784 inputs x 128 outputs: 100,352 weights + 128 biases; one multiply and one add per weight
    assert compute.dense_params(784, 128) == 100_480
    assert compute.dense_params(784, 128, bias=False) == 100_352
    assert compute.dense_flops(784, 128) == 200_704
    assert compute.dense_flops(3, 2) == 12


def test_conv_counts_match_hand_arithmetic():
    # 3x3 kernel over 32 input channels, 64 filters: 3*3*32*64 = 18,432 weights + 64 biases
    assert compute.conv2d_params(3, 32, 64) == 18_496
    assert compute.conv2d_params((5, 3), 2, 4, bias=False) == 5 * 3 * 2 * 4
    # each of the 14*14*64 outputs is a sum over a 3*3*32 patch: 2 * 288 FLOPs
    assert compute.conv2d_flops(3, 32, 64, 14) == 14 * 14 * 64 * 2 * 288
    assert compute.conv2d_flops((1, 1), 1, 1, (2, 3)) == 12


@pytest.mark.parametrize("call", [
    lambda: compute.dense_flops(0, 3),
    lambda: compute.dense_params(3, -1),
    lambda: compute.conv2d_flops(3, 1, 8, (28, 28, 1)),
    lambda: compute.conv2d_params(2.5, 1, 8),
])
def test_bad_sizes_are_refused_by_name(call):
    with pytest.raises(ValueError, match=r"^(n_in|n_out|output_size|kernel_size):"):
        call()


def test_mlp_flops_and_params_from_the_model():
    model = models.mlp((28, 28), hidden=(128, 64), output_units=10)
    costs = compute.layer_costs(model)
    assert [c.name for c in costs] == ["hidden_1", "hidden_2", "output"]
    assert sum(c.params for c in costs) == model.count_params()
    assert compute.model_flops(model) == 2 * (784 * 128 + 128 * 64 + 64 * 10)


def test_cnn_flops_by_hand_and_params_match_keras():
    model = models.cnn((28, 28), filters=(8, 16), dense=(32,), output_units=10)
    # block 1: 3x3x1 -> 8 at 28x28 ('same'); pool -> 14x14; block 2: 3x3x8 -> 16 at 14x14; pool -> 7x7x16 = 784
    expected = (2 * 9 * 1 * 8 * 28 * 28) + (2 * 9 * 8 * 16 * 14 * 14) + 2 * 784 * 32 + 2 * 32 * 10
    assert compute.model_flops(model) == expected
    assert sum(c.params for c in compute.layer_costs(model)) == model.count_params()
    table = compute.cost_table(model)
    assert table.splitlines()[-1].split()[-2:] == [f"{model.count_params():,}", f"{expected:,}"]


def test_batch_norm_and_nested_models_are_counted():
    model = models.mlp(6, hidden=(4,), batch_norm=True, output_units=2)
    kinds = [c.kind for c in compute.layer_costs(model)]
    assert kinds == ["Dense", "BatchNormalization", "Dense"]
    assert sum(c.params for c in compute.layer_costs(model)) == model.count_params()
    outer = keras.Sequential([keras.Input((6,)), model])
    assert compute.model_flops(outer) == compute.model_flops(model) == 2 * 6 * 4 + 2 * 4 + 2 * 4 * 2


def test_unsupported_layers_with_weights_are_named():
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, name="memory")])
    with pytest.raises(ValueError, match="model: layer 'memory' \\(LSTM\\)"):
        compute.model_flops(model)
    with pytest.raises(ValueError, match="model:"):
        compute.model_flops("not a model")


def test_throughput_is_positive_and_one_entry_per_batch_size():
    model = models.mlp(8, hidden=(16,), output_units=3)
    model.compile("sgd", "sparse_categorical_crossentropy")
    x, y = np.random.rand(64, 8).astype("float32"), np.arange(64) % 3
    speeds = compute.measure_throughput(model, x, y, batch_sizes=(4, 16, 64), steps=3, warmup=1)
    assert list(speeds) == [4, 16, 64]
    assert all(np.isfinite(v) and v > 0 for v in speeds.values())
    inference = compute.measure_throughput(model, x, batch_sizes=(8,), steps=2, training=False)
    assert list(inference) == [8] and inference[8] > 0


def test_throughput_refuses_bad_arguments():
    model = models.mlp(8, hidden=(4,), output_units=2)
    x, y = np.zeros((10, 8), "float32"), np.zeros(10, int)
    with pytest.raises(ValueError, match="^model:"):
        compute.measure_throughput(model, x, y, batch_sizes=(2,))  # not compiled
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="^batch_sizes:"):
        compute.measure_throughput(model, x, y, batch_sizes=(32,))
    with pytest.raises(ValueError, match="^batch_sizes:"):
        compute.measure_throughput(model, x, y, batch_sizes=())
    with pytest.raises(ValueError, match="^steps:"):
        compute.measure_throughput(model, x, y, batch_sizes=(2,), steps=0)
    with pytest.raises(ValueError, match="^y:"):
        compute.measure_throughput(model, x, batch_sizes=(2,))


def test_matmul_gflops_on_the_cpu():
    speed = compute.matmul_gflops(128, device="cpu:0", repeats=2)
    assert np.isfinite(speed) and speed > 0.01
    with pytest.raises(ValueError, match="^dtype:"):
        compute.matmul_gflops(8, dtype="int8")
    with pytest.raises(ValueError, match="^n:"):
        compute.matmul_gflops(0)
