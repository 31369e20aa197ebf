"""dlc.report and the benchmark (`dlcourse bench`): targets, judging, running notebooks, the results page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import dlcourse as dlc
from dlcourse import bench
from dlcourse.reporting import REPORT_FILE_ENV

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "benchmarks" / "targets.csv"


def test_report_is_silent_without_the_benchmark_and_records_with_it(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(REPORT_FILE_ENV, raising=False)
    dlc.report("demo.accuracy", 0.5)
    assert capsys.readouterr() == ("", "")
    path = tmp_path / "reports.jsonl"
    monkeypatch.setenv(REPORT_FILE_ENV, str(path))
    dlc.report("demo.accuracy", 0.5)
    dlc.report("demo.accuracy", 0.75)
    dlc.report("demo.seconds", 12, unit="s")
    results, peak = bench.read_reports(path)
    assert results == {"demo.accuracy": 0.75, "demo.seconds": 12.0}, "the last value of a name wins"
    assert peak > 10, "peak memory of this process in MiB"
    for bad in (float("nan"), "0.9", True, None):
        with pytest.raises(ValueError, match="value"):
            dlc.report("demo.accuracy", bad)
    with pytest.raises(ValueError, match="name"):
        dlc.report("", 1.0)


def test_targets_table_lists_the_issue_targets_and_each_notebook_reports_them():
    targets = bench.load_targets(TARGETS)
    by_metric = {t.metric: t for t in targets}
    assert by_metric["fashion_mlp.test_accuracy"].target == 0.885 and by_metric["fashion_mlp.test_accuracy"].time_budget_s == 60
    assert by_metric["imdb_gru.test_accuracy"].time_budget_s == 240
    assert by_metric["shakespeare_gpt.val_loss"].goal == "<="
    for target in targets:
        path = ROOT / "notebooks" / f"{target.notebook}.ipynb"
        source = "\n".join("".join(c.source) for c in nbformat.read(path, as_version=4).cells)
        reported = set(re.findall(r'dlc\.report\("([^"]+)"', source))
        assert target.metric in reported, f"{target.notebook} does not report {target.metric}"
        if target.time_metric:
            assert target.time_metric in reported, f"{target.notebook} does not report {target.time_metric}"


def test_judging_a_target_needs_the_metric_and_the_time():
    target = bench.Target("nb", "net.val_loss", "<=", 1.7, "net.train_seconds", 300)
    assert target.judge({"net.val_loss": 1.6, "net.train_seconds": 299}).passed
    assert not target.judge({"net.val_loss": 1.6, "net.train_seconds": 301}).passed, "too slow"
    assert not target.judge({"net.val_loss": 1.8, "net.train_seconds": 100}).passed, "not good enough"
    assert not target.judge({"net.val_loss": 1.6}).passed, "a missing time fails"
    assert not target.judge({}).passed and target.judge({}).measured is None
    with pytest.raises(ValueError, match="goal"):
        bench.Target("nb", "m", "==", 1.0)


def test_a_targets_file_with_wrong_columns_is_refused(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("notebook,metric,target\nnb,m,1\n")
    with pytest.raises(ValueError, match="columns"):
        bench.load_targets(path)


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_run_notebook_collects_reports_in_the_chosen_mode_and_survives_an_error(tmp_path):
    good = _notebook(tmp_path / "good.ipynb", "import dlcourse as dlc",
                     "dlc.report('toy.quick', float(dlc.is_quick()))\ndlc.report('toy.accuracy', 0.93)")
    run = bench.run_notebook(good, quick=False, timeout=120)
    assert run.error is None and run.results == {"toy.quick": 0.0, "toy.accuracy": 0.93}
    assert run.peak_memory_mb > 0
    assert bench.run_notebook(good, quick=True, timeout=120).results["toy.quick"] == 1.0

    silent = _notebook(tmp_path / "silent.ipynb", "blob = bytearray(200 * 2**20)")   # reports nothing
    executed = tmp_path / "executed"
    run = bench.run_notebook(silent, timeout=120, executed_dir=executed)
    assert run.results == {} and run.peak_memory_mb > 200, "the kernel's peak memory, measured after the last cell"
    assert len(nbformat.read(executed / "silent.ipynb", as_version=4).cells) == 1, "the extra cell is not saved"

    broken = _notebook(tmp_path / "broken.ipynb", "import dlcourse as dlc\ndlc.report('toy.accuracy', 0.5)",
                       "raise RuntimeError('boom')", "dlc.report('toy.never', 1.0)")
    run = bench.run_notebook(broken, timeout=120)
    assert "boom" in run.error and run.results == {"toy.accuracy": 0.5}
    target = bench.Target("broken", "toy.accuracy", ">=", 0.9)
    rows = bench.judge([target], [run])
    assert [r.passed for r in rows] == [False]
    page = bench.format_report([run], rows, {"cores": 2, "processor": "x", "platform": "Linux", "backend": "tf",
                                             "versions": {"keras": "3"}, "gpus": ["none"]})
    assert "ERROR: RuntimeError: boom" in page and "| broken | toy.accuracy | >= 0.900 | 0.500 |" in page


def test_bench_command_runs_a_course_notebook_in_quick_mode(tmp_path):
    """What CI checks of the benchmark: it runs one real notebook and writes the results page."""
    result = subprocess.run([sys.executable, "-m", "dlcourse.cli", "bench", "00", "--quick", "--out", str(tmp_path), "--executed", str(tmp_path / "run"),
                             "--root", str(ROOT)], capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    page = (tmp_path / "results.md").read_text()
    assert "QUICK mode" in page and "| 00_welcome |" in page
    data = json.loads((tmp_path / "results.json").read_text())
    [run] = data["runs"]
    assert run["error"] is None and run["quick"] is True
    assert run["machine_gflops"] > 0 and "machine speed (GFLOP/s)" in page
    assert 0.1 < run["results"]["mnist_mlp.test_accuracy"] <= 1.0, "the notebook's model beat guessing"
    assert any(row["metric"].startswith("import dlcourse") for row in data["rows"])
    assert data["machine"]["cores"] >= 1 and "import dlcourse" in result.stdout
    executed = nbformat.read(tmp_path / "run" / "00_welcome.ipynb", as_version=4)
    assert any(cell.get("outputs") for cell in executed.cells), "the executed copy keeps its outputs"
    assert not any(c.get("outputs") for c in nbformat.read(ROOT / "notebooks" / "00_welcome.ipynb", 4).cells
                   if c.cell_type == "code"), "the course notebook stays clean"


def test_pipeline_overhead_times_both_inputs_of_the_same_model(require_data):
    require_data("fashion_mnist")
    result = bench.pipeline_overhead(batch_size=256, repeats=1)
    assert result["arrays_seconds"] > 0 and result["pipeline_seconds"] > 0
    expected = 100 * (result["pipeline_seconds"] - result["arrays_seconds"]) / result["arrays_seconds"]
    assert abs(result["overhead_percent"] - expected) < 3, "percent of the in-memory epoch (times are rounded to ms)"
