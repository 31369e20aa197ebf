"""Saving models into a shared cache folder safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import keras


def save_atomically(model: keras.Model, path: Path) -> None:
    """Save under a temporary name, then rename: a reader (another notebook, a parallel test) never sees a
    half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".keras")
    os.close(handle)
    try:
        model.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
