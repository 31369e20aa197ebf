"""What Colab depends on: badges that open each notebook's own file, the Colab-only install cell, and
dependency lower bounds (never exact pins) that Colab's preinstalled stack already satisfies."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from dlcourse.course import (BRANCH, GITHUB_REPOSITORY, INSTALL_URL, SETUP_CELL, colab_url, course_notebooks,
                             notebook_problems, sync_notebook)
from dlcourse.runtime import MINIMUM_VERSIONS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = course_notebooks(ROOT)
BADGE = re.compile(r"\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]\((?P<url>[^)]+)\)")
INSTALL_LINE = f'%pip install -q "dlcourse @ {INSTALL_URL}"'


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


# --- badges ---------------------------------------------------------------------------------------

def test_badges_exist_in_every_folder_that_ships_notebooks():
    folders = {path.parent.name for path in NOTEBOOKS}
    assert folders == {"notebooks", "solutions", "exercises"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_badge_opens_this_very_file_from_the_repository(path):
    relative = path.relative_to(ROOT).as_posix()
    urls = BADGE.findall(source(cells(path)[0]))
    assert urls == [colab_url(relative)], f"{relative}: badge(s) {urls}"
    prefix = f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}/blob/{BRANCH}/"
    assert (ROOT / urls[0].removeprefix(prefix)).resolve() == path.resolve()


def test_a_moved_notebook_is_caught_until_it_is_synced(tmp_path):
    moved = tmp_path / "solutions" / "00_welcome.ipynb"   # same file, another folder: its badge is now wrong
    moved.parent.mkdir()
    shutil.copy(ROOT / "notebooks" / "00_welcome.ipynb", moved)
    assert [p for p in notebook_problems(moved, tmp_path) if "badge points at" in p]
    assert sync_notebook(moved, tmp_path)
    assert notebook_problems(moved, tmp_path) == []
    assert BADGE.findall(source(cells(moved)[0])) == [colab_url("solutions/00_welcome.ipynb")]


# --- the install cell -----------------------------------------------------------------------------

def test_the_setup_cell_installs_the_package_from_the_repository_only_on_colab():
    assert INSTALL_URL == f"git+https://github.com/{GITHUB_REPOSITORY}@{BRANCH}"
    lines = SETUP_CELL.splitlines()
    install = lines.index("    " + INSTALL_LINE)
    assert lines[install - 1] == "if IS_COLAB:"
    assert 'IS_COLAB = "google.colab" in sys.modules' in lines
    assert lines.index("import dlcourse as dlc") > install, "install first, then import"
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell(SETUP_CELL)   # what IPython runs: %pip becomes a function call
    compile(python, "<setup cell>", "exec")
    assert f"run_line_magic('pip', 'install -q \"dlcourse @ {INSTALL_URL}\"')" in python


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_notebook_has_the_install_cell_first(path):
    setup = cells(path)[1]
    assert setup["cell_type"] == "code"
    assert source(setup).count(INSTALL_LINE) == 1
    assert source(setup).strip() == SETUP_CELL.strip()


@pytest.mark.parametrize("damage", ["drop the install line", "drop the setup cell"])
def test_a_notebook_without_the_install_cell_is_caught(tmp_path, damage):
    path = tmp_path / "notebooks" / "00_welcome.ipynb"
    path.parent.mkdir()
    notebook = json.loads((ROOT / "notebooks" / "00_welcome.ipynb").read_text(encoding="utf-8"))
    if damage == "drop the install line":
        notebook["cells"][1]["source"] = source(notebook["cells"][1]).replace(INSTALL_LINE, "pass")
    else:
        del notebook["cells"][1]
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert [p for p in notebook_problems(path, tmp_path) if "standard setup cell" in p]


# --- dependencies ---------------------------------------------------------------------------------

def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def all_requirements() -> dict[str, list[Requirement]]:
    project = pyproject()["project"]
    groups = {"dependencies": project["dependencies"], "build-system": pyproject()["build-system"]["requires"]}
    groups.update({f"extra {name}": reqs for name, reqs in project.get("optional-dependencies", {}).items()})
    return {group: [Requirement(text) for text in reqs] for group, reqs in groups.items()}


def test_pyproject_pins_nothing_exactly_lower_bounds_only():
    problems = [f"{group}: {req}" for group, reqs in all_requirements().items() for req in reqs
                if req.url or any(spec.operator != ">=" for spec in req.specifier)]
    assert problems == [], "Colab installs break on pins and upper bounds; use lower bounds (>=) only"
    assert pyproject()["project"]["requires-python"].startswith(">=")


# What Google Colab preinstalls (github.com/googlecolab/backend-info, pip-freeze.gpu.txt, Feb 2026 runtime; it has
# no jupyterlab). Update it when Colab moves on.
COLAB = {"python": "3.12.12", "tensorflow": "2.19.0", "keras": "3.10.0", "numpy": "2.0.2", "matplotlib": "3.10.0",
         "ipywidgets": "7.7.1", "ipykernel": "6.17.1", "statsmodels": "0.14.6", "scikit-learn": "1.6.1",
         "pandas": "2.2.2", "nbclient": "0.10.4", "nbconvert": "7.17.0"}


def test_colab_already_has_everything_the_package_needs():
    """On Colab, `%pip install` fetches dlcourse alone: no new packages, no upgrades (those need a runtime restart)."""
    dependencies = all_requirements()["dependencies"]
    assert [req.name for req in dependencies if req.name not in COLAB] == []
    unmet = [f"{req} (Colab has {COLAB[req.name]})" for req in dependencies
             if not req.specifier.contains(COLAB[req.name], prereleases=True)]
    assert unmet == []
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(pyproject()["project"]["requires-python"]).contains(COLAB["python"])


def test_the_setup_cells_version_warnings_use_the_same_lower_bounds():
    bounds = {req.name: spec.version for req in all_requirements()["dependencies"] for spec in req.specifier}
    bounds["python"] = pyproject()["project"]["requires-python"].removeprefix(">=")
    assert {name: bounds[name] for name in MINIMUM_VERSIONS} == MINIMUM_VERSIONS
