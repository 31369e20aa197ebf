"""Notebooks are committed clean and start with the standard cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlcourse.course import SETUP_CELL, colab_badge, course_notebooks, notebook_problems, sync_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = course_notebooks(ROOT)


def test_the_course_has_notebooks():
    assert (ROOT / "notebooks" / "00_welcome.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_is_clean_and_standard(path):
    assert notebook_problems(path, ROOT) == []


def _write(path: Path, cells: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def _code(source: str, outputs: list | None = None, count: int | None = None) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": outputs or [],
            "execution_count": count}


def test_problems_are_found_and_sync_fixes_them(tmp_path):
    stream = {"output_type": "stream", "name": "stdout", "text": "hi\n"}
    path = _write(tmp_path / "notebooks" / "99_demo.ipynb", [
        {"cell_type": "markdown", "source": "# Demo\n\n" + colab_badge("notebooks/elsewhere.ipynb") + "\n\nAn intro.",
         "metadata": {}},
        _code("print('hi')", [stream], 3),
        _code("# NBVAL_CHECK_OUTPUT\nprint('hi')", [stream]),
    ])
    problems = notebook_problems(path, tmp_path)
    assert any("execution count" in p for p in problems)
    assert any("cell 1 has outputs" in p for p in problems)
    assert any("badge points at" in p for p in problems)
    assert any("standard setup cell" in p for p in problems)
    assert not any("cell 2" in p for p in problems), "checked cells may keep their output"

    assert sync_notebook(path, tmp_path) is True
    assert notebook_problems(path, tmp_path) == []
    cells = json.loads(path.read_text())["cells"]
    assert "".join(cells[1]["source"]) == SETUP_CELL
    assert cells[3]["outputs"] == [stream]
    assert sync_notebook(path, tmp_path) is False, "sync is idempotent"
    assert "".join(cells[0]["source"]).endswith(colab_badge("notebooks/99_demo.ipynb") + "\n\nAn intro.")
    assert "id" in cells[1], "nbformat 4.5 notebooks need cell ids"


def test_a_broken_notebook_is_reported(tmp_path):
    path = tmp_path / "notebooks" / "bad.ipynb"
    path.parent.mkdir()
    path.write_text("{not json")
    assert "not readable" in notebook_problems(path, tmp_path)[0]
