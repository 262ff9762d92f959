"""Build the book's PDFs: one per language, and an exercise handout per language without solutions.

    python scripts/build_pdf.py            # all four PDFs into _build/pdf/
    python scripts/build_pdf.py --only en  # the English book and handout only

The PDFs are typeset by Sphinx's LaTeX builder (through Jupyter Book) with XeLaTeX, from the same
sources as the website, so chapters, equations, figures and exercises carry the same numbers:
each language is built as a book of its own (a table of contents with that language's pages), and
equations, figures and exercises are numbered from 1 in every chapter, as on the site.

The handouts are the same build with every solution removed (sphinx-exercise's
``hide_solutions``) and every chapter cut down to its exercises, which keep their numbers and
difficulty marks; their cross-references to the chapter (equations, figures) are printed as
"Eq. (n)", the numbers the book uses.

It needs XeLaTeX, latexmk and the fonts (Debian/Ubuntu: texlive-xetex texlive-lang-chinese
texlive-latex-extra texlive-fonts-recommended latexmk fonts-noto-cjk fonts-freefont-otf fonts-dejavu-core poppler-utils). The
README's PDF command installs them; this script only says what is missing.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "pdf"
WORK = ROOT / "_build" / "pdf-work"
NEEDED = {"xelatex": "texlive-xetex", "latexmk": "latexmk"}
DEBIAN = ("texlive-xetex texlive-lang-chinese texlive-latex-extra texlive-fonts-recommended "
          "latexmk fonts-noto-cjk fonts-freefont-otf fonts-dejavu-core poppler-utils")

TITLES = {
    "en": {"title": "adamcode: Adam and its family, derived and checked",
           "subtitle": "", "exercises": "Exercises", "version": "Version", "site": "Website",
           "handout": "Exercise handout (without solutions)"},
    "zh": {"title": "adamcode：Adam 及其家族——推导与验证",
           "subtitle": "", "exercises": "练习", "version": "版本", "site": "网站",
           "handout": "练习讲义（不含解答）"},
}


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def missing_tools() -> list[str]:
    return [tool for tool in NEEDED if shutil.which(tool) is None]


FIRST_CHAPTER = "gradient-descent"   # the first numbered chapter: everything before it is front matter
LANGUAGE_LINK = re.compile(r"^\\sphinxAtStartPar\n\\DUrole\{xref,myst\}\{(?:阅读中文版|Read in English) →\}\n", re.M)


def language_toc(language: str, root: str) -> dict:
    """The book's _toc.yml cut down to one language: its front matter (without the figure gallery),
    chapters and API pages."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = []
    for part in toc["parts"]:
        # the figure gallery is the website's index of figure files for slides: the PDF has the figures in place
        chapters = [c for c in part["chapters"] if c["file"].startswith(f"book/{language}/")
                    and not c["file"].endswith("/figures")]
        if chapters:
            parts.append({"chapters": chapters})
    parts.append({"chapters": [{"file": "book/references"}]})
    return {"format": "jb-book", "root": root, "parts": parts}


def title_page(language: str, cff: dict, config: dict, handout: bool) -> str:
    words = TITLES[language]
    subtitle = words["handout"] if handout else ""
    return r"""
\begin{titlepage}
\centering
\vspace*{0.25\textheight}
{\Huge\bfseries %(title)s\par}
\vspace{1em}
{\Large %(subtitle)s\par}
\vspace{3em}
{\large %(authors)s\par}
\vspace{2em}
{\large %(version_word)s %(version)s \quad %(date)s\par}
\vspace{1em}
{\large %(site_word)s%(colon)s\url{%(url)s}\par}
\vfill
{\small CC BY 4.0 (text, figures) \quad MIT (code)\par}
\end{titlepage}
""" % {"title": words["title"], "subtitle": subtitle, "authors": cff["authors"][0]["name"],
       "version_word": words["version"], "version": cff["version"], "date": cff["date-released"],
       "site_word": words["site"], "colon": "：" if language == "zh" else ": ",
       "url": config["html"]["baseurl"]}


PREAMBLE = r"""
\usepackage{float}
% Numbers as on the website: equations, figures, tables and exercises restart in every chapter and
% carry no chapter prefix ("Adam, Eq. (15)" is equation 15 of the Adam chapter in both editions).
\AtBeginDocument{%
  \counterwithin*{equation}{chapter}\renewcommand{\theequation}{\arabic{equation}}%
  \counterwithin*{figure}{chapter}\renewcommand{\thefigure}{\arabic{figure}}%
  \counterwithin*{table}{chapter}\renewcommand{\thetable}{\arabic{table}}%
}
"""
FONTS = r"""
% Latin text in FreeSerif (Sphinx's default); DejaVu for sans and code, which have the symbols the
% outputs print (checks, superscript letters); CJK text (all of the Chinese edition, and the
% quotations of the source documents in the English one) in Noto CJK.
\setsansfont{DejaVu Sans}[Scale=0.9]
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
\usepackage{xeCJK}
\setCJKmainfont{Noto Serif CJK SC}
\setCJKsansfont{Noto Sans CJK SC}
\setCJKmonofont{Noto Sans Mono CJK SC}
"""


