"""One figure style for the whole book.

Figures carry no language-specific text (math symbols, numbers and optimizer names only), so
one figure serves the English and the Chinese page; captions live in the pages.
"""
from __future__ import annotations

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
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (called once at the top of each chapter)."""
    mpl.rcParams.update(STYLE)


def figure(ncols: int = 1, **kwargs):
    """A new figure with ``ncols`` side-by-side axes in the book's style."""
    use_book_style()
    fig, axes = plt.subplots(1, ncols, **kwargs)
    return fig, axes
