"""The book's structure: table of contents, language parity, stored outputs, terminology."""
import re

import pytest

from bookfiles import BOOK, LANGUAGES, OTHER, ROOT, cells, figure_names, headings, labels, load, toc
from bookfiles import language_files, markdown, notebooks, pages, references, source, toc_files

CHAPTERS = [path.stem for path in notebooks("en")]
PAIRS = [(load(BOOK / "en" / f"{name}.ipynb"), load(BOOK / "zh" / f"{name}.ipynb")) for name in CHAPTERS]
CJK = re.compile(r"[\u4e00-\u9fff]")


# Chapter slugs are the pages' URLs (book/en/<slug>.html), which lecturers cite: they must not change.
STABLE_SLUGS = ["gradient-descent", "momentum", "rmsprop", "adam", "adamw", "stochastic", "schedules", "beyond-adam", "comparison",
                "memory-and-speed", "api"]


def test_chapters_keep_their_stable_slugs_in_reading_order():
    numbered = [[c["file"] for c in part["chapters"]] for part in toc()["parts"] if part.get("numbered")]
    assert numbered == [[f"book/{lang}/{slug}" for slug in STABLE_SLUGS] for lang in LANGUAGES]
    assert sorted(CHAPTERS) == sorted(s for s in STABLE_SLUGS if s != "api")


def test_every_toc_entry_exists_and_every_page_is_in_the_toc():
    listed = set(toc_files())
    for entry in listed:
        assert any((ROOT / f"{entry}{suffix}").exists() for suffix in (".md", ".ipynb")), entry
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in BOOK.rglob("*")
             if p.suffix in (".md", ".ipynb") and not {"_build", "_ext", "_static", "_pdf"} & set(p.parts)
             and ".ipynb_checkpoints" not in p.parts}
    assert pages - listed == set()


def test_language_parts_list_the_same_pages_in_the_same_order():
    en, zh = language_files("en"), language_files("zh")
    assert [f.removeprefix("book/en/") for f in en] == [f.removeprefix("book/zh/") for f in zh]
    assert {p.stem for p in notebooks("en")} == {p.stem for p in notebooks("zh")}
    assert {p.stem for p in pages("en")} == {p.stem for p in pages("zh")}
    parts = toc()["parts"]
    numbered = [[c["file"] for c in part["chapters"]] for part in parts if part.get("numbered")]
    assert [[f.removeprefix("book/en/") for f in numbered[0]]] == [[f.removeprefix("book/zh/") for f in numbered[1]]]
    assert all(f.startswith("book/en/") for f in numbered[0]) and all(f.startswith("book/zh/") for f in numbered[1])


PAGE_PAIRS = [(p.name, p.read_text(encoding="utf-8"), (BOOK / "zh" / p.name).read_text(encoding="utf-8"))
              for p in pages("en")]


@pytest.mark.parametrize("name, en, zh", PAGE_PAIRS, ids=[p[0] for p in PAGE_PAIRS])
def test_markdown_pages_correspond_and_link_to_each_other(name, en, zh):
    assert headings(en) == headings(zh)
    assert labels(en, "en") == labels(zh, "zh")
    assert en.lstrip().startswith(f"[") and f"(../zh/{name})" in en.splitlines()[0]
    assert zh.lstrip().startswith(f"[") and f"(../en/{name})" in zh.splitlines()[0]
    assert len(CJK.findall(zh)) > 0.25 * len(re.sub(r"\$[^$]*\$|`[^`]*`|\s|\{[^}]*\}", "", zh))


@pytest.mark.parametrize("name, pair", list(zip(CHAPTERS, PAIRS)), ids=CHAPTERS)
def test_code_cells_are_identical(name, pair):
    en, zh = ([source(c) for c in cells(nb, "code")] for nb in pair)
    assert en == zh


@pytest.mark.parametrize("name, pair", list(zip(CHAPTERS, PAIRS)), ids=CHAPTERS)
def test_headings_equations_exercises_and_figures_correspond(name, pair):
    en, zh = pair
    assert headings(markdown(en)) == headings(markdown(zh))
    assert labels(markdown(en), "en") == labels(markdown(zh), "zh")
    assert references(markdown(en), "en") == references(markdown(zh), "zh")
    assert [n.removeprefix("en-") for n in figure_names(en)] == [n.removeprefix("zh-") for n in figure_names(zh)]
    assert len(cells(en, "markdown")) == len(cells(zh, "markdown"))
    assert len(labels(markdown(en), "en")) > 0 and not labels(markdown(zh), "en") and not labels(markdown(en), "zh")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_starts_with_link_to_other_language(language, name):
    first = source(cells(load(BOOK / language / f"{name}.ipynb"), "markdown")[0]).lstrip()
    assert re.match(r"\[[^\]]+\]\(\.\./%s/%s\.ipynb\)" % (OTHER[language], name), first), first[:80]


