"""Small, fair experiments: train several models on the same data and compare them, and learning curves.

``compare_runs`` re-seeds before building each model, so runs that differ in one
setting (a penalty, dropout, a callback) start from the same weights and see the
data in the same order: the difference you measure is the setting's.
``learning_curve`` trains a fresh model on growing, class-balanced slices of the
training set and scores each on the same test set.

Example:
    >>> import dlcourse as dlc
    >>> data = dlc.data.load("gaussians", n_samples=300)
    >>> runs = compare_runs({"linear": lambda: dlc.models.mlp(2, hidden=(), output_units=3)}, data, epochs=2)
    >>> list(runs.runs), runs.runs["linear"].epochs
    (['linear'], 2)
    >>> points = learning_curve(lambda: dlc.models.mlp(2, hidden=(), output_units=3), data, [30, 60], epochs=2)
    >>> [p.size for p in points]
    [30, 60]
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

from dlcourse.data.splits import DataSplits, Split, balanced_subset
from dlcourse.seeding import seed as seed_everything

if TYPE_CHECKING:
    import keras
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "train_subset", "RunResult", "Comparison", "compare_runs", "plot_comparison",
    "CurvePoint", "learning_curve", "plot_learning_curve", "with_augmentation",
]

#: A function without arguments that returns a fresh Keras model (compiled or not).
BuildFn = Callable[[], "keras.Model"]


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    return int(value)


def _check_data(data: Any) -> None:
    for part in ("train", "val", "test"):
        if not hasattr(data, part):
            raise ValueError(f"data: needs .train, .val and .test splits (a DataSplits), got {type(data).__name__}")
    if data.train.y is None:
        raise ValueError("data: the training split has no labels")


def train_subset(data: DataSplits, size: int, *, val_size: int | None = None, seed: int = 0) -> DataSplits:
    """The same splits with the training part cut to ``size`` class-balanced examples.

    The test set is kept whole, so the scores of small training sets are as
    trustworthy as those of big ones; ``val_size`` also cuts the validation set
    (class-balanced), which makes validating after every epoch cheaper.

    Example:
        >>> from dlcourse.data import load
        >>> small = train_subset(load("gaussians", n_samples=300), 30, val_size=15)
        >>> len(small.train.x), int(np.bincount(small.train.y).min()), len(small.val.x)
        (30, 10, 15)
    """
    _check_data(data)
    size = _positive_int("size", size)
    if size > len(data.train.x):
        raise ValueError(f"size: {size} is more than the {len(data.train.x)} training examples")
    index = balanced_subset(np.asarray(data.train.y), size, seed=seed)
    parts = {"train": Split(data.train.x[index], np.asarray(data.train.y)[index])}
    if val_size is not None:
        val_size = _positive_int("val_size", val_size)
        if data.val.y is None or val_size > len(data.val.x):
            raise ValueError(f"val_size: {val_size} is more than the {len(data.val.x)} labelled validation examples")
        val_index = balanced_subset(np.asarray(data.val.y), val_size, seed=seed)
        parts["val"] = Split(data.val.x[val_index], np.asarray(data.val.y)[val_index])
    return dataclasses.replace(data, **parts)


#: History key of the loss without weight penalties, which compare_runs records for the models it compiles.
DATA_LOSS = "data_loss"


def _compiled(model: Any, optimizer: Any, loss: Any, metric: str) -> Any:
    """``model`` compiled with ``optimizer``, ``loss``, ``metric`` and the penalty-free ``data_loss`` metric.

    A model that is compiled already keeps its own settings (e.g. an optimizer with gradient clipping).
    """
    import keras

    if getattr(model, "compiled", False):
        return model
    fresh = optimizer() if callable(optimizer) and not isinstance(optimizer, str) else optimizer
    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    # The compiled loss includes any L1/L2 penalty; this metric is the same loss without it, so runs compare.
    data_loss = keras.metrics.MeanMetricWrapper(loss_fn, name=DATA_LOSS)
    model.compile(optimizer=fresh, loss=loss, metrics=[metric, data_loss])
    return model


def _score(model: Any, x: Any, y: Any, metric: str, batch_size: int = 512) -> dict[str, float]:
    """The model's compiled metrics on ``(x, y)``, and ``loss`` without the weight penalties (the data's loss only)."""
    import keras

    scores = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    if metric not in scores:
        raise ValueError(f"metric: the model reports {sorted(scores)}, not {metric!r}; compile it with "
                         f"metrics=[{metric!r}] or pass metric=")
    scores = {name: float(value) for name, value in scores.items()}
    # evaluate() adds the L1/L2 penalties to the loss; take them off so losses of different runs compare.
    scores["loss"] -= float(sum(float(keras.ops.convert_to_numpy(penalty)) for penalty in model.losses))
    return scores


@dataclass(frozen=True)
class RunResult:
    """One trained model's curves and scores.

    ``train_score`` and ``test_score`` are measured with the final weights (after early
    stopping restored the best ones, if it did), in inference mode (no dropout);
    ``best_val_score`` is the best validation score seen during training; ``test_loss``
    is the loss on the test set without any weight penalty. ``model`` is the trained model.
    """

    name: str
    history: dict[str, list[float]]
    epochs: int
    train_score: float
    best_val_score: float
    best_epoch: int
    test_score: float
    test_loss: float
    seconds: float
    model: Any = field(default=None, repr=False, compare=False)

    @property
    def gap(self) -> float:
        """Training score minus test score: how much the model does better on what it has seen."""
        return self.train_score - self.test_score


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare_runs` returns: one :class:`RunResult` per run, in the order given."""

    runs: dict[str, RunResult]
    metric: str = "accuracy"

    @property
    def histories(self) -> dict[str, dict[str, list[float]]]:
        """``{run name: {"loss": [...], "val_loss": [...], ...}}``."""
        return {name: run.history for name, run in self.runs.items()}

    def rows(self) -> list[dict[str, Any]]:
        """The summary as a list of dicts, one per run."""
        m = self.metric
        return [{"run": r.name, "epochs": r.epochs, f"train {m}": r.train_score, f"best val {m}": r.best_val_score,
                 "best epoch": r.best_epoch, f"test {m}": r.test_score, "gap (train - test)": r.gap,
                 "test loss": r.test_loss, "seconds": r.seconds} for r in self.runs.values()]

    def table(self, digits: int = 3) -> Any:
        """The summary as a pandas ``DataFrame`` indexed by run name, rounded to ``digits``."""
        import pandas as pd

        return pd.DataFrame(self.rows()).set_index("run").round(digits)

    def plot(self, metrics: str | Sequence[str] = ("loss", "accuracy"), **options: Any) -> Figure:
        """Same as :func:`plot_comparison` on this comparison."""
        return plot_comparison(self, metrics, **options)


