"""dlcourse.widgets without a browser: front-end detection, static fallbacks, redraws on control changes."""

from __future__ import annotations

import types

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from dlcourse import widgets
from dlcourse.plots import conv2d, optimizer_path, softmax
from dlcourse.plots.kernels import KERNEL_PRESETS, sample_image
from dlcourse.plots.landscapes import get_surface
from dlcourse.widgets import frontend


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lines_by_label(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


def uniform_attention(text):
    tokens = text.split()
    n = len(tokens)
    return tokens, np.full((2, n, n), 1.0 / n)


def tiny_generator(z):
    return np.tanh(z[:, :16].reshape(-1, 4, 4))


# --- front-end detection --------------------------------------------------------------------------

def fake_ipython(monkeypatch, with_kernel: bool) -> None:
    import IPython

    shell = types.SimpleNamespace(kernel=object() if with_kernel else None)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)


def test_no_live_frontend_in_plain_python(monkeypatch):
    monkeypatch.delenv(frontend.STATIC_ENV, raising=False)
    assert widgets.has_live_frontend() is False


def test_live_frontend_inside_a_kernel_unless_static_is_forced(monkeypatch):
    monkeypatch.delenv(frontend.STATIC_ENV, raising=False)
    fake_ipython(monkeypatch, with_kernel=True)
    assert widgets.has_live_frontend() is True
    monkeypatch.setenv(frontend.STATIC_ENV, "1")
    assert widgets.has_live_frontend() is False
    monkeypatch.setenv(frontend.STATIC_ENV, "0")
    assert widgets.has_live_frontend() is True


def test_ipython_terminal_without_a_kernel_is_not_live(monkeypatch):
    monkeypatch.delenv(frontend.STATIC_ENV, raising=False)
    fake_ipython(monkeypatch, with_kernel=False)
    assert widgets.has_live_frontend() is False


# --- static fallback ------------------------------------------------------------------------------

STATIC_CASES = {
    "neuron": lambda: widgets.neuron_playground(),
    "activation": lambda: widgets.activation_explorer(),
    "descent": lambda: widgets.descent_explorer("bowl"),
    "convolution": lambda: widgets.convolution_explorer(),
    "attention": lambda: widgets.attention_explorer(uniform_attention),
    "gan": lambda: widgets.gan_latent_explorer(tiny_generator, latent_dim=16),
    "sampling": lambda: widgets.sampling_explorer(lambda p, t: p + "!", np.array([1.0, 0.0])),
}


@pytest.mark.parametrize("name", sorted(STATIC_CASES))
def test_widgets_draw_a_static_figure_without_a_live_frontend(monkeypatch, name):
    monkeypatch.setenv(frontend.STATIC_ENV, "1")
    result = STATIC_CASES[name]()
    assert isinstance(result, Figure)
    assert len(result.axes) >= 1
    assert result.number not in plt.get_fignums()  # closed in pyplot, so Jupyter shows it only once


def test_static_figure_shows_the_starting_values(monkeypatch):
    monkeypatch.setenv(frontend.STATIC_ENV, "1")
    fig = widgets.neuron_playground(w1=2.0, w2=0.5, b=-1.0, activation="tanh")
    assert fig.axes[0].get_title().startswith("tanh(2.00·x₁ + 0.50·x₂ − 1.00)")


# --- the shared panel -----------------------------------------------------------------------------

def test_interactive_figure_redraws_on_change_and_once_per_held_block():
    calls = []

    def draw(a, b):
        calls.append((a, b))
        fig, ax = plt.subplots()
        ax.plot([a, b])
        return fig

    panel = widgets.interactive_figure(draw, {"a": 1, "b": 2},
                                       lambda: {"a": ipw.IntSlider(value=1), "b": ipw.IntSlider(value=2)},
                                       static=False)
    assert isinstance(panel, widgets.InteractiveFigure) and calls == [(1, 2)]
    panel.controls["a"].value = 5
    assert calls[-1] == (5, 2) and panel.redraw_count == 2
    np.testing.assert_array_equal(panel.figure.axes[0].get_lines()[0].get_ydata(), [5, 2])
    with panel.hold_redraw():
        panel.controls["a"].value = 7
        panel.controls["b"].value = 8
    assert calls[-1] == (7, 8) and panel.redraw_count == 3
    assert panel.children[1] is panel.output


