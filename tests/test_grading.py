"""The grader on the real assignments: solutions get full marks, exercises 0, each known-wrong variant loses
exactly its question, a Colab-stripped copy grades the same; CSV, feedback, resume and the CLI.

Each assignment is graded in one run with --jobs 2 (module-scoped fixture); only 05 needs Keras.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from dlcourse.exercises import questions
from dlcourse.grading import Limits, grade_folder, load_assignment
from grading_cases.notebooks import (ROOT, colab_stripped, dump, exercise_path, load, replace_in,
                                     solution_path, wrong_variant)

NUMPY_ASSIGNMENTS = ["01", "02", "03", "04", "06", "07", "08", "09"]
KERAS_ASSIGNMENTS = ["05"]


def _submissions(folder: Path, number: str) -> dict[str, dict[str, float]]:
    """Write the standard submissions for one assignment; return student -> expected points per question."""
    full = {q.qid: float(q.points) for q in questions(number)}
    expected = {"solution": full, "exercise": {q: 0.0 for q in full}, "colab_copy": full}
    dump(load(solution_path(number)), folder / "solution.ipynb")
    dump(load(exercise_path(number)), folder / "exercise.ipynb")
    dump(colab_stripped(load(solution_path(number))), folder / "colab_copy.ipynb")
    for qid in full:
        dump(wrong_variant(number, qid), folder / f"wrong_{qid}.ipynb")
        expected[f"wrong_{qid}"] = {**full, qid: 0.0}
    if number == "05":  # hostile models: judged only after a safe_mode load, in the trusted process
        lambda_layer = replace_in(load(solution_path(number)), "05.q4", "keras.layers.GlobalMaxPooling2D(),",
                                  "keras.layers.Lambda(lambda t: keras.ops.max(t, axis=(1, 2))),")
        dump(lambda_layer, folder / "keras_lambda_layer.ipynb")
        not_a_model = replace_in(load(solution_path(number)), "05.q4", "model.summary()",
                                 "class Always:\n    def __eq__(self, other):\n        return True\n"
                                 "model = Always()")
        dump(not_a_model, folder / "keras_not_a_model.ipynb")
        expected["keras_lambda_layer"] = expected["keras_not_a_model"] = {**full, "05.q4": 0.0}
    return expected


def _grade(tmp: Path, number: str, jobs: int = 2):
    expected = _submissions(tmp / "submissions", number)
    out = tmp / "out" / "grades.csv"
    started = time.perf_counter()
    summary = grade_folder(load_assignment(number, ROOT / "solutions"), tmp / "submissions", out, jobs=jobs,
                           limits=Limits(timeout=240, cell_timeout=120), progress=False)
    return expected, out, summary, time.perf_counter() - started


def _rows(out: Path) -> dict[str, dict[str, dict[str, str]]]:
    table: dict[str, dict[str, dict[str, str]]] = {}
    with out.open(newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["student"], {})[row["question"]] = row
    return table


@pytest.fixture(scope="module", params=NUMPY_ASSIGNMENTS + KERAS_ASSIGNMENTS)
def graded(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"grade{request.param}")
    return (request.param, tmp, *_grade(tmp, request.param))


def test_every_submission_gets_the_expected_points(graded):
    number, tmp, expected, out, summary, seconds = graded
    rows = _rows(out)
    got = {student: {qid: float(row["points"]) for qid, row in questions_.items()} for student, questions_ in
           rows.items()}
    problems = [f"{student}: expected {want}, got {got.get(student)} "
                f"({ {q: r['status'] + ': ' + r['message'] for q, r in rows.get(student, {}).items()} })"
                for student, want in expected.items() if got.get(student) != want]
    assert problems == []
    print(f"\nassignment {number}: {summary['graded']} submissions in {seconds:.1f} s "
          f"({summary['seconds_per_submission']:.1f} s each, isolation: {summary['isolation']})")


def test_statuses_and_feedback(graded):
    number, tmp, expected, out, summary, seconds = graded
    rows = _rows(out)
    assert {r["status"] for r in rows["exercise"].values()} == {"not_attempted"}
    assert {r["status"] for r in rows["solution"].values()} == {"ok"}
    assert all(r["max_points"] and r["sha256"] for student in rows.values() for r in student.values())
    feedback = (out.parent / "grades_feedback" / "exercise.md").read_text()
    assert "Score: 0 /" in feedback and "Hint for" in feedback
    assert "Score:" in (out.parent / "grades_feedback" / "solution.md").read_text()


def test_rerun_resumes_and_regrades_only_what_changed(graded):
    number, tmp, expected, out, summary, seconds = graded
    if number != NUMPY_ASSIGNMENTS[0]:
        pytest.skip("resume is tested once, on a NumPy assignment")
    before = out.read_text()
    again = grade_folder(load_assignment(number, ROOT / "solutions"), tmp / "submissions", out, jobs=2,
                         progress=False)
    assert again["graded"] == 0 and again["skipped"] == len(expected)
    assert sorted(out.read_text().splitlines()) == sorted(before.splitlines())
    dump(load(solution_path(number)), tmp / "submissions" / "exercise.ipynb")  # a resubmission
    third = grade_folder(load_assignment(number, ROOT / "solutions"), tmp / "submissions", out, jobs=2,
                         progress=False)
    assert third["graded"] == 1
    assert {r["status"] for r in _rows(out)["exercise"].values()} == {"ok"}
    assert len(out.read_text().splitlines()) == len(before.splitlines())


def test_cli_grade(tmp_path, capsys):
    from dlcourse import cli

    dump(load(solution_path("01")), tmp_path / "subs" / "ada" / "01.ipynb")
    dump("{not json", tmp_path / "subs" / "bob.ipynb")
    out = tmp_path / "grades.csv"
    code = cli.main(["grade", "01", str(tmp_path / "subs"), "--out", str(out), "--jobs", "2", "--quiet",
                     "--solutions", str(ROOT / "solutions")])
    assert code == 0
    rows = _rows(out)
    assert sum(float(r["points"]) for r in rows["ada/01"].values()) == 10
    assert {r["status"] for r in rows["bob"].values()} == {"invalid_notebook"}
    assert "graded 2 submission(s)" in capsys.readouterr().out


def test_unknown_assignment_is_a_clear_error(capsys):
    from dlcourse import cli

    assert cli.main(["grade", "42", ".", "--solutions", str(ROOT / "solutions")]) == 2
    assert "no single solution notebook" in capsys.readouterr().err


def _tiny_job() -> dict:
    return {"steps": [{"label": "ctx", "qid": None, "source": "import numpy as np\n"},
                      {"label": "01.q4", "qid": "01.q4", "kind": "value", "name": "xor_params",
                       "source": "xor_params = (np.eye(2), np.zeros(2), np.ones(2), 0.0)\nprint('hi')"}]}


def test_one_process_per_submission_path_works():
    """The path used with unprivileged user namespaces: a fresh `unshare ... python runner.py` per submission."""
    from dlcourse.grading.sandbox import run_submission

    result = run_submission(_tiny_job(), limits=Limits(timeout=60))
    headers = [h for h, _ in result.records]
    assert [h["type"] for h in headers] == ["hello", "result", "done"], result.stderr[-2000:]
    assert headers[1]["status"] == "answer" and "hi" in result.stdout


def test_rlimits_only_fallback(monkeypatch, tmp_path):
    """Where namespaces are unavailable the grader still grades (rlimits, own folder, process group)."""
    from dlcourse.grading import sandbox

    monkeypatch.setattr(sandbox, "isolation_mode", lambda: "rlimits")
    dump(load(solution_path("01")), tmp_path / "subs" / "ada.ipynb")
    dump(load(exercise_path("01")), tmp_path / "subs" / "bob.ipynb")
    summary = grade_folder(load_assignment("01", ROOT / "solutions"), tmp_path / "subs", tmp_path / "g.csv",
                           jobs=2, progress=False)
    points = {r.student: r.points for r in summary["reports"]}
    assert points == {"ada": 10, "bob": 0}
    assert {r.run.isolation for r in summary["reports"]} == {"rlimits"}


def test_student_process_never_imports_the_grader():
    from dlcourse.grading.sandbox import SandboxPool

    job = {"steps": [{"label": "01.q4", "qid": "01.q4", "kind": "value", "name": "xor_params",
                      "source": "import sys\nxor_params = float('dlcourse.grading' in sys.modules)"}]}
    pool = SandboxPool(1, ["numpy", "dlcourse.exercises"], Limits(timeout=60))
    try:
        result = pool.run(job, [])
    finally:
        pool.close()
    from dlcourse.grading.judging import load_npz, value_outputs

    answer = [(h, p) for h, p in result.records if h.get("qid") == "01.q4"]
    assert answer and answer[0][0]["status"] == "answer", result.stderr[-2000:]
    assert value_outputs(load_npz(answer[0][1]))[0] == 0.0


def test_sandbox_carries_python_and_dlcourse_into_its_private_tmp(monkeypatch):
    """A checkout under /tmp (as on CI) must stay visible after the sandbox mounts an empty /tmp."""
    from pathlib import Path

    from dlcourse.grading import sandbox

    monkeypatch.setattr(sandbox, "_needed_paths", lambda: [Path("/tmp/ci/.venv"), Path("/tmp/ci/.venv/bin"),
                                                          Path("/tmp/ci/dlcourse"), Path("/usr")])
    assert set(sandbox._needed_under("/tmp")) == {Path("/tmp/ci/.venv"), Path("/tmp/ci/dlcourse")}
    script = sandbox.sandbox_script([], 16, exec_command=True).splitlines()
    tmpfs = next(i for i, line in enumerate(script) if "dlc-tmp /tmp" in line)
    assert script.index("mount --rbind /tmp /mnt") < tmpfs < script.index("mount --rbind /mnt/ci/.venv /tmp/ci/.venv")
    assert "mount -o remount,bind,ro /tmp/ci/dlcourse" in script and "umount -l /mnt" in script
    monkeypatch.setattr(sandbox, "_needed_paths", lambda: [Path("/usr")])
    assert not any("/mnt" in line for line in sandbox.sandbox_script([], 16, exec_command=True).splitlines())