def compare_runs(builders: Mapping[str, BuildFn], data: DataSplits, *, epochs: int, batch_size: int = 32,
                 optimizer: Any = "adam", loss: Any = "sparse_categorical_crossentropy", metric: str = "accuracy",
                 callbacks: Mapping[str, Sequence[Any]] | None = None, seed: int = 0,
                 verbose: int = 0) -> Comparison:
    """Train one model per builder on the same data, validate every epoch, and score each on the test set.

    Before each build the random generators are re-seeded with ``seed``, so models of
    the same shape start from the same weights and see the batches in the same order.

    Args:
        builders: ``{run name: function returning a fresh model}``. A model that comes back
            compiled keeps its own optimizer and loss; otherwise it is compiled with
            ``optimizer``, ``loss`` and ``metric``.
        data: splits with ``.train``, ``.val`` and ``.test`` (e.g. from ``dlc.data.load``).
        epochs: the most epochs each run trains (a callback may stop it earlier).
        batch_size: examples per gradient step.
        optimizer: an optimizer name, or a function returning a new optimizer (one per run).
        loss: the loss for models that are not compiled yet. Their history also gets ``data_loss`` /
            ``val_data_loss``: the same loss without L1/L2 penalties (``loss`` includes them).
        metric: the score to report (must be one of the model's compiled metrics).
        callbacks: ``{run name: [callbacks]}`` for the runs that need some (e.g. early stopping).
        seed: the seed set before each run.
        verbose: passed to ``fit``.

    Example:
        >>> import dlcourse as dlc
        >>> data = dlc.data.load("moons", n_samples=200)
        >>> result = compare_runs({"small": lambda: dlc.models.mlp(2, (8,), output_units=2),
        ...                        "wide": lambda: dlc.models.mlp(2, (64,), output_units=2)}, data, epochs=2)
        >>> list(result.table().index)
        ['small', 'wide']
    """
    _check_data(data)
    if not isinstance(builders, Mapping) or not builders:
        raise ValueError("builders: give a dict {run name: function returning a model} with at least one run")
    for name, build in builders.items():
        if not callable(build):
            raise ValueError(f"builders: the value for {name!r} must be a function returning a model, got {build!r}")
    epochs, batch_size = _positive_int("epochs", epochs), _positive_int("batch_size", batch_size)
    callbacks = dict(callbacks or {})
    unknown = set(callbacks) - set(builders)
    if unknown:
        raise ValueError(f"callbacks: no run named {', '.join(sorted(map(repr, unknown)))}; runs: {list(builders)}")

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.train, data.val, data.test
    runs = {}
    for name, build in builders.items():
        seed_everything(seed)
        model = _compiled(build(), optimizer, loss, metric)
        start = time.perf_counter()
        fitted = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs, batch_size=batch_size,
                           validation_batch_size=max(batch_size, 256),
                           callbacks=list(callbacks.get(name, [])), verbose=verbose)
        seconds = time.perf_counter() - start
        history = {key: [float(v) for v in values] for key, values in fitted.history.items()}
        val_key = f"val_{metric}"
        if val_key not in history:
            raise ValueError(f"metric: the history has {sorted(history)}, not {val_key!r}")
        val_scores = np.asarray(history[val_key], dtype=float)
        best = int(np.nanargmax(val_scores)) if np.any(np.isfinite(val_scores)) else 0
        test = _score(model, x_test, y_test, metric)
        runs[name] = RunResult(
            name=name, history=history, epochs=len(history[val_key]),
            train_score=_score(model, x_train, y_train, metric)[metric],
            best_val_score=float(val_scores[best]), best_epoch=best + 1,
            test_score=test[metric], test_loss=test["loss"], seconds=seconds, model=model,
        )
    return Comparison(runs=runs, metric=metric)


