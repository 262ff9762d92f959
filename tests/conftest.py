"""Shared fixtures: the built website (built once per session) and a local HTTP server for it."""
import functools
import http.server
import pathlib
import re
import subprocess
import sys
import threading

import pytest

from bookfiles import ROOT


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
