"""``{cite-this}``: BibTeX for the book, a chapter, an equation or an exercise, of one version.

The site's address (``html.baseurl``), the repository's address (``repository.url``), the
title, the author and the year are read from the configuration, and the version and its date
from ``CITATION.cff``, so each is written in one place only. Usage in a page::

    ```{cite-this}
    ```
    ```{cite-this} adam
    :title: Adam
    :language: en
    ```
    ```{cite-this} adam
    :title: Adam
    :language: en
    :equation: en-adam-eps-conversion
    ```
    ```{cite-this} adam
    :title: Adam
    :language: en
    :exercise: en-adam-ex-...
    ```

An equation or exercise entry links the stable anchor of that equation or exercise
(``#equation-<label>``, ``#<label>``) and names its number, which is counted from the chapter's
source in document order, the way the site numbers it per page (equations and exercises are
numbered from 1 in every chapter, identically in both languages).
"""
from __future__ import annotations

import json
import pathlib
import re

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

EQUATION = re.compile(r"^\$\$\s*\(([^)\s]+)\)\s*$", re.M)
EXERCISE = re.compile(r"```\{exercise\}[^\n]*\n:label:\s*(\S+)")


def release(srcdir) -> tuple[str, str]:
    """``(version, date)`` of the newest release, from CITATION.cff."""
    cff = yaml.safe_load((pathlib.Path(srcdir) / "CITATION.cff").read_text(encoding="utf-8"))
    return str(cff["version"]), str(cff["date-released"])


def markdown_of(srcdir, language: str, chapter: str) -> str:
    """The Markdown of a chapter (a notebook's Markdown cells, or a .md page)."""
    base = pathlib.Path(srcdir) / "book" / language / chapter
    if base.with_suffix(".ipynb").exists():
        cells = json.loads(base.with_suffix(".ipynb").read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return base.with_suffix(".md").read_text(encoding="utf-8")


def number_of(srcdir, language: str, chapter: str, kind: str, label: str) -> int:
    """The per-page number of the equation or exercise ``label`` (1-based, in document order)."""
    pattern = EQUATION if kind == "equation" else EXERCISE
    labels = pattern.findall(markdown_of(srcdir, language, chapter))
    if label not in labels:
        raise ValueError(f"cite-this: no {kind} labelled {label!r} in book/{language}/{chapter}")
    return labels.index(label) + 1


def bibtex(config, chapter: str | None = None, title: str | None = None, language: str = "en",
           srcdir=None, equation: str | None = None, exercise: str | None = None) -> str:
    site = config.html_baseurl.rstrip("/") + "/"
    repository = config.html_theme_options.get("repository_url", "")
    year = re.search(r"\d{4}", config.copyright).group(0)
    book = config.html_title
    version, date = release(srcdir)
    if chapter is None:
        return (f"@book{{adamcode{year},\n"
                f"  title     = {{{{{book}}}}},\n"
                f"  author    = {{{{{config.author}}}}},\n"
                f"  year      = {{{year}}},\n"
                f"  edition   = {{{version}}},\n"
                f"  url       = {{{site}}},\n"
                f"  note      = {{Version {version} of {date}. Source code: {repository}}}\n"
                f"}}")
    url = f"{site}book/{language}/{chapter}.html"
    key = f"adamcode{year}-{chapter}-{language}"
    note = f"Chapter \\texttt{{{chapter}}}"
    if equation:
        number = number_of(srcdir, language, chapter, "equation", equation)
        url, key = f"{url}#equation-{equation}", f"{key}-eq{number}"
        note += f", Eq. ({number})"
    elif exercise:
        number = number_of(srcdir, language, chapter, "exercise", exercise)
        url, key = f"{url}#{exercise}", f"{key}-ex{number}"
        note += f", Exercise {number}"
    return (f"@incollection{{{key},\n"
            f"  title     = {{{{{title}}}}},\n"
            f"  booktitle = {{{{{book}}}}},\n"
            f"  author    = {{{{{config.author}}}}},\n"
            f"  year      = {{{year}}},\n"
            f"  edition   = {{{version}}},\n"
            f"  url       = {{{url}}},\n"
            f"  note      = {{{note}; version {version} of {date}; equations, figures and exercises are numbered per chapter, identically in English and Chinese}}\n"
            f"}}")


class CiteThis(SphinxDirective):
    optional_arguments = 1
    option_spec = {"title": directives.unchanged, "language": directives.unchanged,
                   "equation": directives.unchanged, "exercise": directives.unchanged}
    has_content = False

    def run(self):
        chapter = self.arguments[0] if self.arguments else None
        text = bibtex(self.config, chapter, self.options.get("title"), self.options.get("language", "en"),
                      srcdir=self.env.srcdir, equation=self.options.get("equation"),
                      exercise=self.options.get("exercise"))
        block = nodes.literal_block(text, text)
        block["language"] = "bibtex"
        return [block]


def setup(app):
    app.add_directive("cite-this", CiteThis)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
