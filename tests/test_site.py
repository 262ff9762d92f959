"""The built website: a warning-free build, Chinese and English search, numbering parity, links.

The book is built once per test session into a temporary folder, with the same flags as CI
(Sphinx warnings are errors, nitpicky references).
"""
import json
import re
from urllib.parse import unquote, urlparse

import pytest

from bookfiles import notebooks


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


def test_every_internal_link_resolves(site):
    broken = []
    for page in (p for p in site.rglob("*.html") if "_static" not in p.parts):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'(?:href|src)="([^"]+)"', html):
            url = urlparse(href)
            if url.scheme or url.netloc or href.startswith(("#", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == []
