"""The dlcourse command line: doctor, data list/prefetch, notebooks check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlcourse import cli

SHARED_CACHE = Path(__file__).resolve().parents[2] / "shared" / "data" / "keras"


def run_cli(*args: str, keras_home: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if keras_home is not None:
        env["KERAS_HOME"] = str(keras_home)
    return subprocess.run([sys.executable, "-m", "dlcourse.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_doctor_reports_environment_data_and_fixes(tmp_path):
    result = run_cli("doctor", keras_home=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Keras backend: tensorflow" in out and "Quick mode" in out
    assert "mnist" in out and "missing" in out and "built-in" in out
    assert "dlcourse data prefetch mnist" in out


def test_prefetch_offline_lists_what_is_missing_and_how_to_get_it(tmp_path):
    result = run_cli("data", "prefetch", "mnist", "spirals", keras_home=tmp_path)
    assert result.returncode == 1
    assert "spirals: nothing to download" in result.stdout
    assert "mnist: FAILED" in result.stderr and "Missing: mnist" in result.stderr
    assert "--from DIR" in result.stderr


@pytest.mark.skipif(not SHARED_CACHE.is_dir(), reason="needs the offline Keras cache beside the repository")
def test_prefetch_from_an_offline_copy_fills_the_cache(tmp_path):
    result = run_cli("data", "prefetch", "mnist", "shakespeare", "--from", str(SHARED_CACHE), keras_home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "datasets" / "mnist.npz").is_file()
    assert "mnist: ok" in result.stdout and "shakespeare: ok" in result.stdout
    doctor = run_cli("doctor", keras_home=tmp_path).stdout
    assert any(line.split()[:2] == ["mnist", "ok"] for line in doctor.splitlines())


def test_unknown_data_set_is_an_error_not_a_traceback(capsys):
    assert cli.main(["data", "prefetch", "mnits"]) == 2
    assert "unknown data set 'mnits'" in capsys.readouterr().err


def test_data_list_describes_every_set(capsys):
    assert cli.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "imdb_reviews (text)" in out and "options: n_samples=1000" in out
