"""The course benchmark: run notebooks headless, collect what they ``report``, compare with the targets.

``dlcourse bench`` executes course notebooks (full mode by default) one after another in fresh
kernels, with ``DLCOURSE_REPORT_FILE`` set so that every ``dlc.report(name, value)`` call lands in
a results file. The numbers are then compared with ``benchmarks/targets.csv``: one row per
target, naming the notebook, the metric, ``>=`` or ``<=``, the target, and optionally the
training-time metric and its budget in seconds. Besides the notebooks it measures how long
``import dlcourse`` takes and whether the ``tf.data`` input pipeline slows training down, and
before each notebook the machine's speed (a float32 matrix product): on a shared virtual machine
it varies by 20 % and more over an hour, and the times are only comparable alongside it.

Example:
    >>> target = Target("03_training_process", "fashion_mlp.test_accuracy", ">=", 0.885,
    ...                 "fashion_mlp.train_seconds", 60.0)
    >>> row = target.judge({"fashion_mlp.test_accuracy": 0.898, "fashion_mlp.train_seconds": 38.4})
    >>> row.passed, row.measured, row.seconds
    (True, 0.898, 38.4)
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from dlcourse.reporting import REPORT_FILE_ENV

GOALS = (">=", "<=")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
TARGET_COLUMNS = ["notebook", "metric", "goal", "target", "time_metric", "time_budget_s"]
IMPORT_BUDGET_S = 0.5
PIPELINE_BUDGET_PCT = 5.0
COURSE_BUDGET_MIN = 40.0


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    notebook: str
    metric: str
    goal: str
    target: float
    measured: float | None
    time_budget_s: float | None = None
    seconds: float | None = None
    passed: bool = False


@dataclass(frozen=True)
class Target:
    """A metric a notebook must reach, optionally within a training-time budget."""

    notebook: str
    metric: str
    goal: str
    target: float
    time_metric: str | None = None
    time_budget_s: float | None = None

    def __post_init__(self) -> None:
        if self.goal not in GOALS:
            raise ValueError(f"goal must be one of {GOALS}, got {self.goal!r} ({self.notebook} {self.metric})")

    def judge(self, results: dict[str, float]) -> Row:
        """Compare with the numbers one notebook reported; a missing number fails."""
        measured = results.get(self.metric)
        seconds = results.get(self.time_metric) if self.time_metric else None
        passed = measured is not None and (measured >= self.target if self.goal == ">=" else measured <= self.target)
        if self.time_budget_s is not None:
            passed = passed and seconds is not None and seconds <= self.time_budget_s
        return Row(self.notebook, self.metric, self.goal, self.target, measured, self.time_budget_s, seconds, passed)


@dataclass
class NotebookRun:
    """What executing one notebook produced."""

    notebook: str
    quick: bool
    seconds: float
    results: dict[str, float] = field(default_factory=dict)
    peak_memory_mb: float = 0.0
    error: str | None = None
    machine_gflops: float | None = None   # machine_speed() just before the notebook ran


def load_targets(path: Path | str) -> list[Target]:
    """Read ``targets.csv`` (columns: notebook, metric, goal, target, time_metric, time_budget_s)."""
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(line for line in file if not line.lstrip().startswith("#"))
        if reader.fieldnames != TARGET_COLUMNS:
            raise ValueError(f"{path}: columns must be {', '.join(TARGET_COLUMNS)}, got {reader.fieldnames}")
        return [Target(r["notebook"], r["metric"], r["goal"], float(r["target"]), r["time_metric"] or None,
                       float(r["time_budget_s"]) if r["time_budget_s"] else None) for r in reader]


def read_reports(path: Path | str) -> tuple[dict[str, float], float]:
    """The last value reported under each name, and the peak memory seen, from a results file."""
    results, peak = {}, 0.0
    if Path(path).exists():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "name" in record:             # a number; records without a name carry only the peak memory
                results[record["name"]] = record["value"]
            peak = max(peak, record.get("peak_memory_mb", 0.0))
    return results, peak


PEAK_MEMORY_CELL = "import dlcourse.reporting\ndlcourse.reporting.record_peak_memory()"


def run_notebook(path: Path | str, *, quick: bool = False, timeout: int = 3600,
                 executed_dir: Path | str | None = None) -> NotebookRun:
    """Execute one notebook in a fresh kernel (full mode unless ``quick``) and collect its reports.

    With ``executed_dir`` the notebook is also saved there with its outputs (the original stays clean).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    # one extra cell, run after the notebook's last one and removed again before saving: the kernel's peak memory
    notebook.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY_CELL))
    saved = {name: os.environ.get(name) for name in (REPORT_FILE_ENV, "DLCOURSE_QUICK", "DLCOURSE_STATIC_WIDGETS")}
    with tempfile.TemporaryDirectory() as scratch:
        report_file = Path(scratch) / "reports.jsonl"
        os.environ.update({REPORT_FILE_ENV: str(report_file), "DLCOURSE_QUICK": "1" if quick else "0",
                           "DLCOURSE_STATIC_WIDGETS": "1"})
        error, start = None, time.perf_counter()
        try:
            NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            message = _ANSI.sub("", str(exc)).strip()
            error = message.splitlines()[-1][:300] if message else type(exc).__name__
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        seconds = time.perf_counter() - start
        results, peak = read_reports(report_file)
    notebook.cells.pop()
    if executed_dir is not None:
        Path(executed_dir).mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, Path(executed_dir) / path.name)
    return NotebookRun(path.stem, quick, round(seconds, 1), results, peak, error)


