"""Look inside recurrent networks: gradients through time, LSTM and GRU gates, an unrolled-RNN diagram.

* ``input_gradient_norms``: how strongly the final output of a sequence model depends on
  each input time step (the norm of d output / d x_t) - the picture of vanishing gradients
  through time;
* ``lstm_gates`` / ``gru_gates``: replay a trained Keras ``LSTM`` / ``GRU`` layer step by step
  in NumPy and return every gate's activation at every step (the layer itself only returns
  its hidden states);
* ``plot_gates``: those activations over time, one panel per gate;
* ``plot_unrolled_rnn``: the diagram of a recurrent cell, folded (a loop) and unrolled in time;
* ``marked_value_task``: a toy long-memory problem (remember the number that carried a marker,
  many steps later) on which a SimpleRNN fails and an LSTM or GRU succeeds.

Notebook 07 uses them and the exercises reuse them.

Example:
    >>> import keras, numpy as np
    >>> layer = keras.layers.LSTM(4, return_sequences=True)
    >>> x = np.random.default_rng(0).normal(size=(2, 10, 3)).astype("float32")
    >>> gates = lstm_gates(layer, x)          # builds the layer if needed
    >>> sorted(gates), gates["forget"].shape
    (['candidate', 'cell', 'forget', 'hidden', 'input', 'output'], (2, 10, 4))
    >>> bool(np.allclose(gates["hidden"], layer(x), atol=1e-5))
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: What each gate does, in one line (used as panel titles by :func:`plot_gates`).
GATE_ROLES = {
    "input": "input gate i: how much of the candidate to write",
    "forget": "forget gate f: how much of the old cell state to keep",
    "candidate": "candidate g: the new content proposed",
    "output": "output gate o: how much of the cell to show",
    "cell": "cell state c: the long-term memory",
    "hidden": "hidden state h: the output at each step",
    "update": "update gate z: how much of the old state to keep",
    "reset": "reset gate r: how much of the old state the candidate may use",
}


def marked_value_task(n: int, steps: int = 40, *, mark_within: int | None = None, seed: int = 0
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A long-memory toy problem: a sequence of random numbers, one of them marked; predict the marked number.

    Each sequence has two features per step: a random value in [-1, 1] and a marker
    (1 at one step, 0 elsewhere). The target is the value at the marked step. The
    mark falls within the first ``mark_within`` steps, so the network must carry the
    value across at least ``steps - mark_within`` later steps of distracting noise.
    Predicting 0 (knowing nothing) gives a mean squared error of 1/3.

    Args:
        n: how many sequences.
        steps: length of each sequence.
        mark_within: the marker lies in steps ``0 .. mark_within - 1`` (default: the first quarter).
        seed: random seed.

    Returns:
        ``x`` of shape ``(n, steps, 2)`` (float32), target ``y`` of shape ``(n,)`` and the marked ``positions``.

    Example:
        >>> x, y, positions = marked_value_task(3, steps=10, seed=1)
        >>> x.shape, bool(np.allclose(y, x[np.arange(3), positions, 0]))
        ((3, 10, 2), True)
    """
    for name, value in {"n": n, "steps": steps}.items():
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    mark_within = max(1, steps // 4) if mark_within is None else mark_within
    if not isinstance(mark_within, (int, np.integer)) or not 1 <= mark_within <= steps:
        raise ValueError(f"mark_within must be an integer from 1 to steps ({steps}), got {mark_within!r}")
    rng = np.random.default_rng(seed)
    values = rng.uniform(-1.0, 1.0, size=(n, steps))
    positions = rng.integers(0, mark_within, size=n)
    markers = np.zeros((n, steps))
    markers[np.arange(n), positions] = 1.0
    x = np.stack([values, markers], axis=-1).astype("float32")
    return x, values[np.arange(n), positions].astype("float32"), positions


def _sequences(x: Any) -> np.ndarray:
    array = np.asarray(x, dtype=float)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(f"x must be a batch of sequences (batch, timesteps, features) or one sequence "
                         f"(timesteps, features), got shape {np.shape(x)}")
    return array


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


def _cell_weights(layer: Any, kind: str, x: np.ndarray) -> Any:
    """The layer's cell, built for ``x``'s feature size, after checking it uses the default activations."""
    import keras

    expected = keras.layers.LSTM if kind == "lstm" else keras.layers.GRU
    if not isinstance(layer, expected):
        raise ValueError(f"layer must be a keras.layers.{expected.__name__}, got {type(layer).__name__}")
    if not layer.built:
        layer.build((None, None, x.shape[-1]))
    cell = layer.cell
    if cell.kernel.shape[0] != x.shape[-1]:
        raise ValueError(f"x has {x.shape[-1]} features but the layer expects {cell.kernel.shape[0]}")
    if cell.activation is not keras.activations.tanh or cell.recurrent_activation is not keras.activations.sigmoid:
        raise ValueError("layer: only the default activations (tanh, and sigmoid for the gates) are supported")
    return cell


def _weights(cell: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    kernel = np.asarray(cell.kernel.numpy(), dtype=float)
    recurrent = np.asarray(cell.recurrent_kernel.numpy(), dtype=float)
    bias = np.asarray(cell.bias.numpy(), dtype=float) if cell.use_bias else None
    return kernel, recurrent, bias


def lstm_gates(layer: Any, x: Any) -> dict[str, np.ndarray]:
    """Every gate of a Keras ``LSTM`` layer at every time step, recomputed in NumPy.

    For each step, with ``[a, b]`` the concatenation and ``σ`` the sigmoid::

        i = σ(x_t W_i + h_{t-1} U_i + b_i)      input gate
        f = σ(x_t W_f + h_{t-1} U_f + b_f)      forget gate
        g = tanh(x_t W_g + h_{t-1} U_g + b_g)   candidate
        o = σ(x_t W_o + h_{t-1} U_o + b_o)      output gate
        c_t = f * c_{t-1} + i * g               cell state
        h_t = o * tanh(c_t)                     hidden state (the output)

    Args:
        layer: a ``keras.layers.LSTM`` with the default activations (built or not).
        x: ``(batch, timesteps, features)`` or one sequence ``(timesteps, features)``.

    Returns:
        ``{"input", "forget", "candidate", "output", "cell", "hidden"}``, each ``(batch, timesteps, units)``.

    Example:
        >>> import keras
        >>> gates = lstm_gates(keras.layers.LSTM(2), np.zeros((5, 1)))
        >>> gates["cell"].shape
        (1, 5, 2)
    """
    sequences = _sequences(x)
    cell = _cell_weights(layer, "lstm", sequences)
    kernel, recurrent, bias = _weights(cell)
    units = recurrent.shape[0]
    batch, steps, _ = sequences.shape
    h, c = np.zeros((batch, units)), np.zeros((batch, units))
    names = ("input", "forget", "candidate", "output", "cell", "hidden")
    out = {name: np.zeros((batch, steps, units)) for name in names}
    for t in range(steps):
        z = sequences[:, t] @ kernel + h @ recurrent + (0.0 if bias is None else bias)
        i, f = _sigmoid(z[:, :units]), _sigmoid(z[:, units:2 * units])
        g, o = np.tanh(z[:, 2 * units:3 * units]), _sigmoid(z[:, 3 * units:])
        c = f * c + i * g
        h = o * np.tanh(c)
        for name, value in zip(names, (i, f, g, o, c, h)):
            out[name][:, t] = value
    return out


def gru_gates(layer: Any, x: Any) -> dict[str, np.ndarray]:
    """Every gate of a Keras ``GRU`` layer at every time step, recomputed in NumPy.

    Keras' convention (``reset_after=True``, the default)::

        z = σ(x_t W_z + h_{t-1} U_z + b_z)                 update gate
        r = σ(x_t W_r + h_{t-1} U_r + b_r)                 reset gate
        g = tanh(x_t W_h + r * (h_{t-1} U_h + b'_h) + b_h)  candidate
        h_t = z * h_{t-1} + (1 - z) * g                    z near 1 keeps the old state

    Args:
        layer: a ``keras.layers.GRU`` with the default activations (built or not).
        x: ``(batch, timesteps, features)`` or one sequence ``(timesteps, features)``.

    Returns:
        ``{"update", "reset", "candidate", "hidden"}``, each ``(batch, timesteps, units)``.

    Example:
        >>> import keras
        >>> gates = gru_gates(keras.layers.GRU(3), np.zeros((4, 2)))
        >>> gates["update"].shape
        (1, 4, 3)
    """
    sequences = _sequences(x)
    cell = _cell_weights(layer, "gru", sequences)
    kernel, recurrent, bias = _weights(cell)
    units = recurrent.shape[0]
    if bias is None:
        input_bias = recurrent_bias = np.zeros(3 * units)
    elif cell.reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, np.zeros(3 * units)
    batch, steps, _ = sequences.shape
    h = np.zeros((batch, units))
    names = ("update", "reset", "candidate", "hidden")
    out = {name: np.zeros((batch, steps, units)) for name in names}
    for t in range(steps):
        from_x = sequences[:, t] @ kernel + input_bias
        from_h = h @ recurrent[:, :2 * units] + recurrent_bias[:2 * units]
        z = _sigmoid(from_x[:, :units] + from_h[:, :units])
        r = _sigmoid(from_x[:, units:2 * units] + from_h[:, units:])
        if cell.reset_after:
            g = np.tanh(from_x[:, 2 * units:] + r * (h @ recurrent[:, 2 * units:] + recurrent_bias[2 * units:]))
        else:
            g = np.tanh(from_x[:, 2 * units:] + (r * h) @ recurrent[:, 2 * units:])
        h = z * h + (1.0 - z) * g
        for name, value in zip(names, (z, r, g, h)):
            out[name][:, t] = value
    return out


def input_gradient_norms(model: Any, x: Any, *, output_index: int = -1) -> np.ndarray:
    """How much a sequence model's output depends on each input step: ``‖∂ output / ∂ x_t‖`` for every ``t``.

    The output is ``model(x)`` summed over its units (and, for a model that returns
    sequences, taken at time step ``output_index``). The gradient with respect to
    the inputs, of shape ``(batch, timesteps, features)``, is reduced to one L2 norm
    per time step and averaged over the batch. Needs the TensorFlow backend.

    Args:
        model: a Keras model or layer taking ``(batch, timesteps, features)``.
        x: a batch of input sequences.
        output_index: which output step to differentiate when the model returns a sequence.

    Returns:
        ``(timesteps,)``: the mean gradient norm for each input step (first step first).

    Example:
        >>> import keras
        >>> rnn = keras.layers.SimpleRNN(8)
        >>> norms = input_gradient_norms(rnn, np.ones((2, 30, 1), "float32"))
        >>> norms.shape, bool(norms[-1] > norms[0])
        ((30,), True)
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError("input_gradient_norms needs the TensorFlow backend "
                           f"(this Keras runs on {keras.backend.backend()!r})")
    import tensorflow as tf

    sequences = _sequences(x)
    if not isinstance(output_index, (int, np.integer)) or isinstance(output_index, bool):
        raise ValueError(f"output_index must be an integer, got {output_index!r}")
    inputs = tf.constant(sequences, dtype="float32")
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = model(inputs)
        if len(outputs.shape) == 3:
            if not -outputs.shape[1] <= output_index < outputs.shape[1]:
                raise ValueError(f"output_index {output_index} is outside the {outputs.shape[1]} output steps")
            outputs = outputs[:, output_index]
        total = tf.reduce_sum(outputs)
    gradient = tape.gradient(total, inputs)
    if gradient is None:
        raise ValueError("model: its output does not depend on x")
    return np.sqrt(np.sum(np.square(gradient.numpy()), axis=-1)).mean(axis=0)


def plot_gates(gates: Mapping[str, Any], *, x: Any = None, units: Sequence[int] | None = None,
               names: Sequence[str] | None = None, example: int = 0, title: str | None = None,
               feature_names: Sequence[str] | None = None) -> Figure:
    """Gate activations over time, one panel per gate (and the input on top when ``x`` is given).

    Args:
        gates: the result of :func:`lstm_gates` or :func:`gru_gates` (arrays ``(batch, timesteps, units)``).
        x: the input sequences, drawn in the first panel.
        units: which units to draw (default: all, up to 8).
        names: which gates to draw, in order (default: all of ``gates``).
        example: which sequence of the batch to draw.
        title: the figure's title.
        feature_names: legend labels for the input features (default: "feature 0", ...).

    Example:
        >>> import keras
        >>> x = np.random.default_rng(0).normal(size=(1, 20, 1))
        >>> fig = plot_gates(lstm_gates(keras.layers.LSTM(3), x), x=x, names=["forget", "cell"])
    """
    import matplotlib.pyplot as plt

    names = list(gates) if names is None else list(names)
    unknown = [name for name in names if name not in gates]
    if not names or unknown:
        raise ValueError(f"names must be gates in gates ({', '.join(gates)}); unknown: {unknown or 'none given'}")
    arrays = {name: np.asarray(gates[name], dtype=float) for name in names}
    batch, steps, n_units = arrays[names[0]].shape
    if not 0 <= example < batch:
        raise ValueError(f"example must be between 0 and {batch - 1}, got {example!r}")
    units = list(range(min(n_units, 8))) if units is None else list(units)
    if not units or any(not 0 <= u < n_units for u in units):
        raise ValueError(f"units must be indices between 0 and {n_units - 1}, got {units!r}")

    panels = len(names) + (x is not None)
    fig, axes = plt.subplots(panels, 1, figsize=(9, 1.55 * panels + 0.6), sharex=True, squeeze=False)
    axes = axes[:, 0]
    steps_axis = np.arange(steps)
    if x is not None:
        inputs = _sequences(x)[example]
        labels = [f"feature {i}" for i in range(inputs.shape[-1])] if feature_names is None else list(feature_names)
        if len(labels) != inputs.shape[-1]:
            raise ValueError(f"feature_names must name the {inputs.shape[-1]} input features, got {len(labels)}")
        for feature in range(inputs.shape[-1]):
            axes[0].plot(steps_axis, inputs[:, feature], "-o", markersize=2.5, label=labels[feature])
        axes[0].set_title("input x_t", fontsize=9, loc="left")
        if inputs.shape[-1] > 1:
            axes[0].legend(fontsize=7, loc="upper right")
    for ax, name in zip(axes[panels - len(names):], names):
        for u in units:
            ax.plot(steps_axis, arrays[name][example, :, u], label=f"unit {u}")
        ax.set_title(GATE_ROLES.get(name, name), fontsize=9, loc="left")
        if name in ("input", "forget", "output", "update", "reset"):
            ax.set_ylim(-0.05, 1.05)
    axes[-1].set_xlabel("time step t")
    axes[-1].legend(fontsize=7, ncol=min(len(units), 4), loc="lower right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_unrolled_rnn(steps: int = 4, *, ax: Axes | None = None, cell_label: str = "RNN cell") -> Figure:
    """The diagram of a recurrent network: the cell with its feedback loop, and the same cell unrolled in time.

    Args:
        steps: how many time steps to draw unrolled (1 to 8).
        ax: draw into this axes instead of a new figure.
        cell_label: the text in each cell box (e.g. "LSTM").

    Example:
        >>> fig = plot_unrolled_rnn(3)
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or not 1 <= steps <= 8:
        raise ValueError(f"steps must be an integer from 1 to 8, got {steps!r}")
    x0 = 3.4  # where the unrolled picture starts
    x_max = x0 + 2.0 * (steps - 1) + 1.2
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.9 * (x_max + 1.3), 3.5))
    else:
        fig = ax.figure

    def box(cx: float, cy: float, text: str, color: str, w: float = 1.1, h: float = 0.6) -> None:
        ax.add_patch(FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0.05",
                                    facecolor=color, edgecolor="black"))
        ax.text(cx, cy, text, ha="center", va="center", fontsize=9)

    def arrow(start: tuple[float, float], end: tuple[float, float], color: str = "black") -> None:
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=color))

    # folded: one cell whose state loops back into itself (a delay of one step)
    box(0.0, 0.0, cell_label, "#cfe2f3")
    box(0.0, -1.3, "x_t", "#fff2cc", w=0.6, h=0.4)
    box(0.0, 1.3, "y_t", "#d9ead3", w=0.6, h=0.4)
    arrow((0.0, -1.1), (0.0, -0.35))
    arrow((0.0, 0.35), (0.0, 1.1))
    ax.plot([0.6, 0.95, 0.95, -0.95, -0.95], [0.0, 0.0, -0.7, -0.7, 0.0], color="tab:red", linewidth=1.2)
    arrow((-0.95, 0.0), (-0.6, 0.0), color="tab:red")
    ax.text(-1.25, 0.2, "h fed back", fontsize=7.5, color="tab:red")
    ax.text(1.85, 0.0, "=", fontsize=20, va="center", ha="center")

    # unrolled: one copy of the (same) cell per time step, the state flowing right
    for t in range(steps):
        cx = x0 + 2.0 * t
        box(cx, 0.0, cell_label, "#cfe2f3")
        box(cx, -1.3, f"x_{t + 1}", "#fff2cc", w=0.6, h=0.4)
        box(cx, 1.3, f"y_{t + 1}", "#d9ead3", w=0.6, h=0.4)
        arrow((cx, -1.1), (cx, -0.35))
        arrow((cx, 0.35), (cx, 1.1))
        start = (cx - 1.2, 0.0) if t == 0 else (cx - 2.0 + 0.6, 0.0)
        arrow(start, (cx - 0.6, 0.0))
        ax.text(cx - 1.0, 0.12, f"h_{t}", fontsize=8, ha="center")
    ax.text(x0 + 2.0 * (steps - 1) + 0.85, 0.12, "…", fontsize=12)
    ax.set_xlim(-1.3, x_max)
    ax.set_ylim(-1.7, 1.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("A recurrent cell: folded (left) and unrolled in time (right) - the same weights at every step")
    return fig
