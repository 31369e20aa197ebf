"""Train / validation / test splits: the value every loader returns, and the ways to make one.

Example:
    >>> import numpy as np
    >>> y = np.array([0, 1] * 50)
    >>> train_idx, val_idx = stratified_split(y, val_fraction=0.2, seed=0)
    >>> len(val_idx), int(y[val_idx].sum())
    (20, 10)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np


class Split(NamedTuple):
    """One split: inputs ``x`` and targets ``y`` (``y`` is ``None`` for unlabelled text)."""

    x: Any
    y: Any

    def __len__(self) -> int:  # type: ignore[override]
        return len(self.x)


@dataclass(frozen=True)
class DataSplits:
    """A data set split into train, validation and test parts.

    Unpack a part as ``x_train, y_train = data.train``.
    """

    name: str
    train: Split
    val: Split
    test: Split
    class_names: list[str] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def num_classes(self) -> int | None:
        return len(self.class_names) if self.class_names is not None else None

    def __repr__(self) -> str:
        def shape(part: Split) -> str:
            x = part.x
            return str(getattr(x, "shape", None) or f"({len(x)},)")

        classes = f", {self.num_classes} classes" if self.class_names is not None else ""
        return (f"DataSplits('{self.name}': train {shape(self.train)}, val {shape(self.val)}, "
                f"test {shape(self.test)}{classes})")


def _per_class_counts(labels: np.ndarray, total: int) -> dict[Any, int]:
    """Split ``total`` over the classes in proportion to their frequency (largest remainders)."""
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts / counts.sum() * total
    taken = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - taken))[: total - taken.sum()]:
        taken[i] += 1
    return dict(zip(classes.tolist(), np.minimum(taken, counts).tolist()))


def stratified_split(labels: np.ndarray, val_fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(keep, val)`` with ``val_fraction`` of each class moved to ``val``, deterministically."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be between 0 and 1 (exclusive), got {val_fraction!r}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    n_val = int(round(len(labels) * val_fraction))
    val_parts = []
    for cls, count in _per_class_counts(labels, n_val).items():
        members = np.flatnonzero(labels == cls)
        val_parts.append(rng.permutation(members)[:count])
    val = np.sort(np.concatenate(val_parts)) if val_parts else np.array([], dtype=int)
    keep = np.setdiff1d(np.arange(len(labels)), val)
    return keep, val


def balanced_subset(labels: np.ndarray, limit: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of at most ``limit`` examples with the classes kept in balance.

    Every class gets ``limit // n_classes`` examples (as far as it has them); the
    remainder goes to the classes with examples left, so the subset is as close to
    uniform as the data allows.
    """
    if not isinstance(limit, (int, np.integer)) or limit <= 0:
        raise ValueError(f"limit must be a positive integer, got {limit!r}")
    labels = np.asarray(labels)
    if limit >= len(labels):
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    classes = np.unique(labels)
    pools = {cls: list(rng.permutation(np.flatnonzero(labels == cls))) for cls in classes.tolist()}
    chosen: list[int] = []
    while len(chosen) < limit:
        active = [cls for cls, pool in pools.items() if pool]
        share = max(1, (limit - len(chosen)) // len(active))
        for cls in active:
            take = min(share, limit - len(chosen), len(pools[cls]))
            chosen.extend(pools[cls][:take])
            pools[cls] = pools[cls][take:]
            if len(chosen) >= limit:
                break
    return np.sort(np.asarray(chosen))


def take(part: Split, index: np.ndarray) -> Split:
    """The examples of ``part`` at ``index``."""
    if isinstance(part.x, str):  # a text corpus: only contiguous runs of characters make sense
        x = part.x[int(index[0]): int(index[-1]) + 1] if len(index) else ""
    else:
        x = part.x[index]
    y = None if part.y is None else np.asarray(part.y)[index]
    return Split(x, y)
