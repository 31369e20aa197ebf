"""Hyperparameter search and the numbers behind a good initialisation.

Step 8 of the training process: train one model per configuration for a few
epochs, compare them on the **validation** set (never the test set), keep the best.
``grid_search`` does exactly that, reproducibly (every configuration starts from
the same seed), and ``results_table`` prints the ranking.
``activation_statistics`` measures what each layer outputs, to see a bad weight
initialisation make activations collapse or explode.

Example:
    >>> expand_grid({"units": [16, 64], "learning_rate": [1e-3, 1e-2]})[:2]
    [{'units': 16, 'learning_rate': 0.001}, {'units': 16, 'learning_rate': 0.01}]
    >>> results = grid_search(build, {"units": [16, 64]}, (x, y), (x_val, y_val), epochs=3)  # doctest: +SKIP
    >>> print(results_table(results))                                                        # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import math
import random
import time
from typing import Any, Callable, Mapping, Sequence, Union

import numpy as np

#: ``{name: [values]}`` (every combination is tried) or a list of ready configurations ``[{name: value}, ...]``.
ParamGrid = Union[Mapping[str, Sequence[Any]], Sequence[Mapping[str, Any]]]

#: Configuration keys that are options of ``fit``, not arguments of ``build_fn``.
FIT_KEYS = ("epochs", "batch_size")

_LOWER_IS_BETTER = ("loss", "error", "mse", "mae", "mape", "crossentropy", "perplexity")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _lower_is_better(metric: str) -> bool:
    return any(word in metric.lower() for word in _LOWER_IS_BETTER)


def expand_grid(param_grid: ParamGrid) -> list[dict[str, Any]]:
    """Every configuration of ``param_grid``, in order (the last key varies fastest).

    ``param_grid`` is ``{name: [values]}`` (the Cartesian product is taken) or already a list
    of configurations (returned as a list of new dicts).

    Example:
        >>> expand_grid({"width": [32, 64], "dropout": [0.0, 0.5]})
        [{'width': 32, 'dropout': 0.0}, {'width': 32, 'dropout': 0.5}, {'width': 64, 'dropout': 0.0}, {'width': 64, 'dropout': 0.5}]
        >>> expand_grid([{"width": 32}, {"width": 64, "dropout": 0.5}])
        [{'width': 32}, {'width': 64, 'dropout': 0.5}]
    """
    if isinstance(param_grid, Mapping):
        if not param_grid:
            raise ValueError("param_grid: must name at least one hyperparameter, got {}")
        names = list(param_grid)
        values = []
        for name in names:
            options = param_grid[name]
            if not isinstance(name, str) or not name:
                raise ValueError(f"param_grid: keys must be hyperparameter names, got {name!r}")
            if isinstance(options, np.ndarray) and options.ndim == 1:
                options = options.tolist()  # e.g. np.geomspace(1e-4, 1e-2, 3) for learning rates
            if isinstance(options, (str, bytes)) or not isinstance(options, Sequence) or len(options) == 0:
                raise ValueError(f"param_grid: {name!r} needs a non-empty list of values, got {options!r}")
            values.append(list(options))
        return [dict(zip(names, combination)) for combination in itertools.product(*values)]
    if isinstance(param_grid, (str, bytes)) or not isinstance(param_grid, Sequence) or len(param_grid) == 0:
        raise ValueError(f"param_grid: must be a dict of value lists or a non-empty list of dicts, got {param_grid!r}")
    if not all(isinstance(config, Mapping) for config in param_grid):
        raise ValueError(f"param_grid: every configuration in the list must be a dict, got {param_grid!r}")
    return [dict(config) for config in param_grid]


def sample_configs(param_grid: ParamGrid, n: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` different configurations drawn at random from the grid (random search), in grid order.

    Random search spreads a fixed budget over the grid instead of trying every combination. With
    several hyperparameters, of which usually only a few matter much, it finds a good setting for a
    fraction of the cost. Asking for at least as many as the grid holds returns the whole grid.

    Example:
        >>> grid = {"width": [32, 64, 128], "learning_rate": [1e-3, 1e-2]}
        >>> len(sample_configs(grid, 4, seed=0)), len(sample_configs(grid, 10))
        (4, 6)
    """
    if not _is_int(n) or n < 1:
        raise ValueError(f"n: must be a positive integer, got {n!r}")
    configs = expand_grid(param_grid)
    if n >= len(configs):
        return configs
    chosen = sorted(random.Random(seed).sample(range(len(configs)), int(n)))
    return [configs[i] for i in chosen]