def test_a_failing_drawing_raises_outside_a_notebook():
    panel = widgets.attention_explorer(uniform_attention, "a b c", static=False)
    with pytest.raises(ValueError, match="text"):
        panel.controls["text"].value = "   "
    assert isinstance(panel.last_error, ValueError)


# --- each widget redraws with the new values ------------------------------------------------------

def test_neuron_playground_moves_the_decision_line():
    panel = widgets.neuron_playground(static=False)
    before = lines_by_label(panel.figure.axes[0])["w·x + b = 0"].get_ydata().copy()
    panel.controls["w1"].value = 3.0
    panel.controls["b"].value = 1.0
    line = lines_by_label(panel.figure.axes[0])["w·x + b = 0"]
    x1 = line.get_xdata()
    w2 = panel.controls["w2"].value
    np.testing.assert_allclose(line.get_ydata(), -(3.0 * x1 + 1.0) / w2)  # on the line w·x + b = 0
    assert not np.allclose(line.get_ydata(), before)
    assert panel.redraw_count == 3
    assert "3.00·x₁" in panel.figure.axes[0].get_title()


def test_draw_neuron_reports_accuracy_and_draws_the_activation_surface():
    x = np.array([[0.0, -1.0], [1.0, -2.0], [0.5, 1.0], [-1.0, 2.0]])
    y = np.array([0, 0, 1, 1])  # class 1 exactly where x2 > 0
    fig = widgets.draw_neuron(0.0, 1.0, 0.0, "sigmoid", x=x, y=y, resolution=20)
    ax = fig.axes[0]
    assert ax.get_title().endswith("accuracy 100%")
    surface = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled][0]
    assert surface.levels.min() >= 0.0 - 0.1 and surface.levels.max() <= 1.0 + 0.1  # sigmoid outputs
    flipped = widgets.draw_neuron(0.0, -1.0, 0.0, "sigmoid", x=x, y=y, resolution=20)
    assert flipped.axes[0].get_title().endswith("accuracy 0%")
    with pytest.raises(ValueError, match="activation"):
        widgets.draw_neuron(1.0, 1.0, 0.0, "cosine", x=x, y=y)


def test_activation_explorer_switches_function_and_threshold():
    panel = widgets.activation_explorer("sigmoid", static=False)
    assert "sigmoid(x)" in lines_by_label(panel.figure.axes[0])
    panel.controls["name"].value = "tanh"
    lines = lines_by_label(panel.figure.axes[0])
    x = lines["tanh(x)"].get_xdata()
    np.testing.assert_allclose(lines["tanh(x)"].get_ydata(), np.tanh(x))
    panel.controls["derivative"].value = False
    assert "tanh'(x)" not in lines_by_label(panel.figure.axes[0])
    panel.controls["threshold"].value = 0.0
    assert len(panel.figure.axes[0].patches) == 0  # no saturation shading


def test_descent_explorer_follows_surface_optimiser_and_start():
    panel = widgets.descent_explorer("rosenbrock", "sgd", static=False)
    panel.controls["surface"].value = "bowl"
    bowl = get_surface("bowl")
    values = panel.values()
    assert (values["start_x"], values["start_y"]) == bowl.start and values["steps"] == bowl.steps
    assert panel.controls["start_x"].max == bowl.x_range[1]
    assert panel.redraw_count == 2  # one redraw for the surface change, not one per moved slider

    panel.controls["optimizer"].value = "adam"
    assert panel.values()["lr"] == pytest.approx(bowl.learning_rates["adam"])
    panel.controls["start_x"].value = 1.0
    (path_line,) = [line for key, line in lines_by_label(panel.figure.axes[0]).items() if key.startswith("Adam")]
    expected = optimizer_path("adam", "bowl", (1.0, bowl.start[1]), panel.values()["lr"], bowl.steps)
    np.testing.assert_allclose(path_line.get_xdata(), expected[:, 0])

    panel.controls["optimizer"].value = "all four"
    labels = lines_by_label(panel.figure.axes[0])
    assert sum(key.split()[0] in {"SGD", "Momentum", "RMSprop", "Adam"} for key in labels) == 4
    assert panel.controls["lr"].disabled


