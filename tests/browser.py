"""Headless Chromium for the browser tests, driven by Playwright for Python.

Playwright drives Debian's ``chromium`` package (``executable_path``), so no browser is
downloaded. The browser has no network but loopback: every request a page makes is recorded,
so a test can assert that nothing is fetched from a third-party host, and every console error,
uncaught exception and failed request is recorded too.
"""
from __future__ import annotations

import os
import shutil

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """$CHROMIUM if set (e.g. google-chrome on a GitHub runner), else the first of CHROMIUM_NAMES."""
    for name in ((os.environ["CHROMIUM"],) if os.environ.get("CHROMIUM") else CHROMIUM_NAMES):
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_installed() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


class Chromium:
    """One headless Chromium with one page at a time."""

    def __init__(self, executable: str):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self.browser = self._playwright.chromium.launch(
                executable_path=executable, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--disable-extensions", "--hide-scrollbars", "--mute-audio"])
        except Exception:
            self._playwright.stop()
            raise
        self.context = self.page = None
        self._look = None
        self.events: list[tuple[str, str]] = []
        self.emulate(1280, 900)

    def _record(self, kind: str, text: str) -> None:
        self.events.append((kind, text))

    def _new_page(self, width: int, height: int, mobile: bool, dark: bool) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1, is_mobile=mobile,
            has_touch=mobile, color_scheme="dark" if dark else "light")
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.on("request", lambda request: self._record("request", request.url))
        self.page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED" and self._record(
            "problem", f"failed request: {request.failure} {request.url}"))   # not a cancelled one
        self.page.on("pageerror", lambda error: self._record("problem", f"exception: {error}"))
        self.page.on("console", lambda message: message.type in ("error", "assert") and self._record(
            "problem", f"console.{message.type}: {message.text}"))

    def emulate(self, width: int, height: int, mobile: bool = False, dark: bool = False) -> None:
        """The viewport and colour scheme of the next pages (a phone gets a fresh mobile context)."""
        look = (width, height, mobile, dark)
        if look == self._look:
            return
        if self._look is None or self._look[2] != mobile:
            self._new_page(*look)
        else:
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.emulate_media(color_scheme="dark" if dark else "light")
        self._look = look

    def goto(self, url: str) -> None:
        """Open ``url`` and wait for its load event; the event log starts afresh."""
        self.events = []
        self.page.goto(url, wait_until="load")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression (promises are awaited)."""
        return self.page.evaluate(expression)

    def wait_until(self, expression: str, timeout: float = 20):
        """The first truthy value of ``expression`` within ``timeout`` seconds, else its last value."""
        try:
            self.page.wait_for_function(expression, timeout=timeout * 1000, polling=200)
        except Exception as error:  # playwright's TimeoutError: report the value, let the test say why
            if "Timeout" not in type(error).__name__:
                raise
        return self.evaluate(expression)

    def screenshot(self, path: str) -> None:
        self.page.screenshot(path=path)

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and failed requests since the last ``goto``."""
        return [text for kind, text in self.events if kind == "problem"]

    def requested_urls(self) -> list[str]:
        return [text for kind, text in self.events if kind == "request"]

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            self._playwright.stop()


def required() -> bool:
    """CI sets ADAMCODE_REQUIRE_BROWSER=1 so that a missing Chromium fails instead of skipping."""
    return os.environ.get("ADAMCODE_REQUIRE_BROWSER") == "1"
