"""dlcourse.plots without Keras: the maths behind the plots and the artists each figure holds."""

from __future__ import annotations

import subprocess
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from dlcourse import plots
from dlcourse.plots import functions, landscapes, optimizers


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lines_by_label(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


# --- activation maths ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(functions.ACTIVATIONS))
def test_each_derivative_matches_finite_differences(name):
    activation = functions.get_activation(name)
    x = np.linspace(-3, 3, 12)  # avoids 0, where step and relu have a kink
    np.testing.assert_allclose(activation.derivative(x), numerical_derivative(activation.function, x), atol=1e-6)


def test_sigmoid_softplus_and_softmax_do_not_overflow():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = functions.sigmoid(x)
        sp = functions.softplus(x)
        p = functions.softmax(np.array([1000.0, 999.0, -1000.0]))
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.exp(30)), 0.5, 1 / (1 + np.exp(-30)), 1.0])
    assert sp[-1] == pytest.approx(1000.0) and sp[0] == pytest.approx(0.0)
    assert p.sum() == pytest.approx(1.0)
    assert p[0] / p[1] == pytest.approx(np.e)


def test_softmax_temperature_sharpens_and_flattens():
    logits = np.array([3.0, 1.0, 0.0])
    cold, normal, hot = (functions.softmax(logits, t) for t in (0.2, 1.0, 5.0))
    assert cold.max() > normal.max() > hot.max()
    np.testing.assert_allclose(functions.softmax(logits, 2.0), functions.softmax(logits / 2.0))
    with pytest.raises(ValueError, match="temperature"):
        functions.softmax(logits, 0.0)