ZH_CHAPTER = r"""
% The Chinese edition's text font is Noto Serif CJK throughout (it has Latin letters too), so a
% Chinese full stop that XeLaTeX meets in a Latin context still has a glyph.
\setmainfont{Noto Serif CJK SC}
% Chinese chapter heads: 第 1 章 (the book class would print "Chapter 1")
\usepackage{titlesec}
\titleformat{\chapter}[display]{\normalfont\huge\bfseries}{第\,\thechapter\,章}{20pt}{\Huge}
"""


def write_sources(language: str, work: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """A table of contents and a configuration for one language's book."""
    cff = citation()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    # the root document of the PDF: only a title (Sphinx's LaTeX writer prints no root text)
    root_dir = ROOT / "book" / "_pdf"
    root_dir.mkdir(exist_ok=True)
    (root_dir / f"{language}.md").write_text(f"# {TITLES[language]['title']}\n", encoding="utf-8")
    toc = language_toc(language, f"book/_pdf/{language}")
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {k: str(ROOT / v) for k, v in sphinx.get("local_extensions", {}).items()}
    conf = sphinx.setdefault("config", {})
    conf["language"] = "zh_CN" if language == "zh" else "en"
    # the links to the page in the other language have no target in a one-language book
    # and the figure gallery, which the PDF leaves out, is linked from the preface: the website's
    # build (warnings as errors) checks every one of these links
    conf["suppress_warnings"] = list(conf.get("suppress_warnings", [])) + ["myst.xref_missing", "ref.doc"]
    conf["latex_docclass"] = {"manual": "book"}
    # the PDF's own root page is the one file under book/_pdf/ that this build reads
    other = [lang for lang in TITLES if lang != language]
    config["exclude_patterns"] = [p for p in config["exclude_patterns"] if p != "book/_pdf/*"] + [
        f"book/_pdf/{lang}.md" for lang in other]
    conf["latex_elements"] = {
        "papersize": "a4paper", "pointsize": "10pt",
        "preamble": PREAMBLE + FONTS + (ZH_CHAPTER if language == "zh" else ""),
        "maketitle": title_page(language, cff, config, handout=False),
        "fncychap": "",
        "printindex": "",
    }
    conf["latex_show_urls"] = "no"
    conf["latex_use_xindy"] = False   # no index is printed; plain makeindex is part of TeX Live
    config["latex"] = {"latex_engine": "xelatex", "use_jupyterbook_latex": False,
                       "latex_documents": {"targetname": f"adamcode-{language}.tex",
                                           "title": TITLES[language]["title"]}}
    work.mkdir(parents=True, exist_ok=True)
    toc_path, config_path = work / "_toc.yml", work / "_config.yml"
    toc_path.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return toc_path, config_path


def sphinx_latex(language: str) -> pathlib.Path:
    """Run Sphinx's LaTeX builder (through Jupyter Book) for one language; return the .tex file."""
    work = WORK / language
    toc_path, config_path = write_sources(language, work)
    jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(ROOT), "--builder", "latex", "--all",
                             "--toc", str(toc_path), "--config", str(config_path),
                             "--path-output", str(work), "-W", "--keep-going"],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stdout[-4000:] + result.stderr[-4000:] + f"\nSphinx's LaTeX build for {language} failed")
    return work / "_build" / "latex" / f"adamcode-{language}.tex"


def front_and_back_matter(tex: str) -> str:
    """Front matter (preface, notation, sources, how to cite) unnumbered; chapters from 1; references last.

    Figures stay where the chapter puts them (``[H]``): some stand inside an exercise's solution,
    a box in which LaTeX cannot float them.
    """
    tex = LANGUAGE_LINK.sub("", tex)
    tex = tex.replace(r"\begin{figure}[htbp]", r"\begin{figure}[H]")
    # the loss's script L in text (outputs, headings) has no glyph in the text fonts: set it as math
    tex = tex.replace("\U0001D4DB", r"\ensuremath{\mathcal{L}}")
    # the tables' check marks, which the CJK text font lacks
    tex = tex.replace("\u2713", r"\ensuremath{\checkmark}").replace("\u2717", r"\ensuremath{\times}")
    # {numref} to an exercise: Sphinx writes \ref to a label LaTeX does not number; use the
    # exercise's own number, which Sphinx printed in its title
    numbers = dict(EXERCISE_TITLE.findall(tex))
    tex = re.sub(r"\\ref\{\\detokenize\{book/(?:en|zh)/[^:}]+:([^{}]+)\}\}",
                 lambda m: numbers.get(m.group(1), m.group(0)), tex)
    # front matter: no chapter or section numbers; the main matter numbers sections as the site does
    tex = tex.replace(r"\sphinxtableofcontents", r"\sphinxtableofcontents" + "\n"
                      + r"\frontmatter\edef\adamcodesecnumdepth{\the\value{secnumdepth}}\setcounter{secnumdepth}{-1}", 1)
    first = re.search(r"^\\chapter\{.*\}\n\\label\{\\detokenize\{book/(?:en|zh)/%s:" % re.escape(FIRST_CHAPTER), tex, re.M)
    if first is None:
        sys.exit(f"the first chapter ({FIRST_CHAPTER}) was not found in the LaTeX source")
    tex = tex[:first.start()] + "\\mainmatter\\setcounter{secnumdepth}{\\adamcodesecnumdepth}\n" + tex[first.start():]
    refs = re.search(r"^\\chapter\{[^\n]*\}\n\\label\{\\detokenize\{book/references:", tex, re.M)
    if refs:
        tex = tex[:refs.start()] + "\\backmatter\n" + tex[refs.start():]
    return tex


