"""Tables of numbers for the chapters, rendered as Markdown."""
from __future__ import annotations


def markdown_table(headers, rows) -> str:
    """A Markdown table: ``headers`` is a list of strings, ``rows`` a list of lists of cells."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(x, digits: int = 6) -> str:
    """A number rounded to ``digits`` significant digits, without a trailing ``.0`` noise."""
    return f"{float(x):.{digits}g}"