_AXIS_LABELS = {DATA_LOSS: "loss (no penalty)"}


def plot_comparison(comparison: Comparison, metrics: str | Sequence[str] = ("loss", "accuracy"), *,
                    panel_size: tuple[float, float] = (2.9, 2.4), title: str | None = None) -> Figure:
    """Training and validation curves of every run side by side: one column per run, one row per metric.

    Panels of a row share their y-axis, so the runs compare at a glance; the best
    epoch (lowest validation loss, without penalties when the history has ``val_data_loss``)
    is marked in each. Use ``metrics=("data_loss", "accuracy")`` to compare losses of runs
    with and without L1/L2 penalties.

    Example:
        >>> result = Comparison({"a": RunResult("a", {"loss": [1.0, 0.5], "val_loss": [1.1, 0.9]},
        ...                                      2, 0.9, 0.8, 2, 0.8, 0.9, 1.0)})
        >>> len(plot_comparison(result, "loss").axes)
        1
    """
    import matplotlib.pyplot as plt

    from dlcourse.plots import plot_history

    if not isinstance(comparison, Comparison) or not comparison.runs:
        raise ValueError("comparison: pass what compare_runs returned")
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    if not metrics:
        raise ValueError("metrics: name at least one metric, e.g. 'loss'")
    runs = list(comparison.runs.values())
    fig, grid = plt.subplots(len(metrics), len(runs), sharey="row", squeeze=False,
                             figsize=(panel_size[0] * len(runs), panel_size[1] * len(metrics)))
    for row, metric in enumerate(metrics):
        for col, run in enumerate(runs):
            if metric not in run.history:
                raise ValueError(f"metrics: {metric!r} is not in the history of {run.name!r}; "
                                 f"it has {sorted(run.history)}")
            ax = grid[row, col]
            monitor = next((key for key in (f"val_{DATA_LOSS}", "val_loss") if key in run.history), None)
            plot_history(run.history, metrics=metric, ax=ax, best=monitor)
            ax.set_title(run.name if row == 0 else "")
            ax.set_ylabel(_AXIS_LABELS.get(metric, metric) if col == 0 else "")
            ax.tick_params(labelleft=True)
            if (row, col) != (0, 0) and ax.get_legend() is not None:
                ax.get_legend().remove()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class CurvePoint:
    """One point of a learning curve: a model trained on ``size`` examples.

    ``epochs`` counts passes over those examples and ``steps`` the gradient steps taken.
    """

    size: int
    epochs: int
    steps: int
    train_score: float
    test_score: float
    seconds: float


