"""Convolution arithmetic (output sizes, receptive fields), the sample photo, timed_fit and top_confusions."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from dlcourse import cnn_tools
from dlcourse.cnn_tools import conv_output_size, receptive_field_table, receptive_fields


# --- output size ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size, kernel, stride, padding", [
    (28, 3, 1, "valid"), (28, 3, 1, "same"), (28, 5, 2, "valid"), (28, 5, 2, "same"),
    (27, 3, 2, "same"), (7, 7, 1, "valid"), (32, 4, 3, "valid"), (32, 2, 2, "valid"),
])
def test_conv_output_size_matches_keras_conv2d(size, kernel, stride, padding):
    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
    keras_size = layer.compute_output_shape((None, size, size, 1))[1]
    assert conv_output_size(size, kernel, stride, padding) == keras_size


def test_conv_output_size_with_explicit_zero_padding():
    assert conv_output_size(28, 5, padding=2) == 28        # "same" for an odd kernel and stride 1
    assert conv_output_size(5, 3, stride=2, padding=1) == 3
    assert conv_output_size(4, 3, stride=2, padding=0) == 1


@pytest.mark.parametrize("kwargs, bad", [
    ({"size": 0, "kernel_size": 3}, "size"),
    ({"size": 28, "kernel_size": 0}, "kernel_size"),
    ({"size": 28, "kernel_size": 3, "stride": 0}, "stride"),
    ({"size": 28, "kernel_size": 3, "padding": "full"}, "padding"),
    ({"size": 28, "kernel_size": 3, "padding": -1}, "padding"),
    ({"size": 2, "kernel_size": 5}, "kernel_size"),
])
def test_conv_output_size_names_the_bad_argument(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        conv_output_size(**kwargs)


# --- receptive field --------------------------------------------------------------------------------------------


def test_receptive_fields_of_stacks():
    assert receptive_fields([(3, 1)] * 4) == [3, 5, 7, 9]
    assert receptive_fields([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]) == [3, 4, 8, 10, 18]
    assert receptive_fields([(7, 2)]) == [7]
    assert receptive_fields([]) == []


def test_receptive_fields_rejects_bad_layers():
    with pytest.raises(ValueError, match="layers"):
        receptive_fields("3,1")
    with pytest.raises(ValueError, match="item 1"):
        receptive_fields([(3, 1), (3,)])
    with pytest.raises(ValueError, match="stride"):
        receptive_fields([(3, 0)])


def test_receptive_field_table_reads_a_model_and_agrees_with_gradients():
    model = keras.Sequential([
        keras.Input((32, 32, 1)),
        keras.layers.Conv2D(2, 3, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(2, 5, strides=2),
        keras.layers.AveragePooling2D(2),
    ])
    rows = receptive_field_table(model)
    assert [row.kind for row in rows] == ["conv", "max pool", "conv", "average pool"]
    assert [row.output_size for row in rows] == [32, 16, 6, 3]
    assert [row.receptive_field for row in rows] == [3, 4, 12, 16]
    assert [row.jump for row in rows] == [1, 2, 4, 8]
    # the input pixels that influence one output value span exactly the receptive field
    import tensorflow as tf

    x = tf.Variable(np.random.default_rng(0).normal(size=(1, 32, 32, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        out = model(x, training=False)[0, 1, 1, 0]
    rows_hit = np.flatnonzero(np.abs(tape.gradient(out, x).numpy()[0, :, :, 0]).sum(axis=1))
    assert rows_hit.max() - rows_hit.min() + 1 <= rows[-1].receptive_field
    assert rows_hit.max() - rows_hit.min() + 1 >= rows[-1].receptive_field - 2  # max pooling picks one pixel


def test_receptive_field_table_rejects_models_without_spatial_layers():
    with pytest.raises(ValueError, match="model"):
        receptive_field_table(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
    with pytest.raises(ValueError, match="model"):
        receptive_field_table("not a model")
    dilated = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Conv2D(1, 3, dilation_rate=2)])
    with pytest.raises(ValueError, match="dilated"):
        receptive_field_table(dilated)


# --- the photo ---------------------------------------------------------------------------------------------------


def test_sample_photo_is_a_real_grey_or_colour_picture():
    grey, colour = cnn_tools.sample_photo(64), cnn_tools.sample_photo(64, colour=True)
    assert grey.shape == (75, 64) and colour.shape == (75, 64, 3)
    assert grey.dtype == np.float32 and 0.0 <= grey.min() < 0.2 and 0.8 < grey.max() <= 1.0
    assert grey.std() > 0.1  # not a blank picture
    np.testing.assert_allclose(colour @ np.array([0.299, 0.587, 0.114]), grey, atol=0.02)  # luminance
    with pytest.raises(ValueError, match="size"):
        cnn_tools.sample_photo(4)


# --- timed fit ---------------------------------------------------------------------------------------------------


def test_timed_fit_returns_history_and_times():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5], dtype="float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    run = cnn_tools.timed_fit(model, x, y, epochs=5, batch_size=16)
    assert run.epochs == 5 and run.seconds > 0 and run.cpu_seconds >= 0
    losses = run.history.history["loss"]
    assert losses[-1] < losses[0] / 5
    with pytest.raises(ValueError, match="epochs"):
        cnn_tools.timed_fit(model, x, y, epochs=0)
    with pytest.raises(ValueError, match="model"):
        cnn_tools.timed_fit("model", x, y)


def test_timed_fit_on_a_dataset_does_not_warn_about_shuffle():
    import warnings

    from dlcourse.pipelines import make_dataset

    x = np.ones((32, 2), dtype="float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = cnn_tools.timed_fit(model, make_dataset(x, x[:, 0], batch_size=8, shuffle=True), epochs=1)
    assert run.epochs == 1
    assert not [w for w in caught if "shuffle" in str(w.message)]


# --- confusions --------------------------------------------------------------------------------------------------


def test_top_confusions_counts_off_diagonal_pairs():
    y_true = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    y_pred = [1, 1, 0, 0, 1, 0, 1, 1, 1]
    assert cnn_tools.top_confusions(y_true, y_pred, ["a", "b", "c"], k=3) == [
        ("c", "b", 3), ("a", "b", 2), ("b", "a", 1)]
    probabilities = np.eye(3)[y_pred]
    assert cnn_tools.top_confusions(y_true, probabilities, k=1) == [("2", "1", 3)]
    assert cnn_tools.top_confusions([0, 1], [0, 1]) == []


def test_top_confusions_rejects_bad_input():
    with pytest.raises(ValueError, match="y_pred"):
        cnn_tools.top_confusions([0, 1], [0])
    with pytest.raises(ValueError, match="y_true"):
        cnn_tools.top_confusions([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="class_names"):
        cnn_tools.top_confusions([0, 2], [1, 2], ["a"])
    with pytest.raises(ValueError, match="k"):
        cnn_tools.top_confusions([0], [1], k=0)


def test_course_cnn_is_notebook_05s_network_and_compile_cnn_decays_the_rate_to_zero():
    model = cnn_tools.course_cnn(name="judge")
    assert model.name == "judge" and model.output_shape == (None, 10)
    assert model.get_layer("block1_conv1").strides == (2, 2)
    assert model.get_layer("block2_pool").output.shape == (None, 7, 7, 64)
    compiled = cnn_tools.compile_cnn(model, epochs=2, steps_per_epoch=5, learning_rate=0.01)
    schedule = keras.optimizers.schedules.deserialize(compiled.optimizer.get_config()["learning_rate"])
    assert float(schedule(0)) == pytest.approx(0.01)
    assert float(schedule(10)) == pytest.approx(0.0, abs=1e-7)   # 2 epochs x 5 steps
    with pytest.raises(ValueError, match="steps_per_epoch"):
        cnn_tools.compile_cnn(cnn_tools.course_cnn(), epochs=2, steps_per_epoch=0)


def test_mnist_classifier_trains_once_then_loads_and_notebook_05s_model_replaces_it(tmp_path, require_data):
    require_data("mnist")
    import dlcourse as dlc

    judge = cnn_tools.mnist_classifier(tmp_path)                 # no saved model yet: trains with the recipe
    path = cnn_tools.mnist_classifier_path(tmp_path)
    assert path.is_file() and path.name.endswith("-quick.keras")  # the tests run in quick mode
    images, labels = dlc.data.load("mnist").test
    images = dlc.pipelines.scale_images(images[:500])
    accuracy = np.mean(judge.predict(images, verbose=0).argmax(axis=1) == labels[:500])
    assert accuracy > 0.6, accuracy                               # chance is 0.1

    saved_at = path.stat().st_mtime_ns
    again = cnn_tools.mnist_classifier(tmp_path)
    assert path.stat().st_mtime_ns == saved_at                    # loaded, not trained again
    np.testing.assert_allclose(again.predict(images, verbose=0), judge.predict(images, verbose=0), atol=1e-6)

    keras.utils.set_random_seed(3)
    notebook_model = cnn_tools.compile_cnn(cnn_tools.course_cnn(), epochs=1, steps_per_epoch=1)
    assert cnn_tools.save_mnist_classifier(notebook_model, tmp_path) == path
    np.testing.assert_allclose(cnn_tools.mnist_classifier(tmp_path).predict(images[:20], verbose=0),
                               notebook_model.predict(images[:20], verbose=0), atol=1e-6)
    assert not list(tmp_path.glob(".*"))                          # no temporary files left behind
    with pytest.raises(ValueError, match="model"):
        cnn_tools.save_mnist_classifier(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), tmp_path)
