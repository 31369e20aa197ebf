"""mlp, cnn with augmentation: shapes, hand-counted parameters, training, save / load."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import models
from dlcourse.augmentation import augmentation_block
from dlcourse.data import make_xor


@pytest.fixture(autouse=True)
def _seeded():
    dlcourse.seed(0)


def _round_trip(model: keras.Model, x: np.ndarray, tmp_path) -> keras.Model:
    path = tmp_path / f"{model.name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    return loaded


def _stripes(n: int = 300, size: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images of one bright stripe: horizontal (class 0) or vertical (class 1), anywhere, on noise."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, (n, size, size)).astype(np.uint8)
    labels = np.arange(n) % 2
    where = rng.integers(1, size - 1, n)
    for image, label, row in zip(images, labels, where):
        if label == 0:
            image[row, :] = 255
        else:
            image[:, row] = 255
    return images, labels


# --- mlp -------------------------------------------------------------------------------------------------------


def test_mlp_parameter_count_by_hand():
    model = models.mlp(2, hidden=(16, 8), output_units=3)
    # (2*16 + 16) + (16*8 + 8) + (8*3 + 3)
    assert model.count_params() == 48 + 136 + 27 == 211
    assert model.output_shape == (None, 3)
    assert [layer.name for layer in model.layers] == [
        "inputs", "hidden_1", "hidden_1_relu", "hidden_2", "hidden_2_relu", "output"]


def test_mlp_flattens_and_rescales_images():
    model = models.mlp((28, 28), hidden=(32,), rescale=True)
    assert model.input_shape == (None, 28, 28)
    assert model.get_layer("flatten").output.shape == (None, 784)
    # 784*32 + 32 + 32*10 + 10
    assert model.count_params() == 25_120 + 330
    assert model.get_layer("rescale").scale == pytest.approx(1 / 255)
    images = np.full((2, 28, 28), 255, dtype=np.uint8)
    probs = model.predict(images, verbose=0)
    assert probs.shape == (2, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_mlp_batch_norm_dropout_and_regularisers_are_placed():
    model = models.mlp(4, hidden=(8,), batch_norm=True, dropout=0.3, l1=1e-3, l2=1e-2,
                       kernel_initializer="he_normal")
    names = [layer.name for layer in model.layers]
    assert names == ["inputs", "hidden_1", "hidden_1_bn", "hidden_1_relu", "hidden_1_dropout", "output"]
    dense = model.get_layer("hidden_1")
    assert not dense.use_bias  # the batch norm's beta replaces the bias
    assert isinstance(dense.kernel_initializer, keras.initializers.HeNormal)
    assert dense.kernel_regularizer.l1 == pytest.approx(1e-3)
    assert dense.kernel_regularizer.l2 == pytest.approx(1e-2)
    assert model.get_layer("hidden_1_dropout").rate == pytest.approx(0.3)
    # the penalties show up as losses
    model(np.ones((1, 4), dtype="float32"))
    assert len(model.losses) == 2


def test_mlp_learns_xor_beyond_chance():
    x, y = make_xor(400, seed=0)
    model = models.mlp(2, hidden=(16, 16), output_units=2, dropout=0.05)
    model.compile(keras.optimizers.Adam(0.02), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=25, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.85  # chance is 0.5; no straight line separates XOR


def test_mlp_regression_with_linear_output():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, (300, 1)).astype("float32")
    y = np.sin(2 * x) + 0.5 * x
    model = models.mlp(1, hidden=(32, 32), activation="tanh", output_units=1, output_activation=None)
    assert model.get_layer("output").activation is keras.activations.linear
    model.compile(keras.optimizers.Adam(0.02), "mse")
    history = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.1 * float(np.var(y))
    grid = np.linspace(-1.8, 1.8, 13, dtype="float32")[:, None]
    predictions = model.predict(grid, verbose=0)
    np.testing.assert_allclose(predictions, np.sin(2 * grid) + 0.5 * grid, atol=0.3)
    assert predictions.min() < -1.0  # a linear output is not squashed into [0, 1] like a sigmoid


def test_mlp_save_load_round_trip(tmp_path):
    model = models.mlp((3, 3), hidden=(8,), batch_norm=True, dropout=0.2, l2=1e-3, rescale=0.5)
    _round_trip(model, np.random.rand(4, 3, 3).astype("float32"), tmp_path)


# --- cnn -------------------------------------------------------------------------------------------------------


def test_cnn_parameter_count_by_hand():
    model = models.cnn((28, 28, 1), filters=(8, 16), kernel_size=3, dense=(32,))
    conv1 = 3 * 3 * 1 * 8 + 8  # 80, output 28x28x8, pooled to 14x14x8
    conv2 = 3 * 3 * 8 * 16 + 16  # 1168, output 14x14x16, pooled to 7x7x16
    dense = 7 * 7 * 16 * 32 + 32  # 25120
    output = 32 * 10 + 10  # 330
    assert model.count_params() == conv1 + conv2 + dense + output == 26_698
    assert model.get_layer("block2_pool").output.shape == (None, 7, 7, 16)
    assert model.get_layer("features").output.shape == (None, 784)


def test_cnn_valid_padding_global_pooling_and_vgg_blocks():
    model = models.cnn((32, 32, 3), filters=(4, 8), convs_per_block=2, padding="valid", pooling="average",
                       global_pooling=True, batch_norm=True, dropout=0.25, dense=())
    # 32 -(2 valid 3x3)-> 28 -pool-> 14 -(2 valid 3x3)-> 10 -pool-> 5
    assert model.get_layer("block2_pool").output.shape == (None, 5, 5, 8)
    assert model.get_layer("features").output.shape == (None, 8)
    assert isinstance(model.get_layer("block1_pool"), keras.layers.AveragePooling2D)
    assert model.get_layer("block1_dropout").rate == pytest.approx(0.25)
    # conv layers without bias (batch norm follows): 3*3*3*4 + 3*3*4*4 + 3*3*4*8 + 3*3*8*8, BN 4 params per filter
    conv = 108 + 144 + 288 + 576
    batch_norm = 4 * (4 + 4 + 8 + 8)
    assert model.count_params() == conv + batch_norm + (8 * 10 + 10)


def test_cnn_strided_first_block_replaces_its_pooling():
    model = models.cnn((28, 28, 1), filters=(8, 16), strides=(2, 1), pooling=(None, "max"), dense=())
    # 28 -(3x3, stride 2, same)-> 14, no pooling -(3x3)-> 14 -pool-> 7
    assert model.get_layer("block1_conv1").strides == (2, 2)
    assert model.get_layer("block1_act1").output.shape == (None, 14, 14, 8)
    assert model.get_layer("block2_conv1").strides == (1, 1)
    assert "block1_pool" not in [layer.name for layer in model.layers]
    assert model.get_layer("features").output.shape == (None, 7 * 7 * 16)
    # dropout per block: none after the strided block, 15 % after the second
    with_dropout = models.cnn((28, 28, 1), filters=(8, 16), strides=(2, 1), pooling=(None, "max"), dropout=(0.0, 0.15))
    assert "block1_dropout" not in [layer.name for layer in with_dropout.layers]
    assert with_dropout.get_layer("block2_dropout").rate == pytest.approx(0.15)
    # only the first convolution of a block is strided
    vgg = models.cnn((16, 16, 1), filters=(4,), convs_per_block=2, strides=2, pooling=None, dense=())
    assert [vgg.get_layer(f"block1_conv{i}").strides for i in (1, 2)] == [(2, 2), (1, 1)]
    assert vgg.get_layer("features").output.shape == (None, 8 * 8 * 4)


def test_cnn_learns_stripe_orientation_from_uint8_images():
    x, y = _stripes()
    model = models.cnn((12, 12), filters=(8,), dense=(16,), rescale=True, output_units=2)
    assert model.get_layer("add_channel").output.shape == (None, 12, 12, 1)
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    test_x, test_y = _stripes(100, seed=1)
    accuracy = np.mean(model.predict(test_x, verbose=0).argmax(axis=1) == test_y)
    assert accuracy > 0.9


def test_cnn_default_augmentation_changes_images_only_in_training():
    model = models.cnn((16, 16, 1), filters=(4,), dense=(), augmentation=True)
    block = model.get_layer("augmentation")
    assert [type(layer).__name__ for layer in block.layers] == ["RandomRotation", "RandomZoom", "RandomTranslation"]
    images = np.random.default_rng(0).random((8, 16, 16, 1)).astype("float32")
    inference = keras.ops.convert_to_numpy(block(images, training=False))
    training = keras.ops.convert_to_numpy(block(images, training=True))
    np.testing.assert_array_equal(inference, images)
    assert not np.allclose(training, images)


def test_cnn_accepts_a_custom_augmentation_layer():
    custom = keras.Sequential([keras.layers.RandomFlip("vertical")], name="my_augmentation")
    model = models.cnn((8, 8, 1), filters=(4,), dense=(), augmentation=custom)
    assert model.get_layer("my_augmentation") is custom
    flipless = augmentation_block(translation=0.2)
    assert [type(layer).__name__ for layer in flipless.layers] == ["RandomTranslation"]


def test_cnn_save_load_round_trip_with_augmentation_and_batch_norm(tmp_path):
    model = models.cnn((12, 12), filters=(4, 8), batch_norm=True, dropout=0.1, dense=(8,), augmentation=True,
                       rescale=True, l2=1e-4)
    x, _ = _stripes(6)
    loaded = _round_trip(model, x, tmp_path)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