def _split_config(config: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    build = {k: v for k, v in config.items() if k not in FIT_KEYS}
    fit = {k: v for k, v in config.items() if k in FIT_KEYS}
    return build, fit


def _is_arrays(data: Any) -> bool:
    return isinstance(data, (tuple, list)) and len(data) == 2


def _best_index(values: Sequence[float], lower_is_better: bool) -> int:
    series = np.asarray(values, dtype=float)
    if not np.any(np.isfinite(series)):
        return len(series) - 1
    cleaned = np.where(np.isfinite(series), series, np.inf if lower_is_better else -np.inf)
    return int(np.argmin(cleaned) if lower_is_better else np.argmax(cleaned))


def grid_search(build_fn: Callable[..., Any], param_grid: ParamGrid, train_data: Any, val_data: Any, *,
                epochs: int, batch_size: int | None = None, seed: int = 0, monitor: str = "val_accuracy",
                callbacks: Sequence[Any] | None = None, verbose: bool = False) -> list[dict[str, Any]]:
    """Train one model per configuration and rank them on the validation data, best first.

    Args:
        build_fn: called as ``build_fn(**config)`` (without the ``epochs``/``batch_size`` keys); returns a
            **compiled** Keras model whose metrics include ``monitor`` (without its ``val_`` prefix).
        param_grid: ``{name: [values]}`` (every combination) or a list of configurations, see
            :func:`expand_grid` and :func:`sample_configs`. A configuration may set ``epochs`` or
            ``batch_size`` itself; they are then options of ``fit`` for that run.
        train_data, val_data: ``(x, y)`` arrays, or ``tf.data`` datasets that already batch (and, for
            training, shuffle) themselves.
        epochs: epochs per configuration.
        batch_size: batch size for ``(x, y)`` arrays (Keras' default 32 if None); not allowed with datasets.
        seed: every configuration is built and trained after ``dlc.seed(seed)``, so the runs differ only
            in their hyperparameters and the search is repeatable.
        monitor: the validation metric to rank by; losses and errors rank lowest first.
        verbose: print one line per finished configuration.

    Returns:
        One dict per configuration, sorted best first: ``params`` (the configuration), ``score`` (``monitor``
        at the best epoch), ``best_epoch`` (1-based), ``metrics`` (every logged value at the best epoch),
        ``epochs``, ``seconds`` (training time) and ``history`` (``{metric: [value per epoch]}``).
        Configurations whose ``monitor`` never got a finite value (training diverged) come last.

    Example:
        >>> def build(units, learning_rate):
        ...     model = dlc.models.mlp(2, hidden=(units,), output_units=2)
        ...     model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
        ...                   metrics=["accuracy"])
        ...     return model
        >>> results = grid_search(build, {"units": [4, 32], "learning_rate": [1e-3, 1e-2]},
        ...                       (x, y), (x_val, y_val), epochs=5, batch_size=32)      # doctest: +SKIP
        >>> results[0]["params"]                                                       # doctest: +SKIP
        {'units': 32, 'learning_rate': 0.01}
    """
    from dlcourse.seeding import seed as seed_everything

    if not callable(build_fn):
        raise ValueError(f"build_fn: must be a function that returns a compiled model, got {build_fn!r}")
    if not _is_int(epochs) or epochs < 1:
        raise ValueError(f"epochs: must be a positive integer, got {epochs!r}")
    if batch_size is not None and (not _is_int(batch_size) or batch_size < 1):
        raise ValueError(f"batch_size: must be a positive integer or None, got {batch_size!r}")
    if not isinstance(monitor, str) or not monitor.startswith("val_"):
        raise ValueError(f"monitor: must be a validation metric such as 'val_accuracy' or 'val_loss', got {monitor!r}")
    configs = expand_grid(param_grid)
    arrays = _is_arrays(train_data)
    if not arrays and (batch_size is not None or any("batch_size" in c for c in configs)):
        raise ValueError("batch_size: a tf.data dataset brings its own batches; set the batch size when you build "
                         "the dataset, or pass (x, y) arrays")
    lower = _lower_is_better(monitor)

    results = []
    for number, config in enumerate(configs, start=1):
        build_options, fit_options = _split_config(config)
        run_epochs = fit_options.get("epochs", epochs)
        if not _is_int(run_epochs) or run_epochs < 1:
            raise ValueError(f"param_grid: epochs must be a positive integer, got {run_epochs!r} in {config!r}")
        seed_everything(seed)
        model = build_fn(**build_options)
        if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
            raise ValueError("build_fn: must return a compiled model (call model.compile(...) before returning it)")
        fit_kwargs: dict[str, Any] = {"epochs": int(run_epochs), "verbose": 0,
                                      "callbacks": list(callbacks or [])}
        if arrays:
            x, y = train_data
            fit_kwargs.update(x=x, y=y, batch_size=fit_options.get("batch_size", batch_size), shuffle=True)
        else:  # the dataset shuffles itself; fit's own shuffle would only be ignored (with a warning)
            fit_kwargs.update(x=train_data, shuffle=False)
        start = time.perf_counter()
        history = model.fit(validation_data=tuple(val_data) if _is_arrays(val_data) else val_data, **fit_kwargs)
        seconds = time.perf_counter() - start
        logs = {name: [float(v) for v in values] for name, values in history.history.items()}
        if monitor not in logs:
            raise ValueError(f"monitor: {monitor!r} is not in the training logs {sorted(logs)}; compile the model "
                             f"with that metric")
        best = _best_index(logs[monitor], lower)
        result = {
            "params": dict(config),
            "score": logs[monitor][best],
            "best_epoch": best + 1,
            "metrics": {name: values[best] for name, values in logs.items() if len(values) > best},
            "epochs": len(logs[monitor]),
            "seconds": seconds,
            "history": logs,
        }
        results.append(result)
        if verbose:
            print(f"[{number}/{len(configs)}] {_format_params(config)}: {monitor} = {result['score']:.4f} "
                  f"(best epoch {result['best_epoch']}, {seconds:.1f} s)")

    def rank_key(item: tuple[int, dict[str, Any]]) -> tuple[int, float, int]:
        order, result = item
        score = result["score"]
        if not math.isfinite(score):
            return 1, 0.0, order
        return 0, score if lower else -score, order

    return [result for _, result in sorted(enumerate(results), key=rank_key)]


def _format_value(value: Any, digits: int) -> str:
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
            return f"{value:.{max(digits - 2, 1)}e}"
        return f"{value:.{digits}g}" if abs(value) < 1 else f"{value:.{digits}f}".rstrip("0").rstrip(".")
    if isinstance(value, tuple):
        return "(" + ", ".join(_format_value(v, digits) for v in value) + ("," if len(value) == 1 else "") + ")"
    return str(value)


def _format_params(config: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={_format_value(value, 4)}" for name, value in config.items())


def results_table(results: Sequence[Mapping[str, Any]], *, metrics: Sequence[str] | None = None,
                  digits: int = 4) -> str:
    """The search results as a plain-text table, one row per configuration, in the given (ranked) order.

    Columns: rank, every hyperparameter, the ``metrics`` at the best epoch (default: every validation
    metric), the best epoch and the training seconds.

    Example:
        >>> results = [{"params": {"width": 64}, "score": 0.91, "best_epoch": 3,
        ...             "metrics": {"val_accuracy": 0.91, "val_loss": 0.25}, "seconds": 2.0},
        ...            {"params": {"width": 8}, "score": 0.85, "best_epoch": 2,
        ...             "metrics": {"val_accuracy": 0.85, "val_loss": 0.41}, "seconds": 1.5}]
        >>> print(results_table(results))
        rank  width  val_accuracy  val_loss  best epoch  seconds
           1     64          0.91      0.25           3      2.0
           2      8          0.85      0.41           2      1.5
    """
    if isinstance(results, Mapping) or not isinstance(results, Sequence) or len(results) == 0:
        raise ValueError(f"results: must be a non-empty list of grid_search results, got {results!r}")
    if not _is_int(digits) or digits < 1:
        raise ValueError(f"digits: must be a positive integer, got {digits!r}")
    for result in results:
        if not isinstance(result, Mapping) or not {"params", "metrics"} <= set(result):
            raise ValueError("results: every item needs 'params' and 'metrics' (what grid_search returns)")
    param_names: list[str] = []
    for result in results:
        param_names += [name for name in result["params"] if name not in param_names]
    if metrics is None:
        metrics = [name for name in results[0]["metrics"] if name.startswith("val_")]
    else:
        metrics = list(metrics)
        unknown = [m for m in metrics if m not in results[0]["metrics"]]
        if unknown:
            raise ValueError(f"metrics: {unknown} not in the results; available: {sorted(results[0]['metrics'])}")
    header = ["rank", *param_names, *metrics, "best epoch", "seconds"]
    rows = []
    for rank, result in enumerate(results, start=1):
        params = result["params"]
        rows.append([str(rank),
                     *(_format_value(params[name], digits) if name in params else "-" for name in param_names),
                     *(_format_value(result["metrics"].get(m, float("nan")), digits) for m in metrics),
                     str(result.get("best_epoch", "-")),
                     f"{result['seconds']:.1f}" if "seconds" in result else "-"])
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) if n else cell.ljust(width) for n, (cell, width) in
                       enumerate(zip(header, widths))).rstrip()]
    for row in rows:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _is_activation_output(layer: Any) -> bool:
    import keras

    if isinstance(layer, keras.layers.Activation):
        return True
    activation = getattr(layer, "activation", None)
    return activation is not None and getattr(activation, "__name__", "linear") != "linear"