def learning_curve(build_fn: BuildFn, data: DataSplits, sizes: Sequence[int], *, epochs: int, batch_size: int = 64,
                   min_steps: int = 0, optimizer: Any = "adam", loss: Any = "sparse_categorical_crossentropy",
                   metric: str = "accuracy", seed: int = 0, verbose: int = 0) -> list[CurvePoint]:
    """Train a fresh model on each training-set size and score it on the (full) test set.

    Each size takes a class-balanced subset of ``data.train``. Small sets get more
    passes over their examples when ``min_steps`` asks for it (at least that many
    gradient steps), so a model on 250 examples is not judged after a handful of
    updates. The extra passes are made by repeating the examples within each of the
    ``epochs`` epochs, which avoids Keras' per-epoch overhead.

    Args:
        build_fn: returns a fresh model (compiled or not, as in :func:`compare_runs`).
        data: splits with ``.train`` and ``.test``.
        sizes: training-set sizes, each at most ``len(data.train.x)``.
        epochs: epochs (``fit`` calls them that) for every size.
        batch_size: examples per gradient step.
        min_steps: the fewest gradient steps any size gets.
        optimizer, loss, metric: how uncompiled models are compiled, and the score reported.
        seed: seeds the subsets and each model's initial weights.
        verbose: passed to ``fit``.

    Returns:
        One :class:`CurvePoint` per size, in the order given; ``train_score`` is measured on
        the examples the model trained on, ``test_score`` on ``data.test``.

    Example:
        >>> import dlcourse as dlc
        >>> data = dlc.data.load("gaussians", n_samples=300)
        >>> points = learning_curve(lambda: dlc.models.mlp(2, hidden=(), output_units=3), data, [30, 90],
        ...                         epochs=1, batch_size=10, min_steps=6)
        >>> [(p.size, p.epochs, p.steps) for p in points]
        [(30, 2, 6), (90, 1, 9)]
    """
    _check_data(data)
    sizes = [_positive_int("sizes", s) for s in sizes]
    if not sizes:
        raise ValueError("sizes: give at least one training-set size")
    n_train = len(data.train.x)
    if max(sizes) > n_train:
        raise ValueError(f"sizes: {max(sizes)} is more than the {n_train} training examples")
    epochs, batch_size = _positive_int("epochs", epochs), _positive_int("batch_size", batch_size)
    if isinstance(min_steps, bool) or not isinstance(min_steps, (int, np.integer)) or min_steps < 0:
        raise ValueError(f"min_steps: must be 0 or a positive integer, got {min_steps!r}")
    x_test, y_test = data.test
    points = []
    for size in sizes:
        x_part, y_part = train_subset(data, size, seed=seed).train
        steps_per_epoch = max(math.ceil(size / batch_size), math.ceil(min_steps / epochs))
        repeats = math.ceil(steps_per_epoch * batch_size / size) if steps_per_epoch > math.ceil(size / batch_size) else 1
        x_fit = np.concatenate([x_part] * repeats) if repeats > 1 else x_part
        y_fit = np.concatenate([y_part] * repeats) if repeats > 1 else y_part
        seed_everything(seed)
        model = _compiled(build_fn(), optimizer, loss, metric)
        start = time.perf_counter()
        model.fit(x_fit, y_fit, epochs=epochs, batch_size=batch_size, verbose=verbose)
        seconds = time.perf_counter() - start
        points.append(CurvePoint(size=size, epochs=epochs * repeats, steps=epochs * math.ceil(len(x_fit) / batch_size),
                                 train_score=_score(model, x_part, y_part, metric)[metric],
                                 test_score=_score(model, x_test, y_test, metric)[metric], seconds=seconds))
    return points


