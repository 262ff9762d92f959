"""One figure style for the whole book.

Figures carry no language-specific text (math symbols, numbers and optimizer names only), so
one figure serves the English and the Chinese page; captions live in the pages.
"""
from __future__ import annotations

import os

import matplotlib as mpl
import matplotlib.pyplot as plt

STYLE = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
    "lines.linewidth": 1.6,
    "svg.hashsalt": "adamcode",   # the same SVG bytes from every run (with SOURCE_DATE_EPOCH set)
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (called once at the top of each chapter).

    In Jupyter, figures are shown as PNG at twice ``figure.dpi`` (200 dpi, "retina"), and also as
    SVG when ``ADAMCODE_FIGURE_SVG=1``: ``scripts/execute_notebooks.py`` sets it to save every
    figure of the book as SVG and PNG for slides (the gallery pages), then keeps only the PNG in
    the notebook.
    """
    mpl.rcParams.update(STYLE)
    _inline_formats()


def _inline_formats() -> None:
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - outside Jupyter
        return
    if get_ipython() is None:
        return
    formats = ["retina"] + (["svg"] if os.environ.get("ADAMCODE_FIGURE_SVG") == "1" else [])
    set_matplotlib_formats(*formats)


def figure(ncols: int = 1, **kwargs):
    """A new figure with ``ncols`` side-by-side axes in the book's style."""
    use_book_style()
    fig, axes = plt.subplots(1, ncols, **kwargs)
    return fig, axes


def contour_paths(ax, problem, paths: dict, xlim, ylim, levels, n: int = 160) -> None:
    """Draw ``problem.loss`` as contours on ``ax`` and each optimizer's path over them.

    ``paths`` maps a label (an optimizer's name) to an array of points ``(k, 2)``, e.g.
    ``run(...).params``; the start ``problem.theta0`` is marked with a dot and the minimiser
    (``problem.minimizer`` or ``problem.theta_star``, if the problem has one) with a star. The first path is drawn on top.
    """
    import numpy as np

    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    zs = np.array([[problem.loss(np.array([a, b])) for a in xs] for b in ys])
    ax.contour(xs, ys, zs, levels=levels, colors="0.78", linewidths=0.6)
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], lw=1.2, label=label, zorder=10 + len(paths) - k)
    ax.plot(*problem.theta0, "ko", ms=4, zorder=30)
    star = getattr(problem, "minimizer", getattr(problem, "theta_star", None))
    if star is not None:
        ax.plot(*star, "k*", ms=9, zorder=30)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
