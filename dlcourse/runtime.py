"""Facts about where the course is running, and the setup helper every notebook calls.

Example:
    >>> info = environment()
    >>> info.backend in {"tensorflow", "jax", "torch", "numpy"}
    True
"""

from __future__ import annotations

import os
import platform
import sys
import warnings
from dataclasses import dataclass, field
from importlib import metadata

from dlcourse.quick import is_quick

# Oldest versions the course is tested against; older ones get a warning, not an error.
MINIMUM_VERSIONS = {"python": "3.10", "keras": "3.0", "tensorflow": "2.16", "numpy": "1.26", "matplotlib": "3.7",
                    "ipywidgets": "7.7"}


@dataclass(frozen=True)
class EnvironmentInfo:
    """What the course needs to know about the machine it runs on."""

    python: str
    platform: str
    is_colab: bool
    backend: str
    versions: dict[str, str | None]
    gpus: list[str] = field(default_factory=list)
    quick: bool = False
    keras_home: str = ""

    def lines(self) -> list[str]:
        """Human-readable summary, one fact per line."""
        versions = ", ".join(f"{name} {ver or 'missing'}" for name, ver in self.versions.items())
        gpu = ", ".join(self.gpus) if self.gpus else "none (CPU only)"
        return [
            f"Python {self.python} on {self.platform}{' (Google Colab)' if self.is_colab else ''}",
            f"Keras backend: {self.backend}",
            f"Versions: {versions}",
            f"GPU: {gpu}",
            f"Quick mode: {'ON (small data, few epochs)' if self.quick else 'off (full course)'}",
            f"Keras cache (KERAS_HOME): {self.keras_home}",
        ]


def is_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or ``None`` if it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def outdated(versions: dict[str, str | None]) -> list[str]:
    """Warnings for installed packages older than ``MINIMUM_VERSIONS``."""
    problems = []
    for name, minimum in MINIMUM_VERSIONS.items():
        found = versions.get(name)
        if found is not None and _version_tuple(found) < _version_tuple(minimum):
            problems.append(f"{name} {found} is older than {minimum}; upgrade with: pip install -U '{name}>={minimum}'")
    return problems


def keras_backend() -> str:
    """The Keras backend in use (imports Keras)."""
    import keras

    return keras.backend.backend()


def list_gpus(backend: str) -> list[str]:
    """Names of the GPUs the given backend can see (empty on a CPU-only machine)."""
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return [dev.name for dev in tf.config.list_physical_devices("GPU")]
        if backend == "jax":
            import jax

            return [dev.device_kind for dev in jax.devices() if dev.platform == "gpu"]
        if backend == "torch":
            import torch

            return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except Exception:  # a broken GPU driver must not stop the course
        return []
    return []


def environment() -> EnvironmentInfo:
    """Collect Python, Keras backend, versions, GPUs, quick mode and cache location."""
    from dlcourse.data.cache import keras_home

    backend = keras_backend()
    versions = {"python": platform.python_version()}
    for name in ("keras", "tensorflow", "numpy", "matplotlib", "ipywidgets"):
        versions[name] = package_version(name)
    if backend in {"jax", "torch"}:
        versions[backend] = package_version(backend)
    return EnvironmentInfo(
        python=platform.python_version(),
        platform=f"{platform.system()} {platform.machine()}",
        is_colab=is_colab(),
        backend=backend,
        versions=versions,
        gpus=list_gpus(backend),
        quick=is_quick(),
        keras_home=str(keras_home()),
    )


def setup(seed: int = 42, *, verbose: bool = True) -> EnvironmentInfo:
    """Prepare a notebook: seed everything, set plot defaults, print the environment.

    Version problems are warnings, never errors, so an older install still runs.

    Example:
        >>> info = setup(seed=0, verbose=False)
    """
    from dlcourse.seeding import seed as seed_everything
    from dlcourse.style import use_course_style

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    info = environment()
    seed_everything(seed)
    use_course_style()
    if verbose:
        print("\n".join(info.lines()))
        if not info.gpus:
            hint = ("Runtime > Change runtime type > GPU" if info.is_colab
                    else "a CPU is enough for this course; a GPU only makes it faster")
            print(f"No GPU found: {hint}.")
    for problem in outdated(info.versions):
        warnings.warn(problem, stacklevel=2)
    return info
