"""The built site in a real browser (headless Chromium, no network but loopback).

For pages of both languages: math is rendered by the site's own MathJax, figures load, the
language link leads to the counterpart, there are no console errors and no request leaves the
machine; Chinese and English searches find the right pages; the chapter pages are readable at
phone width and in dark mode. Screenshots are kept in tests/artifacts/. Playwright drives
Debian's Chromium (tests/browser.py).
"""
from urllib.parse import quote, urlparse

import pytest

import browser
from bookfiles import ROOT, notebooks, toc_files

ARTIFACTS = ROOT / "tests" / "artifacts"
CHAPTERS = [p.stem for p in notebooks("en")]
pytestmark = [pytest.mark.site, pytest.mark.browser]
PAGES = [f"{entry}.html" for entry in toc_files()]   # every page of the book (the root, book/index, first)


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


_VISITS: dict[str, dict] = {}


def visit(chromium, served_site, page) -> dict:
    """Open ``page`` at desktop size once and record everything the tests below check about it
    (opening each page once instead of once per check keeps the browser tests short: typesetting
    a chapter's math is most of a page's cost)."""
    if page not in _VISITS:
        mathjax = open_page(chromium, served_site, page)
        host = urlparse(served_site).netloc
        _VISITS[page] = {
            "mathjax": mathjax,
            "math": math_state(chromium),
            "images": chromium.evaluate("[...document.querySelectorAll('article img')]"
                                        ".map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])"),
            "figures": chromium.evaluate("[...document.querySelectorAll('figure img, div.cell_output img')]"
                                         ".filter(i => i.naturalWidth > 0).length"),
            "counterparts": chromium.evaluate(
                "Object.fromEntries(['en', 'zh'].map(o => [o, (document.querySelector("
                "`article a.reference.internal[href$=\"../${o}/${location.pathname.split('/').pop()}\"]`) || {}).href]))"),
            "lang": chromium.evaluate("document.documentElement.lang"),
            "path": chromium.evaluate("location.pathname"),
            "problems": chromium.problems(),
            "foreign": [u for u in chromium.requested_urls()
                        if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host],
        }
        chromium.screenshot(str(ARTIFACTS / (page.replace("/", "_") + ".png")))
    return _VISITS[page]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_completely_from_the_site_alone(chromium, served_site, page):
    seen = visit(chromium, served_site, page)
    if seen["math"]["math"]:
        assert seen["mathjax"], "MathJax did not start"
        assert seen["math"]["unrendered"] == 0 and seen["math"]["errors"] == 0, seen["math"]
    assert all(ok for _, ok in seen["images"]), seen["images"]
    assert seen["problems"] == []
    assert seen["foreign"] == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_figures_load_and_math_is_rendered(chromium, served_site, name):
    for lang in ("en", "zh"):
        seen = visit(chromium, served_site, f"book/{lang}/{name}.html")
        assert seen["math"]["math"] > 0 and seen["math"]["unrendered"] == 0
        if name != "api":
            assert seen["figures"] >= 1


@pytest.mark.parametrize("name", CHAPTERS + ["preface", "notation", "sources", "how-to-cite", "figures"])
@pytest.mark.parametrize("lang, other", [("en", "zh"), ("zh", "en")])
def test_language_link_leads_to_the_counterpart(chromium, served_site, name, lang, other):
    href = visit(chromium, served_site, f"book/{lang}/{name}.html")["counterparts"][other]
    assert href, "no link to the other language"
    assert href.startswith(served_site)
    target = visit(chromium, served_site, href[len(served_site):].split("#")[0])   # where the link leads
    assert target["lang"] == ("zh-CN" if other == "zh" else "en")
    assert target["path"].endswith(f"/book/{other}/{name}.html")


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