def test_softmax_jacobian_matches_finite_differences():
    logits = np.array([0.5, -1.0, 2.0])
    numeric = np.stack([numerical_derivative(lambda v: functions.softmax(logits + v * e), 0.0)
                        for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(functions.softmax_jacobian(logits), numeric, atol=1e-6)


def test_unknown_activation_is_a_value_error():
    with pytest.raises(ValueError, match="activation"):
        functions.get_activation("swishy")


# --- training history -----------------------------------------------------------------------------

HISTORY = {"loss": [0.9, 0.5, 0.45, 0.4], "val_loss": [1.0, 0.6, 0.55, 0.7],
           "accuracy": [0.5, 0.7, 0.8, 0.85], "val_accuracy": [0.4, 0.6, 0.7, 0.65]}


def test_history_draws_train_and_validation_per_metric_and_marks_the_best_epoch():
    fig = plots.plot_history(HISTORY)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    loss_ax, accuracy_ax = fig.axes
    assert loss_ax.get_title() == "loss" and accuracy_ax.get_title() == "accuracy"
    loss_lines = lines_by_label(loss_ax)
    np.testing.assert_allclose(loss_lines["train"].get_ydata(), HISTORY["loss"])
    np.testing.assert_allclose(loss_lines["validation"].get_ydata(), HISTORY["val_loss"])
    np.testing.assert_array_equal(loss_lines["train"].get_xdata(), [1, 2, 3, 4])
    best = int(np.argmin(HISTORY["val_loss"])) + 1
    marker = loss_lines[f"best epoch {best}"]
    assert list(marker.get_xdata()) == [best] and list(marker.get_ydata()) == [min(HISTORY["val_loss"])]
    assert not any(label.startswith("best epoch") for label in lines_by_label(accuracy_ax))


def test_history_accepts_a_keras_like_history_object_and_a_chosen_monitor():
    class FakeHistory:  # what model.fit returns: an object with a .history dict
        history = HISTORY

    fig = plots.plot_history(FakeHistory(), metrics="accuracy", best="val_accuracy")
    (ax,) = fig.axes
    best = int(np.argmax(HISTORY["val_accuracy"])) + 1  # accuracy: higher is better
    assert f"best epoch {best}" in lines_by_label(ax)
    assert plots.best_epoch(HISTORY, "val_accuracy") == best
    assert plots.best_epoch(HISTORY, "val_loss") == int(np.argmin(HISTORY["val_loss"])) + 1


def test_history_draws_on_given_axes_and_validates_arguments():
    fig, axes = plt.subplots(1, 2)
    assert plots.plot_history(HISTORY, ["loss", "accuracy"], ax=axes) is fig
    assert len(axes[1].get_lines()) > 0
    with pytest.raises(ValueError, match="metrics"):
        plots.plot_history(HISTORY, "precision")
    with pytest.raises(ValueError, match="ax"):
        plots.plot_history(HISTORY, ["loss", "accuracy"], ax=axes[0])
    with pytest.raises(ValueError, match="history"):
        plots.plot_history({})
    with pytest.raises(ValueError, match="best"):
        plots.plot_history(HISTORY, best="val_auc")


# --- learning-rate sweep --------------------------------------------------------------------------

def test_lr_sweep_uses_a_log_axis_and_suggests_the_steepest_descent():
    rates = np.geomspace(1e-6, 1.0, 61)
    losses = 2.0 - np.tanh(2 * (np.log10(rates) + 3))  # falls fastest at lr = 1e-3
    losses[-1] = np.nan  # a diverged last step is left out
    fig = plots.plot_lr_sweep(rates, losses)
    (ax,) = fig.axes
    assert ax.get_xscale() == "log"
    lines = lines_by_label(ax)
    assert len(lines["loss"].get_ydata()) == 60
    suggested = plots.suggest_learning_rate(rates, losses)
    assert suggested == pytest.approx(1e-3, rel=0.3)
    (label,) = [name for name in lines if name.startswith("suggested lr")]
    assert lines[label].get_xdata()[0] == pytest.approx(suggested)
    with pytest.raises(ValueError, match="learning_rates"):
        plots.plot_lr_sweep([0.0, 0.1], [1.0, 0.5])


def test_lr_suggestion_ignores_noise_and_the_blow_up_past_the_minimum():
    rates = np.geomspace(1e-5, 10.0, 91)
    clean = 2.0 - np.tanh(1.5 * (np.log10(rates) + 2)) + 20 * np.clip(np.log10(rates) + 0.5, 0, None) ** 2
    noisy = clean + np.random.default_rng(0).normal(0, 0.08, len(rates))
    suggested = plots.suggest_learning_rate(rates, noisy)
    assert 10 ** -2.6 < suggested < 10 ** -1.4, suggested  # the clean curve falls fastest at 1e-2
    with pytest.raises(ValueError, match="same length"):
        plots.plot_lr_sweep([0.1, 0.2], [1.0])


# --- confusion matrix -----------------------------------------------------------------------------

Y_TRUE = [0, 0, 1, 1, 1, 2, 2, 2, 2]
Y_PRED = [0, 1, 1, 1, 2, 2, 2, 0, 2]


def test_confusion_matrix_counts_each_true_predicted_pair():
    counts = plots.confusion_matrix(Y_TRUE, Y_PRED)
    for i in range(3):
        for j in range(3):
            assert counts[i, j] == sum(t == i and p == j for t, p in zip(Y_TRUE, Y_PRED))
    probabilities = np.eye(3)[Y_PRED] * 0.8 + 0.1  # argmax gives back Y_PRED
    np.testing.assert_array_equal(plots.confusion_matrix(Y_TRUE, probabilities), counts)


def test_confusion_matrix_plot_shows_counts_names_and_normalised_rows():
    fig = plots.plot_confusion_matrix(Y_TRUE, Y_PRED, class_names=["cat", "dog", "fox"])
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), plots.confusion_matrix(Y_TRUE, Y_PRED))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "fox"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog", "fox"]
    cell_texts = [t.get_text() for t in ax.texts]
    assert len(cell_texts) == 9 and cell_texts[0] == "1" and cell_texts[8] == "3"
    assert len(fig.axes) == 2  # with its colour bar

    normalised = plots.plot_confusion_matrix(Y_TRUE, Y_PRED, normalize="true", colorbar=False)
    shown = normalised.axes[0].get_images()[0].get_array()
    np.testing.assert_allclose(np.asarray(shown).sum(axis=1), 1.0)
    assert "true class" in normalised.axes[0].get_title()
    with pytest.raises(ValueError, match="normalize"):
        plots.plot_confusion_matrix(Y_TRUE, Y_PRED, normalize="rows")
    with pytest.raises(ValueError, match="same length"):
        plots.confusion_matrix([0, 1], [0])


# --- decision boundary ----------------------------------------------------------------------------

