"""Teach the Chinese search splitter (jieba) the book's technical terms.

Sphinx indexes Chinese text with jieba. Its general dictionary splits compounds such as
偏差修正 ("bias correction") into 偏差 + 修正, so a reader searching for the whole term would
find nothing. This extension loads the terms of the book's glossary (``search_terms_zh.txt``
beside this file, one term per line) into jieba before any page is indexed; jieba's
``cut_for_search`` then indexes both the compound and its parts.
"""
from __future__ import annotations

import pathlib

TERMS = pathlib.Path(__file__).with_name("search_terms_zh.txt")


def load_terms(app=None) -> list[str]:
    import jieba

    terms = [line.strip() for line in TERMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for term in terms:
        jieba.add_word(term, freq=100000)
    return terms


def setup(app):
    app.connect("builder-inited", load_terms)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
