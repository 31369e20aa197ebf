"""Test-session setup, done before Keras is imported anywhere.

* quick mode on, widgets drawn statically (no browser), TensorFlow's log chatter off;
* when the offline Keras cache ``../shared/data/keras`` sits beside the repository and
  ``KERAS_HOME`` is not set, a writable copy of it in ``.cache/keras`` becomes the cache.
  Otherwise the real user path (``~/.keras`` plus the network) stays in force.

Notebook kernels started by nbval inherit this environment.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CACHE = ROOT.parent / "shared" / "data" / "keras"

os.environ.setdefault("DLCOURSE_QUICK", "1")
os.environ.setdefault("DLCOURSE_STATIC_WIDGETS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if "KERAS_HOME" not in os.environ and SHARED_CACHE.is_dir():
    from dlcourse.data.cache import copy_cache

    local_cache = ROOT / ".cache" / "keras"
    copy_cache(SHARED_CACHE, local_cache)
    os.environ["KERAS_HOME"] = str(local_cache)

import matplotlib  # noqa: E402

matplotlib.use("Agg")


@pytest.fixture
def require_data():
    """Skip (saying why) when a real data set's files are not in the Keras cache."""

    def check(name: str) -> None:
        from dlcourse.data import get_spec

        missing = [f.relative_path for f in get_spec(name).files if not f.is_cached()]
        if missing:
            pytest.skip(f"{name}: {', '.join(missing)} not in the Keras cache; run `dlcourse data prefetch {name}`")

    return check


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
