"""The Colab path without Colab: install from a git URL into a clean environment, run a notebook as Colab would.

1. The working tree, uncommitted changes included, becomes a throw-away git repository (branch ``main``).
2. A clean virtual environment without ``dlcourse``. To avoid downloading TensorFlow again, the dependencies are
   borrowed from the test's own environment through a ``.pth`` file that points at a folder of links to its
   site-packages, minus everything of ``dlcourse`` (pip runs ``--no-index``, so nothing is downloaded either).
3. Notebook 00 runs in quick mode in a kernel of that environment with a stub ``google.colab`` imported at start
   (as Colab does), so the setup cell takes its Colab branch. Its ``%pip install`` URL, the only change to the
   notebook, points at the local repository: the setup cell itself installs ``dlcourse`` from
   ``git+file://...@main`` exactly as it installs it from GitHub on Colab, and the rest of the notebook runs on
   that install (checked: ``dlcourse.__file__`` is in the new environment, installed from the snapshot's commit).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import nbformat

from dlcourse.course import INSTALL_URL

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_welcome.ipynb"
GIT_IDENTITY = ["-c", "user.name=dlcourse tests", "-c", "user.email=tests@dlcourse.invalid",
                "-c", "commit.gpgsign=false"]


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result


NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", ".cache", "__pycache__", "*.egg-info", "build", "dist", "html")


def snapshot_repository(dest: Path) -> str:
    """Copy the tracked and untracked-but-not-ignored files into a new git repository at ``dest``; its commit id.

    Outside a git checkout (a source archive) the whole tree is copied, minus environments and build output.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True)
    if listed.returncode != 0:
        shutil.copytree(ROOT, dest, ignore=NOT_SOURCE, dirs_exist_ok=True)
    else:
        for name in filter(None, listed.stdout.split("\0")):
            if (ROOT / name).is_file():  # tracked files deleted in the working tree are left out
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, dest / name)
    run("git", "init", "-q", "-b", "main", cwd=dest)
    run("git", "add", "-A", cwd=dest)
    run("git", *GIT_IDENTITY, "commit", "-q", "-m", "snapshot of the working tree", cwd=dest)
    return run("git", "rev-parse", "HEAD", cwd=dest).stdout.strip()


def is_dlcourse(entry: str) -> bool:
    """The installed package or its metadata (``dlcourse-0.1.0.dist-info``, ``__editable___dlcourse_..._finder.py``)."""
    return entry.lower().replace("__editable__", "").lstrip("._").startswith("dlcourse")


def clean_venv_borrowing_dependencies(venv: Path, links: Path) -> Path:
    """A new virtual environment (no pip, no packages) whose ``sys.path`` ends with links to our dependencies."""
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    links.mkdir()
    ours = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    for site_packages in ours:
        for entry in site_packages.iterdir():
            if not is_dlcourse(entry.name) and not (links / entry.name).exists():
                (links / entry.name).symlink_to(entry)
    new_site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (new_site / "borrowed_dependencies.pth").write_text(f"{links}\n")
    return python


def kernel_spec(jupyter_dir: Path, python: Path) -> None:
    """A ``python3`` kernel that runs in the new environment, whatever other kernels this machine has."""
    spec = jupyter_dir / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (clean venv)", "language": "python"}))


def colab_stub(stub_dir: Path, ipython_dir: Path) -> None:
    """``google.colab`` as a namespace-package portion (``google`` stays protobuf's), imported at kernel start."""
    package = stub_dir / "google" / "colab"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Stand-in for Colab: its presence is what the setup cell checks."""\n')
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # Colab's kernel imports it before any cell runs\n")


RUNNER = textwrap.dedent("""
    import sys, nbformat
    from nbclient import NotebookClient
    notebook = nbformat.read(sys.argv[1], as_version=4)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
    finally:
        nbformat.write(notebook, sys.argv[2])
""")


def test_the_colab_install_path_works_from_a_git_url_in_a_clean_environment(tmp_path, require_data):
    require_data("mnist")
    repo = tmp_path / "repo"
    repo.mkdir()
    commit = snapshot_repository(repo)
    url = f"git+file://localhost{repo}@main"   # with a host: older pip (23.2) rejects git+file:///

    python = clean_venv_borrowing_dependencies(tmp_path / "venv", tmp_path / "borrowed")
    venv_env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "PIP_NO_BUILD_ISOLATION": "0",  # pip reads this as build_isolation=False (its inverted switch)
                "PIP_CACHE_DIR": str(tmp_path / "pip-cache")}
    venv_env.pop("PYTHONPATH", None)
    assert run(python, "-c", "import importlib.util as u; print(u.find_spec('dlcourse'))", env=venv_env,
               cwd=tmp_path).stdout.strip() == "None", "dlcourse must not be importable before the install"

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    setup = notebook.cells[1]
    assert setup.source.count(INSTALL_URL) == 1
    setup.source = setup.source.replace(INSTALL_URL, url)
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import json, sys\nprint(json.dumps({'prefix': sys.prefix, 'dlcourse': dlc.__file__, 'colab': ENV.is_colab}))"))
    work = tmp_path / "work"
    work.mkdir()
    nbformat.write(notebook, work / "colab.ipynb")
    kernel_spec(tmp_path / "jupyter", python)
    colab_stub(tmp_path / "stub", tmp_path / "ipython")
    kernel_env = {**venv_env, "PYTHONPATH": str(tmp_path / "stub"), "IPYTHONDIR": str(tmp_path / "ipython"),
                  "JUPYTER_PATH": str(tmp_path / "jupyter"), "DLCOURSE_QUICK": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    kernel_env.pop("DLCOURSE_STATIC_WIDGETS", None)  # Colab has a live front end
    (work / "run.py").write_text(RUNNER)
    result = subprocess.run([str(python), "run.py", "colab.ipynb", "executed.ipynb"], cwd=work, env=kernel_env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"the notebook failed in the Colab path:\n{result.stderr[-4000:]}"

    executed = nbformat.read(work / "executed.ipynb", as_version=4)
    errors = [o for cell in executed.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    setup_text = "".join(o.get("text", "") for o in executed.cells[1].outputs)
    assert "you may need to restart the kernel" in setup_text, "the Colab branch ran %pip"
    assert "(Google Colab)" in setup_text and "Quick mode: ON" in setup_text
    report = json.loads(executed.cells[-1].outputs[0]["text"])
    assert report["colab"] is True
    assert Path(report["prefix"]) == tmp_path / "venv"

    probe = ("import dlcourse, json, importlib.metadata as m; "
             "print(json.dumps({'file': dlcourse.__file__, 'url': json.loads(m.distribution('dlcourse')"
             ".read_text('direct_url.json'))}))")
    installed = json.loads(run(python, "-c", probe, env=venv_env, cwd=tmp_path).stdout)
    assert Path(installed["file"]).is_relative_to(tmp_path / "venv") and installed["file"] == report["dlcourse"]
    assert installed["url"]["url"] == f"file://localhost{repo}" and installed["url"]["vcs_info"]["commit_id"] == commit
