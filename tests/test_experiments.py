"""dlcourse.experiments: fair comparisons of several runs, learning curves and their plots."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import experiments, models
from dlcourse.data import DataSplits, Split


def _linear_task(n: int, seed: int, dims: int = 20) -> Split:
    """Points in 20-D labelled by the side of a fixed hyperplane: easy, but 20 weights to learn."""
    rng = np.random.default_rng(seed)
    w = np.random.default_rng(99).normal(size=dims)
    x = rng.normal(size=(n, dims)).astype("float32")
    return Split(x, (x @ w > 0).astype(int))


@pytest.fixture
def data() -> DataSplits:
    return DataSplits(name="linear", train=_linear_task(600, 0), val=_linear_task(200, 1),
                      test=_linear_task(400, 2), class_names=["below", "above"])


def _logistic() -> keras.Model:
    return models.mlp(20, hidden=(), output_units=2)


def test_train_subset_keeps_test_and_balances_classes(data):
    small = experiments.train_subset(data, 40, val_size=20, seed=3)
    assert len(small.train) == 40 and np.bincount(small.train.y).tolist() == [20, 20]
    assert len(small.val) == 20 and small.test is data.test
    assert len(experiments.train_subset(data, 40).val) == len(data.val)
    with pytest.raises(ValueError, match="^size:"):
        experiments.train_subset(data, 601)
    with pytest.raises(ValueError, match="^val_size:"):
        experiments.train_subset(data, 10, val_size=201)


def test_compare_runs_trains_each_model_and_summarises(data):
    stop_early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=0, min_delta=10.0)
    result = experiments.compare_runs({"plain": _logistic, "stopped": _logistic}, data, epochs=4, batch_size=32,
                                      optimizer=lambda: keras.optimizers.Adam(0.05), callbacks={"stopped": [stop_early]})
    plain, stopped = result.runs["plain"], result.runs["stopped"]
    assert plain.epochs == 4 and len(plain.history["val_loss"]) == 4
    assert stopped.epochs == 2  # no improvement of 10.0 after the first epoch: stops after the second
    # same seed, same start and same batches: the first two epochs are identical
    assert plain.history["loss"][:2] == pytest.approx(stopped.history["loss"][:2], rel=1e-5)
    assert plain.test_score > 0.8  # a linear task is easy for a linear model
    assert plain.best_val_score == max(plain.history["val_accuracy"])
    # without a penalty, the recorded data loss is the loss itself
    assert plain.history["val_data_loss"] == pytest.approx(plain.history["val_loss"], rel=1e-4)
    assert plain.gap == pytest.approx(plain.train_score - plain.test_score)
    assert isinstance(plain.model, keras.Model)
    table = result.table()
    assert list(table.index) == ["plain", "stopped"]
    assert {"train accuracy", "best val accuracy", "test accuracy", "gap (train - test)"} <= set(table.columns)
    assert table.loc["stopped", "epochs"] == 2


def test_a_compiled_model_keeps_its_own_optimizer(data):
    def frozen() -> keras.Model:
        model = _logistic()
        model.compile(keras.optimizers.SGD(learning_rate=0.0), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    result = experiments.compare_runs({"frozen": frozen, "adam": _logistic}, data, epochs=3, batch_size=64)
    frozen_loss = result.runs["frozen"].history["val_loss"]
    assert frozen_loss == pytest.approx([frozen_loss[0]] * 3)  # learning rate 0: nothing changes
    assert result.runs["adam"].history["val_loss"][-1] < result.runs["adam"].history["val_loss"][0]


def test_test_loss_leaves_out_the_weight_penalty(data):
    result = experiments.compare_runs({"l2": lambda: models.mlp(20, hidden=(), l2=1.0, output_units=2)},
                                      data, epochs=1, batch_size=64)
    run = result.runs["l2"]
    assert all(data < total for data, total in zip(run.history["val_data_loss"], run.history["val_loss"]))
    predictions = run.model.predict(data.test.x, verbose=0)
    cross_entropy = float(np.mean(keras.losses.sparse_categorical_crossentropy(data.test.y, predictions)))
    assert run.test_loss == pytest.approx(cross_entropy, rel=1e-4)


def test_compare_runs_refuses_bad_arguments(data):
    with pytest.raises(ValueError, match="^builders:"):
        experiments.compare_runs({}, data, epochs=1)
    with pytest.raises(ValueError, match="^builders:"):
        experiments.compare_runs({"a": "not a function"}, data, epochs=1)
    with pytest.raises(ValueError, match="^callbacks:"):
        experiments.compare_runs({"a": _logistic}, data, epochs=1, callbacks={"b": []})
    with pytest.raises(ValueError, match="^epochs:"):
        experiments.compare_runs({"a": _logistic}, data, epochs=0)
    with pytest.raises(ValueError, match="^data:"):
        experiments.compare_runs({"a": _logistic}, (data.train, data.val), epochs=1)

    def without_metrics() -> keras.Model:
        model = _logistic()
        model.compile("adam", "sparse_categorical_crossentropy")
        return model

    with pytest.raises(ValueError, match="^metric:"):
        experiments.compare_runs({"a": without_metrics}, data, epochs=1)


def test_learning_curve_one_point_per_size_and_more_data_helps(data):
    points = experiments.learning_curve(_logistic, data, [8, 400], epochs=10, batch_size=16, min_steps=30,
                                        optimizer=lambda: keras.optimizers.Adam(0.05))
    assert [p.size for p in points] == [8, 400]
    # 8 examples are repeated 6 times (3 steps of 16 per epoch) to reach 30 steps; 400 examples take 25 steps an epoch
    assert (points[0].epochs, points[0].steps) == (60, 30)
    assert (points[1].epochs, points[1].steps) == (10, 250)
    small, large = points
    assert small.train_score == 1.0  # 8 points in 20 dimensions: memorised
    assert large.test_score > small.test_score + 0.1
    assert large.test_score > 0.9


def test_learning_curve_refuses_bad_sizes(data):
    with pytest.raises(ValueError, match="^sizes:"):
        experiments.learning_curve(_logistic, data, [10, 10_000], epochs=1)
    with pytest.raises(ValueError, match="^sizes:"):
        experiments.learning_curve(_logistic, data, [], epochs=1)
    with pytest.raises(ValueError, match="^min_steps:"):
        experiments.learning_curve(_logistic, data, [10], epochs=1, min_steps=-1)


def test_plots_return_figures_with_one_panel_per_run_and_metric(data):
    result = experiments.compare_runs({"a": _logistic, "b": _logistic}, data, epochs=2, batch_size=64)
    fig = experiments.plot_comparison(result, ("loss", "accuracy"))
    assert len(fig.axes) == 4
    assert [ax.get_title() for ax in fig.axes[:2]] == ["a", "b"]
    assert len(result.plot("loss").axes) == 2
    fig = result.plot("data_loss")
    assert fig.axes[0].get_ylabel() == "loss (no penalty)"
    with pytest.raises(ValueError, match="^metrics:"):
        experiments.plot_comparison(result, "auc")

    points = [experiments.CurvePoint(100, 1, 2, 1.0, 0.6, 0.1), experiments.CurvePoint(1000, 1, 16, 0.9, 0.8, 0.2)]
    fig = experiments.plot_learning_curve({"mlp": points})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["mlp: test", "mlp: train"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.6, 0.8])
    with pytest.raises(ValueError, match="^points:"):
        experiments.plot_learning_curve([])


def test_with_augmentation_changes_training_inputs_only():
    dlcourse.seed(0)
    base = models.mlp((8, 8), hidden=(), output_units=2)
    shift = keras.layers.RandomTranslation(0.25, 0.25, fill_mode="constant", seed=1)
    model = experiments.with_augmentation(base, shift)
    images = np.random.default_rng(0).random((4, 8, 8)).astype("float32")
    np.testing.assert_allclose(model(images, training=False), base(images), rtol=1e-6)
    assert not np.allclose(model(images, training=True), base(images))
    with pytest.raises(ValueError, match="^augmentation:"):
        experiments.with_augmentation(base, "flip")
    with pytest.raises(ValueError, match="^model:"):
        experiments.with_augmentation(models.mlp(3, hidden=()), shift)
