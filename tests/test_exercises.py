"""Exercise notebooks: format, `dlcourse exercises build` drift and leaks, and the student's `check()`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dlcourse.exercises import CheckFailed, check, get_question, questions
from dlcourse.exercises.notebook import (BEGIN, anchor_of, build_exercises, cell_source, check_call_of,
                                         graded_sources, read_notebook, solution_blocks, strip_solutions)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
CHECKS = sorted((ROOT / "solutions" / "checks").glob("check_*.py"))


def test_there_are_solution_notebooks_with_hidden_checks():
    assert len(SOLUTIONS) >= 3
    for path in SOLUTIONS:
        assert (ROOT / "solutions" / "checks" / f"check_{path.name[:2]}.py").exists(), path.name


def test_exercises_are_up_to_date(tmp_path):
    built = build_exercises(ROOT, tmp_path)
    assert sorted(p.name for p in built) == sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb")), \
        "exercises/ has other notebooks than solutions/: run `dlcourse exercises build`"
    for path in built:
        committed = ROOT / "exercises" / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{committed} is stale: run `dlcourse exercises build`"


def _significant(line: str) -> bool:
    line = line.strip()
    return len(line) >= 12 and not line.startswith(("#", "import ", "from ", '"""', "def ", "return ")) or (
        line.startswith("return ") and len(line) >= 20)


def _computes(line: str) -> bool:
    """A solution line that computes part of the answer (not an input conversion or the forward pass given)."""
    line = line.strip()
    boilerplate = ("np.asarray(", "np.array(", ".shape", "np.tanh(X @ W1 + b1)")
    return (len(line) >= 20 and line.startswith("return ") or len(line) >= 30) and not any(
        b in line for b in boilerplate)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_no_solution_line_leaks_into_the_exercise(solution):
    master = read_notebook(solution)
    exercise = read_notebook(ROOT / "exercises" / solution.name)
    exercise_lines = {line.strip() for cell in exercise["cells"] for line in cell_source(cell).splitlines()}
    outside = set()
    secret = set()
    for cell in master["cells"]:
        source = cell_source(cell)
        inside = {line.strip() for block in solution_blocks(source) for line in block.splitlines()}
        secret |= inside
        outside |= {line.strip() for line in source.splitlines()} - inside
    leaked = sorted(line for line in secret - outside if _significant(line) and line in exercise_lines)
    assert leaked == []
    assert not any(BEGIN in cell_source(c) for c in exercise["cells"])
    for checks in CHECKS:
        hidden = {line.strip() for line in checks.read_text().splitlines() if _significant(line)}
        assert sorted(hidden & exercise_lines) == [], f"{checks.name} leaks into {solution.name}"
    package = {line.strip() for path in (ROOT / "dlcourse").rglob("*.py") for line in path.read_text().splitlines()}
    in_package = sorted(line for line in secret - outside if _computes(line) and line in package)
    assert in_package == [], "solution lines in the installed package (public checks must not hold solutions)"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_question_has_an_anchor_a_stub_a_check_cell_and_metadata(solution):
    number = solution.name[:2]
    expected = [q.qid for q in questions(number)]
    master, exercise = read_notebook(solution), read_notebook(ROOT / "exercises" / solution.name)
    assert list(graded_sources(master)) == expected
    stubs = graded_sources(exercise)
    assert list(stubs) == expected
    for qid, source in stubs.items():
        assert "raise NotImplementedError" in source and get_question(qid).hint[:30] in source
    checked = [check_call_of(cell_source(c)) for c in exercise["cells"] if check_call_of(cell_source(c))]
    assert checked == expected
    for cell in exercise["cells"]:
        qid = anchor_of(cell_source(cell))
        if qid:
            assert cell["metadata"]["nbgrader"]["grade_id"] == qid and cell["metadata"]["nbgrader"]["solution"]


def test_every_question_has_a_hidden_check_and_nothing_is_public():
    import importlib.util

    for path in CHECKS:
        spec = importlib.util.spec_from_file_location(f"hidden_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        number = path.stem.split("_")[1]
        assert sorted(module.CHECKS) == sorted(q.qid for q in questions(number))
    package = ROOT / "dlcourse"
    assert not list(package.rglob("check_*.py")), "hidden checks must not ship in the package"


def test_strip_keeps_indentation_and_code_around_the_solution():
    source = "# EXERCISE 09.q1\ndef f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\nz = 2"
    stub = strip_solutions(source, "09.q1", "add them")
    assert stub.splitlines() == ["# EXERCISE 09.q1", "def f(x):", "    y = 1", "    # YOUR CODE HERE",
                                 '    raise NotImplementedError("09.q1: add them")', "z = 2"]


def test_anchor_survives_colab_style_cells_without_metadata():
    notebook = {"cells": [{"cell_type": "code", "source": "# EXERCISE 01.q2\ndef relu_derivative(z): pass"},
                          {"cell_type": "code", "source": ["x = 1\n"], "metadata": {"nbgrader": {"grade_id": "01.q3"}}},
                          "garbage", {"cell_type": "code"}]}
    assert list(graded_sources(notebook)) == ["01.q2", "01.q3"]


# ------------------------------------------------------------------------------------------------- check()

def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_check_passes_with_a_clear_line_on_stdout_and_nothing_on_stderr(capsys):
    assert check("01.q3", _softmax) is True
    out, err = capsys.readouterr()
    assert out.startswith("✅ 01.q3 passed") and err == ""


@pytest.mark.parametrize("answer, expected", [
    (lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), "NaN or inf"),
    (lambda z: z, "expected"),
    (lambda z: (_ for _ in ()).throw(NotImplementedError()), "not solved yet"),
    (lambda z: 1 / 0, "ZeroDivisionError"),
    ("not a function", "pass the function"),
])
def test_check_fails_with_a_hint_on_stdout_and_raises(capsys, answer, expected):
    with pytest.raises(CheckFailed) as info:
        check("01.q3", answer)
    assert isinstance(info.value, AssertionError)
    out, err = capsys.readouterr()
    assert out.startswith("❌ 01.q3 failed") and expected in out and "Hint:" in out and err == ""
    assert info.value._render_traceback_() == [f"CheckFailed: {info.value}"]


def test_check_is_not_fooled_by_objects_that_claim_equality(capsys):
    class Liar:
        def __eq__(self, other):
            return True

        __bool__ = lambda self: True  # noqa: E731

    with pytest.raises(CheckFailed):
        check("01.q2", lambda z: Liar())
    with pytest.raises(CheckFailed):
        check("01.q4", (Liar(), Liar(), Liar(), Liar()))


def test_check_unknown_question(capsys):
    with pytest.raises(CheckFailed):
        check("99.q9", 1)
    assert "unknown question" in capsys.readouterr().out


@pytest.mark.parametrize("qid", [q.qid for q in questions() if q.kind != "model"])
def test_every_public_check_fails_on_a_stub(qid, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError

    with pytest.raises(CheckFailed):
        check(qid, stub if get_question(qid).kind == "function" else None)


def test_cli_exercises_check_and_list(capsys):
    from dlcourse import cli

    assert cli.main(["exercises", "check", "--root", str(ROOT)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert cli.main(["exercises", "list"]) == 0
    assert "01.q3" in capsys.readouterr().out


def test_solution_notebooks_are_valid_json_with_ids():
    for path in SOLUTIONS:
        notebook = json.loads(path.read_text())
        assert all("id" in cell for cell in notebook["cells"])
