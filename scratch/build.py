"""Build the new cells of issue 15 (both languages) and insert them into notebooks."""
import json
import pathlib
import re
import sys

import nbformat

HERE = pathlib.Path(__file__).parent


def load_cells(path):
    """{key: (source, tags)} from a '# %% code KEY [tags]' file."""
    text = (HERE / path).read_text(encoding="utf-8")
    out = {}
    for chunk in re.split(r"^# %% code ", text, flags=re.M)[1:]:
        header, _, body = chunk.partition("\n")
        key, *tags = header.split()
        out[key] = (body.rstrip("\n"), tags)
    return out


def load_text(path):
    ns = {}
    exec((HERE / path).read_text(encoding="utf-8"), ns)
    return ns


def md(text, lang):
    return nbformat.v4.new_markdown_cell(text.replace("@L@", lang))


def code(src, tags, lang, fig=None):
    cell = nbformat.v4.new_code_cell(src)
    meta = {}
    if "hide-input" in tags:
        meta["tags"] = ["hide-input"]
    if fig is not None:
        cap_en, alt_en, cap_zh, alt_zh, name = fig
        cap, alt = (cap_en, alt_en) if lang == "en" else (cap_zh, alt_zh)
        meta["mystnb"] = {"figure": {"caption": cap.replace("@L@", lang), "name": f"{lang}-fig-{name}"},
                          "image": {"alt": alt}}
    cell.metadata = meta
    return cell


def sequence(order, T, C, FIG, lang):
    cells = []
    for item in order:
        if item in T:
            cells.append(md(T[item][0 if lang == "en" else 1], lang))
        else:
            src, tags = C[item]
            cells.append(code(src, tags, lang, FIG.get(item)))
    return cells


def exercises(EX, C, lang):
    cells = []
    for label, en, zh, key, sol_en, sol_zh in EX:
        head = en if lang == "en" else zh
        full = f"{lang}-" + ("memory-and-speed-" if key.startswith("mem") else "beyond-adam-") + label
        cells.append(md(head + f"\n\n```{{solution-start}} {full}\n:class: dropdown\n```", lang))
        src, tags = C[key]
        cells.append(code(src, tags, lang))
        cells.append(md((sol_en if lang == "en" else sol_zh) + "\n\n```{solution-end}\n```", lang))
    return cells


MEM_ORDER = ["A1", "mem-1", "A2", "mem-2", "A3", "mem-3", "A4", "mem-4", "A5", "mem-5", "A6", "mem-6",
             "A7", "mem-7", "A8", "mem-8", "mem-9", "A9", "A10", "mem-10", "A11"]
MU_ORDER = ["B1", "mu-1", "B2", "mu-2", "B3", "mu-3", "B4", "mu-4", "mu-5", "B5", "mu-6", "mu-7", "B6",
            "mu-8", "B7", "mu-9", "mu-10", "B8", "B9", "mu-11", "B10"]


def parts(lang):
    mt, mc = load_text("mem_text.py"), load_cells("mem_cells.py")
    ut, uc = load_text("muon_text.py"), load_cells("muon_cells.py")
    return dict(
        mem_sections=sequence(MEM_ORDER, mt["T"], mc, mt["FIG"], lang),
        mem_summary=md(mt["T"]["S"][0 if lang == "en" else 1], lang),
        mem_exercises=exercises(mt["EX"], mc, lang),
        mu_sections=sequence(MU_ORDER, ut["T"], uc, ut["FIG"], lang),
        mu_summary=md(ut["T"]["S"][0 if lang == "en" else 1], lang),
        mu_exercises=exercises(ut["EX"], uc, lang),
        mu_sources=md(ut["T"]["B11"][0 if lang == "en" else 1], lang),
        mu_sources_check=code(*uc["mu-12"], lang),
    )


def scratch(lang):
    p = parts(lang)
    for name, keys in (("memory", ["mem_sections", "mem_summary", "mem_exercises"]),
                       ("muon", ["mu_sections", "mu_sources", "mu_sources_check", "mu_summary", "mu_exercises"])):
        nb = nbformat.v4.new_notebook()
        for k in keys:
            v = p[k]
            nb.cells += v if isinstance(v, list) else [v]
        nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                       "language_info": {"name": "python"}}
        nbformat.write(nb, HERE / f"{lang}-{name}-sections.ipynb")


if __name__ == "__main__":
    for lang in ("en", "zh"):
        scratch(lang)
    print("built")
