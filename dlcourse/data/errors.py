"""Errors raised when a data set cannot be loaded. Each message says how to fix it."""

from __future__ import annotations


class DataError(RuntimeError):
    """Base class: a data set could not be loaded."""


class DataMissingError(DataError):
    """A file is not in the Keras cache and could not be downloaded (e.g. no network)."""


class DataCorruptError(DataError):
    """A cached file does not match its pinned hash, or an archive's content is incomplete."""


def how_to_fix(dataset: str) -> str:
    """The standard advice appended to every data error."""
    return (
        "How to fix:\n"
        f"  * with internet access: run `dlcourse data prefetch {dataset}` (add --force to replace a bad file);\n"
        "  * offline: copy a Keras cache that has the file and point KERAS_HOME at it *before* keras is imported\n"
        "    (`export KERAS_HOME=/path/to/keras`), or run `dlcourse data prefetch --from /path/to/keras`;\n"
        "  * `dlcourse doctor` shows which data sets are cached."
    )