def test_decision_boundary_predicts_on_a_grid_and_draws_regions_boundary_and_points():
    from dlcourse.data import make_moons

    x, y = make_moons(120, seed=0)
    seen = []

    def predict(points):
        seen.append(points.shape)
        return 1 / (1 + np.exp(-5 * points[:, 1]))  # P(class 1) rises with x2, boundary at x2 = 0

    fig = plots.plot_decision_boundary(predict, x, y, resolution=50)
    ax = fig.axes[0]
    assert seen == [(2500, 2)]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert any(c.filled for c in contours)
    (boundary,) = [c for c in contours if not c.filled]
    np.testing.assert_allclose(boundary.levels, [0.5])
    scattered = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert scattered == len(x)
    assert ax.get_xlim()[0] < x[:, 0].min() and ax.get_ylim()[1] > x[:, 1].max()


def test_decision_boundary_takes_class_scores_for_several_classes():
    x = np.random.default_rng(0).normal(size=(60, 2))
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0).astype(int)
    scores = lambda p: np.stack([-p[:, 0] - p[:, 1], np.zeros(len(p)), p[:, 0] + p[:, 1]], axis=1)  # noqa: E731
    fig = plots.plot_decision_boundary(scores, x, y, resolution=40)
    filled = [c for c in fig.axes[0].collections if isinstance(c, ContourSet) and c.filled]
    np.testing.assert_allclose(filled[0].levels, [-0.5, 0.5, 1.5, 2.5])
    with pytest.raises(ValueError, match="x"):
        plots.plot_decision_boundary(scores, x[:, :1], y)


# --- image grids ----------------------------------------------------------------------------------

def test_image_grid_titles_mistakes_in_red():
    images = np.random.default_rng(0).random((7, 28, 28, 1))
    y_true = [0, 1, 2, 0, 1, 2, 0]
    y_pred = [0, 2, 2, 0, 1, 0, 0]
    fig = plots.plot_image_grid(images, y_true, y_pred, class_names=["a", "b", "c"])
    assert len(fig.axes) == 7
    for ax, truth, guess in zip(fig.axes, y_true, y_pred):
        assert ax.get_images()[0].get_array().shape == (28, 28)
        assert ax.get_title() == f"true: {'abc'[truth]}\npred: {'abc'[guess]}"
        assert ax.title.get_color() == ("red" if truth != guess else "black")