def activation_statistics(model: Any, x: Any, *, layers: Sequence[str] | None = None,
                          training: bool = False) -> dict[str, dict[str, float]]:
    """Mean, standard deviation and share of exact zeros of each layer's output on the batch ``x``.

    With a good initialisation (He for ReLU, Glorot for tanh/sigmoid) the spread of the activations stays
    roughly the same from layer to layer; with weights that are too small it shrinks towards 0, with
    weights that are too large it explodes, and with all-zero weights every ReLU outputs exactly 0.

    Args:
        model: a functional or ``Sequential`` Keras model (it must have known inputs).
        x: a batch of inputs.
        layers: names of the layers to measure; default: every layer whose output is an activation
            (``Activation`` layers and layers with a non-linear ``activation``, such as a softmax output).
        training: run the model in training mode (dropout active).

    Returns:
        ``{layer name: {"mean": ..., "std": ..., "zero_fraction": ...}}`` from the input side to the output.

    Example:
        >>> from dlcourse.models import mlp
        >>> model = mlp(4, hidden=(8, 8), output_units=2)
        >>> stats = activation_statistics(model, np.ones((16, 4), "float32"))
        >>> list(stats)
        ['hidden_1_relu', 'hidden_2_relu', 'output']
        >>> sorted(stats["output"])
        ['mean', 'std', 'zero_fraction']
    """
    import keras

    if not hasattr(model, "layers"):
        raise ValueError(f"model: must be a Keras model, got {type(model).__name__}")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError("model: needs known inputs (a functional or Sequential model that has been built)")
    by_name = {layer.name: layer for layer in model.layers}
    if layers is None:
        chosen = [layer for layer in model.layers if _is_activation_output(layer)]
        if not chosen:
            raise ValueError("layers: the model has no activation layers; name the layers to measure")
    else:
        if isinstance(layers, str):
            layers = [layers]
        unknown = [name for name in layers if name not in by_name]
        if unknown or not layers:
            raise ValueError(f"layers: {unknown or 'nothing'} not found; the model's layers are {list(by_name)}")
        chosen = [by_name[name] for name in layers]
    probe = keras.Model(inputs[0] if len(inputs) == 1 else inputs, [layer.output for layer in chosen])
    outputs = probe(x, training=training)
    if len(chosen) == 1 and not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    stats = {}
    for layer, output in zip(chosen, outputs):
        values = np.asarray(keras.ops.convert_to_numpy(output), dtype="float64")
        stats[layer.name] = {"mean": float(values.mean()), "std": float(values.std()),
                             "zero_fraction": float(np.mean(values == 0.0))}
    return stats
