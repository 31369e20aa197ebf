"""Quick mode: one switch that shrinks data and epochs so every notebook runs in seconds.

Set the environment variable ``DLCOURSE_QUICK=1`` (the test suite does) and every
``pick(full=..., quick=...)`` returns its quick value; data loaders also take a
small, class-balanced subset.

Example:
    >>> import os
    >>> os.environ["DLCOURSE_QUICK"] = "1"
    >>> pick(full=15, quick=1)
    1
"""

from __future__ import annotations

from typing import TypeVar

from dlcourse._env import env_flag

T = TypeVar("T")

QUICK_ENV = "DLCOURSE_QUICK"


def is_quick() -> bool:
    """True when quick mode is on (``DLCOURSE_QUICK`` set to anything but 0/false/no/off)."""
    return env_flag(QUICK_ENV)


def pick(*, full: T, quick: T) -> T:
    """Return ``quick`` in quick mode and ``full`` otherwise.

    Example:
        >>> EPOCHS = pick(full=15, quick=1)
    """
    return quick if is_quick() else full
