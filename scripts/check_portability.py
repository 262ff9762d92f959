"""Rerun strict nbval over the notebooks under numeric environments other than the default.

A stored output is portable when it comes out byte for byte the same whatever SIMD loops NumPy
picks, whatever kernel OpenBLAS picks, and however many threads it uses. This script reruns the
notebooks' strict nbval check (the same options as ``python -m pytest``) once per environment:

    simd-off           NumPy's dispatched SIMD loops off (NPY_DISABLE_CPU_FEATURES = every
                       feature NumPy dispatches to on this CPU, e.g. AVX2/FMA3/AVX512 loops),
                       so NumPy runs its baseline loops
    old-blas-1-thread  OpenBLAS with an old core type (SSE only, OPENBLAS_CORETYPE=Nehalem)
                       and one thread
    avx-blas-threads   OpenBLAS with the Sandybridge kernels (AVX, no FMA) and one thread per core

Before each run it checks, in a fresh interpreter, that NumPy and OpenBLAS really took the
setting (a setting that is silently ignored would make the check meaningless).

    python scripts/check_portability.py                      # every notebook, every environment
    python scripts/check_portability.py --env simd-off book/en/adam.ipynb
    python scripts/check_portability.py --list               # the environments and their variables

The English and Chinese notebooks have identical code cells and the tests check that their
stored outputs are identical too (tests/test_book_structure.py), so by default only the English
notebooks (and any other notebook under book/, such as the landing page) are rerun here:
every Chinese output equals an English one that is checked.
Exit status 0 when every environment reproduces every stored output.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[1]
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "sanitize.cfg"),
         "-p", "no:cacheprovider", "-o", "addopts=", "-q", "-rN"]

PROBE = r"""
import json, numpy, threadpoolctl
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"dispatch": list(__cpu_dispatch__),
                  "enabled": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
                  "blas": [{k: i.get(k) for k in ("internal_api", "architecture", "num_threads")} for i in blas]}))
"""


def probe(env: dict[str, str]) -> dict:
    """What NumPy and OpenBLAS report in a fresh interpreter under ``env``."""
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"numpy/threadpoolctl probe failed:\n{result.stderr}")
    return json.loads(result.stdout)


def environments() -> dict[str, dict[str, str]]:
    """The environments, each as the variables it sets on top of the current environment."""
    plain = {k: v for k, v in os.environ.items()
             if k not in ("NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES", "OPENBLAS_CORETYPE",
                          "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_VERBOSE")}
    # Every feature NumPy dispatches to and this CPU has (names differ between NumPy versions:
    # 2.4 dispatches to X86_V3/X86_V4/AVX512_ICL/AVX512_SPR, older ones to AVX2/FMA3/AVX512F...).
    # Disabling a feature NumPy would not use is harmless; naming one it does not know is ignored.
    enabled = probe(plain)["enabled"]
    return {
        "simd-off": {"NPY_DISABLE_CPU_FEATURES": " ".join(reversed(enabled))},
        "old-blas-1-thread": {"OPENBLAS_CORETYPE": "Nehalem", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        # OpenBLAS never runs more threads than there are cores, so "several" is one per core
        # (the default thread count); with the Sandybridge (AVX, no FMA) kernels.
        "avx-blas-threads": {"OPENBLAS_CORETYPE": "Sandybridge", "OPENBLAS_NUM_THREADS": str(max(2, os.cpu_count() or 2)),
                             "OMP_NUM_THREADS": str(max(2, os.cpu_count() or 2))},
    }, plain


def check_taken(name: str, variables: dict[str, str], env: dict[str, str]) -> str:
    """Fail unless NumPy and OpenBLAS took the environment's settings; describe what they run."""
    seen = probe(env)
    if "NPY_DISABLE_CPU_FEATURES" in variables and seen["enabled"]:
        raise SystemExit(f"{name}: NumPy still dispatches to {seen['enabled']}")
    blas = [b for b in seen["blas"] if b["internal_api"] == "openblas"]
    if not blas:
        raise SystemExit(f"{name}: NumPy is not linked to OpenBLAS ({seen['blas']}); OPENBLAS_* has no effect")
    core, threads = blas[0]["architecture"], blas[0]["num_threads"]
    if "OPENBLAS_CORETYPE" in variables and core.lower() != variables["OPENBLAS_CORETYPE"].lower():
        raise SystemExit(f"{name}: OpenBLAS runs {core}, not {variables['OPENBLAS_CORETYPE']}")
    wanted = min(int(variables.get("OPENBLAS_NUM_THREADS", 0)), os.cpu_count() or 1)
    if "OPENBLAS_NUM_THREADS" in variables and threads != wanted:
        raise SystemExit(f"{name}: OpenBLAS runs {threads} threads, not {wanted}")
    simd = "NumPy SIMD dispatch: " + (", ".join(seen["enabled"]) or "none (baseline loops)")
    return f"{simd}; OpenBLAS {core} kernels, {threads} thread(s)"


