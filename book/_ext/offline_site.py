"""Keep every page self-contained and free of console errors.

Jupyter Book 1.x always loads sphinx-thebe, which adds its settings script twice (a
``SyntaxError`` in every page's console) and points at a third-party host (unpkg.com) for a
feature this book does not use (no live kernels: the pages show stored, tested outputs). This
extension removes Thebe's scripts and any duplicated inline script from every page, and gives
the theme an explicit colour mode ("auto": follow the reader's system setting) instead of the
empty value that makes it log an error. The browser tests check the result: no console errors
and no request to another host.
"""
from __future__ import annotations


def _is_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body", "")
    filename = getattr(script, "filename", str(script)) or ""
    return "THEBE_JS_URL" in body or filename.endswith("sphinx-thebe.js") or "unpkg.com/thebe" in filename


def clean_page(app, pagename, templatename, context, doctree):
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        key = (getattr(script, "filename", str(script)), getattr(script, "attributes", {}).get("body", ""))
        if _is_thebe(script) or key in seen:
            continue
        seen.add(key)
        scripts.append(script)
    context["script_files"] = scripts
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def setup(app):
    app.connect("html-page-context", clean_page, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
