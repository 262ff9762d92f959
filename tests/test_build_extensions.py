"""The extensions that make the site build fast index and number as Sphinx does.

- ``zh_search_terms.chinese_indexer``: Sphinx's Chinese indexer with rjieba as its splitter and
  its Latin words in a set. Latin words must get Sphinx's own stems, and the book's Chinese terms
  must be indexed whole and in parts.
- ``numref_once``: ``{numref}`` resolved from one unpickled copy of each page's doctree. A small
  project built with and without it must give the same pages, with each target page read once.

Both run without building the book (a few seconds).
"""
import json
import pickle
import re
import sys

from bookfiles import ROOT, notebooks

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import zh_search_terms  # noqa: E402


def _markdown(lang: str) -> str:
    return "\n".join("".join(cell["source"]) for path in notebooks(lang)
                     for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                     if cell["cell_type"] == "markdown")


def _indexer():
    zh_search_terms.load_terms()
    return zh_search_terms.chinese_indexer()({})


def test_latin_words_get_sphinx_stems():
    from sphinx.search.zh import SearchChinese

    text = _markdown("en")[:40_000] + " RMS rms ies ADAM AdamW Adam's lr eps SGD+momentum"
    ours = _indexer()
    words = ours.split(text)
    regex = [w.strip() for w in re.findall(r"[a-zA-Z0-9_]+", text)]       # Sphinx's Latin words
    parts = [p for w in regex if "_" in w for p in w.split("_") if p]        # and the parts of names
    latin = [w for w in words if w.isascii()]
    assert latin == regex + parts and "beta" in parts
    sphinx = SearchChinese({})
    sphinx.latin_terms = list(ours.latin_terms)   # Sphinx's own lookup: a list of the same words
    assert len(latin) > 3000
    assert [ours.stem(w) for w in latin] == [sphinx.stem(w) for w in latin]
    # Short stems are where the lookup matters: "ies" would stem to "i", "RMS" to "rm".
    assert ours.stem("ies") == "ies" and ours.stem("RMS") == "rms"


def test_chinese_terms_are_indexed_whole_and_in_parts():
    indexer = _indexer()
    terms = [t for t in zh_search_terms.TERMS.read_text(encoding="utf-8").split() if t]
    text = _markdown("zh")
    used = [term for term in terms if term in text]
    assert len(used) >= 20
    words = set(indexer.split(text))
    assert [t for t in used if t not in words] == []          # each glossary term whole
    assert {"偏差修正", "偏差", "修正", "学习率", "权重衰减", "权重", "衰减"} <= words   # and its parts
    assert all(not w.isascii() for w in indexer.split("偏差修正（bias correction）") if w not in ("bias", "correction"))
    assert indexer.split("偏差修正（bias correction）")[-2:] == ["bias", "correction"]


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
