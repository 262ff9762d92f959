"""Resolve ``{numref}`` without reading a page's doctree once per reference.

Sphinx 7.4's ``StandardDomain._resolve_numref_xref`` unpickles the whole doctree of the target
page for every ``{numref}`` it resolves, only to look up one node by its id. The chapters hold
about three hundred references to their own figures, equations and exercises, so the site build
spent 12 of its 70 s unpickling the same few pages again and again. Here each page's doctree is
unpickled once per build and shared by the references to it. Resolving a reference only reads
the target node (its type, number and caption) and builds new nodes, so sharing one copy changes
nothing in the output; the copies are dropped when the build finishes.
"""
from __future__ import annotations


def setup(app):
    from sphinx.domains.std import StandardDomain

    class StandardDomainReadingEachDoctreeOnce(StandardDomain):
        def _resolve_numref_xref(self, env, *args, **kwargs):
            doctrees = self.__dict__.setdefault("_numref_doctrees", {})
            read = env.get_doctree

            def get_doctree(docname):
                if docname not in doctrees:
                    doctrees[docname] = read(docname)
                return doctrees[docname]

            env.get_doctree = get_doctree   # only for this call: the method is restored below
            try:
                return super()._resolve_numref_xref(env, *args, **kwargs)
            finally:
                del env.get_doctree

    def forget(app, *args):
        app.env.get_domain("std").__dict__.pop("_numref_doctrees", None)

    app.add_domain(StandardDomainReadingEachDoctreeOnce, override=True)
    app.connect("env-updated", forget)
    app.connect("build-finished", forget)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
