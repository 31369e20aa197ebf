"""Gradient norm per layer: see gradients vanish (or explode) as they flow back through a deep net.

Give the norms yourself (a dict or list), several runs to compare, or a model and
a batch to compute them from.

Example:
    >>> fig = plot_gradient_norms({"dense": 1e-6, "dense_1": 1e-4, "dense_2": 1e-2})
    >>> fig = plot_gradient_norms({"sigmoid": [1e-6, 1e-4, 1e-2], "relu": [0.2, 0.3, 0.3]})
    >>> norms = layer_gradient_norms(model, x_batch, y_batch)     # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence, Union

import numpy as np

from dlcourse.plots.canvas import figure_and_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: ``{layer: norm}``, ``[norm, ...]``, or ``{run label: one of those}`` to compare runs.
NormsLike = Union[Mapping[str, float], Sequence[float], Mapping[str, Union[Mapping[str, float], Sequence[float]]]]


def layer_gradient_norms(model: Any, x: Any, y: Any, *, loss: Any = None) -> dict[str, float]:
    """The L2 norm of the loss gradient for each layer's trainable weights, first layer first.

    Uses ``tf.GradientTape``, so it needs the TensorFlow backend.

    Args:
        model: a built Keras model.
        x, y: one batch of inputs and targets.
        loss: a Keras loss (name or object); default: the loss the model was compiled with.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError("layer_gradient_norms needs the TensorFlow backend "
                           f"(this Keras runs on {keras.backend.backend()!r}); pass the norms yourself instead")
    import tensorflow as tf

    compiled = getattr(model, "compiled", False) and getattr(model, "loss", None) is not None
    if loss is None and not compiled:
        raise ValueError("loss: the model is not compiled; pass loss=, e.g. 'binary_crossentropy'")
    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss

    with tf.GradientTape() as tape:
        predictions = model(x, training=True)
        if loss_fn is None:  # the compiled loss (plus any regularisation), exactly as in fit
            value = model.compute_loss(x=x, y=y, y_pred=predictions)
        else:
            value = tf.reduce_mean(loss_fn(_same_rank(y, predictions), predictions))
    variables = model.trainable_variables
    gradients = dict(zip((id(v) for v in variables), tape.gradient(value, variables)))

    norms = {}
    for layer in model.layers:
        grads = [gradients.get(id(v)) for v in layer.trainable_variables]
        grads = [g for g in grads if g is not None]
        if grads:
            norms[layer.name] = float(np.sqrt(sum(float(tf.reduce_sum(tf.square(g))) for g in grads)))
    if not norms:
        raise ValueError("model has no trainable weights that receive a gradient")
    return norms


def _same_rank(y: Any, predictions: Any) -> Any:
    """Targets of shape (n,) for predictions of shape (n, 1) get the missing axis, as ``fit`` does."""
    y = np.asarray(y)
    if y.ndim == len(predictions.shape) - 1 and predictions.shape[-1] == 1:
        return y[..., None]
    return y


def normalise_norms(norms: NormsLike) -> dict[str, dict[str, float]]:
    """Any accepted form as ``{run label: {layer name: norm}}``."""
    if isinstance(norms, Mapping) and norms and all(isinstance(v, (Mapping, list, tuple, np.ndarray))
                                                    for v in norms.values()):
        runs = {str(label): _one_run(series) for label, series in norms.items()}
    else:
        runs = {"gradient norm": _one_run(norms)}
    if not runs or any(not run for run in runs.values()):
        raise ValueError("norms must hold at least one layer")
    return runs


def _one_run(series: Mapping[str, float] | Sequence[float]) -> dict[str, float]:
    if isinstance(series, Mapping):
        run = {str(name): float(value) for name, value in series.items()}
    else:
        values = np.ravel(np.asarray(series, dtype=float))
        run = {f"layer {i + 1}": float(v) for i, v in enumerate(values)}
    if any(v < 0 or not np.isfinite(v) for v in run.values()):
        raise ValueError("norms must be finite and non-negative")
    return run


def plot_gradient_norms(norms: NormsLike | Any, x: Any = None, y: Any = None, *, loss: Any = None,
                        log_scale: bool = True, ax: Axes | None = None,
                        title: str = "Gradient norm per layer") -> Figure:
    """Gradient norm against layer depth (input side on the left), one line per run, log y-axis.

    Args:
        norms: ``{layer: norm}``, a list of norms, ``{run label: norms}``, or a Keras
            model (then ``x`` and ``y`` are the batch to compute them on).
        log_scale: draw the y-axis on a log scale (vanishing gradients span decades).
    """
    if hasattr(norms, "trainable_variables"):
        if x is None or y is None:
            raise ValueError("x and y: pass a batch of inputs and targets to compute a model's gradient norms")
        norms = layer_gradient_norms(norms, x, y, loss=loss)
    runs = normalise_norms(norms)
    fig, ax = figure_and_axes(ax)
    layer_names = list(next(iter(runs.values())))
    shared_names = all(list(run) == layer_names for run in runs.values())
    for label, run in runs.items():
        values = np.array(list(run.values()))
        if log_scale:
            values = np.maximum(values, 1e-12)  # a zero gradient cannot be drawn on a log axis
        ax.plot(np.arange(1, len(values) + 1), values, "-o", label=label)
    if log_scale:
        ax.set_yscale("log")
    longest = max(len(run) for run in runs.values())
    ax.set_xticks(range(1, longest + 1))
    if shared_names:
        ax.set_xticklabels(layer_names, rotation=45 if longest > 4 else 0, ha="right" if longest > 4 else "center")
    ax.set_xlabel("layer (input → output)")
    ax.set_ylabel("‖gradient‖")
    ax.set_title(title)
    ax.legend()
    return fig
