"""The built site in a real browser (headless Chromium, no network but loopback).

For pages of both languages: math is rendered by the site's own MathJax, figures load, the
language link leads to the counterpart, there are no console errors and no request leaves the
machine; Chinese and English searches find the right pages; the chapter pages are readable at
phone width and in dark mode. Screenshots are kept in tests/artifacts/.
"""
from urllib.parse import quote, urlparse

import pytest

import browser
from bookfiles import ROOT, notebooks, toc_files

ARTIFACTS = ROOT / "tests" / "artifacts"
CHAPTERS = [p.stem for p in notebooks("en")]
PAGES = ["book/index.html"] + [f"{entry}.html" for entry in toc_files()]   # every page of the book


@pytest.fixture(scope="module")
def chromium():
    executable = browser.find_chromium()
    if executable is None:
        message = "Chromium not found: install Debian's 'chromium' package to run the browser tests"
        if browser.required():
            pytest.fail(message)
        pytest.skip(message)
    ARTIFACTS.mkdir(exist_ok=True)
    driver = browser.Chromium(executable)
    yield driver
    driver.close()


def open_page(chromium, served_site, page, width=1280, height=900, mobile=False, dark=False):
    chromium.emulate(width, height, mobile=mobile, dark=dark)
    chromium.goto(served_site + page)
    rendered = chromium.evaluate(
        "window.MathJax && MathJax.startup ? MathJax.startup.promise.then(() => true) : false")
    return rendered


def math_state(chromium):
    return chromium.evaluate("""(() => {
        const math = [...document.querySelectorAll('span.math, div.math')];
        return {math: math.length,
                unrendered: math.filter(e => !e.querySelector('mjx-container')).length,
                errors: document.querySelectorAll('mjx-merror').length};
    })()""")


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_completely_from_the_site_alone(chromium, served_site, page):
    mathjax = open_page(chromium, served_site, page)
    state = math_state(chromium)
    if state["math"]:
        assert mathjax, "MathJax did not start"
        assert state["unrendered"] == 0 and state["errors"] == 0, state
    images = chromium.evaluate(
        "[...document.querySelectorAll('article img')].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
    assert all(ok for _, ok in images), images
    chromium.screenshot(str(ARTIFACTS / (page.replace("/", "_") + ".png")))
    assert chromium.problems() == []
    host = urlparse(served_site).netloc
    foreign = [u for u in chromium.requested_urls() if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host]
    assert foreign == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_figures_load_and_math_is_rendered(chromium, served_site, name):
    for lang in ("en", "zh"):
        open_page(chromium, served_site, f"book/{lang}/{name}.html")
        state = math_state(chromium)
        assert state["math"] > 0 and state["unrendered"] == 0
        if name != "api":
            figures = chromium.evaluate(
                "[...document.querySelectorAll('figure img, div.cell_output img')].filter(i => i.naturalWidth > 0).length")
            assert figures >= 1


@pytest.mark.parametrize("name", CHAPTERS + ["preface", "notation", "sources", "how-to-cite", "figures"])
@pytest.mark.parametrize("lang, other", [("en", "zh"), ("zh", "en")])
def test_language_link_leads_to_the_counterpart(chromium, served_site, name, lang, other):
    open_page(chromium, served_site, f"book/{lang}/{name}.html")
    href = chromium.evaluate(
        f"(document.querySelector('article a.reference.internal[href$=\"../{other}/{name}.html\"]') || {{}}).href")
    assert href, "no link to the other language"
    chromium.goto(href)
    assert chromium.evaluate("document.documentElement.lang") == ("zh-CN" if other == "zh" else "en")
    assert chromium.evaluate(f"location.pathname.endsWith('/book/{other}/{name}.html')")


@pytest.mark.parametrize("query, expected, unexpected", [
    ("偏差修正", "book/zh/adam.html", "book/en/adam.html"),
    ("bias correction", "book/en/adam.html", None),
])
def test_search_finds_the_right_language(chromium, served_site, query, expected, unexpected):
    chromium.goto(served_site + "search.html?q=" + quote(query))
    links = chromium.wait_until(
        "(() => { const a = [...document.querySelectorAll('#search-results ul.search li a')].map(a => a.getAttribute('href'));"
        " return a.length ? a : null; })()")
    assert links, "no search results"
    pages = [link.split("?")[0].split("#")[0] for link in links]
    assert expected in pages
    if unexpected:
        assert unexpected not in pages
    assert chromium.problems() == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chapter_is_readable_at_phone_width_in_dark_mode(chromium, served_site, lang):
    page = f"book/{lang}/adam.html"
    assert open_page(chromium, served_site, page, width=390, height=844, mobile=True, dark=True)
    layout = chromium.evaluate("""(() => {
        const lum = c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return (0.2126*r + 0.7152*g + 0.0722*b) / 255; };
        const body = getComputedStyle(document.body);
        const math = document.querySelector('mjx-container');
        return {overflow: document.documentElement.scrollWidth - window.innerWidth,
                theme: document.documentElement.dataset.theme,
                background: lum(body.backgroundColor), text: lum(body.color),
                math: math ? lum(getComputedStyle(math).color) : null,
                fontSize: parseFloat(body.fontSize)};
    })()""")
    chromium.screenshot(str(ARTIFACTS / f"phone-dark-{lang}-adam.png"))
    assert layout["overflow"] <= 1, layout          # no sideways scrolling of the page
    assert layout["theme"] == "dark" and layout["background"] < 0.3 and layout["text"] > 0.6, layout
    assert layout["math"] is not None and layout["math"] > 0.6, layout   # light math on dark ground
    assert layout["fontSize"] >= 14, layout
    assert math_state(chromium)["unrendered"] == 0
