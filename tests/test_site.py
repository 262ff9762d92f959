"""The built website: a warning-free build, Chinese and English search, numbering parity, links.

The book is built once per test session into a temporary folder, with the same flags as CI
(Sphinx warnings are errors, nitpicky references).
"""
import json
import re
from urllib.parse import unquote, urlparse

import pytest

from bookfiles import notebooks

pytestmark = pytest.mark.site


def search_index(site) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1: text.rindex(")")])


def pages_for(index, term):
    """The pages Sphinx's search finds for an (already stemmed) term, in body text or titles."""
    pages = set()
    for table in ("terms", "titleterms"):
        hits = index[table].get(term, [])
        pages |= {index["docnames"][i] for i in (hits if isinstance(hits, list) else [hits])}
    return pages


def test_chinese_term_finds_the_chinese_page(site):
    index = search_index(site)
    assert "book/zh/adam" in pages_for(index, "偏差修正")
    assert "book/en/adam" not in pages_for(index, "偏差修正")
    assert "book/zh/adam" in pages_for(index, "偏差")      # the parts of a compound too


def test_english_term_finds_the_english_page(site):
    index = search_index(site)
    assert "book/en/adam" in pages_for(index, "bias")
    assert "book/en/adam" in pages_for(index, "correct")   # "correction", stemmed
    assert "book/en/adam" in pages_for(index, "kingma")


@pytest.mark.parametrize("name", [p.stem for p in notebooks("en")])
def test_chapter_and_equation_numbers_agree_between_languages(site, name):
    en, zh = ((site / "book" / lang / f"{name}.html").read_text(encoding="utf-8") for lang in ("en", "zh"))
    numbers = lambda html, pattern: re.findall(pattern, html)
    assert numbers(en, r'class="eqno">\(([\d.]+)\)') == numbers(zh, r'class="eqno">\(([\d.]+)\)') != []
    h1 = r'<h1><span class="section-number">([\d.]+)'
    assert numbers(en, h1) == numbers(zh, h1) != []
    caption = r'class="caption-number">[^<\d]*(\d+(?:\.\d+)*)'   # figures and exercises
    assert numbers(en, caption) == numbers(zh, caption) != []
    assert f'href="../zh/{name}.html"' in en and f'href="../en/{name}.html"' in zh


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def test_every_internal_link_resolves(site):
    broken = []
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'(?:href|src)="([^"]+)"', html):
            url = urlparse(href)
            if url.scheme or url.netloc or href.startswith(("#", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == []


def test_every_internal_fragment_resolves(site):
    """Cross-references ({eq}, {numref}, {doc}, citations) point at an id that exists."""
    ids = {}
    broken, checked = [], 0
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]*#[^"]+)"', html):
            url = urlparse(href)
            if url.scheme or url.netloc:
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.suffix != ".html" or not target.exists():
                continue
            if target not in ids:
                ids[target] = set(re.findall(r'\bid="([^"]+)"', target.read_text(encoding="utf-8")))
            checked += 1
            if unquote(url.fragment) not in ids[target]:
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == [] and checked > 100


def test_no_page_loads_an_asset_from_another_host(site):
    """Scripts, style sheets, fonts, images: all served by the site itself (links to other
    sites, such as the repository or a paper, are fine; loading from them is not)."""
    foreign = []
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        assets = re.findall(r'<(?:script|img|iframe|source)\b[^>]*\bsrc="([^"]+)"', html)
        assets += [href for tag in re.findall(r"<link\b[^>]*>", html)
                   if not re.search(r'rel="(canonical|alternate|next|prev|index|search|author|license)"', tag)
                   for href in re.findall(r'href="([^"]+)"', tag)]
        foreign += [f"{page.relative_to(site)}: {a}" for a in assets if urlparse(a).netloc]
    for sheet in site.glob("_static/**/*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8", errors="replace")):
            if urlparse(url).netloc:
                foreign.append(f"{sheet.relative_to(site)}: {url}")
    assert foreign == []
    assert (site / "_static" / "mathjax" / "tex-chtml-full.js").exists()
    assert 'src="../../_static/mathjax/tex-chtml-full.js' in (site / "book" / "en" / "adam.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("name", [p.stem for p in notebooks("en")])
def test_every_chapter_is_downloadable_as_a_notebook(site, language, name):
    html = (site / "book" / language / f"{name}.html").read_text(encoding="utf-8")
    assert f'href="../../_sources/book/{language}/{name}.ipynb"' in html
    stored = json.loads((site / "_sources" / "book" / language / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert stored["cells"] and stored["nbformat"] == 4


@pytest.mark.parametrize("name", [p.stem for p in notebooks("en")])
def test_chinese_pages_show_the_theme_in_chinese(site, name):
    zh = (site / "book" / "zh" / f"{name}.html").read_text(encoding="utf-8")
    en = (site / "book" / "en" / f"{name}.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in zh and '<html lang="en"' in en
    for english, chinese in [("Contents", "目录"), ("Back to top", "回到顶部"), ("Search this book...", "搜索本书……")]:
        assert english not in re.sub(r"<pre\b.*?</pre>", "", zh, flags=re.S) and chinese in zh
        assert english in en


def test_tables_printed_by_code_cells_are_rendered_as_tables(site):
    """A Markdown table in a cell output must become an HTML table, not stay as pipes and dashes."""
    raw = []
    for page in html_pages(site):
        html = re.sub(r"<pre\b.*?</pre>", "", page.read_text(encoding="utf-8"), flags=re.S)
        raw += [f"{page.relative_to(site)}: {m}" for m in re.findall(r"\|\s*:?-{3,}:?\s*\|", html)]
    assert raw == []
    assert "<table" in (site / "book" / "en" / "adam.html").read_text(encoding="utf-8")


IMG = re.compile(r"<img\b[^>]*>")


def test_every_image_has_alt_text_that_says_what_it_shows(site):
    """A screen reader reads the alt text aloud: never empty, never a file name or path."""
    bad = []
    for page in html_pages(site):
        for tag in IMG.findall(page.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]*)"', tag)
            text = alt.group(1).strip() if alt else ""
            path_like = (re.search(r"\.(png|svg|jpe?g|gif)\b", text, re.I) or "_images/" in text
                         or text.startswith(("../", "./", "/")) or re.fullmatch(r"[0-9a-f]{16,}", text))
            if not text or path_like:
                bad.append(f"{page.relative_to(site)}: {tag[:160]}")
    assert bad == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_gallery_shows_every_figure_with_its_svg_and_png(site, language):
    """book/<language>/figures.html: one entry per captioned figure of every chapter, in order."""
    from bookfiles import ROOT
    html = (site / "book" / language / "figures.html").read_text(encoding="utf-8")
    expected = []
    for nb_path in notebooks(language):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        count = sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "figure" in c["metadata"].get("mystnb", {}))
        expected += [f"{nb_path.stem}-fig-{n}" for n in range(1, count + 1)]
    assert expected
    for suffix in ("svg", "png"):
        linked = re.findall(rf'href="[^"]*/_downloads/[0-9a-f]+/([\w-]+-fig-\d+)\.{suffix}"', html)
        assert sorted(linked) == sorted(expected)
    for stem in expected:
        svg = ROOT / "book" / "figures" / f"{stem}.svg"
        assert svg.stat().st_size < 2_000_000, f"{svg.name} is {svg.stat().st_size} bytes: rasterize dense plots"
    assert "CC BY 4.0" in html