def test_image_grid_limits_the_count_shows_colour_and_takes_titles():
    rgb = np.random.default_rng(1).integers(0, 256, size=(30, 8, 8, 3), dtype=np.uint8)
    fig = plots.plot_image_grid(rgb, max_images=12, ncols=4)
    assert len(fig.axes) == 12
    assert fig.axes[0].get_images()[0].get_array().shape == (8, 8, 3)
    np.testing.assert_allclose(fig.axes[0].get_images()[0].get_array(), rgb[0] / 255)
    titled = plots.plot_image_grid(rgb[:2], titles=["first", "second"])
    assert [ax.get_title() for ax in titled.axes] == ["first", "second"]
    with pytest.raises(ValueError, match="y_pred"):
        plots.plot_image_grid(rgb[:3], [0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="images"):
        plots.plot_image_grid(np.zeros((4, 4)))


def test_pixel_ranges_are_guessed_from_dtype_and_values():
    from dlcourse.plots.images import to_displayable, value_range_of

    assert value_range_of(np.zeros((2, 2), dtype=np.uint8)) == (0.0, 255.0)
    assert value_range_of(np.array([0.0, 1.04])) == (0.0, 1.0)  # a little noise overshoot
    assert value_range_of(np.array([-0.9, 0.7])) == (-1.0, 1.0)  # tanh outputs
    assert value_range_of(np.array([-5.0, 5.0])) == (-5.0, 5.0)
    np.testing.assert_allclose(to_displayable(np.array([[-1.0, 0.0], [1.0, 0.5]])), [[0.0, 0.5], [1.0, 0.75]])


# --- activations ----------------------------------------------------------------------------------

def test_activation_plot_draws_function_derivative_and_saturated_regions():
    fig = plots.plot_activation("sigmoid", x_range=(-8, 8), threshold=0.05)
    ax = fig.axes[0]
    lines = lines_by_label(ax)
    x = lines["sigmoid(x)"].get_xdata()
    np.testing.assert_allclose(lines["sigmoid(x)"].get_ydata(), functions.sigmoid(x))
    np.testing.assert_allclose(lines["sigmoid'(x)"].get_ydata(), functions.sigmoid_derivative(x))
    intervals = plots.saturated_intervals(x, "sigmoid", 0.05)
    assert len(intervals) == 2  # both tails
    for start, end in intervals:
        inside = (x >= start) & (x <= end)
        assert np.all(functions.sigmoid_derivative(x[inside]) < 0.05)
    labels = [patch.get_label() for patch in ax.patches]
    assert len(labels) == 2 and sum(label.startswith("saturated") for label in labels) == 1

    relu = plots.saturated_intervals(np.linspace(-2, 2, 41), "relu")
    assert relu == [(-2.0, pytest.approx(0.0))]  # a dead ReLU passes no gradient for x <= 0


def test_activations_grid_has_one_panel_per_function():
    fig = plots.plot_activations(["sigmoid", "tanh", "relu"])
    assert [ax.get_title() for ax in fig.axes] == ["sigmoid", "tanh", "relu"]
    with pytest.raises(ValueError, match="x_range"):
        plots.plot_activation("tanh", x_range=(2, 1))


# --- loss surfaces and optimisers -----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(landscapes.SURFACES))
def test_surface_gradients_match_finite_differences(name):
    surface = landscapes.get_surface(name)
    for x, y in [(0.3, -0.7), (-1.1, 1.4), (2.0, 0.5)]:
        gx, gy = surface.gradient(x, y)
        assert gx == pytest.approx(numerical_derivative(lambda v: surface(v, y), x), rel=1e-5, abs=1e-6)
        assert gy == pytest.approx(numerical_derivative(lambda v: surface(x, v), y), rel=1e-5, abs=1e-6)
    if surface.minimum is not None:
        assert surface(*surface.minimum) == pytest.approx(0.0)
        np.testing.assert_allclose(surface.gradient(*surface.minimum), 0.0, atol=1e-12)


def test_sgd_on_the_bowl_follows_the_closed_form():
    lr, steps, start = 0.3, 20, np.array([2.0, 1.0])
    path = plots.optimizer_path("sgd", "bowl", start, lr, steps)
    assert path.shape == (steps + 1, 2)
    t = np.arange(steps + 1)
    # bowl = 0.1 x^2 + y^2, so each step multiplies x by (1 - 0.2 lr) and y by (1 - 2 lr)
    np.testing.assert_allclose(path[:, 0], start[0] * (1 - 0.2 * lr) ** t)
    np.testing.assert_allclose(path[:, 1], start[1] * (1 - 2 * lr) ** t)


def test_optimiser_first_steps_follow_their_rules():
    start, lr = (-1.2, 1.0), 0.01
    grad = np.array(landscapes.rosenbrock_gradient(*start))
    sgd = plots.optimizer_path("sgd", "rosenbrock", start, lr, 1)
    momentum = plots.optimizer_path("momentum", "rosenbrock", start, lr, 1)
    adam = plots.optimizer_path("adam", "rosenbrock", start, lr, 1)
    rmsprop = plots.optimizer_path("rmsprop", "rosenbrock", start, lr, 1)
    np.testing.assert_allclose(sgd[1], start - lr * grad)
    np.testing.assert_allclose(momentum[1], sgd[1])  # no velocity yet
    np.testing.assert_allclose(adam[1], start - lr * np.sign(grad), rtol=1e-6)  # Adam's first step has size lr
    np.testing.assert_allclose(rmsprop[1], start - lr * np.sign(grad) / np.sqrt(0.1), rtol=1e-6)


@pytest.mark.parametrize("name", optimizers.OPTIMIZERS)
def test_every_optimiser_gets_down_the_bowl_with_its_default_rate(name):
    surface = landscapes.get_surface("bowl")
    path = plots.optimizer_path(name, surface, surface.start, surface.learning_rates[name], surface.steps)
    assert surface(*path[-1]) < 0.01 * surface(*path[0])


def test_diverging_paths_stop_and_bad_arguments_are_rejected():
    path = plots.optimizer_path("sgd", "bowl", (1.0, 1.0), lr=2.5, steps=500)  # 1 - 2*2.5 = -4: blows up
    assert len(path) < 501 and np.all(np.isfinite(path))
    with pytest.raises(ValueError, match="name"):
        plots.optimizer_path("lbfgs", "bowl", (1, 1), 0.1, 5)
    with pytest.raises(ValueError, match="lr"):
        plots.optimizer_path("sgd", "bowl", (1, 1), -0.1, 5)
    with pytest.raises(ValueError, match="surface"):
        plots.optimizer_path("sgd", "himmelblau", (1, 1), 0.1, 5)
    with pytest.raises(ValueError, match="start"):
        plots.optimizer_path("sgd", "bowl", (1, 1, 1), 0.1, 5)


def test_loss_surface_plot_has_one_path_per_optimiser_and_the_markers():
    fig = plots.plot_loss_surface("rosenbrock", steps=50)
    ax = fig.axes[0]
    lines = lines_by_label(ax)
    surface = landscapes.get_surface("rosenbrock")
    for name, label in optimizers.OPTIMIZER_LABELS.items():
        (key,) = [k for k in lines if k.startswith(label + " ")]
        expected = plots.optimizer_path(name, surface, surface.start, surface.learning_rates[name], 50)
        np.testing.assert_allclose(np.column_stack([lines[key].get_xdata(), lines[key].get_ydata()]), expected)
    assert list(lines["start"].get_xdata()) == [surface.start[0]]
    assert list(lines["minimum"].get_xdata()) == [1.0]
    assert any(isinstance(c, ContourSet) and c.filled for c in ax.collections)

    saddle = plots.plot_loss_surface("saddle", optimizers=["adam"], lr=0.05, start=(1.0, 0.1), steps=10)
    saddle_lines = lines_by_label(saddle.axes[0])
    assert "minimum" not in saddle_lines and "Adam (lr=0.05)" in saddle_lines
    assert len(saddle_lines["Adam (lr=0.05)"].get_xdata()) == 11
    with pytest.raises(ValueError, match="optimizers"):
        plots.plot_loss_surface("bowl", optimizers=[])


# --- convolution ----------------------------------------------------------------------------------

def naive_cross_correlation(image, kernel):
    padded = np.pad(image, 1)
    out = np.zeros_like(image)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            out[i, j] = np.sum(padded[i:i + 3, j:j + 3] * kernel)
    return out


def test_conv2d_matches_a_naive_loop_and_keeps_identity():
    rng = np.random.default_rng(0)
    image, kernel = rng.random((9, 11)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(plots.conv2d(image, kernel), naive_cross_correlation(image, kernel))
    np.testing.assert_allclose(plots.conv2d(image, plots.KERNEL_PRESETS["identity"]), image)
    assert plots.conv2d(image, kernel, padding="valid").shape == (7, 9)
    with pytest.raises(ValueError, match="padding"):
        plots.conv2d(image, kernel, padding="full")
    with pytest.raises(ValueError, match="image"):
        plots.conv2d(rng.random((4, 4, 3)), kernel)


def test_convolution_plot_shows_input_kernel_and_output():
    image = plots.sample_image(16)
    kernel = plots.KERNEL_PRESETS["sharpen"]
    fig = plots.plot_convolution(image, kernel)
    assert [ax.get_title() for ax in fig.axes] == ["input", "kernel", "output"]
    np.testing.assert_allclose(fig.axes[1].get_images()[0].get_array(), kernel)
    np.testing.assert_allclose(fig.axes[2].get_images()[0].get_array(), plots.conv2d(image, kernel))
    assert [t.get_text() for t in fig.axes[1].texts] == [f"{v:.2g}" for v in kernel.ravel()]


# --- gradient norms -------------------------------------------------------------------------------

def test_gradient_norms_plot_one_point_per_layer_on_a_log_axis():
    norms = {"dense": 1e-6, "dense_1": 1e-4, "dense_2": 1e-2}
    fig = plots.plot_gradient_norms(norms)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), list(norms.values()))
    assert [t.get_text() for t in ax.get_xticklabels()] == list(norms)


