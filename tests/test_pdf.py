"""The PDFs (scripts/build_pdf.py): Chinese typeset, handouts without solutions, the site's numbers.

They run when the PDFs have been built (`python scripts/build_pdf.py`, which .ci/run does);
otherwise they are skipped, unless ADAMCODE_REQUIRE_PDF=1 makes a missing PDF a failure.
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

from bookfiles import ROOT, language_files

PDF = ROOT / "_build" / "pdf"
LATEX = ROOT / "_build" / "pdf-work"
SITE = ROOT / "_build" / "html"
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
LANGUAGES = ("en", "zh")


def pdf_path(name: str) -> pathlib.Path:
    path = PDF / name
    if not path.exists():
        if os.environ.get("ADAMCODE_REQUIRE_PDF") == "1":
            pytest.fail(f"{path} is missing: run python scripts/build_pdf.py")
        pytest.skip(f"{path} not built (python scripts/build_pdf.py)")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (Debian's poppler-utils) is needed to read the PDFs")
    return path


def text(name: str, *pages: int) -> str:
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    out = subprocess.run(["pdftotext", "-layout", *span, str(pdf_path(name)), "-"],
                         capture_output=True, text=True, check=True).stdout
    # the CJK font's hyphen is extracted as U+2010/U+2011
    return out.replace("\u2011", "-").replace("\u2010", "-")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["", "-exercises"])
def test_title_page_names_the_version_date_and_site(language, kind):
    first = text(f"adamcode-{language}{kind}.pdf", 1)
    assert str(CFF["version"]) in first and str(CFF["date-released"]) in first
    assert CFF["url"] in first


def test_the_chinese_pdf_is_typeset_in_chinese_without_missing_glyphs():
    body = text("adamcode-zh.pdf")
    assert len(re.findall(r"[\u4e00-\u9fff]", body)) > 20000
    for term in ("梯度下降", "动量法", "学习率", "偏差修正", "权重衰减", "练习"):
        assert term in body
    # XeLaTeX reports every character that no font has ("Missing character: There is no ...")
    for log in (LATEX / "zh" / "_build" / "latex").glob("*.log"):
        missing = re.findall(r"Missing character: There is no (.+?) in font", log.read_text(errors="replace"))
        assert missing == [], f"{log.name}: {sorted(set(missing))[:20]}"


def exercise_count(language: str) -> int:
    """Exercises in the chapters of one language, counted in the notebooks."""
    total = 0
    for f in language_files(language):
        path = ROOT / f"{f}.ipynb"
        if path.exists():
            total += len(re.findall(r"```\{exercise\}", path.read_text(encoding="utf-8")))
    return total


@pytest.mark.parametrize("language", LANGUAGES)
def test_handouts_have_every_exercise_and_no_solution(language):
    handout = text(f"adamcode-{language}-exercises.pdf")
    word, solution = ("Exercise", r"Solution to Exercise \d+") if language == "en" else ("练习", r"解答\s*练习\s*\d+")
    assert len(re.findall(rf"^\s*{word} ?\d+\s*$", handout, re.M)) == exercise_count(language)
    assert not re.search(solution, handout)
    assert "??" not in handout  # every reference to an equation or figure resolved
    book = text(f"adamcode-{language}.pdf")
    assert len(re.findall(solution, book)) == exercise_count(language)  # the book keeps every solution
    assert "??" not in book


def aux_numbers(language: str, kind: str) -> dict:
    aux = LATEX / language / "_build" / "latex" / f"adamcode-{language}.aux"
    if not aux.exists():
        pytest.skip(f"{aux} not built")
    pattern = re.compile(r"\\newlabel\{%s:book/%s/([^:]+):([^}]+)\}\{\{(\d+)\}" % (kind, language))
    numbers = {}
    for chapter, label, number in pattern.findall(aux.read_text(encoding="utf-8", errors="replace")):
        numbers.setdefault(chapter, {})[label] = int(number)
    return numbers


@pytest.mark.parametrize("language", LANGUAGES)
def test_equation_numbers_are_the_sites(language):
    """Every labelled equation of every chapter has the number the website gives it."""
    pdf = aux_numbers(language, "equation")
    if not SITE.exists():
        pytest.skip("the website is not built in _build/html (README's first command)")
    assert pdf
    for chapter, labels in pdf.items():
        html = (SITE / "book" / language / f"{chapter}.html").read_text(encoding="utf-8")
        site = {m.group(1): int(m.group(2)) for m in re.finditer(
            r'id="equation-([^"]+)">.*?<span class="eqno">\((\d+)\)', html, re.S)}
        assert labels == {k: v for k, v in site.items() if k in labels}, chapter
        assert set(site) <= set(labels), chapter


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_has_no_links_to_the_other_language_site_pages(language):
    body = text(f"adamcode-{language}.pdf")
    assert "Read in English" not in body and "阅读中文版" not in body