def import_seconds(repeats: int = 3) -> tuple[float, bool]:
    """Best time of ``import dlcourse`` in a fresh interpreter, and whether it stayed clear of TensorFlow/Keras."""
    code = ("import sys, time; t = time.perf_counter(); import dlcourse; t = time.perf_counter() - t; "
            "print(t, any(m in sys.modules for m in ('tensorflow', 'keras')))")
    best, heavy = float("inf"), False
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        best, heavy = min(best, float(out[0])), heavy or out[1] == "True"
    return round(best, 3), not heavy


def pipeline_overhead(*, batch_size: int = 128, repeats: int = 3, seed: int = 0) -> dict[str, float]:
    """How much slower a training epoch is from the course's ``tf.data`` pipeline than from in-memory arrays.

    Trains the notebook-03 MLP on Fashion-MNIST (the quick-mode subset in quick mode), one epoch at a time,
    alternating the two inputs; returns the best epoch seconds of each and the overhead in percent.
    """
    import keras

    from dlcourse import data, models, pipelines, seed as seed_everything

    fashion = data.load("fashion_mnist")
    x, y = pipelines.scale_images(fashion.train.x), fashion.train.y
    train_ds, _, _ = pipelines.image_datasets(fashion, batch_size=batch_size, seed=seed)
    seed_everything(seed)
    model = models.mlp((28, 28, 1), hidden=(256, 128))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    feeds = {"arrays": lambda: model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=True, verbose=0),
             "pipeline": lambda: model.fit(train_ds, epochs=1, verbose=0)}
    best = {}
    for name, feed in feeds.items():   # the first epoch of each traces the training step: not timed
        feed()
    for _ in range(repeats):
        for name, feed in feeds.items():
            start = time.perf_counter()
            feed()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    overhead = 100 * (best["pipeline"] - best["arrays"]) / best["arrays"]
    return {"arrays_seconds": round(best["arrays"], 3), "pipeline_seconds": round(best["pipeline"], 3),
            "overhead_percent": round(overhead, 1)}


def machine_speed(size: int = 1024, repeats: int = 20) -> float:
    """GFLOP/s of a float32 ``size`` x ``size`` matrix product with NumPy, the best of three rounds.

    A quick (about a second) gauge of how fast this machine is right now, recorded next to each
    notebook's time.

    Example:
        >>> machine_speed(size=64, repeats=2) > 0
        True
    """
    import numpy as np

    a, b = np.random.default_rng(0).random((2, size, size), dtype=np.float32)
    a @ b                                              # warm up (threads, caches)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        best = min(best, time.perf_counter() - start)
    return round(2 * size ** 3 * repeats / best / 1e9, 1)


def machine_facts() -> dict[str, Any]:
    """Cores, platform, Keras backend, versions and GPUs of this machine."""
    from dlcourse.runtime import environment

    info = environment()
    return {"cores": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "platform": info.platform, "python": info.python, "backend": info.backend,
            "versions": info.versions, "gpus": info.gpus or ["none"]}


def judge(targets: Iterable[Target], runs: Iterable[NotebookRun]) -> list[Row]:
    """One row per target of a notebook that ran."""
    by_notebook = {run.notebook: run for run in runs}
    return [t.judge(by_notebook[t.notebook].results) for t in targets if t.notebook in by_notebook]


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"