@pytest.mark.parametrize("name, pair", list(zip(CHAPTERS, PAIRS)), ids=CHAPTERS)
def test_chinese_prose_is_chinese_and_english_prose_is_english(name, pair):
    en, zh = (markdown(nb) for nb in pair)
    assert len(CJK.findall(zh)) > 0.25 * len(re.sub(r"\$[^$]*\$|`[^`]*`|\s", "", zh))
    assert len(CJK.findall(en)) < 10


@pytest.mark.parametrize("path", notebooks("en") + notebooks("zh"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_outputs_come_from_one_clean_top_to_bottom_run(path):
    code = cells(load(path), "code")
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert sum(len(c["outputs"]) for c in code) > 0
    assert not any(o["output_type"] == "error" for c in code for o in c["outputs"])
    assert not any(o.get("name") == "stderr" for c in code for o in c["outputs"])


@pytest.mark.parametrize("name, pair", list(zip(CHAPTERS, PAIRS)), ids=CHAPTERS)
def test_both_languages_print_the_same_numbers(name, pair):
    def texts(nb):
        return [o.get("text") or o.get("data", {}).get("text/plain") for c in cells(nb, "code") for o in c["outputs"]]
    assert texts(pair[0]) == texts(pair[1])


def _sanitize_patterns() -> list[tuple[str, str]]:
    """The (regex, replacement) pairs of tests/sanitize.cfg, which nbval applies before comparing."""
    lines = [line.strip() for line in (ROOT / "tests" / "sanitize.cfg").read_text().splitlines()]
    regexes = [line.removeprefix("regex:").strip() for line in lines if line.startswith("regex:")]
    replacements = [line.removeprefix("replace:").strip() for line in lines if line.startswith("replace:")]
    assert len(regexes) == len(replacements) > 0
    return list(zip(regexes, replacements))


def checked_outputs(cell: dict, patterns) -> list:
    """What strict nbval compares of a cell's stored outputs: every output and every MIME type,
    streams of one name joined, text sanitized as tests/sanitize.cfg says; not images (nbval
    does not compare them), output metadata, or a cell tagged nbval-ignore-output."""
    if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
        return ["(not compared)"]
    def text(value):
        value = "".join(value) if isinstance(value, list) else value
        if isinstance(value, str):
            for regex, replacement in patterns:
                value = re.sub(regex, replacement, value)
        return value
    found = []
    for output in cell["outputs"]:
        if output["output_type"] == "stream" and found and found[-1][:2] == ("stream", output["name"]):
            found[-1] = ("stream", output["name"], found[-1][2] + text(output["text"]))
        elif output["output_type"] == "stream":
            found.append(("stream", output["name"], text(output["text"])))
        else:
            data = {kind: text(value) for kind, value in output.get("data", {}).items()
                    if kind not in ("image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json")}
            found.append((output["output_type"], data, output.get("ename"), output.get("evalue")))
    return found


@pytest.mark.parametrize("name, pair", list(zip(CHAPTERS, PAIRS)), ids=CHAPTERS)
def test_chinese_outputs_are_the_checked_english_ones(name, pair):
    """The suite runs only the English notebooks under nbval (pyproject.toml). The Chinese ones
    have identical code cells (test above); this makes every stored Chinese output that nbval
    would compare equal to the English one that nbval did compare, cell for cell, with the same
    tags (which tell nbval what to compare) and the same run order."""
    patterns = _sanitize_patterns()
    en, zh = (cells(nb, "code") for nb in pair)
    assert len(en) == len(zh)
    for index, (a, b) in enumerate(zip(en, zh)):
        tags = [sorted(c.get("metadata", {}).get("tags", [])) for c in (a, b)]
        assert tags[0] == tags[1], f"code cell {index}: tags differ {tags}"
        assert a["execution_count"] == b["execution_count"], f"code cell {index}"
        assert checked_outputs(a, patterns) == checked_outputs(b, patterns), f"code cell {index} (nbval's Cell {index})"
    assert pair[0]["metadata"].get("kernelspec") == pair[1]["metadata"].get("kernelspec")


def test_chinese_outputs_check_can_fail():
    patterns = _sanitize_patterns()
    cell = {"metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": "L = 0.25\n"}]}
    other = {"metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["L = ", "0.26\n"]}]}
    split = {"metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["L = ", "0.25\n"]}]}
    assert checked_outputs(cell, patterns) != checked_outputs(other, patterns)
    assert checked_outputs(cell, patterns) == checked_outputs(split, patterns)
    address = {"metadata": {}, "outputs": [{"output_type": "execute_result", "data": {"text/plain": "<x at 0x7f00>"}}]}
    address2 = {"metadata": {}, "outputs": [{"output_type": "execute_result", "data": {"text/plain": "<x at 0x7f99>"}}]}
    assert checked_outputs(address, patterns) == checked_outputs(address2, patterns)


FORBIDDEN = ["亚当", "时刻", "重量衰减", "渐变", "超级参数"]


@pytest.mark.parametrize("path", notebooks("zh") + pages("zh") + sorted(BOOK.glob("*.md")), ids=lambda p: p.name)
def test_chinese_text_uses_the_glossary(path):
    text = path.read_text(encoding="utf-8")
    assert [term for term in FORBIDDEN if term in text] == []