def test_gradient_norms_compare_runs_and_reject_bad_values():
    fig = plots.plot_gradient_norms({"sigmoid": [1e-5, 1e-3, 1e-1], "relu": [0.2, 0.3, 0.3]}, log_scale=False)
    lines = lines_by_label(fig.axes[0])
    assert set(lines) == {"sigmoid", "relu"} and fig.axes[0].get_yscale() == "linear"
    np.testing.assert_allclose(lines["relu"].get_ydata(), [0.2, 0.3, 0.3])
    with pytest.raises(ValueError, match="norms"):
        plots.plot_gradient_norms([0.1, -1.0])


# --- forecasts, attention, GAN samples, temperature -----------------------------------------------

def test_forecast_plot_puts_the_horizon_after_the_past():
    past, truth = np.sin(np.arange(30) / 4), np.sin(np.arange(30, 38) / 4)
    fig = plots.plot_forecast(truth, {"naive": np.full(8, past[-1]), "model": truth + 0.1}, past=past)
    lines = lines_by_label(fig.axes[0])
    assert {"past", "truth", "naive", "model"} <= set(lines)
    np.testing.assert_array_equal(lines["past"].get_xdata(), np.arange(30))
    np.testing.assert_array_equal(lines["truth"].get_xdata(), np.arange(30, 38))
    np.testing.assert_allclose(lines["model"].get_ydata(), truth + 0.1)
    single = plots.plot_forecast(truth, truth * 0.9)
    assert len(lines_by_label(single.axes[0])["forecast"].get_ydata()) == 8
    with pytest.raises(ValueError, match="y_pred"):
        plots.plot_forecast(truth, truth[:5])


