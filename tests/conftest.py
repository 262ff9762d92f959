"""Shared fixtures: the built website (built once per session), a local HTTP server for it, and
headless Chromium. (How nbval runs notebooks and how tests share the cores: ../conftest.py.)"""
import functools
import http.server
import pathlib
import re
import subprocess
import sys
import threading

import pytest

import browser
from bookfiles import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"


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
