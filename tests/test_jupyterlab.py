"""A chapter opened in JupyterLab reads as it does on the website (jupyterlab-myst).

The README tells readers to run ``jupyter lab book/en/adam.ipynb``. Without jupyterlab-myst,
JupyterLab shows the MyST syntax raw ({eq}`...`, {cite}`...`, ```{exercise} fences). This test
starts JupyterLab on a free loopback port without a token, in a temporary copy of one chapter of
each language (so that nothing is written into the repository), opens the chapter in headless
Chromium and checks that the math is typeset (jupyterlab-myst uses KaTeX; JupyterLab's own MathJax counts too), the MyST roles and directives are
rendered (no raw ``{eq}``, ``{cite}``, ``{numref}`` or directive fences left in the text) and
that no request leaves the machine.
"""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse

import pytest

import browser
from bookfiles import BOOK, ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = pytest.mark.browser
RAW_MYST = ("{eq}", "{cite}", "{numref}", "{ref}", "{doc}", "```{", ":::{", "{exercise}", "{solution")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]




@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab serving a folder with one English and one Chinese chapter, on 127.0.0.1."""
    root = tmp_path_factory.mktemp("lab")
    for lang in ("en", "zh"):
        (root / lang).mkdir()
        shutil.copy(BOOK / lang / "adam.ipynb", root / lang / "adam.ipynb")
    home = tmp_path_factory.mktemp("lab-home")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_NO_CONFIG": "1"}
    # Render every cell at once (JupyterLab otherwise renders only the cells near the viewport)
    # and do not ask about news.
    settings = home / "settings"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False}}.items():
        package, name = plugin.split("/")
        (settings / "@jupyterlab" / package).mkdir(parents=True, exist_ok=True)
        (settings / "@jupyterlab" / package / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", "--ServerApp.allow_root=True"],   # CI runs as root
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url + "api/status", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("JupyterLab did not start:\n" + process.stdout.read()[-3000:])
            time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chapter_reads_in_jupyterlab_as_on_the_site(chromium, jupyterlab, lang):
    chromium.emulate(1280, 900)
    chromium.goto(f"{jupyterlab}lab/tree/{lang}/adam.ipynb?reset")   # reset: no tabs restored
    # Every markdown cell rendered and MathJax done typesetting.
    state_js = """(() => {
        const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
        if (!panel) return {cells: 0, rendered: 0, math: 0, errors: 0, text: ''};
        const md = [...panel.querySelectorAll('.jp-MarkdownCell')];
        const output = md.map(c => c.querySelector('.jp-RenderedMarkdown, .jp-RenderedMySTMarkdown, .myst'));
        return {cells: md.length, rendered: output.filter(o => o && o.innerText.trim()).length,
                math: panel.querySelectorAll('.katex, mjx-container').length,
                errors: panel.querySelectorAll('.katex-error, mjx-merror').length,
                text: md.map(c => c.innerText).join('\\n')};
    })()"""
    assert chromium.wait_until("document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell').length > 5", timeout=90)
    chromium.wait_until(f"(() => {{ const s = {state_js}; return s.rendered === s.cells && s.math > 20; }})()", timeout=60)
    state = chromium.evaluate(state_js)
    chromium.evaluate("document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').scrollTop = 0")
    chromium.screenshot(str(ARTIFACTS / f"jupyterlab-{lang}-adam.png"))
    assert state["cells"] > 5 and state["rendered"] == state["cells"], {k: state[k] for k in ("cells", "rendered")}
    assert state["math"] > 20 and state["errors"] == 0, {k: state[k] for k in ("math", "errors")}
    raw = [token for token in RAW_MYST if token in state["text"]]
    assert raw == [], f"MyST syntax shown raw in JupyterLab: {raw}"
    assert "$$" not in state["text"]
    host = urlparse(jupyterlab).netloc
    foreign = [u for u in chromium.requested_urls() if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).netloc != host]
    assert foreign == []
