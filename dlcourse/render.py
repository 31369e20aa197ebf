"""Course notebooks as standalone HTML, executed in quick mode, for instructors to publish.

Each notebook runs top to bottom in a fresh kernel (nbclient, ``DLCOURSE_QUICK=1`` unless ``quick=False``) and is
exported with nbconvert's ``HTMLExporter``: plots are embedded images, and the widgets' state is embedded too, so
their sliders and first picture display in a browser without a kernel (the widget script loads from a CDN; pass
``static_widgets=True`` for plain pictures that need no script). Notebook files are only read, never written.

Example:
    >>> from dlcourse.render import find_notebooks, render_notebooks
    >>> [p.name for p in find_notebooks(["00"])]
    ['00_welcome.ipynb']
    >>> render_notebooks(find_notebooks(["00", "02"]), "html")          # doctest: +SKIP
    [Rendered(notebook=PosixPath('notebooks/00_welcome.ipynb'), html=PosixPath('html/00_welcome.html'), ...), ...]

Command line: ``dlcourse render 00 02 --out html`` (no names: every notebook in ``notebooks/``).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Rendered:
    """The outcome for one notebook: the HTML written, or the error that stopped it (then ``html`` is None)."""

    notebook: Path
    html: Path | None
    seconds: float
    error: str | None = None


def find_notebooks(names: Sequence[str] = (), root: Path | str = ".") -> list[Path]:
    """Notebook paths for ``names``: numbers or stems from ``notebooks/`` (``"00"``, ``"00_welcome"``) or paths.

    No names means every notebook in ``root/notebooks``.
    """
    folder = Path(root) / "notebooks"
    available = sorted(folder.glob("*.ipynb"))
    if not names:
        return available
    found: list[Path] = []
    for name in names:
        if name.endswith(".ipynb"):
            if not Path(name).is_file():
                raise ValueError(f"no notebook at {name}")
            found.append(Path(name))
            continue
        matches = [p for p in available if p.stem == name or p.stem.startswith(name + "_")]
        if not matches:
            raise ValueError(f"no notebook named {name!r} in {folder}")
        found.extend(matches)
    return found


def kernel_environment(*, quick: bool = True, static_widgets: bool = False) -> dict[str, str]:
    """The environment the notebook's kernel starts with: quick mode on/off, live or static widgets."""
    env = dict(os.environ)
    env["DLCOURSE_QUICK"] = "1" if quick else "0"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if static_widgets:
        env["DLCOURSE_STATIC_WIDGETS"] = "1"
    else:  # live widgets: nbclient records their state (sliders, and the picture in their output area)
        env.pop("DLCOURSE_STATIC_WIDGETS", None)
    return env


def execute(path: Path | str, *, quick: bool = True, static_widgets: bool = False, timeout: int = 600) -> Any:
    """Run a copy of the notebook in a fresh kernel, in its own folder; returns the executed ``NotebookNode``."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute(env=kernel_environment(quick=quick, static_widgets=static_widgets))
    return notebook


def title_of(notebook: Any, default: str) -> str:
    """The notebook's ``# `` title (first line of its first cell), for the HTML page title."""
    cells = notebook.get("cells", [])
    first = cells[0].get("source", "") if cells else ""
    line = first.splitlines()[0] if first else ""
    return line[2:].strip() if line.startswith("# ") else default


def to_html(notebook: Any, title: str) -> str:
    """Standalone HTML for an executed notebook (images and widget state embedded)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(embed_images=True).from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def render_notebook(path: Path | str, out_dir: Path | str, *, quick: bool = True, static_widgets: bool = False,
                    timeout: int = 600) -> Rendered:
    """Execute ``path`` and write ``out_dir/<stem>.html``; a failing cell gives a ``Rendered`` with the error."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path, out_dir = Path(path), Path(out_dir)
    start = time.perf_counter()
    try:
        notebook = execute(path, quick=quick, static_widgets=static_widgets, timeout=timeout)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        lines = _ANSI.sub("", str(exc)).strip().splitlines()
        return Rendered(path, None, round(time.perf_counter() - start, 1), lines[-1][:300] if lines else repr(exc))
    out_dir.mkdir(parents=True, exist_ok=True)
    html = out_dir / f"{path.stem}.html"
    html.write_text(to_html(notebook, title_of(notebook, path.stem)), encoding="utf-8")
    return Rendered(path, html, round(time.perf_counter() - start, 1))


def render_notebooks(paths: Sequence[Path | str], out_dir: Path | str, *, quick: bool = True,
                     static_widgets: bool = False, timeout: int = 600,
                     progress: Callable[[Rendered], None] | None = None) -> list[Rendered]:
    """Render each notebook in turn (one fresh kernel each); failures are reported, the others still rendered."""
    stems = [Path(p).stem for p in paths]
    duplicates = sorted({stem for stem in stems if stems.count(stem) > 1})
    if duplicates:
        raise ValueError(f"two notebooks would both write {', '.join(s + '.html' for s in duplicates)}; "
                         "render them into different --out folders")
    results = []
    for path in paths:
        result = render_notebook(path, out_dir, quick=quick, static_widgets=static_widgets, timeout=timeout)
        if progress is not None:
            progress(result)
        results.append(result)
    return results
