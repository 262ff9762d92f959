"""``{figure-gallery}``: every figure of the book on one page, with its files for slides.

Usage on ``book/en/figures.md`` (and ``book/zh/figures.md`` with ``:language: zh``)::

    ```{figure-gallery}
    :language: en
    ```

For each chapter of that language, in the order of ``_toc.yml``, and for each figure of the
chapter in page order (the cells whose metadata has a ``mystnb.figure`` caption), it shows the
figure with its chapter and number, its caption and alt text (from the notebook's own cell
metadata, in the page's language), links to the SVG and the 200-dpi PNG that
``scripts/execute_notebooks.py`` saved in ``book/figures/`` from the notebook's run, a link to the
figure in its chapter, and how to attribute it (CC BY 4.0).
"""
from __future__ import annotations

import json
import pathlib

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

WORDS = {
    "en": {"fig": "Fig.", "svg": "SVG", "png": "PNG, 200 dpi", "in": "in the chapter", "colon": ": ",
           "licence": 'Licence: CC BY 4.0. Attribute as "{title}, version {version}, {chapter}, Fig. {n}", {url}',
           "sep": ", "},
    "zh": {"fig": "图", "svg": "SVG", "png": "PNG（200 dpi）", "in": "所在章节",  "colon": "：",
           "licence": "许可：CC BY 4.0。署名方式：“{title}，版本 {version}，{chapter}，图 {n}”，网址 {url}",
           "sep": "，"},
}


def chapter_notebooks(srcdir: pathlib.Path, language: str) -> list[pathlib.Path]:
    toc = yaml.safe_load((srcdir / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [srcdir / f"{f}.ipynb" for f in files
            if f.startswith(f"book/{language}/") and (srcdir / f"{f}.ipynb").exists()]


def figures_of(notebook: pathlib.Path) -> tuple[str, list[dict]]:
    """The chapter's title and its figures' metadata (caption, name, alt), in page order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    title = next(line[2:].strip() for c in cells if c["cell_type"] == "markdown"
                 for line in "".join(c["source"]).splitlines() if line.startswith("# "))
    found = []
    for cell in cells:
        meta = cell.get("metadata", {}).get("mystnb", {})
        if cell["cell_type"] == "code" and "figure" in meta:
            found.append({"caption": meta["figure"].get("caption", ""), "name": meta["figure"].get("name"),
                          "alt": meta.get("image", {}).get("alt", "")})
    return title, found


class FigureGallery(SphinxDirective):
    has_content = False
    option_spec = {"language": directives.unchanged_required}

    def run(self):
        language = self.options["language"]
        words = WORDS[language]
        srcdir = pathlib.Path(self.env.srcdir)
        cff = yaml.safe_load((srcdir / "CITATION.cff").read_text(encoding="utf-8"))
        site = self.config.html_baseurl.rstrip("/") + "/"
        lines: list[str] = []
        for notebook in chapter_notebooks(srcdir, language):
            title, figures = figures_of(notebook)
            slug = notebook.stem
            self.env.note_dependency(str(notebook))
            for n, fig in enumerate(figures, start=1):
                stem = f"/book/figures/{slug}-fig-{n}"
                for suffix in (".svg", ".png"):
                    if not (srcdir / f"{stem[1:]}{suffix}").exists():
                        raise self.error(f"figure-gallery: {stem}{suffix} is missing "
                                         "(run scripts/execute_notebooks.py on the English chapter)")
                alt = " ".join(fig["alt"].split()) or f"{title}, {words['fig']} {n}"
                link = f"{{numref}}`{words['fig']} %s <{fig['name']}>`" if fig["name"] else ""
                url = f"{site}book/{language}/{slug}.html"
                lines += [
                    f"**{title}{words['sep']}{words['fig']} {n}**", "",
                    f"```{{image}} {stem}.png", f":alt: {alt}", ":width: 100%", "```", "",
                    fig["caption"], "",
                    f"{{download}}`{words['svg']} <{stem}.svg>` · {{download}}`{words['png']} <{stem}.png>`"
                    + (f" · {words['in']}{words['colon']}{link}" if link else ""), "",
                    words["licence"].format(title="adamcode", version=cff["version"], chapter=title,
                                            n=n, url=url), "",
                    "---", "",
                ]
        lines = lines[:-3]   # no rule after the last figure (a page may not end with a transition)
        container = nodes.container(classes=["figure-gallery"])
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, container)
        return [container]


def setup(app):
    app.add_directive("figure-gallery", FigureGallery)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
