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


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef]")


def join_zh_lines(text):
    """Join the lines of each Chinese paragraph (a line break between Chinese characters would
    render as a space); math blocks, code fences, directive options and list-item starts are kept.
    Between a Chinese character and Latin text, math or code the join leaves one space."""
    out, in_math, in_code = [], False, False
    for line in text.split("\n"):
        stripped = line.strip()
        if in_math:
            out.append(line)
            if stripped.startswith("$$"):
                in_math = False
            continue
        if in_code:
            out.append(line)
            if stripped == "```":
                in_code = False
            continue
        if stripped == "$$":
            in_math = True
            out.append(line)
            continue
        if stripped.startswith("```") and not stripped.startswith("```{") and stripped != "```":
            in_code = True
            out.append(line)
            continue
        prev = out[-1].rstrip() if out else ""
        joinable = (stripped and not stripped.startswith(("$$", "```", ":", "- ", "#"))
                    and prev and not prev.lstrip().startswith(("$$", "```", ":", "#")) and not prev.endswith("$$"))
        if joinable:
            a, b = prev, stripped
            tight = CJK_PUNCT.search(a[-1]) or CJK_PUNCT.search(b[0]) or (CJK.search(a[-1]) and CJK.search(b[0]))
            out[-1] = a + ("" if tight else " ") + b
        else:
            out.append(line)
    return "\n".join(out)


def md(text, lang):
    text = text.replace("@L@", lang)
    if lang == "zh":
        text = join_zh_lines(text)
        text = re.sub(r"(Jordan|Liu|Dettmers|Rajbhandari|Shazeer) 等(?!人)", r"\1 等人", text)
    return nbformat.v4.new_markdown_cell(text)


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
             "A7", "mem-7", "A8", "mem-8", "mem-9", "A9"]
MEM_ORDER_B = ["A10", "mem-10", "A11"]
MU_ORDER = ["B1", "mu-1", "B2", "mu-2", "B3", "mu-3", "B4", "mu-4", "mu-5", "B5", "mu-6", "mu-7", "B6",
            "mu-8", "B7", "mu-9", "mu-10", "B8", "B9", "mu-11", "B10"]


def parts(lang):
    mt, mc = load_text("mem_text.py"), load_cells("mem_cells.py")
    ut, uc = load_text("muon_text.py"), load_cells("muon_cells.py")
    return dict(
        mem_sections=sequence(MEM_ORDER, mt["T"], mc, mt["FIG"], lang),
        mem_sections_b=sequence(MEM_ORDER_B, mt["T"], mc, mt["FIG"], lang),
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
    for name, keys in (("memory", ["mem_sections", "mem_sections_b", "mem_summary", "mem_exercises"]),
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
    "memory": ("- two ways to shrink Adam's state, Adafactor's factored second moment and 8-bit blockwise-quantized\n"
               "  states, and how many bytes per parameter each method needs, with ZeRO's example redone;",
               "- 缩小 Adam 状态的两种办法：Adafactor 的分解二阶矩和 8 位分块量化状态；以及各方法每个参数需要多少字节，并重做 ZeRO 的例子；"),
    "muon": ("- Muon, which orthogonalizes the momentum of each weight matrix: why (steepest descent in the\n"
             "  spectral norm), the Newton–Schulz quintic, what bfloat16 changes, its learning-rate conventions,\n"
             "  and where it is not used;",
             "- Muon 对每个权重矩阵的动量做正交化：为什么这样做（谱范数下的最速下降）、Newton–Schulz 五次多项式、bfloat16 带来的变化、学习率约定，以及不使用它的地方；"),
}
OVERVIEW_AFTER = {"memory": r"bytes of state|字节的状态", "muon": None}
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


def add_overview_bullet(cell, text, after=None):
    """Add ``text`` to the first bullet list of the Overview admonition: after the bullet matching
    ``after`` (a regex), else before the list's last bullet."""
    lines = cell.source.split("\n")
    start = next(i for i, l in enumerate(lines) if "{admonition}" in l)
    first = next(i for i in range(start, len(lines)) if lines[i].startswith("- "))
    end = first
    while end < len(lines) and lines[end].strip() and (lines[end].startswith("- ") or lines[end].startswith("  ")):
        end += 1
    bullets = [i for i in range(first, end) if lines[i].startswith("- ")]
    if after is not None:
        hit = [i for i in bullets if re.search(after, lines[i])]
        nxt = [i for i in bullets if i > hit[0]] if hit else []
        at = nxt[0] if nxt else (end if hit else bullets[-1])
    else:
        at = bullets[-1]
    lines[at:at] = text.split("\n")
    cell.source = "\n".join(lines)


def insert(nb_path, lang, chapter, sections_before, summary_pattern=r"^## (Summary|小结|总结)",
           refs_pattern=r"^## (References|参考文献)", sources_pattern=None, slug=None, second_before=None):
    nb = nbformat.read(nb_path, as_version=4)
    p = parts(lang)
    prefix = "mem" if chapter == "memory" else "mu"
    # Overview box
    i = find(nb, r"\{admonition\}", kind="markdown")
    add_overview_bullet(nb.cells[i], OVERVIEW[chapter][0 if lang == "en" else 1], OVERVIEW_AFTER[chapter])
    # the sections (the memory chapter's bytes table goes to a second place)
    i = find(nb, sections_before, kind="markdown")
    nb.cells[i:i] = p[f"{prefix}_sections"]
    if second_before:
        i = find(nb, second_before, kind="markdown")
        nb.cells[i:i] = p[f"{prefix}_sections_b"]
    # sources-wrong bullet and its check (beyond-adam): the check goes right after the admonition,
    # splitting the cell there if more text follows it
    if sources_pattern:
        i = find(nb, sources_pattern, kind="markdown")
        append_to_admonition(nb.cells[i], p["mu_sources"].source)
        src = nb.cells[i].source
        start = re.search(sources_pattern, src).start()
        close = src.index("\n```", src.index("{admonition}", start) + 1) + 4
        head, tail = src[:close], src[close:].lstrip("\n")
        nb.cells[i].source = head
        new = [p["mu_sources_check"]] + ([nbformat.v4.new_markdown_cell(tail)] if tail.strip() else [])
        nb.cells[i + 1:i + 1] = new
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
    slug = slug or pathlib.Path(nb_path).stem
    width = max(2, len(str(len(nb.cells) - 1)))
    for k, cell in enumerate(nb.cells):                # the chapters' ids: <slug>-<position>
        cell["id"] = f"{slug}-{k:0{width}d}"
    nbformat.write(nb, nb_path)
