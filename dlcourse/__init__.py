"""dlcourse: the package behind the deep-learning fundamentals course.

Importing ``dlcourse`` is cheap: Keras and TensorFlow are only imported when a
sub-module that needs them (``data``, ``pipelines``, ``models``, ``plots``,
``widgets``) is first used.

Example:
    >>> import dlcourse as dlc
    >>> EPOCHS = dlc.pick(full=15, quick=1)
    >>> dlc.report("demo.test_accuracy", 0.9)   # recorded only when `dlcourse bench` runs the notebook
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from dlcourse.quick import is_quick, pick
from dlcourse.reporting import report
from dlcourse.seeding import seed
from dlcourse.runtime import environment, setup

__version__ = "0.1.0"

# The main sub-modules, listed for ``dir(dlcourse)`` and tab completion; any sub-module loads lazily.
_LAZY_SUBMODULES = {"data", "pipelines", "augmentation", "models", "plots", "widgets", "course", "backprop"}

__all__ = ["seed", "pick", "report", "is_quick", "environment", "setup", "__version__", *_LAZY_SUBMODULES]


def __getattr__(name: str) -> Any:
    """Import a sub-module on first use: ``dlc.models`` works without ``import dlcourse.models``."""
    if not name.startswith("_") and importlib.util.find_spec(f"dlcourse.{name}") is not None:
        module = importlib.import_module(f"dlcourse.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'dlcourse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY_SUBMODULES)
