"""Training curves: loss and metrics per epoch, training against validation, best epoch marked.

Example:
    >>> history = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.7]}
    >>> fig = plot_history(history)          # or plot_history(model.fit(...))
    >>> best_epoch(history, "val_loss")
    2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence, Union

import numpy as np


if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: A ``keras.callbacks.History`` (what ``model.fit`` returns) or a dict ``{"loss": [...], ...}``.
HistoryLike = Union[Any, Mapping[str, Sequence[float]]]

VALIDATION_PREFIX = "val_"
_LOWER_IS_BETTER = ("loss", "error", "mse", "mae", "mape", "crossentropy", "perplexity")


def history_dict(history: HistoryLike) -> dict[str, list[float]]:
    """The per-epoch values as ``{name: [value per epoch]}``, from a Keras ``History`` or a dict."""
    values = getattr(history, "history", history)
    if not isinstance(values, Mapping):
        raise ValueError(f"history must be a keras History or a dict of lists, got {type(history).__name__}")
    result = {str(name): [float(v) for v in np.ravel(series)] for name, series in values.items()}
    if not result or not any(result.values()):
        raise ValueError("history is empty: train for at least one epoch first")
    return result


def lower_is_better(metric: str) -> bool:
    """True for losses and errors (``val_loss``, ``mae``), False for scores (``accuracy``, ``auc``)."""
    return any(word in metric.lower() for word in _LOWER_IS_BETTER)


def best_epoch(history: HistoryLike, monitor: str = "val_loss") -> int:
    """The 1-based epoch with the best ``monitor`` value (lowest loss or highest score)."""
    values = history_dict(history)
    if monitor not in values:
        raise ValueError(f"monitor {monitor!r} is not in the history; it has {sorted(values)}")
    series = np.asarray(values[monitor], dtype=float)
    if not np.any(np.isfinite(series)):
        raise ValueError(f"monitor {monitor!r} has no finite values")
    pick = np.nanargmin if lower_is_better(monitor) else np.nanargmax
    return int(pick(np.where(np.isfinite(series), series, np.nan))) + 1


def _training_metrics(values: Mapping[str, list[float]]) -> list[str]:
    return [name for name in values if not name.startswith(VALIDATION_PREFIX)]


def _resolve_monitor(best: str | None, values: Mapping[str, list[float]]) -> str | None:
    if best is None:
        return None
    if best == "auto":
        return "val_loss" if "val_loss" in values else ("loss" if "loss" in values else None)
    if best not in values:
        raise ValueError(f"best must be 'auto', None or a key of the history {sorted(values)}, got {best!r}")
    return best


def plot_history(history: HistoryLike, metrics: str | Sequence[str] | None = None, *, best: str | None = "auto",
                 ax: Axes | Sequence[Axes] | None = None, title: str | None = None) -> Figure:
    """One panel per metric: the training curve, the validation curve (if any) and the best epoch.

    Args:
        history: what ``model.fit`` returned, or a dict ``{"loss": [...], "val_loss": [...]}``.
        metrics: which metrics to draw (default: every training metric in the history).
        best: the key whose best epoch is marked (``"auto"``: ``val_loss``, else ``loss``; None: no mark).
        ax: one Axes (for one metric) or a sequence of Axes, one per metric.
        title: figure title.

    Example:
        >>> fig = plot_history({"loss": [1.0, 0.6], "accuracy": [0.5, 0.8]}, metrics=["loss", "accuracy"])
        >>> len(fig.axes)
        2
    """
    values = history_dict(history)
    if metrics is None:
        metrics = _training_metrics(values)
    elif isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(metrics)
    if not metrics:
        raise ValueError("metrics must name at least one metric")
    for metric in metrics:
        if metric not in values and VALIDATION_PREFIX + metric not in values:
            raise ValueError(f"metrics: {metric!r} is not in the history; it has {sorted(values)}")
    monitor = _resolve_monitor(best, values)
    axes = _history_axes(ax, len(metrics))
    marked = best_epoch(values, monitor) if monitor else None

    for metric, panel in zip(metrics, axes):
        _draw_metric(panel, metric, values, monitor, marked)
    fig = axes[0].figure
    if title:
        fig.suptitle(title)
    return fig


def _history_axes(ax: Axes | Sequence[Axes] | None, n_metrics: int) -> list[Axes]:
    if ax is None:
        import matplotlib.pyplot as plt

        fig, grid = plt.subplots(1, n_metrics, figsize=(5.0 * n_metrics, 3.6), squeeze=False)
        return list(grid[0])
    axes = [ax] if not isinstance(ax, (list, tuple, np.ndarray)) else list(np.ravel(ax))
    if len(axes) != n_metrics:
        raise ValueError(f"ax must hold one Axes per metric ({n_metrics}), got {len(axes)}")
    return axes


def _draw_metric(ax: Axes, metric: str, values: Mapping[str, list[float]], monitor: str | None,
                 marked_epoch: int | None) -> None:
    for key, label, style in ((metric, "train", "-"), (VALIDATION_PREFIX + metric, "validation", "--")):
        if key in values:
            series = values[key]
            ax.plot(np.arange(1, len(series) + 1), series, style, marker="o", markersize=3, label=label)
    if marked_epoch is not None:
        ax.axvline(marked_epoch, color="gray", linestyle=":", linewidth=1)
        if monitor in (metric, VALIDATION_PREFIX + metric):
            value = values[monitor][marked_epoch - 1]
            ax.plot([marked_epoch], [value], "*", color="crimson", markersize=14,
                    label=f"best epoch {marked_epoch}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(metric)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
