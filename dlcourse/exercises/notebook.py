"""The exercise notebook format: anchors, solution blocks, and building ``exercises/`` from ``solutions/``.

A graded cell starts with an anchor comment naming its question, and marks the solution code::

    # EXERCISE 01.q3
    def stable_softmax(z):
        ### BEGIN SOLUTION
        z = z - z.max(axis=-1, keepdims=True)
        ...
        ### END SOLUTION

The anchor (not the cell metadata, which Colab and copy-paste lose) is what finds the cell again; nbgrader-style
metadata is written too. ``build_exercise`` replaces each solution block by a stub that raises
``NotImplementedError`` with the question's hint.

Example:
    >>> anchor_of("# EXERCISE 03.q2\\nx = 1")
    '03.q2'
    >>> print(strip_solutions("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION", "01.q1", "hint"))
    def f():
        # YOUR CODE HERE
        raise NotImplementedError("01.q1: hint")
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

ANCHOR_RE = re.compile(r"^[ \t]*#[ \t]*EXERCISE[ \t]+(?P<qid>\d{2}\.q\d+)\b", re.MULTILINE)
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CHECK_CALL_RE = re.compile(r"""\bcheck\(\s*["'](?P<qid>\d{2}\.q\d+)["']""")
SKIP_MARKER = "# GRADER: skip"


class NotebookError(ValueError):
    """A notebook that cannot be read or does not follow the exercise format."""


def cell_source(cell: Any) -> str:
    """A cell's source as one string, whatever shape it was saved in (list of lines, string, junk)."""
    if not isinstance(cell, dict):
        return ""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def anchor_of(source: str) -> str | None:
    """The question id of the first ``# EXERCISE NN.qK`` anchor in ``source`` (None if there is none)."""
    match = ANCHOR_RE.search(source)
    return match.group("qid") if match else None


def check_call_of(source: str) -> str | None:
    """The question id a self-check cell checks (``check("01.q1", ...)``), or None."""
    match = CHECK_CALL_RE.search(source)
    return match.group("qid") if match else None


def parse_notebook(text: str | bytes) -> dict[str, Any]:
    """Parse notebook JSON, raising :class:`NotebookError` for anything that is not a notebook."""
    try:
        notebook = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotebookError(f"not valid notebook JSON ({exc})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError("not a notebook (no list of cells)")
    return notebook


def read_notebook(path: Path | str) -> dict[str, Any]:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc}") from None
    return parse_notebook(text)


def code_cells(notebook: dict[str, Any]) -> list[str]:
    """Sources of the code cells, in order (cells of another type or broken cells are skipped)."""
    return [cell_source(c) for c in notebook.get("cells", [])
            if isinstance(c, dict) and c.get("cell_type") == "code"]


def graded_sources(notebook: dict[str, Any]) -> dict[str, str]:
    """Question id -> source of its graded cell, found by anchor (the last cell wins if a student duplicated it).

    A cell holding several anchors (cells merged in Jupyter) is split at each anchor.

    Cell metadata is consulted only for a code cell that has no anchor at all, so tampered metadata can never
    move an anchored answer to another question.
    """
    found: dict[str, str] = {}
    by_metadata: dict[str, str] = {}
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        anchors = list(ANCHOR_RE.finditer(source))
        if anchors:  # merged cells: each anchor owns the code up to the next anchor
            for match, following in zip(anchors, anchors[1:] + [None]):
                found[match.group("qid")] = source[match.start():following.start() if following else len(source)]
            continue
        meta = cell.get("metadata", {})
        grade_id = meta.get("nbgrader", {}).get("grade_id") if isinstance(meta, dict) and isinstance(
            meta.get("nbgrader"), dict) else None
        if isinstance(grade_id, str) and re.fullmatch(r"\d{2}\.q\d+", grade_id) and check_call_of(source) is None:
            by_metadata[grade_id] = source
    for qid, source in by_metadata.items():
        found.setdefault(qid, source)
    return found


def solution_blocks(source: str) -> list[str]:
    """The lines inside every BEGIN/END SOLUTION block of ``source``."""
    blocks, current = [], None
    for line in source.splitlines():
        if line.strip() == BEGIN:
            current = []
        elif line.strip() == END and current is not None:
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        raise NotebookError("### BEGIN SOLUTION without ### END SOLUTION")
    return blocks


def strip_solutions(source: str, qid: str, hint: str) -> str:
    """Replace every solution block by a stub raising NotImplementedError (indentation kept)."""
    out, inside = [], False
    message = json.dumps(f"{qid}: {hint}", ensure_ascii=False)
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError({message})"]
            inside = True
        elif stripped == END and inside:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise NotebookError(f"{qid}: ### BEGIN SOLUTION without ### END SOLUTION")
    return "\n".join(out)


def nbgrader_metadata(qid: str, *, solution: bool, points: int | None = None) -> dict[str, Any]:
    """nbgrader-compatible cell metadata (schema 3) for a graded cell or its self-check cell."""
    meta: dict[str, Any] = {"grade": not solution, "grade_id": qid if solution else f"{qid}_check",
                            "locked": not solution, "schema_version": 3, "solution": solution}
    if points is not None and not solution:
        meta["points"] = points
    return meta


def build_exercise_notebook(solution: dict[str, Any]) -> dict[str, Any]:
    """The student version of a solution notebook: stubs instead of solutions, outputs cleared."""
    from dlcourse.exercises.questions import get_question

    notebook = copy.deepcopy(solution)
    if notebook["cells"] and notebook["cells"][0].get("cell_type") == "markdown":  # sync writes a new badge
        lines = cell_source(notebook["cells"][0]).splitlines()
        kept = [line for line in lines if "colab-badge.svg" not in line]
        if len(kept) < len(lines) and len(kept) > 2 and kept[1] == kept[2] == "":
            del kept[1]
        notebook["cells"][0]["source"] = "\n".join(kept)
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            source = cell_source(cell)
            qid = anchor_of(source)
            if qid is not None:
                question = get_question(qid)
                cell["source"] = strip_solutions(source, qid, question.hint)
                cell.setdefault("metadata", {})["nbgrader"] = nbgrader_metadata(qid, solution=True)
            elif check_call_of(source):
                checked = check_call_of(source)
                cell.setdefault("metadata", {})["nbgrader"] = nbgrader_metadata(
                    checked, solution=False, points=get_question(checked).points)
        if BEGIN in cell_source(cell):
            raise NotebookError(f"a {cell.get('cell_type')} cell has a solution block but no '# EXERCISE' anchor")
    return notebook


def build_exercises(root: Path | str = ".", out_root: Path | str | None = None) -> list[Path]:
    """Regenerate ``exercises/NN_topic.ipynb`` from every ``solutions/NN_topic.ipynb``; returns the files written.

    ``out_root`` (default ``root``) lets the tests build into a scratch folder and compare.
    """
    from dlcourse.course import sync_notebook

    root = Path(root)
    out_root = Path(out_root) if out_root is not None else root
    (out_root / "exercises").mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((root / "solutions").glob("[0-9][0-9]_*.ipynb")):
        exercise = build_exercise_notebook(read_notebook(path))
        target = out_root / "exercises" / path.name
        target.write_text(json.dumps(exercise, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        sync_notebook(target, out_root)
        written.append(target)
    return written
