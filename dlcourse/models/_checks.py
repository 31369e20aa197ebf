"""Argument checks shared by every model builder.

Each check returns the cleaned value, or raises ``ValueError`` with a message that
starts with the argument's name, so a student sees at once which argument is wrong:

    >>> positive_ints("hidden", (128, 0))
    Traceback (most recent call last):
    ...
    ValueError: hidden: must be positive integers, got (128, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import keras
import numpy as np


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def positive_int(name: str, value: Any) -> int:
    """``value`` as an ``int`` that is at least 1."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    return int(value)


def positive_ints(name: str, value: Any, *, allow_empty: bool = False) -> tuple[int, ...]:
    """One positive int or a sequence of them, as a tuple (``64`` becomes ``(64,)``)."""
    values = (value,) if _is_int(value) else value
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name}: must be a positive integer or a tuple of them, got {value!r}")
    values = tuple(values)
    if not values and not allow_empty:
        raise ValueError(f"{name}: must not be empty, got {value!r}")
    if not all(_is_int(v) and v >= 1 for v in values):
        raise ValueError(f"{name}: must be positive integers, got {value!r}")
    return tuple(int(v) for v in values)


def shape(name: str, value: Any, *, ndims: Sequence[int] | None = None,
          allow_none: bool = False) -> tuple[int | None, ...]:
    """An input shape without the batch axis: an int (``2`` means ``(2,)``) or a tuple of positive ints.

    ``ndims`` lists the allowed numbers of axes; ``allow_none`` allows ``None`` for
    axes of any length (such as the time axis of a sequence).
    """
    values = (value,) if _is_int(value) else value
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name}: must be a tuple of positive integers, got {value!r}")
    values = tuple(values)
    ok = all((v is None and allow_none) or (_is_int(v) and v >= 1) for v in values)
    if not values or not ok:
        what = "positive integers (or None)" if allow_none else "positive integers"
        raise ValueError(f"{name}: must be a non-empty tuple of {what}, got {value!r}")
    if ndims is not None and len(values) not in ndims:
        allowed = " or ".join(str(n) for n in ndims)
        raise ValueError(f"{name}: must have {allowed} axes (without the batch axis), got {value!r}")
    return tuple(None if v is None else int(v) for v in values)


def rate(name: str, value: Any) -> float:
    """A dropout-style rate: a number with ``0 <= value < 1``."""
    if not _is_number(value) or not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name}: must be a number in [0, 1), got {value!r}")
    return float(value)


def finite_number(name: str, value: Any) -> float:
    """Any finite number."""
    if not _is_number(value) or not np.isfinite(value):
        raise ValueError(f"{name}: must be a finite number, got {value!r}")
    return float(value)


def non_negative(name: str, value: Any) -> float:
    """A number that is at least 0 (a regularisation factor, a temperature)."""
    if not _is_number(value) or float(value) < 0.0 or not np.isfinite(value):
        raise ValueError(f"{name}: must be a finite number >= 0, got {value!r}")
    return float(value)


def choice(name: str, value: Any, options: Iterable[Any]) -> Any:
    """``value`` if it is one of ``options``."""
    options = list(options)
    if not any(value is option or (type(value) is type(option) and value == option) for option in options):
        raise ValueError(f"{name}: must be one of {', '.join(repr(o) for o in options)}, got {value!r}")
    return value


def activation(name: str, value: Any, *, allow_none: bool = True) -> str | Callable | None:
    """A Keras activation name (``"relu"``, ``"softmax"``, ...), a callable, or ``None`` for linear."""
    if value is None:
        if allow_none:
            return None
        raise ValueError(f"{name}: must be an activation name such as 'relu', got None")
    if callable(value):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{name}: must be an activation name such as 'relu', got {value!r}")
    try:
        keras.activations.get(value)
    except ValueError:
        raise ValueError(f"{name}: unknown activation {value!r}; use a keras.activations name such as "
                         f"'relu', 'tanh', 'sigmoid', 'softmax' or None") from None
    return value


def initializer(name: str, value: Any) -> Any:
    """A Keras initializer name (``"glorot_uniform"``, ``"he_normal"``, ...) or object."""
    try:
        keras.initializers.get(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name}: unknown initializer {value!r}; use a keras.initializers name such as "
                         f"'glorot_uniform' or 'he_normal'") from None
    if value is None:
        raise ValueError(f"{name}: must be an initializer name such as 'glorot_uniform', got None")
    return value


def rescale_factor(name: str, value: Any) -> float | None:
    """``None``/``False`` (no rescaling), ``True`` (``1/255`` for uint8 images) or a positive number."""
    if value is None or value is False:
        return None
    if value is True:
        return 1.0 / 255.0
    if not _is_number(value) or float(value) <= 0 or not np.isfinite(value):
        raise ValueError(f"{name}: must be None, True (meaning 1/255) or a positive number, got {value!r}")
    return float(value)


def flag(name: str, value: Any) -> bool:
    """A ``True``/``False`` switch."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}: must be True or False, got {value!r}")
    return bool(value)
