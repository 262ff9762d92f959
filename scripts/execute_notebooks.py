"""Re-execute the book's notebooks and store their outputs: one clean top-to-bottom run each.

Stored outputs are what nbval compares in the tests, so they must never be edited by hand.
Run this after changing a notebook or ``adamcode``:

    python scripts/execute_notebooks.py                 # every notebook under book/
    python scripts/execute_notebooks.py book/en/adam.ipynb book/zh/adam.ipynb

Each notebook runs in a fresh kernel of the current Python environment, in an empty temporary
working directory (as the tests run it: a notebook must not read files beside it), and is
written back with execution counts 1, 2, 3, ... and without per-run metadata such as timings.

Figures: every figure of an English chapter (figures carry no words, so the Chinese chapter has
the same ones) is also saved as ``book/figures/<chapter>-fig-<n>.svg`` and ``.png`` (200 dpi),
``n`` being its number on the page, for the gallery pages and for slides. The kernel draws each
figure as SVG as well as PNG for that (``ADAMCODE_FIGURE_SVG=1``, read by
``adamcode.plotting.use_book_style``); the notebook keeps only the PNG.
"""
from __future__ import annotations

import argparse
import base64
import os
import pathlib
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIGURES = ROOT / "book" / "figures"
SVG, PNG = "image/svg+xml", "image/png"


def notebooks(paths: list[str]) -> list[pathlib.Path]:
    if paths:
        return [pathlib.Path(p).resolve() for p in paths]
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                  if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts)


def coalesce_streams(outputs: list) -> list:
    """Join consecutive pieces of the same stream: how the kernel chunks stdout depends on timing
    (and on machine load), not on what was printed. nbval joins them the same way when it compares."""
    joined = []
    for output in outputs:
        if (output.get("output_type") == "stream" and joined and joined[-1].get("output_type") == "stream"
                and joined[-1].get("name") == output.get("name")):
            joined[-1]["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def clean(nb: nbformat.NotebookNode) -> None:
    """Drop what changes from run to run without changing what the reader sees."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}


def export_figures(path: pathlib.Path, nb: nbformat.NotebookNode) -> int:
    """Save the figures of an English chapter as SVG and PNG; drop the SVG from every notebook."""
    export = path.parent.name == "en" and path.parent.parent == ROOT / "book"
    if export:
        FIGURES.mkdir(exist_ok=True)
        for stale in FIGURES.glob(f"{path.stem}-fig-*"):
            stale.unlink()
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        images = [o for o in cell.outputs if SVG in o.get("data", {})]
        if export and images and "figure" in cell.metadata.get("mystnb", {}):
            if len(images) != 1:
                raise ValueError(f"{path.name}: a figure cell must draw exactly one figure, drew {len(images)}")
            number += 1
            stem = FIGURES / f"{path.stem}-fig-{number}"
            stem.with_suffix(".svg").write_text(images[0]["data"][SVG], encoding="utf-8")
            stem.with_suffix(".png").write_bytes(base64.b64decode(images[0]["data"][PNG]))
        for output in images:
            del output["data"][SVG]
    return number


def execute(path: pathlib.Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:                      # start from nothing: no stale outputs or counts
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="adamcode-notebook-") as folder:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                       resources={"metadata": {"path": folder}}).execute()
    export_figures(path, nb)
    clean(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks to run (default: all under book/)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["ADAMCODE_FIGURE_SVG"] = "1"      # figures drawn as SVG too, for book/figures/
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # no date inside the SVG files
    for path in notebooks(args.paths):
        seconds = execute(path, args.timeout)
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
