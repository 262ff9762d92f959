"""Chinese search: split Chinese text into words with rjieba, and teach it the book's terms.

Sphinx indexes Chinese pages (``html_search_language: zh``) with ``sphinx.search.zh``, which
splits Chinese text with the pure-Python ``jieba`` and Latin text with a regular expression and
the English stemmer. This extension keeps Sphinx's indexer and changes two things:

- **rjieba instead of jieba.** rjieba (jieba-rs, the Rust port of jieba) splits the same way,
  is installed from a wheel on every platform and Python (``jieba`` has only ever been
  published as source), and is about 25 times faster. Only its words that contain a non-ASCII
  character are used; Latin words come, as in Sphinx, from the regular expression, and the
  parts of names joined by underscores (``adjust_lr_fn``) are indexed too, as jieba split them.
- **A set of Latin words.** Sphinx's indexer remembers every Latin word of every page in a list
  and, for each word it stems, asks whether the word is in that list: a linear scan, which took
  30 of this bilingual site's 70 s of build. A set answers the same question at once, with the
  same stems.

The general dictionary splits compounds such as 偏差修正 ("bias correction") into 偏差 + 修正,
so a reader searching for the whole term would find nothing. The terms of the book's glossary
(``search_terms_zh.txt`` beside this file, one term per line) are added to the dictionary before
any page is indexed; ``cut_for_search`` then indexes both the compound and its parts.
(tests/test_build_extensions.py and tests/test_site.py check both.)
"""
from __future__ import annotations

import pathlib

TERMS = pathlib.Path(__file__).with_name("search_terms_zh.txt")


def load_terms(app=None) -> list[str]:
    import rjieba

    terms = [line.strip() for line in TERMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for term in terms:
        rjieba.add_word(term, 100000, None)
    return terms


def chinese_indexer():
    """Sphinx 7.4's ``SearchChinese`` with rjieba as its splitter and its Latin words in a set."""
    import rjieba
    from sphinx.search.zh import SearchChinese

    class SearchChineseWithRjieba(SearchChinese):
        def init(self, options):
            super().init(options)
            self.latin_terms = set()   # the instance's own, not the class's shared list

        def split(self, input: str) -> list[str]:
            chinese = [word for word in rjieba.cut_for_search(input) if not word.isascii()]
            latin1 = [term.strip() for term in self.latin1_letters.findall(input)]
            self.latin_terms.update(latin1)
            # The parts of names such as adjust_lr_fn, so that "adjust" finds them, as jieba did.
            parts = [part for term in latin1 if "_" in term for part in term.split("_") if part]
            return chinese + latin1 + parts

    return SearchChineseWithRjieba


def setup(app):
    app.add_search_language(chinese_indexer())
    app.connect("builder-inited", load_terms)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
