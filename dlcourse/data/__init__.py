"""Data sets as ready train / validation / test splits, downloaded through the Keras cache.

Example:
    >>> from dlcourse import data
    >>> splits = data.load("xor", n_samples=200)
    >>> x_train, y_train = splits.train
    >>> "mnist" in data.names()
    True
"""

from dlcourse.data import keras_datasets, synthetic, text, timeseries  # noqa: F401  (registers the loaders)
from dlcourse.data.cache import RemoteFile, copy_cache, fetch, keras_home
from dlcourse.data.errors import DataCorruptError, DataError, DataMissingError
from dlcourse.data.registry import DATASETS, DatasetSpec, RawData, describe, get_spec, load, names, register
from dlcourse.data.splits import DataSplits, Split, balanced_subset, stratified_split
from dlcourse.data.synthetic import make_gaussians, make_moons, make_spirals, make_xor

__all__ = [
    "load", "names", "describe", "get_spec", "register", "DATASETS", "DatasetSpec", "RawData",
    "DataSplits", "Split", "balanced_subset", "stratified_split",
    "RemoteFile", "fetch", "keras_home", "copy_cache",
    "DataError", "DataMissingError", "DataCorruptError",
    "make_spirals", "make_moons", "make_gaussians", "make_xor",
]