def test_attention_heat_map_and_heads():
    tokens = ["the", "cat", "sat", "down"]
    weights = np.random.default_rng(0).dirichlet(np.ones(4), size=(3, 4))
    fig = plots.plot_attention(weights[0], tokens)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.get_images()[0].get_array(), weights[0])
    assert [t.get_text() for t in ax.get_xticklabels()] == tokens
    assert [t.get_text() for t in ax.get_yticklabels()] == tokens
    heads = plots.plot_attention_heads(weights, tokens)
    assert [a.get_title() for a in heads.axes] == ["head 1", "head 2", "head 3"]
    np.testing.assert_allclose(heads.axes[2].get_images()[0].get_array(), weights[2])
    with pytest.raises(ValueError, match="weights"):
        plots.plot_attention(weights[0], tokens[:3])


def test_gan_samples_come_from_seeded_latent_vectors():
    calls = []

    def generator(z):
        calls.append(z.copy())
        return np.tanh(z[:, :36].reshape(-1, 6, 6))

    fig = plots.plot_gan_samples(generator, latent_dim=40, n=6, seed=3)
    assert calls[0].shape == (6, 40)
    assert len(fig.axes) == 6
    shown = fig.axes[0].get_images()[0].get_array()
    np.testing.assert_allclose(shown, (np.tanh(calls[0][0, :36].reshape(6, 6)) + 1) / 2, rtol=1e-6)  # [-1,1]->[0,1]
    plots.plot_gan_samples(generator, latent_dim=40, n=6, seed=3)
    np.testing.assert_array_equal(calls[0], calls[1])
    with pytest.raises(ValueError, match="latent_dim"):
        plots.plot_gan_samples(generator, n=2)


def test_gan_samples_of_a_conditional_generator_show_the_asked_classes():
    import keras

    from dlcourse import models

    generator = models.dcgan_generator(latent_dim=4, image_shape=(4, 4, 1), filters=(4,), num_classes=3)
    fig = plots.plot_gan_samples(generator, n=3, seed=0, labels=[0, 1, 2])
    z = plots.latent_vectors(3, 4, 0)
    expected = keras.ops.convert_to_numpy(generator([z, np.array([0, 1, 2])], training=False))
    np.testing.assert_allclose(fig.axes[2].get_images()[0].get_array(), (expected[2, :, :, 0] + 1) / 2, atol=1e-5)
    with pytest.raises(ValueError, match="^labels: this generator is conditional"):
        plots.plot_gan_samples(generator, n=3)
    with pytest.raises(ValueError, match="^labels: this generator is not conditional"):
        plots.plot_gan_samples(models.dcgan_generator(latent_dim=4, image_shape=(4, 4, 1), filters=(4,)), n=3,
                               labels=[0, 1, 2])


def test_temperature_distribution_bars_are_the_tempered_softmax():
    logits = np.array([0.5, 3.0, 1.0, -1.0, 2.0])
    fig = plots.plot_temperature_distribution(logits, 0.5, tokens=list("abcde"), top_k=3)
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, np.sort(functions.softmax(logits, 0.5))[::-1][:3])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["'b'", "'e'", "'c'"]
    with pytest.raises(ValueError, match="temperature"):
        plots.plot_temperature_distribution(logits, 0)


# --- the package itself ---------------------------------------------------------------------------

def test_plots_return_figures_and_draw_on_a_given_ax():
    fig, ax = plt.subplots()
    assert plots.plot_activation("relu", ax=ax) is fig
    assert plots.plot_forecast([1, 2], [1, 3], ax=ax) is fig


def test_importing_plots_does_not_import_keras_or_tensorflow():
    code = ("import sys, dlcourse.plots, dlcourse.widgets; "
            "print('keras' in sys.modules, 'tensorflow' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]