def failures(junit: pathlib.Path) -> list[tuple[str, str]]:
    """(test id, failure text) of every failed or erroring test in a JUnit XML report."""
    found = []
    for case in ET.parse(junit).iter("testcase"):
        for bad in list(case.findall("failure")) + list(case.findall("error")):
            found.append((f"{case.get('classname')}::{case.get('name')}", (bad.text or bad.get("message") or "")))
    return found


def default_notebooks() -> list[pathlib.Path]:
    """Every notebook under book/ but the Chinese chapters (their outputs equal the English ones)."""
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                  if not {"zh", "_build", ".ipynb_checkpoints"} & set(p.relative_to(ROOT / "book").parts))


def main(argv: list[str] | None = None) -> int:
    table, plain = environments()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to check (default: all but book/zh/)")
    parser.add_argument("--env", action="append", choices=sorted(table), help="only these environments")
    parser.add_argument("--list", action="store_true", help="print the environments and exit")
    parser.add_argument("-n", "--jobs", default="auto",
                        help="pytest-xdist workers per run (default: auto, one per core; 0 for none)")
    parser.add_argument("--report", type=pathlib.Path, help="also write the differing cells to this file")
    args = parser.parse_args(argv)
    if args.list:
        for name, variables in table.items():
            print(name, " ".join(f"{k}={v!r}" for k, v in variables.items()))
        return 0
    paths = [pathlib.Path(p).resolve() for p in args.notebooks] or default_notebooks()
    # loadfile: a notebook's cells share one kernel, so they must stay on one worker, in order.
    jobs = [] if str(args.jobs) == "0" else ["-n", str(args.jobs), "--dist", "loadfile"]
    report, bad = [], 0
    for name in args.env or list(table):
        variables = table[name]
        env = {**plain, **variables}
        described = check_taken(name, variables, env)
        print(f"== {name}: {' '.join(f'{k}={v!r}' for k, v in variables.items())}\n   ({described})", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            junit = pathlib.Path(tmp) / "junit.xml"
            start = time.time()
            result = subprocess.run([sys.executable, "-m", "pytest", *NBVAL, *jobs, f"--junitxml={junit}",
                                     *map(str, paths)], env=env, cwd=ROOT, capture_output=True, text=True)
            found = failures(junit) if junit.exists() else [("pytest", result.stdout[-3000:] + result.stderr[-3000:])]
        tail = result.stdout.strip().splitlines()[-1:] or [""]
        print(f"   {tail[0]} ({time.time() - start:.0f} s)", flush=True)
        if result.returncode and not found:
            found = [("pytest", result.stdout[-3000:] + result.stderr[-3000:])]
        for test, text in found:
            print(f"   DIFFERS {test}", flush=True)
            report.append(f"## {name}: {test}\n\n```\n{text.strip()[-4000:]}\n```\n")
        bad += bool(found)
    if args.report:
        args.report.write_text("\n".join(report) or "every stored output reproduced\n", encoding="utf-8")
    if bad:
        print(f"{bad} environment(s) changed stored outputs: they are not portable", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