def test_convolution_explorer_applies_presets_and_edited_cells():
    panel = widgets.convolution_explorer(static=False)
    image = sample_image()
    output = panel.figure.axes[2].get_images()[0].get_array()
    np.testing.assert_allclose(output, conv2d(image, KERNEL_PRESETS["edge"]))
    count = panel.redraw_count
    panel.presets.value = "blur"
    assert panel.redraw_count == count + 1  # nine boxes changed, one redraw
    np.testing.assert_allclose(panel.figure.axes[2].get_images()[0].get_array(),
                               conv2d(image, KERNEL_PRESETS["blur"]))
    panel.controls["k11"].value = 2.0
    assert panel.presets.value == "custom"
    kernel = KERNEL_PRESETS["blur"].copy()
    kernel[1, 1] = 2.0
    np.testing.assert_allclose(panel.figure.axes[1].get_images()[0].get_array(), kernel)


def test_attention_explorer_redraws_for_a_new_sentence():
    panel = widgets.attention_explorer(uniform_attention, "the cat sat", static=False)
    assert len(panel.figure.axes) == 2  # two heads
    panel.controls["text"].value = "a much longer sentence here"
    ax = panel.figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == "a much longer sentence here".split()
    np.testing.assert_allclose(ax.get_images()[0].get_array(), np.full((5, 5), 0.2))


def test_gan_latent_explorer_passes_slider_values_to_the_generator():
    seen = []

    def generator(z):
        seen.append(np.array(z))
        return tiny_generator(z)

    panel = widgets.gan_latent_explorer(generator, latent_dim=16, n_sliders=3, static=False)
    assert list(panel.controls) == ["z0", "z1", "z2"]
    rest = seen[-1][0, 3:].copy()
    panel.controls["z1"].value = 2.5
    z = seen[-1][0]
    assert z[1] == pytest.approx(2.5)
    np.testing.assert_array_equal(z[3:], rest)  # the other coordinates stay fixed
    np.testing.assert_allclose(panel.figure.axes[0].get_images()[0].get_array(),
                               (np.tanh(z[:16].reshape(4, 4)) + 1) / 2, rtol=1e-6)
    with pytest.raises(ValueError, match="latent_dim"):
        widgets.gan_latent_explorer(generator, latent_dim=0)


def test_sampling_explorer_samples_again_at_the_new_temperature():
    calls = []

    def sample(prompt, temperature):
        calls.append((prompt, temperature))
        return f"{prompt} sampled at {temperature:.2f}"

    logits = np.array([2.0, 1.0, 0.0, -1.0])
    panel = widgets.sampling_explorer(sample, logits, prompt="Once", tokens=list("abcd"), static=False)
    panel.controls["temperature"].value = 2.0
    assert calls[-1] == ("Once", pytest.approx(2.0))
    text_ax, bars_ax = panel.figure.axes
    assert "Once sampled at 2.00" in text_ax.texts[0].get_text()
    np.testing.assert_allclose([bar.get_height() for bar in bars_ax.patches], softmax(logits, 2.0))
    count = panel.redraw_count
    panel.sample_again.click()
    assert panel.redraw_count == count + 1 and len(calls) == count + 1
    with pytest.raises(ValueError, match="sample_fn"):
        widgets.sampling_explorer("not callable", logits)
