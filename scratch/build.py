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


OVERVIEW = {
    "memory": ("- Two ways to shrink Adam's state: Adafactor's factored second moment ($n_1 + n_2$ numbers "
               "for an $n_1\\times n_2$ matrix) and 8-bit blockwise-quantized states; and a table of bytes per "
               "parameter for Adam, Adafactor, 8-bit Adam, Lion and Muon, with ZeRO's example redone.",
               "- 缩小 Adam 状态的两种办法：Adafactor 的分解二阶矩（$n_1\\times n_2$ 矩阵只需 $n_1 + n_2$ 个数）和 8 位分块量化状态；"
               "以及 Adam、Adafactor、8 位 Adam、Lion 和 Muon 每个参数字节数的对照表，并重做 ZeRO 的例子。"),
    "muon": ("- Muon, which orthogonalizes the momentum of each weight matrix with a Newton–Schulz iteration: "
             "why (steepest descent in the spectral norm), its quintic, what bfloat16 changes, its learning-rate "
             "conventions, and where it is not used.",
             "- Muon：用 Newton–Schulz 迭代对每个权重矩阵的动量做正交化；为什么这样做（谱范数下的最速下降）、它的五次多项式、"
             "bfloat16 带来的变化、学习率约定，以及不使用它的地方。"),
}
REFS = {
    "memory": ("Adafactor is from Shazeer and Stern {cite:p}`shazeer2018adafactor`; 8-bit optimizer states from "
               "Dettmers et al. {cite:p}`dettmers2022optimizers`, their dynamic data type from Dettmers "
               "{cite:p}`dettmers2016dynamic`.",
               "Adafactor 出自 Shazeer 和 Stern {cite:p}`shazeer2018adafactor`；8 位优化器状态出自 Dettmers 等 "
               "{cite:p}`dettmers2022optimizers`，其动态数据类型出自 Dettmers {cite:p}`dettmers2016dynamic`。"),
    "muon": ("Muon is from Jordan et al. {cite:p}`jordan2024muon`, the learning-rate convention "
             "`match_rms_adamw` from Liu et al. {cite:p}`liu2025muon`, and the view of Muon as steepest descent "
             "under the spectral norm from Bernstein and Newhouse {cite:p}`bernstein2024oldoptimizer`.",
             "Muon 出自 Jordan 等 {cite:p}`jordan2024muon`，学习率约定 `match_rms_adamw` 出自 Liu 等 {cite:p}`liu2025muon`，"
             "把 Muon 看作谱范数下的最速下降的观点出自 Bernstein 和 Newhouse {cite:p}`bernstein2024oldoptimizer`。"),
}


def find(nb, pattern, start=0, kind=None):
    for i, cell in enumerate(nb.cells[start:], start):
        if (kind is None or cell.cell_type == kind) and re.search(pattern, cell.source, re.M):
            return i
    raise SystemExit(f"not found: {pattern}")


def append_to_admonition(cell, text):
    """Insert ``text`` (a bullet) before the closing fence of the first admonition in ``cell``."""
    src = cell.source
    start = src.index("{admonition}")
    close = src.index("\n```", start)
    cell.source = src[:close].rstrip("\n") + "\n" + text + src[close:]


def insert(nb_path, lang, chapter, sections_before, summary_pattern=r"^## (Summary|小结|总结)",
           refs_pattern=r"^## (References|参考文献)", sources_pattern=None):
    nb = nbformat.read(nb_path, as_version=4)
    p = parts(lang)
    prefix = "mem" if chapter == "memory" else "mu"
    # Overview box
    i = find(nb, r"\{admonition\}", kind="markdown")
    append_to_admonition(nb.cells[i], OVERVIEW[chapter][0 if lang == "en" else 1])
    # the sections
    i = find(nb, sections_before, kind="markdown")
    nb.cells[i:i] = p[f"{prefix}_sections"]
    # sources-wrong bullet and its check (beyond-adam)
    if sources_pattern:
        i = find(nb, sources_pattern, kind="markdown")
        append_to_admonition(nb.cells[i], p["mu_sources"].source)
        nb.cells[i + 1:i + 1] = [p["mu_sources_check"]]
    # Summary bullets: before "## Exercises" if in the same cell, else at the end of the cell
    i = find(nb, summary_pattern, kind="markdown")
    src = nb.cells[i].source
    m = re.search(r"^## (Exercises|练习)", src, re.M)
    bullets = p[f"{prefix}_summary"].source
    if m:
        nb.cells[i].source = src[:m.start()].rstrip("\n") + "\n" + bullets + "\n\n" + src[m.start():]
    else:
        nb.cells[i].source = src.rstrip("\n") + "\n" + bullets
    # exercises before the References heading (split that cell if it starts with other text)
    i = find(nb, refs_pattern, kind="markdown")
    src = nb.cells[i].source
    m = re.search(refs_pattern, src, re.M)
    if m.start() > 0:
        head, tail = src[:m.start()].rstrip("\n"), src[m.start():]
        nb.cells[i].source = head
        nb.cells[i + 1:i + 1] = [nbformat.v4.new_markdown_cell(tail)]
        i += 1
    nb.cells[i:i] = p[f"{prefix}_exercises"]
    i += len(p[f"{prefix}_exercises"])
    # references sentence: before the last paragraph ("The full list ...") or at the end
    src = nb.cells[i].source
    sentence = REFS[chapter][0 if lang == "en" else 1]
    nb.cells[i].source = src.rstrip("\n") + "\n\n" + sentence
    for cell in nb.cells:
        cell.pop("id", None)
    nbformat.write(nb, nb_path)
