"""Number figures and exercises per page, as equations are.

Sphinx numbers figures and other enumerable nodes (sphinx-exercise's exercises) either through
the whole book or by chapter number. Both would break the book's promise that the English and
the Chinese chapter carry the same numbers: the two language parts share one counter. This
extension renumbers them from 1 on every page, in document order, so "Adam, Fig. 2" and
"Adam, Exercise 3" mean the same thing in either language, and stay stable when chapters are
added before them. Equations are numbered per page by Sphinx itself (``math_numfig = False``).
"""
from __future__ import annotations


def renumber(app, env) -> list[str]:
    changed = []
    for docname, figtypes in env.toc_fignumbers.items():
        for figtype, numbers in figtypes.items():
            ordered = sorted(numbers, key=lambda node_id: numbers[node_id])
            renumbered = {node_id: (k,) for k, node_id in enumerate(ordered, start=1)}
            if renumbered != numbers:
                figtypes[figtype] = renumbered
                changed.append(docname)
    return sorted(set(changed))


def setup(app):
    # after Sphinx's own toctree collector (priority 500) has assigned the global numbers
    app.connect("env-get-updated", renumber, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