def aux_labels(aux: pathlib.Path) -> dict:
    """``label -> number`` from a LaTeX .aux file (``\\newlabel{label}{{number}{page}...}``)."""
    labels = {}
    for m in re.finditer(r"\\newlabel\{(.+?)\}\{\{([^{}]*)\}", aux.read_text(encoding="utf-8", errors="replace")):
        labels[m.group(1)] = m.group(2)
    return labels


EXERCISE_TITLE = re.compile(r"\\label\{exercise:([^}]+)\}\s*\\begin\{sphinxadmonition\}\{note\}\{\S+\s*(\d+)\}")
ADMONITION = re.compile(r"\\begin\{sphinxadmonition\}\{note\}\{(.+?)\}.*?\\end\{sphinxadmonition\}", re.S)


def handout(tex: str, labels: dict, language: str, cff: dict, config: dict) -> str:
    """The exercises of every numbered chapter, without solutions, numbers resolved from the book."""
    head, body = tex.split(r"\begin{document}", 1)
    body = body.split(r"\mainmatter", 1)[1].split(r"\backmatter", 1)[0]
    exercise_word = "练习" if language == "zh" else "Exercise"
    out = []
    chapters = [c for c in re.split(r"(?=^\\chapter\{)", body, flags=re.M) if c.startswith("\\chapter{")]
    for number, chapter in enumerate(chapters, start=1):
        title = re.match(r"\\chapter\{(.*)\}", chapter)
        blocks = [m.group(0) for m in ADMONITION.finditer(chapter)
                  if re.fullmatch(rf"{exercise_word}\s*\d+.*", m.group(1))]
        if blocks:
            # the chapter keeps its number in the book even where chapters without exercises are left out
            out.append(f"\\setcounter{{chapter}}{{{number - 1}}}\\chapter{{{title.group(1)}}}\n" + "\n\n".join(blocks))
    text = "\n\n".join(out)
    # references into the chapter (equations, figures, other exercises) become plain numbers
    resolve = lambda m: labels.get(m.group(1), "??")  # noqa: E731
    text = re.sub(r"\\ref\{\\detokenize\{([^{}]+)\}\}", resolve, text)
    text = re.sub(r"\\ref\{([^{}]+)\}", resolve, text)
    text = re.sub(r"\\hyperref\[[^\]]*\]\{", "{", text)
    text = re.sub(r"\\hyperlink\{[^}]*\}\{", "{", text)
    return (head + "\\begin{document}\n" + title_page(language, cff, config, True) + "\n\\mainmatter\n"
            + text + "\n\\end{document}\n")


def latexmk(tex: pathlib.Path) -> pathlib.Path:
    result = subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
                             tex.name], cwd=tex.parent, capture_output=True, text=True)
    pdf = tex.with_suffix(".pdf")
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace") if tex.with_suffix(".log").exists() else ""
    errors = re.findall(r"^! .*", log, re.M)
    if result.returncode != 0 or errors or not pdf.exists():
        sys.exit("\n".join(errors[:20]) + "\n" + result.stdout[-3000:] + f"\nXeLaTeX failed on {tex}")
    return pdf


def build(language: str) -> list[pathlib.Path]:
    cff = citation()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    tex_path = sphinx_latex(language)
    tex = front_and_back_matter(tex_path.read_text(encoding="utf-8"))
    tex_path.write_text(tex, encoding="utf-8")
    book = latexmk(tex_path)
    labels = aux_labels(tex_path.with_suffix(".aux"))
    handout_path = tex_path.with_name(f"adamcode-{language}-exercises.tex")
    handout_path.write_text(handout(tex, labels, language, cff, config), encoding="utf-8")
    exercises = latexmk(handout_path)
    OUT.mkdir(parents=True, exist_ok=True)
    done = []
    for pdf in (book, exercises):
        target = OUT / pdf.name
        shutil.copyfile(pdf, target)
        done.append(target)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(TITLES), help="build one language only")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        sys.exit(f"missing: {', '.join(missing)}. On Debian or Ubuntu: sudo apt-get install {DEBIAN}; "
                 "elsewhere install TeX Live (with XeLaTeX, latexmk, xeCJK and ctex) and the Noto CJK fonts.")
    for language in [args.only] if args.only else sorted(TITLES):
        for pdf in build(language):
            pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
            count = re.search(r"Pages:\s+(\d+)", pages)
            print(f"{pdf.relative_to(ROOT)}: {pdf.stat().st_size / 1e6:.1f} MB"
                  + (f", {count.group(1)} pages" if count else ""))


if __name__ == "__main__":
    main()
