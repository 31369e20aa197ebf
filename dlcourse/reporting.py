"""``report``: how a notebook hands its measured numbers to the benchmark.

A notebook calls ``dlc.report("imdb_gru.test_accuracy", accuracy)`` next to the line that
prints the number. When the benchmark (``dlcourse bench``) executes the notebook it sets
``DLCOURSE_REPORT_FILE``, and every call appends one JSON line to that file: the name, the
value, the notebook's peak memory so far and the time. Everywhere else the call does nothing
and prints nothing, so students never see it.

Example:
    >>> report("demo.seconds", 1.5)          # outside the benchmark: nothing happens
    >>> import json, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "results.jsonl")
    >>> os.environ[REPORT_FILE_ENV] = path
    >>> report("demo.seconds", 1.5, unit="s")
    >>> json.loads(open(path).read())["value"]
    1.5
    >>> del os.environ[REPORT_FILE_ENV]
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from numbers import Real

REPORT_FILE_ENV = "DLCOURSE_REPORT_FILE"


def peak_memory_mb() -> float:
    """The peak resident memory of this process so far, in MiB (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10   # bytes on macOS, KiB on Linux


def report(name: str, value: float, *, unit: str = "") -> None:
    """Record a measured number for the benchmark; a no-op unless ``DLCOURSE_REPORT_FILE`` is set.

    ``name`` is ``"experiment.metric"`` (e.g. ``"fashion_cnn.train_seconds"``), ``value`` a finite
    number, ``unit`` a short label for the results table.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"report: name must be a non-empty string, got {name!r}")
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"report: value must be a finite number, got {value!r}")
    path = os.environ.get(REPORT_FILE_ENV)
    if not path:
        return
    record = {"name": name, "value": float(value), "unit": unit, "peak_memory_mb": round(peak_memory_mb(), 1),
              "time": time.time()}
    _append(path, record)


def record_peak_memory() -> None:
    """Append this process's peak memory to the benchmark's results file; a no-op outside the benchmark.

    The benchmark runs it in each notebook's kernel after the last cell, so notebooks that report
    no numbers still get their peak memory measured.

    Example:
        >>> record_peak_memory()                 # outside the benchmark: nothing happens
    """
    path = os.environ.get(REPORT_FILE_ENV)
    if path:
        _append(path, {"peak_memory_mb": round(peak_memory_mb(), 1), "time": time.time()})


def _append(path: str, record: dict) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps(record) + "\n")
