"""Shared test set-up.

- Every notebook that nbval checks runs in a kernel whose working directory is a fresh, empty
  temporary folder, so a notebook that reads a file beside it (``../data/...``) fails here
  instead of on a reader's machine: a notebook must run from any folder, with only ``adamcode``
  importable. tests/data/runs_in_an_empty_folder.ipynb checks that this is in force.
- The tests run on every core (pytest-xdist, ``-n auto`` in pyproject.toml). Each notebook's
  cells stay together on one worker, in order, and so do all tests that need the built site
  (it is built once): ``--dist loadgroup`` with the groups set here, the site's group first
  since it takes longest.
- The built website (built once per session) and a local HTTP server for it.
"""
import functools
import http.server
import pathlib
import re
import subprocess
import sys
import tempfile
import threading

import nbval.plugin
import pytest

import browser
from bookfiles import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"


class _KernelInEmptyFolder(nbval.plugin.RunningKernel):
    """nbval's kernel, started in an empty temporary folder instead of the notebook's own."""

    def __init__(self, kernel_name, cwd=None, startup_timeout=60):
        self.folder = tempfile.TemporaryDirectory(prefix="adamcode-notebook-")   # removed when collected
        super().__init__(kernel_name, cwd=self.folder.name, startup_timeout=startup_timeout)


assert nbval.plugin.RunningKernel.__init__.__code__.co_varnames[1:4] == ("kernel_name", "cwd", "startup_timeout")
nbval.plugin.RunningKernel = _KernelInEmptyFolder


def pytest_collection_modifyitems(config, items):
    """xdist groups: one per notebook; one for everything that needs the built site, run first."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook:{item.path}"))
        elif "site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("site"))
        elif item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group(f"browser:{item.path.name}"))
    items.sort(key=lambda item: "site" not in getattr(item, "fixturenames", ()))   # stable: order kept


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> pathlib.Path:
    """Build the book as CI does (warnings are errors, nitpicky) into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert not re.search(r"WARNING|ERROR", log), log[-5000:]
    return out / "_build" / "html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(site):
    """The built site on http://127.0.0.1:<port>/ (loopback only), for the browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (Debian's package, driven by Playwright); skipped when missing, unless
    ADAMCODE_REQUIRE_BROWSER=1 (CI), where a missing browser fails the tests."""
    executable = browser.find_chromium()
    message = None
    if executable is None:
        message = "Chromium not found: install Debian's 'chromium' package to run the browser tests"
    elif not browser.playwright_installed():
        message = "Playwright not installed: pip install -r requirements.txt"
    if message:
        if browser.required():
            pytest.fail(message)
        pytest.skip(message)
    ARTIFACTS.mkdir(exist_ok=True)
    driver = browser.Chromium(executable)
    yield driver
    driver.close()
