"""Reading the book's sources for the structure and site tests."""
from __future__ import annotations

import json
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
LANGUAGES = ("en", "zh")
OTHER = {"en": "zh", "zh": "en"}


def toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def toc_files() -> list[str]:
    data = toc()
    files = [data["root"]]
    for part in data.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def language_files(language: str) -> list[str]:
    """The TOC entries of one language, in reading order."""
    return [f for f in toc_files() if f.startswith(f"book/{language}/")]


def pages(language: str) -> list[pathlib.Path]:
    """The Markdown pages (not notebooks) of one language."""
    return sorted((BOOK / language).glob("*.md"))


def notebooks(language: str) -> list[pathlib.Path]:
    return sorted((BOOK / language).glob("*.ipynb"))


def load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def cells(nb: dict, kind: str) -> list[dict]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == kind]


def markdown(nb: dict) -> str:
    return "\n".join(source(cell) for cell in cells(nb, "markdown"))


def labels(text: str, language: str) -> list[str]:
    """Equation, exercise and figure labels, in order, with the language prefix removed."""
    found = re.findall(r"\$\$\s*\((%s-[\w-]+)\)" % language, text)
    found += re.findall(r":label:\s*(%s-[\w-]+)" % language, text)
    return [label[len(language) + 1:] for label in found]


def references(text: str, language: str) -> list[str]:
    """Targets of {eq}, {numref} and solution references, in order, without the prefix."""
    found = re.findall(r"\{(?:eq|numref)\}`(?:[^`<]*<)?(%s-[\w-]+)>?`" % language, text)
    found += re.findall(r"\{solution-start\}\s+(%s-[\w-]+)" % language, text)
    return [label[len(language) + 1:] for label in found]


def headings(text: str) -> list[int]:
    """The levels of the Markdown headings, in order (outside code fences)."""
    levels, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"(#{1,6}) ", line)):
            levels.append(len(match.group(1)))
    return levels


def figure_names(nb: dict) -> list[str]:
    return [cell["metadata"]["mystnb"]["figure"]["name"] for cell in cells(nb, "code")
            if "figure" in cell.get("metadata", {}).get("mystnb", {})]
