"""``{cite-this}``: a BibTeX entry for the book or for one chapter, built from ``_config.yml``.

The site's address (``html.baseurl``), the repository's address (``repository.url``), the
title, the author and the year are read from the configuration, so they are written in one
place only. Usage in a page::

    ```{cite-this}
    ```
    ```{cite-this} adam
    :title: Adam
    :language: en
    ```
"""
from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective


def bibtex(config, chapter: str | None = None, title: str | None = None, language: str = "en") -> str:
    site = config.html_baseurl.rstrip("/") + "/"
    repository = config.html_theme_options.get("repository_url", "")
    year = re.search(r"\d{4}", config.copyright).group(0)
    book = config.html_title
    if chapter is None:
        return (f"@book{{adamcode{year},\n"
                f"  title     = {{{{{book}}}}},\n"
                f"  author    = {{{{{config.author}}}}},\n"
                f"  year      = {{{year}}},\n"
                f"  url       = {{{site}}},\n"
                f"  note      = {{Source code: {repository}}}\n"
                f"}}")
    return (f"@incollection{{adamcode{year}-{chapter}-{language},\n"
            f"  title     = {{{{{title}}}}},\n"
            f"  booktitle = {{{{{book}}}}},\n"
            f"  author    = {{{{{config.author}}}}},\n"
            f"  year      = {{{year}}},\n"
            f"  url       = {{{site}book/{language}/{chapter}.html}},\n"
            f"  note      = {{Chapter \\texttt{{{chapter}}}; equations are numbered per chapter, identically in English and Chinese}}\n"
            f"}}")


class CiteThis(SphinxDirective):
    optional_arguments = 1
    option_spec = {"title": directives.unchanged, "language": directives.unchanged}
    has_content = False

    def run(self):
        chapter = self.arguments[0] if self.arguments else None
        text = bibtex(self.config, chapter, self.options.get("title"), self.options.get("language", "en"))
        block = nodes.literal_block(text, text)
        block["language"] = "bibtex"
        return [block]


def setup(app):
    app.add_directive("cite-this", CiteThis)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