def format_table(rows: Iterable[Row]) -> str:
    """The results as a Markdown table."""
    lines = ["| notebook | metric | target | measured | time budget (s) | time measured (s) | result |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.notebook} | {r.metric} | {r.goal} {_number(r.target)} | {_number(r.measured)} | "
                     f"{_number(r.time_budget_s)} | {_number(r.seconds)} | {'pass' if r.passed else 'FAIL'} |")
    return "\n".join(lines)


def format_report(runs: list[NotebookRun], rows: list[Row], facts: dict[str, Any]) -> str:
    """The whole results page: machine, targets table, every notebook's numbers and times."""
    quick = any(run.quick for run in runs)
    versions = ", ".join(f"{k} {v}" for k, v in facts["versions"].items())
    lines = [f"# Benchmark results ({'QUICK mode: sizes are not the course' if quick else 'full mode'})", "",
             f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {facts['cores']} cores "
             f"({facts['processor']}, {facts['platform']}), Keras backend {facts['backend']}, GPU: "
             f"{', '.join(facts['gpus'])}. {versions}.", "", "## Targets", "", format_table(rows), "",
             "## Notebooks", "", "Machine speed: a float32 1024 x 1024 matrix product just before each notebook "
             "(GFLOP/s); a lower number means a slower machine at that moment.", "",
             "| notebook | wall time (s) | machine speed (GFLOP/s) | peak memory (MiB) | status | reported numbers |",
             "|---|---|---|---|---|---|"]
    for run in runs:
        numbers = ", ".join(f"{k} = {_number(v)}" for k, v in sorted(run.results.items())) or "—"
        lines.append(f"| {run.notebook} | {run.seconds:.0f} | {_number(run.machine_gflops)} | "
                     f"{run.peak_memory_mb:.0f} | "
                     f"{'ok' if run.error is None else 'ERROR: ' + run.error.replace('|', '/')} | {numbers} |")
    return "\n".join(lines) + "\n"


def benchmark(notebooks: list[Path], targets_path: Path | str, out_dir: Path | str | None, *, quick: bool = False,
              timeout: int = 3600, executed_dir: Path | str | None = None, progress: Any = print
              ) -> tuple[list[Row], bool]:
    """Run ``notebooks``, judge them against the targets, write ``results.md``/``results.json``; (rows, all passed)."""
    targets = load_targets(targets_path)
    runs = []
    for i, path in enumerate(notebooks, 1):
        progress(f"[{i}/{len(notebooks)}] {path.stem} ({'quick' if quick else 'full'} mode) ...")
        speed = machine_speed()
        runs.append(replace(run_notebook(path, quick=quick, timeout=timeout, executed_dir=executed_dir),
                            machine_gflops=speed))
        progress(f"    {runs[-1].seconds:.0f} s (machine speed {speed:.0f} GFLOP/s)"
                 + (f", ERROR: {runs[-1].error}" if runs[-1].error else ""))
    rows = judge(targets, runs)
    seconds, lean = import_seconds()
    rows.append(Row("(package)", "import dlcourse seconds, no TensorFlow", "<=", IMPORT_BUDGET_S,
                    seconds if lean else float("inf"), passed=lean and seconds <= IMPORT_BUDGET_S))
    overhead = pipeline_overhead()
    rows.append(Row("(package)", "tf.data epoch vs in-memory arrays, % slower", "<=", PIPELINE_BUDGET_PCT,
                    overhead["overhead_percent"], passed=overhead["overhead_percent"] <= PIPELINE_BUDGET_PCT))
    if not quick and {p.stem for p in notebooks} >= {t.notebook for t in targets}:
        minutes = sum(run.seconds for run in runs) / 60
        rows.append(Row("(course)", "all notebooks, minutes", "<=", COURSE_BUDGET_MIN, round(minutes, 1),
                        passed=minutes <= COURSE_BUDGET_MIN))
    facts = machine_facts()
    ok = all(r.passed for r in rows) and all(run.error is None for run in runs)
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "results.md").write_text(format_report(runs, rows, facts), encoding="utf-8")
        (out_dir / "results.json").write_text(json.dumps(
            {"machine": facts, "runs": [asdict(r) for r in runs], "rows": [asdict(r) for r in rows]},
            indent=1) + "\n", encoding="utf-8")
    return rows, ok
