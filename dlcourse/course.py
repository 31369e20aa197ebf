"""The course's notebook conventions in one place: the repository, Colab badges and the standard setup cell.

Every notebook starts with a title cell carrying a Colab badge for its own path,
then the standard setup cell. ``dlcourse notebooks sync`` writes both and strips
outputs; ``notebook_problems`` is what the tests check.

Example:
    >>> colab_url("notebooks/00_welcome.ipynb")
    'https://colab.research.google.com/github/dlcourse/dlcourse/blob/main/notebooks/00_welcome.ipynb'
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

GITHUB_REPOSITORY = "dlcourse/dlcourse"
BRANCH = "main"
INSTALL_URL = f"git+https://github.com/{GITHUB_REPOSITORY}@{BRANCH}"   # what Colab's setup cell installs from
CHECK_OUTPUT_MARKER = "# NBVAL_CHECK_OUTPUT"

SETUP_CELL = f'''# Setup: run this cell first. On Colab it installs the course package; everywhere it seeds
# the random generators, sets plot defaults and prints what you are running on.
import sys

IS_COLAB = "google.colab" in sys.modules
if IS_COLAB:
    %pip install -q "dlcourse @ {INSTALL_URL}"

import dlcourse as dlc

ENV = dlc.setup(seed=42)'''

_BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\((?P<url>[^)]*)\)")


def colab_url(path: str) -> str:
    """The Colab address that opens ``path`` (relative to the repository root) from GitHub."""
    return f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}/blob/{BRANCH}/{path}"


def colab_badge(path: str) -> str:
    """Markdown for the "Open in Colab" badge of the notebook at ``path``."""
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(path)})"


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_checked_cell(cell: dict[str, Any]) -> bool:
    """True for a code cell whose output nbval compares (it carries ``# NBVAL_CHECK_OUTPUT``)."""
    return cell.get("cell_type") == "code" and CHECK_OUTPUT_MARKER in _source(cell)


def notebook_problems(path: Path | str, root: Path | str = ".") -> list[str]:
    """Everything that keeps a notebook from being committed: outputs, counts, missing standard cells."""
    path, root = Path(path), Path(root)
    relative = path.resolve().relative_to(Path(root).resolve()).as_posix()
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"{relative}: not readable as JSON ({exc})"]
    cells = notebook.get("cells", [])
    problems = []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("execution_count") is not None:
            problems.append(f"{relative}: cell {i} has an execution count")
        if cell.get("outputs") and not is_checked_cell(cell):
            problems.append(f"{relative}: cell {i} has outputs (run `dlcourse notebooks sync`)")
    if len(cells) < 2:
        return problems + [f"{relative}: needs at least a title cell and the setup cell"]
    title = _source(cells[0])
    if cells[0].get("cell_type") != "markdown" or not title.startswith("# "):
        problems.append(f"{relative}: cell 0 must be markdown starting with a '# ' title")
    badge = _BADGE_RE.search(title)
    if badge is None:
        problems.append(f"{relative}: the title cell has no Colab badge")
    elif badge.group("url") != colab_url(relative):
        problems.append(f"{relative}: the Colab badge points at {badge.group('url')}, not {colab_url(relative)}")
    if cells[1].get("cell_type") != "code" or _source(cells[1]).strip() != SETUP_CELL.strip():
        problems.append(f"{relative}: cell 1 must be the standard setup cell (run `dlcourse notebooks sync`)")
    return problems


def sync_notebook(path: Path | str, root: Path | str = ".") -> bool:
    """Write the badge and setup cell, clear outputs and counts (keeping checked outputs). True if changed."""
    path = Path(path)
    relative = path.resolve().relative_to(Path(root).resolve()).as_posix()
    original = path.read_text(encoding="utf-8")
    notebook = json.loads(original)
    cells = notebook["cells"]
    title_lines = _source(cells[0]).splitlines()
    body = [line for line in title_lines[1:] if not _BADGE_RE.search(line)]
    while body and not body[0].strip():   # the blank line after the badge is written again below
        body.pop(0)
    cells[0]["source"] = "\n".join([title_lines[0], "", colab_badge(relative), *([""] + body if body else [])])
    setup = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": SETUP_CELL}
    if notebook.get("nbformat", 4) == 4 and notebook.get("nbformat_minor", 0) >= 5:
        setup["id"] = uuid.uuid4().hex[:8]   # nbformat 4.5 requires cell ids
    if len(cells) > 1 and "dlc.setup(" in _source(cells[1]):
        cells[1].update(source=SETUP_CELL)
    else:
        cells.insert(1, setup)
    for cell in cells:
        if cell.get("cell_type") == "code":
            cell["execution_count"] = None
            if not is_checked_cell(cell):
                cell["outputs"] = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = None
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    if text != original:
        path.write_text(text, encoding="utf-8")
        return True
    return False


def course_notebooks(root: Path | str = ".") -> list[Path]:
    """Every notebook the course ships: notebooks/, solutions/ and exercises/."""
    root = Path(root)
    return sorted(p for folder in ("notebooks", "solutions", "exercises") for p in (root / folder).glob("*.ipynb"))
