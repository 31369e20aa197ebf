"""Reading on/off switches from environment variables, the same way everywhere."""

from __future__ import annotations

import os

_OFF_WORDS = {"", "0", "false", "no", "off"}


def env_flag(name: str) -> bool:
    """True when the variable is set to anything but empty / 0 / false / no / off (any case)."""
    return os.environ.get(name, "").strip().lower() not in _OFF_WORDS
