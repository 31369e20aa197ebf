"""dlcourse.backprop: losses match Keras, hand-written gradients match numerical ones, training learns."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import backprop
from dlcourse.backprop import (TwoLayerNet, binary_cross_entropy, binary_cross_entropy_gradient,
                               categorical_cross_entropy, categorical_cross_entropy_gradient, mse, mse_gradient,
                               numerical_gradient, one_hot, relative_error, softmax, train)
from dlcourse.data import make_moons

RNG = np.random.default_rng(0)


# --- numerical gradient and relative error ------------------------------------------------------

def test_numerical_gradient_of_known_functions():
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda a: float(np.sum(a ** 3)), w), 3 * w ** 2, rtol=1e-8)
    params = {"a": np.array([2.0]), "b": np.array([-1.0, 4.0])}
    grads = numerical_gradient(lambda p: float(p["a"][0] * np.sum(p["b"])), params)
    assert set(grads) == {"a", "b"}
    np.testing.assert_allclose(grads["a"], [3.0], rtol=1e-8)
    np.testing.assert_allclose(grads["b"], [2.0, 2.0], rtol=1e-8)
    as_list = numerical_gradient(lambda p: float(p[0][0] ** 2), [np.array([3.0])])
    np.testing.assert_allclose(as_list[0], [6.0], rtol=1e-8)


def test_numerical_gradient_restores_the_parameters():
    w = RNG.normal(size=(3, 4))
    before = w.copy()
    numerical_gradient(lambda a: float(np.sum(np.sin(a))), w)
    np.testing.assert_array_equal(w, before)


def test_numerical_gradient_rejects_bad_arguments():
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(lambda a: 0.0, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match="params"):
        numerical_gradient(lambda a: 0.0, np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="params"):
        numerical_gradient(lambda a: 0.0, 3.0)


def test_relative_error():
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    a = {"x": np.array([1.0]), "y": np.array([10.0])}
    b = {"y": np.array([10.0]), "x": np.array([1.1])}     # keys in another order
    assert relative_error(a, b) == pytest.approx(0.1 / 2.1)
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="keys"):
        relative_error({"x": np.zeros(1)}, {"z": np.zeros(1)})


# --- losses --------------------------------------------------------------------------------------

def keras_loss(loss, y_true, y_pred) -> float:
    return float(np.asarray(loss(np.asarray(y_true, "float32"), np.asarray(y_pred, "float32"))))


def test_losses_match_keras():
    keras = pytest.importorskip("keras")
    y_reg, p_reg = RNG.normal(size=(16, 3)), RNG.normal(size=(16, 3))
    assert mse(y_reg, p_reg) == pytest.approx(keras_loss(keras.losses.MeanSquaredError(), y_reg, p_reg), rel=1e-5)

    y_bin = RNG.integers(0, 2, size=(16, 1)).astype(float)
    logits = RNG.normal(0, 3, size=(16, 1))
    probabilities = 1 / (1 + np.exp(-logits))
    expected = keras_loss(keras.losses.BinaryCrossentropy(from_logits=True), y_bin, logits)
    assert binary_cross_entropy(y_bin, logits, from_logits=True) == pytest.approx(expected, rel=1e-5)
    expected = keras_loss(keras.losses.BinaryCrossentropy(), y_bin, probabilities)
    assert binary_cross_entropy(y_bin, probabilities) == pytest.approx(expected, rel=1e-4)

    labels = RNG.integers(0, 4, size=16)
    logits = RNG.normal(0, 3, size=(16, 4))
    expected = keras_loss(keras.losses.SparseCategoricalCrossentropy(from_logits=True), labels, logits)
    assert categorical_cross_entropy(labels, logits, from_logits=True) == pytest.approx(expected, rel=1e-5)
    expected = keras_loss(keras.losses.CategoricalCrossentropy(), one_hot(labels, 4), softmax(logits))
    assert categorical_cross_entropy(one_hot(labels, 4), softmax(logits)) == pytest.approx(expected, rel=1e-4)


def test_losses_are_stable_for_extreme_logits():
    assert binary_cross_entropy([1.0, 0.0], [1000.0, -1000.0], from_logits=True) == pytest.approx(0.0)
    assert binary_cross_entropy([0.0], [1000.0], from_logits=True) == pytest.approx(1000.0)
    assert categorical_cross_entropy([1], [[1000.0, -1000.0]], from_logits=True) == pytest.approx(2000.0)
    assert np.isfinite(categorical_cross_entropy_gradient([1], [[1000.0, -1000.0]], from_logits=True)).all()
    assert np.isfinite(binary_cross_entropy([1.0], [0.0]))     # probability 0 is clipped, not log(0)


@pytest.mark.parametrize("case", ["mse", "bce_logits", "bce_probabilities", "cce_logits", "cce_probabilities"])
def test_loss_gradients_match_numerical_gradients(case):
    labels = RNG.integers(0, 3, size=5)
    if case == "mse":
        y, pred = RNG.normal(size=(5, 2)), RNG.normal(size=(5, 2))
        loss, grad = mse, mse_gradient
    elif case.startswith("bce"):
        y = RNG.integers(0, 2, size=(5, 1)).astype(float)
        pred = RNG.normal(size=(5, 1)) if case == "bce_logits" else RNG.uniform(0.1, 0.9, size=(5, 1))
        options = {"from_logits": case == "bce_logits"}
        loss = lambda t, p: binary_cross_entropy(t, p, **options)            # noqa: E731
        grad = lambda t, p: binary_cross_entropy_gradient(t, p, **options)   # noqa: E731
    elif case == "cce_logits":
        y, pred = labels, RNG.normal(size=(5, 3))
        loss = lambda t, p: categorical_cross_entropy(t, p, from_logits=True)            # noqa: E731
        grad = lambda t, p: categorical_cross_entropy_gradient(t, p, from_logits=True)   # noqa: E731
    else:  # probabilities: each nudge of 1e-5 keeps the rows summing to 1 within the check's tolerance
        y, pred = one_hot(labels, 3), softmax(RNG.normal(size=(5, 3)))
        loss, grad = categorical_cross_entropy, categorical_cross_entropy_gradient
    numeric = numerical_gradient(lambda p: loss(y, p), pred.copy())
    assert relative_error(grad(y, pred), numeric) < 1e-6


def test_loss_arguments_are_checked():
    with pytest.raises(ValueError, match="same shape"):
        mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="from_logits"):
        categorical_cross_entropy([0], [[2.0, 3.0]])             # scores, not probabilities
    with pytest.raises(ValueError, match="y_true"):
        categorical_cross_entropy(np.zeros((2, 3)), np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="labels"):
        one_hot(np.array([0, 3]), 3)


# --- the network ---------------------------------------------------------------------------------

@pytest.mark.parametrize("activation,loss,n_outputs", [("tanh", "cross_entropy", 3), ("relu", "cross_entropy", 2),
                                                       ("tanh", "mse", 2), ("relu", "mse", 1)])
def test_two_layer_net_gradients_match_numerical_gradient(activation, loss, n_outputs):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(7, 3))
    y = rng.integers(0, n_outputs, size=7) if loss == "cross_entropy" else rng.normal(size=(7, n_outputs))
    if n_outputs == 1:
        y = y.ravel()
    net = TwoLayerNet(3, 6, n_outputs, activation=activation, loss=loss, seed=2)
    net.params["b1"] += 0.1    # biases start at 0; move them so their gradients are exercised too
    net.loss(x, y)
    grads = net.backward()
    numeric = numerical_gradient(lambda _: net.loss(x, y), net.params)
    assert {name: g.shape for name, g in grads.items()} == {name: p.shape for name, p in net.params.items()}
    assert relative_error(grads, numeric) < 1e-6


def test_two_layer_net_gradients_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    net = TwoLayerNet(2, 5, 3, seed=0)
    x, y = RNG.normal(size=(6, 2)), RNG.integers(0, 3, size=6)
    net.loss(x, y)
    grads = net.backward()
    variables = {name: tf.Variable(value) for name, value in net.params.items()}
    with tf.GradientTape() as tape:
        logits = tf.tanh(x @ variables["W1"] + variables["b1"]) @ variables["W2"] + variables["b2"]
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    expected = {name: g.numpy() for name, g in tape.gradient(loss, variables).items()}
    assert relative_error(grads, expected) < 1e-10


def test_two_layer_net_is_seeded_and_checks_arguments():
    first, second, other = TwoLayerNet(2, 4, 2, seed=3), TwoLayerNet(2, 4, 2, seed=3), TwoLayerNet(2, 4, 2, seed=4)
    np.testing.assert_array_equal(first.params["W1"], second.params["W1"])
    assert not np.array_equal(first.params["W1"], other.params["W1"])
    assert first.num_params == 2 * 4 + 4 + 4 * 2 + 2
    with pytest.raises(ValueError, match="n_hidden"):
        TwoLayerNet(2, 0, 2)
    with pytest.raises(ValueError, match="activation"):
        TwoLayerNet(2, 4, 2, activation="sigmoid")
    with pytest.raises(ValueError, match="loss"):
        TwoLayerNet(2, 4, 2, loss="hinge")
    with pytest.raises(ValueError, match="n_outputs"):
        TwoLayerNet(2, 4, 1, loss="cross_entropy")
    with pytest.raises(ValueError, match="x must have shape"):
        first.forward(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="backward"):
        TwoLayerNet(2, 4, 2).backward()
    with pytest.raises(ValueError, match="step"):
        TwoLayerNet(2, 4, 2).step(0.1)
    with pytest.raises(ValueError, match="lr"):
        first.step(-1.0)


def test_step_moves_against_the_gradient():
    net = TwoLayerNet(2, 4, 2, seed=0)
    x, y = RNG.normal(size=(8, 2)), RNG.integers(0, 2, size=8)
    before = {name: p.copy() for name, p in net.params.items()}
    loss_before = net.loss(x, y)
    grads = {name: g.copy() for name, g in net.backward().items()}
    net.step(0.01)
    for name in before:
        np.testing.assert_allclose(net.params[name], before[name] - 0.01 * grads[name])
    assert net.loss(x, y) < loss_before


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.5), ("adam", 0.02)])
def test_training_on_moons_lowers_the_loss_and_beats_chance(optimizer, lr):
    x, y = make_moons(400, seed=0)
    x_test, y_test = make_moons(200, seed=1)
    net = TwoLayerNet(2, 16, 2, seed=0)
    log = train(net, x, y, lr=lr, epochs=40, batch_size=32, optimizer=optimizer, validation_data=(x_test, y_test))
    assert log.history["loss"][-1] < 0.5 * log.initial["loss"]
    assert net.accuracy(x_test, y_test) > 0.9                  # chance is 0.5
    assert len(log.history["val_accuracy"]) == 40 and len(log.epoch_seconds) == 40
    assert len(log.step_losses) == 40 * 13                     # ceil(400 / 32) updates per epoch


def test_train_batch_sizes_and_arguments():
    x, y = make_moons(100, seed=0)
    full = train(TwoLayerNet(2, 4, 2, seed=0), x, y, lr=0.1, epochs=3, batch_size=None)
    single = train(TwoLayerNet(2, 4, 2, seed=0), x, y, lr=0.1, epochs=1, batch_size=1)
    assert len(full.step_losses) == 3 and len(single.step_losses) == 100
    regression = TwoLayerNet(2, 8, 1, loss="mse", seed=0)
    targets = x[:, 0] - x[:, 1]
    log = train(regression, x, targets, lr=0.1, epochs=30, batch_size=16)
    assert log.history["loss"][-1] < 0.2 * log.initial["loss"] and "accuracy" not in log.history
    with pytest.raises(ValueError, match="batch_size"):
        train(TwoLayerNet(2, 4, 2), x, y, lr=0.1, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="epochs"):
        train(TwoLayerNet(2, 4, 2), x, y, lr=0.1, epochs=-1)
    with pytest.raises(ValueError, match="optimizer"):
        train(TwoLayerNet(2, 4, 2), x, y, lr=0.1, epochs=1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="same non-zero length"):
        train(TwoLayerNet(2, 4, 2), x, y[:-1], lr=0.1, epochs=1)


def test_module_exports_are_documented():
    for name in ("numerical_gradient", "relative_error", "TwoLayerNet", "train", "mse", "binary_cross_entropy",
                 "categorical_cross_entropy"):
        assert getattr(backprop, name).__doc__
