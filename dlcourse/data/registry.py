"""The table of data sets. Adding one is a single ``@register(...)`` entry on a reader function.

A reader returns :class:`RawData` (train and test, optionally validation); the
shared :func:`load` machinery carves a stratified validation split, applies
quick-mode / ``limit`` subsetting and returns :class:`DataSplits`.

Example:
    >>> @register("tiny", kind="toy", description="Two points")  # doctest: +SKIP
    ... def read_tiny(seed: int) -> RawData: ...
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from dlcourse.data.cache import RemoteFile, fetch
from dlcourse.data.splits import DataSplits, Split, balanced_subset, stratified_split, take
from dlcourse.quick import is_quick


@dataclass
class RawData:
    """What a reader returns before validation carving and subsetting."""

    train: Split
    test: Split
    val: Split | None = None
    class_names: list[str] | None = None
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetSpec:
    """One row of the data-set table."""

    name: str
    kind: str
    description: str
    read: Callable[..., RawData]
    files: tuple[RemoteFile, ...] = ()
    quick_limit: int | None = None
    val_fraction: float = 0.1
    stratify: bool = True
    materialize: Callable[[Any], Any] | None = None
    ensure: Callable[[], Any] | None = None
    source: str = ""

    @property
    def options(self) -> dict[str, Any]:
        """Reader keyword options and their defaults (besides ``seed``)."""
        params = inspect.signature(self.read).parameters
        return {k: p.default for k, p in params.items() if k != "seed"}

    def prefetch(self) -> None:
        """Make sure every file is in the cache (and, for archives, extracted and checked)."""
        if self.ensure is not None:
            self.ensure()
            return
        for file in self.files:
            fetch(file, self.name)

    def cached(self) -> bool:
        """True when nothing needs downloading."""
        return all(file.is_cached() for file in self.files)


DATASETS: dict[str, DatasetSpec] = {}


def register(name: str, **spec: Any) -> Callable[[Callable[..., RawData]], Callable[..., RawData]]:
    """Decorator adding a reader function to the data-set table under ``name``."""

    def decorator(read: Callable[..., RawData]) -> Callable[..., RawData]:
        DATASETS[name] = DatasetSpec(name=name, read=read, **spec)
        return read

    return decorator


def get_spec(name: str) -> DatasetSpec:
    """The table row for ``name``; a ``ValueError`` lists the known names otherwise."""
    if name not in DATASETS:
        raise ValueError(f"name: unknown data set {name!r}; choose one of {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


def _limit_sizes(raw: RawData, val: Split, limit: int) -> tuple[int, int]:
    """Validation and test sizes that keep their ratio to a training set cut to ``limit``."""
    ratio = limit / max(len(raw.train), 1)
    return max(1, math.ceil(len(val) * ratio)), max(1, math.ceil(len(raw.test) * ratio))


def _subset(part: Split, size: int, seed: int) -> Split:
    if size >= len(part):
        return part
    if isinstance(part.x, str):
        return Split(part.x[:size], None)
    if part.y is None or np.asarray(part.y).ndim != 1:
        return take(part, np.arange(size))
    return take(part, balanced_subset(np.asarray(part.y), size, seed=seed))


def load(name: str, *, limit: int | None | str = "auto", val_fraction: float | None = None, seed: int = 0,
         **options: Any) -> DataSplits:
    """Load a data set as deterministic train / validation / test splits.

    Args:
        name: one of :func:`names` (``"mnist"``, ``"imdb_reviews"``, ``"spirals"``, ...).
        limit: at most this many training examples (characters for a text corpus), classes kept balanced;
            validation and test shrink in proportion. ``"auto"`` means the data set's small quick-mode size when
            ``DLCOURSE_QUICK=1`` and everything otherwise; ``None`` means everything.
        val_fraction: share of the training data moved (stratified) into validation; the data set's default if None.
        seed: makes the validation carving and subsetting (and synthetic data) repeatable.
        **options: options of the particular data set, see ``dlcourse.data.describe(name)``.

    Example:
        >>> data = load("moons", n_samples=500)
        >>> x_train, y_train = data.train
    """
    spec = get_spec(name)
    unknown = set(options) - set(spec.options)
    if unknown:
        known = ", ".join(spec.options) or "none"
        raise ValueError(f"options: unknown option(s) {', '.join(sorted(unknown))} for {name!r}; known: {known}")
    if limit == "auto":
        limit = spec.quick_limit if is_quick() else None
    if limit is not None and (not isinstance(limit, (int, np.integer)) or isinstance(limit, bool) or limit <= 0):
        raise ValueError(f"limit must be a positive integer, None or 'auto', got {limit!r}")
    val_fraction = spec.val_fraction if val_fraction is None else val_fraction
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be between 0 and 1 (exclusive), got {val_fraction!r}")

    raw = spec.read(seed=seed, **options)
    train, val = raw.train, raw.val
    if val is None:
        if spec.stratify and train.y is not None:
            keep, val_index = stratified_split(np.asarray(train.y), val_fraction, seed=seed)
        else:
            cut = len(train) - int(round(len(train) * val_fraction))
            keep, val_index = np.arange(cut), np.arange(cut, len(train))
        train, val = take(train, keep), take(train, val_index)
        raw = RawData(train=train, test=raw.test, class_names=raw.class_names, info=raw.info)
    test = raw.test
    if limit is not None and limit < len(train):
        val_size, test_size = _limit_sizes(raw, val, int(limit))
        train, val, test = _subset(train, int(limit), seed), _subset(val, val_size, seed), _subset(test, test_size, seed)
    if spec.materialize is not None:
        train, val, test = (Split(spec.materialize(part.x), part.y) for part in (train, val, test))
    return DataSplits(name=name, train=train, val=val, test=test, class_names=raw.class_names, info=dict(raw.info))


def names() -> list[str]:
    """Names of every data set :func:`load` knows."""
    return sorted(DATASETS)


def describe(name: str) -> str:
    """A paragraph on one data set: what it is, its files and options."""
    spec = get_spec(name)
    options = ", ".join(f"{k}={v!r}" for k, v in spec.options.items()) or "none"
    files = ", ".join(f.relative_path for f in spec.files) or "none (generated or shipped with a package)"
    return (f"{name} ({spec.kind}): {spec.description}\n  files: {files}\n  options: {options}\n"
            f"  quick-mode training examples: {spec.quick_limit or 'all'}\n  source: {spec.source or '-'}")
