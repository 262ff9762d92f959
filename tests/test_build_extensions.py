"""The two extensions that make the site build fast change nothing in what it builds.

- ``zh_search_terms.search_chinese_with_a_set``: Sphinx's Chinese indexer with its list of Latin
  words replaced by a set. The same text must give the same words and the same stems.
- ``numref_once``: ``{numref}`` resolved from one unpickled copy of each page's doctree. A small
  project built with and without it must give the same pages, with each target page read once.

Both run without building the book (a few seconds).
"""
import json
import pickle
import sys

import pytest

from bookfiles import BOOK, ROOT, notebooks

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import zh_search_terms  # noqa: E402


def _page_texts() -> list[str]:
    """The markdown of a chapter in each language: Chinese, English, formulas, code names."""
    texts = []
    for lang in ("en", "zh"):
        for path in notebooks(lang)[:1]:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            markdown = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
            texts += markdown[:12_000].split("\n\n")   # enough words; Sphinx's own indexer is slow
    return texts + ["RMS rms ies ADAM AdamW Adam's lr eps 偏差修正 β₂ SGD+momentum"]


def _index_words(search, texts):
    words = []
    for text in texts:
        for word in search.split(text):
            words.append((word, search.stem(word), search.word_filter(search.stem(word))))
    return words


def test_chinese_indexer_with_a_set_splits_and_stems_as_sphinx_does():
    from sphinx.search.zh import SearchChinese

    zh_search_terms.load_terms()
    texts = _page_texts()
    SearchChinese.latin_terms = []   # Sphinx's class-level list, empty as in a fresh build
    original = _index_words(SearchChinese({}), texts)
    fast = _index_words(zh_search_terms.search_chinese_with_a_set()({}), texts)
    assert len(original) > 3000
    assert fast == original
    # Short stems are where the Latin-word lookup matters: "ies" would stem to "i".
    assert ("ies", "ies", True) in fast


PROJECT = {
    "conf.py": "import sys\nsys.path.insert(0, {ext!r})\nextensions = {extensions!r}\nnumfig = True\n"
               "numfig_format = {{'figure': 'Figure %s', 'table': 'Table %s', 'code-block': 'Listing %s'}}\n",
    "index.rst": "Home\n====\n\n.. toctree::\n\n   one\n   two\n\nSee :numref:`fig-a`, :numref:`tab-b`, "
                 ":numref:`Fig. {{number}} <fig-a>` and :numref:`fig-c`.\n",
    "one.rst": "One\n===\n\n.. _fig-a:\n\n.. figure:: pic.png\n\n   A caption.\n\n.. _tab-b:\n\n.. table:: A table.\n\n"
               "   = =\n   a b\n   = =\n\n:numref:`fig-a` and :numref:`tab-b` and :numref:`fig-c`.\n",
    "two.rst": "Two\n===\n\n.. _fig-c:\n\n.. figure:: pic.png\n\n   Another caption.\n\n:numref:`fig-a`, "
               ":numref:`fig-c`, :numref:`fig-c`.\n",
}


def _build(tmp_path, name, extensions, monkeypatch):
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    src = tmp_path / name / "src"
    src.mkdir(parents=True)
    for file, text in PROJECT.items():
        (src / file).write_text(text.format(ext=str(ROOT / "book" / "_ext"), extensions=extensions))
    (src / "pic.png").write_bytes(b"")
    reads = []
    unpickle = pickle.loads

    def counting_loads(data, *args, **kwargs):
        reads.append(len(data))
        return unpickle(data, *args, **kwargs)

    out = tmp_path / name / "html"
    with monkeypatch.context() as patch:
        patch.setattr("sphinx.environment.pickle.loads", counting_loads)
        app = Sphinx(str(src), str(src), str(out), str(tmp_path / name / "doctrees"), "html",
                     status=None, warning=None, freshenv=True, confoverrides={"html_theme": "basic"})
        app.build()
    assert isinstance(app.env, BuildEnvironment)
    pages = {page: (out / f"{page}.html").read_text(encoding="utf-8") for page in ("index", "one", "two")}
    return pages, len(reads)


def test_numref_once_builds_the_same_pages_reading_each_target_once(tmp_path, monkeypatch):
    plain, plain_reads = _build(tmp_path, "plain", [], monkeypatch)
    fast, fast_reads = _build(tmp_path, "fast", ["numref_once"], monkeypatch)
    assert fast == plain
    assert "Figure 1" in plain["index"] and "Fig. 1" in plain["index"] and "Table 1" in plain["index"]
    assert "Figure 2" in plain["two"]
    # 10 references to targets on 2 pages: Sphinx unpickles the target page for each reference
    # (13 reads in all), numref_once each target page once (5 reads, the same 3 besides).
    assert (plain_reads, fast_reads) == (3 + 10, 3 + 2)
