"""JupyterLab in a real browser: a course notebook runs, its slider redraws the plot, training shows progress.

``jupyter lab`` serves a copy of notebook 03 (it has both an ipywidgets slider and a Keras ``fit`` with the live
training plot) on localhost with a token, in quick mode and with live (not static) widgets. Headless Chromium,
driven by Playwright (``executable_path`` = the system's ``chromium``; Playwright downloads no browser), runs all
cells through the Run menu and checks what a student would see. Screenshots go to ``$DLCOURSE_SCREENSHOTS``
(default ``build/screenshots/``).

Needs the ``playwright`` package (the ``test`` extra) and Debian's ``chromium`` (``apt-get install chromium``, or
``DLCOURSE_CHROMIUM=/path/to/chromium``); without them the test is skipped, saying which is missing, unless
``DLCOURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlcourse._env import env_flag

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_training_process.ipynb"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM = Path(os.environ.get("DLCOURSE_CHROMIUM")
                or (DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else shutil.which("chromium") or DEBIAN_CHROMIUM))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RUN_ALL_TIMEOUT_S = 480   # ~1 min on 2 idle cores; CI runs other notebooks alongside
SLIDER_CELL = "augmentation_explorer("
TRAINING_CELL = "LiveTrainingPlot("

# JupyterLab user settings: render every cell (no virtual scrolling, so all outputs are in the page) and no
# news or update checks (no network, no pop-ups over the notebook).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False,
                                                                        "fetchNews": "false"},
}


def require_browser() -> None:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        reason = "the JupyterLab browser test needs " + " and ".join(missing)
        if env_flag("DLCOURSE_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Lab:
    url: str
    work: Path
    log: Path


@pytest.fixture
def lab(tmp_path: Path, require_data) -> Iterator[Lab]:
    """``jupyter lab`` on a free localhost port with a token, serving a temporary copy of the notebook."""
    require_browser()
    require_data("fashion_mnist")
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(NOTEBOOK, work)
    for name, values in LAB_SETTINGS.items():
        (tmp_path / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "settings" / name).write_text(json.dumps(values))
    env = {**os.environ, "DLCOURSE_QUICK": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    env.pop("DLCOURSE_STATIC_WIDGETS", None)  # real, interactive widgets
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "jupyter-lab.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={work}"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=work)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert server.poll() is None, f"jupyter lab exited:\n{log.read_text()[-3000:]}"
                assert time.monotonic() < deadline, f"jupyter lab did not start:\n{log.read_text()[-3000:]}"
                time.sleep(0.5)
        yield Lab(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}", work, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def shots(tmp_path: Path) -> Iterator[Path]:
    """Screenshots folder (in the test's tmp dir), copied to $DLCOURSE_SCREENSHOTS or build/screenshots/ at the end."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    keep = Path(os.environ.get("DLCOURSE_SCREENSHOTS") or ROOT / "build" / "screenshots")
    keep.mkdir(parents=True, exist_ok=True)
    for stale in keep.glob("jupyterlab-*"):   # a failure's pictures from an earlier run
        stale.unlink()
    for shot in folder.iterdir():
        shutil.copy(shot, keep / f"jupyterlab-{shot.name}")


def pixel_change(before: str, after: str) -> float:
    """Mean absolute difference (0-1) between two ``data:image/png;base64`` pictures of the same size."""
    import base64
    import io

    import matplotlib.image
    import numpy as np

    first, second = (matplotlib.image.imread(io.BytesIO(base64.b64decode(src.split(",", 1)[1])), format="png")
                     for src in (before, after))
    assert first.shape == second.shape, (first.shape, second.shape)
    return float(np.abs(first - second).mean())


PROMPTS_JS = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent)"
RUN_FINISHED_JS = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent);
    const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return prompts.length > 0 && /\\d/.test(prompts[0]) && !prompts.some(p => p.includes('*'))
        && status !== null && status.getAttribute('data-status') === 'idle';
}"""


def test_a_course_notebook_runs_in_jupyterlab_with_live_widgets_and_training_progress(lab, shots, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000})
        page = browser.pages[0] if browser.pages else browser.new_page()
        try:
            page.goto(lab.url)
            kernel_idle = page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$"))
            expect(kernel_idle.first).to_be_visible(timeout=90_000)
            assert len(page.evaluate(PROMPTS_JS)) > 30, "the whole notebook is rendered"
            page.screenshot(path=shots / "1-opened.png")

            page.locator(".lm-MenuBar-item", has_text=re.compile("^Run$")).click()
            page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
            page.wait_for_function(RUN_FINISHED_JS, timeout=RUN_ALL_TIMEOUT_S * 1000, polling=1000)
            page.screenshot(path=shots / "2-ran-all-cells.png")

            prompts = page.evaluate(PROMPTS_JS)
            assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), f"cells that did not run: {prompts}"
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                                  has_text=re.compile(r"Traceback|Error:"))
            assert errors.count() == 0, errors.first.inner_text()[-2000:]

            # -- the slider redraws the plot ---------------------------------------------------------------
            cell = page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text=SLIDER_CELL))
            slider = cell.locator(".widget-slider", has_text="rotation")
            expect(slider).to_be_visible()
            picture = cell.locator(".widget-output img").first
            expect(picture).to_be_visible()
            cell.scroll_into_view_if_needed()
            cell.screenshot(path=shots / "3-slider-before.png")
            before = picture.get_attribute("src")
            expect(slider.locator(".widget-readout")).to_have_text("0.05")
            slider.locator(".noUi-handle").focus()
            page.keyboard.press("End")   # the keyboard moves the handle as a student would: to the maximum
            expect(slider.locator(".widget-readout")).to_have_text("0.50")
            expect(picture).not_to_have_attribute("src", before, timeout=60_000)   # redrawn by the kernel
            expect(kernel_idle.first).to_be_visible(timeout=60_000)
            cell.screenshot(path=shots / "4-slider-after.png")
            assert pixel_change(before, picture.get_attribute("src")) > 0.02, "the plot did not visibly change"

            # -- training shows its progress ------------------------------------------------------------------
            training = page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text=TRAINING_CELL))
            training.scroll_into_view_if_needed()
            training.screenshot(path=shots / "5-training.png")
            progress = training.locator(".jp-OutputArea-output").first.inner_text()
            assert re.match(r"Epoch \d+/3 · loss \d+\.\d+ · val_loss \d+\.\d+ · accuracy", progress), progress
            expect(training.locator(".jp-OutputArea-output img").first).to_be_visible()
        except Exception:
            page.screenshot(path=shots / "failed.png", full_page=True)   # what the page showed when it failed
            shutil.copy(lab.log, shots / "failed-jupyter-lab.log")
            raise
        finally:
            browser.close()