def plot_learning_curve(points: Sequence[CurvePoint] | Mapping[str, Sequence[CurvePoint]], *, ax: Axes | None = None,
                        metric: str = "accuracy", show_train: bool = True,
                        title: str = "Learning curve: score vs training-set size") -> Figure:
    """Test (and training) score against training-set size on a log x-axis; several curves as a dict.

    Example:
        >>> pts = [CurvePoint(100, 5, 10, 1.0, 0.7, 1.0), CurvePoint(1000, 5, 80, 0.95, 0.85, 2.0)]
        >>> fig = plot_learning_curve(pts)
        >>> fig.axes[0].get_xscale()
        'log'
    """
    from dlcourse.plots.canvas import figure_and_axes

    curves = dict(points) if isinstance(points, Mapping) else {"": list(points)}
    if not curves or any(len(c) == 0 for c in curves.values()):
        raise ValueError("points: give at least one CurvePoint (what learning_curve returns)")
    fig, ax = figure_and_axes(ax)
    for label, curve in curves.items():
        curve = sorted(curve, key=lambda p: p.size)
        sizes = [p.size for p in curve]
        prefix = f"{label}: " if label else ""
        line, = ax.plot(sizes, [p.test_score for p in curve], "-o", label=f"{prefix}test")
        if show_train:
            ax.plot(sizes, [p.train_score for p in curve], "--o", color=line.get_color(), alpha=0.6,
                    markersize=4, label=f"{prefix}train")
    ax.set_xscale("log")
    ax.set_xlabel("training examples (log scale)")
    ax.set_ylabel(metric)
    ax.set_title(title)
    ax.legend()
    return fig


def with_augmentation(model: keras.Model, augmentation: Any, *, name: str | None = None) -> keras.Model:
    """``model`` with a random-augmentation layer in front (active in training only).

    Grey-scale images of shape ``(height, width)`` get a channel axis for the
    augmentation layers and lose it again before ``model``.

    Example:
        >>> import dlcourse as dlc
        >>> base = dlc.models.mlp((28, 28), hidden=(16,), rescale=True)
        >>> model = with_augmentation(base, dlc.augmentation.augmentation_block(translation=0.1))
        >>> model.output_shape
        (None, 10)
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model: must be a keras.Model, got {type(model).__name__}")
    if not isinstance(augmentation, keras.layers.Layer):
        raise ValueError(f"augmentation: must be a Keras layer (e.g. dlc.augmentation.augmentation_block(...)), "
                         f"got {augmentation!r}")
    input_shape = tuple(model.input_shape[1:])
    if len(input_shape) not in (2, 3):
        raise ValueError(f"model: expects images of shape (height, width[, channels]), its input is {input_shape}")
    inputs = keras.Input(input_shape, name="inputs")
    x = keras.layers.Reshape((*input_shape, 1), name="add_channel")(inputs) if len(input_shape) == 2 else inputs
    x = augmentation(x)
    if len(input_shape) == 2:
        x = keras.layers.Reshape(input_shape, name="drop_channel")(x)
    return keras.Model(inputs, model(x), name=name or f"{model.name}_augmented")
