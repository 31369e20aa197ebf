"""The adversarial suite (tests/grading_cases/adversarial.py): every hostile submission gets exactly the points
its genuine answers deserve, and the run stays intact. All cases are graded in ONE grader run with --jobs 2.

Run with ``-s`` to see the table (case -> expected -> got).
"""

from __future__ import annotations

import csv
import socket
import threading
import time
from pathlib import Path

import pytest

import dlcourse
from dlcourse.grading import Limits, grade_folder, isolation_mode, load_assignment
from grading_cases.adversarial import CASES, FORK_MARKER, PWNED, SERVED_CODE, as_file_content
from grading_cases.notebooks import ROOT, dump

NAMESPACES = isolation_mode() == "namespaces"
LIMITS = Limits(timeout=20, cell_timeout=4, memory_gb=1.5, disk_mb=32)


class _Server:
    """A TCP server on 127.0.0.1 that hands out a correct answer: no submission may ever reach it."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                connection.sendall(SERVED_CODE.encode())


def _fork_marker_processes() -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if FORK_MARKER.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adversarial")
    server = _Server()
    submissions = tmp / "submissions"
    ctx = {"port": server.port, "submissions": submissions}
    cases = [c for c in CASES if NAMESPACES or not c.needs_namespaces]
    for case in cases:
        dump(as_file_content(case.build(ctx)), submissions / f"{case.name}.ipynb")
    out = tmp / "out" / "grades.csv"
    started = time.perf_counter()
    summary = grade_folder(load_assignment("01", ROOT / "solutions"), submissions, out, jobs=2, limits=LIMITS,
                           progress=False)
    seconds = time.perf_counter() - started
    rows: dict[str, dict[str, dict[str, str]]] = {}
    with out.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["student"], {})[row["question"]] = row
    time.sleep(0.5)
    leftovers = _fork_marker_processes()
    server.socket.close()
    lines = [f"\nadversarial suite: {len(cases)} submissions, one run, --jobs 2, {seconds:.1f} s "
             f"(isolation: {summary['isolation']})",
             f"{'case':<28} {'expected':>8} {'got':>6} {'seconds':>7}  statuses"]
    seconds_by_case = {r.student: r.seconds for r in summary["reports"]}
    for case in cases:
        got = sum(float(r["points"]) for r in rows.get(case.name, {}).values())
        statuses = ",".join(rows[case.name][q]["status"] for q in sorted(rows.get(case.name, {})))
        lines.append(f"{case.name:<28} {sum(case.expected.values()):>8g} {got:>6g} "
                     f"{seconds_by_case.get(case.name, float('nan')):>7.1f}  {statuses}")
    print("\n".join(lines))
    return {"rows": rows, "cases": cases, "server": server, "leftovers": leftovers, "summary": summary,
            "seconds": seconds}


def test_suite_is_big_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_gets_the_right_score(adversarial, case):
    if case.needs_namespaces and not NAMESPACES:
        pytest.skip("needs Linux namespaces (file and network isolation)")
    rows = adversarial["rows"].get(case.name)
    assert rows is not None, f"{case.name}: no rows in the CSV"
    got = {qid: float(row["points"]) for qid, row in rows.items()}
    assert got == case.expected, {q: (r["status"], r["message"]) for q, r in rows.items()}
    for qid, status in (case.statuses or {}).items():
        assert rows[qid]["status"] == status, (qid, rows[qid]["message"])


def test_the_run_stayed_intact(adversarial):
    assert adversarial["summary"]["graded"] == len(adversarial["cases"])
    assert adversarial["leftovers"] == [], "processes forked by a submission survived the run"
    pwned = Path(dlcourse.__file__).parent / "grading" / PWNED
    if pwned.exists():
        pwned.unlink()
        pytest.fail("a submission wrote into the installed package")


@pytest.mark.skipif(not NAMESPACES, reason="needs Linux namespaces")
def test_no_submission_reached_the_network(adversarial):
    assert adversarial["server"].connections == 0


def test_overhead_is_small(adversarial):
    """Per-submission grader time for a NumPy notebook, excluding the cases that wait for a timeout."""
    slow = {"infinite_loop", "signal_ignoring_forks", "memory_bomb", "fill_disk", "stdout_flood"}
    times = [r.seconds for r in adversarial["summary"]["reports"] if r.student not in slow]
    assert sorted(times)[len(times) // 2] < 10
