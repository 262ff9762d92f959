"""Teach the Chinese search splitter (jieba) the book's technical terms.

Sphinx indexes Chinese text with jieba. Its general dictionary splits compounds such as
偏差修正 ("bias correction") into 偏差 + 修正, so a reader searching for the whole term would
find nothing. This extension loads the terms of the book's glossary (``search_terms_zh.txt``
beside this file, one term per line) into jieba before any page is indexed; jieba's
``cut_for_search`` then indexes both the compound and its parts.

It also makes Sphinx's Chinese indexer fast (``search_chinese_with_a_set``): the index it writes
is the same, byte for byte.
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


class _LatinTerms(set):
    """The Latin words the Chinese splitter has seen, as a set that also answers ``extend``."""

    extend = set.update


def search_chinese_with_a_set():
    """Sphinx 7.4's Chinese indexer, with the Latin words it has seen kept in a set.

    ``sphinx.search.zh.SearchChinese`` remembers every Latin word of every page in a list and,
    for each word it stems, asks whether the word is in that list: a linear scan, which took
    30 of this bilingual site's 70 s of build. A set answers the same question at once, so the
    stems and the search index (``searchindex.js``) come out byte for byte the same.
    """
    from sphinx.search.zh import SearchChinese

    class SearchChineseWithASet(SearchChinese):
        def init(self, options):
            super().init(options)
            self.latin_terms = _LatinTerms()   # the instance's own, not the class's shared list

    return SearchChineseWithASet


def setup(app):
    app.add_search_language(search_chinese_with_a_set())
    app.connect("builder-inited", load_terms)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
