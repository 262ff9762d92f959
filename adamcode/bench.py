"""Benchmark of one Adam step: naive NumPy, ``Adam.step``, ``Adam.step_`` (and torch), chapter memory-and-speed.

Run ``python -m adamcode.bench`` (``--help`` for the options). For each size it times

* ``naive`` -- the textbook NumPy Adam, one expression per line (:func:`naive_adam`);
* ``step``  -- ``adamcode.Adam.step``, the pure functional step (new arrays each step);
* ``step_`` -- ``adamcode.Adam.step_``, in place and blocked (no full-size temporary);
* ``torch foreach`` and ``torch fused`` -- ``torch.optim.Adam(foreach=True)`` / ``(fused=True)``,
  when torch is installed,

and reports each as *effective bandwidth*: the bytes a step must move (Adam in float32 reads
``p, g, m, v`` and writes ``p, m, v``: 28 bytes per parameter, :func:`adamcode.chapters.memory_and_speed.step_traffic`)
divided by the time, next to the bandwidth of ``np.copyto`` on a large array timed in the same
rounds (a copy reads and writes each byte once, so it moves ``2 * nbytes``). The methods are
timed in interleaved rounds and the medians are reported, so a machine whose load changes
affects them alike.
"""
from __future__ import annotations

import argparse
import datetime
from importlib import resources
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc

import numpy as np

from . import __version__, _validate
from .adam import Adam
from .chapters.memory_and_speed import step_traffic

HYPER = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
METHODS = ("naive", "step", "step_", "torch foreach", "torch fused")


def naive_adam(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Textbook Adam in NumPy, one line per equation (book, chapter adam, Eqs. (1)-(5)).

    Returns new ``(p, m, v)``; every operator allocates a new full-size array::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)
    """
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p, m, v


class _Counted(np.ndarray):
    """An ndarray that records, for every ufunc applied to it, the bytes of array operands read and written."""

    log: list = []

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        plain = [x.view(np.ndarray) if isinstance(x, _Counted) else x for x in inputs]
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Counted) else o for o in out)
        result = getattr(ufunc, method)(*plain, **kwargs)
        read = sum(x.nbytes for x in plain if isinstance(x, np.ndarray) and x.ndim > 0)
        _Counted.log.append((ufunc.__name__, read, np.asarray(result).nbytes))
        return result.view(_Counted) if out is None else out[0]


def ufunc_traffic(fn, *arrays) -> dict:
    """Call ``fn(*arrays)`` and count its ufunc passes over the arrays and the bytes they read and write.

    Each ufunc call on full-size arrays reads its array operands and writes its result through
    memory when the arrays do not fit in the cache. Returns ``{"passes", "read", "write", "ufuncs"}``.
    """
    if not callable(fn):
        raise ValueError(f"Invalid fn: {fn!r} is not callable")
    _Counted.log = []
    fn(*[np.asarray(a).view(_Counted) if isinstance(a, np.ndarray) else a for a in arrays])
    log, _Counted.log = _Counted.log, []
    return {"passes": len(log), "read": sum(r for _, r, _ in log), "write": sum(w for _, _, w in log),
            "ufuncs": [name for name, _, _ in log]}


def peak_allocation(fn) -> int:
    """Peak bytes allocated while ``fn()`` runs, above what was allocated before (``tracemalloc``, which NumPy reports to)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return int(peak - before)


def _torch():
    try:
        import torch
    except ImportError:  # torch is optional
        return None
    return torch


def _steppers(n, dtype, with_torch, block):
    """One ``step()`` closure per method, each with its own parameters and state (the gradient is shared)."""
    rng = np.random.default_rng(0)
    g = rng.standard_normal(n).astype(dtype)
    p0 = rng.standard_normal(n).astype(dtype)
    opt = Adam(lr=HYPER["lr"], betas=(HYPER["beta1"], HYPER["beta2"]), eps=HYPER["eps"])
    out = {}

    box = {"p": p0.copy(), "m": np.zeros_like(p0), "v": np.zeros_like(p0), "t": 0}

    def naive():
        box["t"] += 1
        box["p"], box["m"], box["v"] = naive_adam(box["p"], g, box["m"], box["v"], box["t"], **HYPER)
    out["naive"] = naive

    pure = {"p": p0.copy()}
    pure["s"] = opt.init(pure["p"])

    def step():
        pure["p"], pure["s"] = opt.step(pure["p"], g, pure["s"])
    out["step"] = step

    inplace = {"p": p0.copy()}
    inplace["s"] = opt.init(inplace["p"])

    def step_():
        inplace["s"] = opt.step_(inplace["p"], g, inplace["s"], block=block)
    out["step_"] = step_

    torch = _torch() if with_torch else None
    if torch is not None:
        for name, flag in (("torch foreach", "foreach"), ("torch fused", "fused")):
            param = torch.nn.Parameter(torch.from_numpy(p0.copy()))
            param.grad = torch.from_numpy(g)
            topt = torch.optim.Adam([param], lr=HYPER["lr"], betas=(HYPER["beta1"], HYPER["beta2"]),
                                    eps=HYPER["eps"], **{flag: True})
            out[name] = topt.step
    return out


def measure(sizes=(1_000_000, 10_000_000), dtype="float32", repeat: int = 5, steps: int = 3,
            with_torch: bool = True, block=None, copy_bytes: int = 512 * 2**20) -> dict:
    """Time every method at every size; return a dict of results (see the module docstring).

    For each size the methods run ``repeat`` interleaved rounds of ``steps`` steps each (after a
    warm-up step); ``ms`` is the median time per step, ``gbps`` the effective bandwidth
    ``traffic * n / time``, ``ratio_vs_step_`` the median over rounds of ``time / time(step_)``.
    ``peak`` is the peak allocation of one step (bytes, ``tracemalloc``) for the NumPy methods.
    """
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"Invalid dtype: dtype={dtype} (must be a floating-point dtype)")
    sizes = [int(n) for n in sizes]
    if not sizes or min(sizes) < 1:
        raise ValueError(f"Invalid sizes: sizes={sizes!r} (need at least one size >= 1)")
    _validate.integer("repeat", repeat, 1)
    _validate.integer("steps", steps, 1)
    traffic = step_traffic(Adam(), dtype)["total"]
    src = np.ones(max(1, copy_bytes // 8), dtype=np.float64)
    dst = np.empty_like(src)
    results = {"dtype": dtype.name, "traffic_bytes_per_param": traffic, "repeat": repeat, "steps": steps,
               "copy_bytes": int(src.nbytes), "sizes": []}
    for n in sizes:
        runs = _steppers(n, dtype, with_torch, block)
        runs["copy"] = lambda: np.copyto(dst, src)   # the bandwidth reference, timed in the same rounds
        times = {name: [] for name in runs}
        for fn in runs.values():
            fn()                                     # warm-up: first-touch page faults, lazy state
        for _ in range(repeat):
            for name, fn in runs.items():
                start = time.perf_counter()
                for _ in range(steps):
                    fn()
                times[name].append((time.perf_counter() - start) / steps)
        copy_times = times.pop("copy")
        entry = {"n": n, "param_bytes": n * dtype.itemsize,
                 "copy_gbps": 2 * src.nbytes / statistics.median(copy_times) / 1e9, "methods": {}}
        for name, ts in times.items():
            median = statistics.median(ts)
            entry["methods"][name] = {
                "ms": median * 1e3, "times_ms": [x * 1e3 for x in ts],
                "gbps": traffic * n / median / 1e9,
                "ratio_vs_step_": statistics.median(a / b for a, b in zip(ts, times["step_"])),
            }
        for name in ("naive", "step", "step_"):
            entry["methods"][name]["peak"] = peak_allocation(runs[name])
        results["sizes"].append(entry)
        del runs
    results["copy_gbps"] = statistics.median(entry["copy_gbps"] for entry in results["sizes"])
    return results


def median_of_runs(runs: list) -> dict:
    """Combine several results of :func:`measure` (same sizes and methods) into their medians.

    Every number of a size and method (``ms``, ``gbps``, ``ratio_vs_step_``, ``peak``) and the
    copy bandwidth become the median over the runs; ``runs`` keeps each run's ratios and
    ``machine`` each run's machine record, so the spread stays visible.
    """
    runs = list(runs)
    if not runs:
        raise ValueError("Invalid runs: runs=[] (need at least one result of measure)")
    shape = [(e["n"], list(e["methods"])) for e in runs[0]["sizes"]]
    for k, run in enumerate(runs):
        if [(e["n"], list(e["methods"])) for e in run["sizes"]] != shape:
            raise ValueError(f"Invalid runs: runs[{k}] has other sizes or methods than runs[0]")
    combined = {key: runs[0][key] for key in ("dtype", "traffic_bytes_per_param", "repeat", "steps")}
    combined["sizes"] = []
    for j, (n, names) in enumerate(shape):
        entries = [run["sizes"][j] for run in runs]
        entry = {"n": n, "param_bytes": entries[0]["param_bytes"],
                 "copy_gbps": statistics.median(e["copy_gbps"] for e in entries), "methods": {}}
        for name in names:
            rs = [e["methods"][name] for e in entries]
            entry["methods"][name] = {key: statistics.median(r[key] for r in rs)
                                      for key in ("ms", "gbps", "ratio_vs_step_", "peak") if key in rs[0]}
            entry["methods"][name]["runs_ratio_vs_step_"] = [r["ratio_vs_step_"] for r in rs]
        combined["sizes"].append(entry)
    combined["copy_gbps"] = statistics.median(e["copy_gbps"] for e in combined["sizes"])
    combined["machine"] = [run.get("machine", {}) for run in runs]
    return combined


def recorded_runs() -> list:
    """The benchmark runs recorded for the book, parsed: a list of results of :func:`measure` with their machine.

    They are the package data files ``adamcode/data/memory-and-speed-bench-*.json`` (five runs of
    ``python -m adamcode.bench --json FILE`` on the machine the book was written on), in the order
    of their names, read with ``importlib.resources`` so that they load from any working
    directory. Combine them with :func:`median_of_runs` (chapter memory-and-speed).
    """
    folder = resources.files("adamcode").joinpath("data")
    paths = sorted((p for p in folder.iterdir() if p.name.startswith("memory-and-speed-bench-")
                    and p.name.endswith(".json")), key=lambda p: p.name)
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def machine() -> dict:
    """Where and with what the benchmark ran: CPU, cores, date (UTC), versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
            "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
            "python": platform.python_version(), "numpy": np.__version__, "adamcode": __version__}
    torch = _torch()
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info


HEADER = ["params", "method", "ms / step", "effective GB/s", "of copy", "time / time(step_)",
          "peak alloc. / param bytes"]


def table(results: dict, header=None) -> str:
    """The results as a Markdown table (one row per size and method); ``header``: 7 column titles (default ``HEADER``)."""
    header = HEADER if header is None else list(header)
    if len(header) != len(HEADER):
        raise ValueError(f"Invalid header: {len(header)} titles (need {len(HEADER)})")
    rows = []
    for entry in results["sizes"]:
        copy = entry["copy_gbps"]
        for name, r in entry["methods"].items():
            peak = f"{100 * r['peak'] / entry['param_bytes']:.1f} %" if "peak" in r else ""
            rows.append([f"{entry['n'] / 1e6:g}M", name, f"{r['ms']:.2f}", f"{r['gbps']:.1f}",
                         f"{100 * r['gbps'] / copy:.0f} %", f"{r['ratio_vs_step_']:.2f}", peak])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def plot(results: dict, ax=None):
    """Effective GB/s of each method against the number of parameters (log-log), with the copy bandwidth of each size dashed."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from .plotting import use_book_style
    use_book_style()
    if ax is None:
        _, ax = plt.subplots()
    ns = [entry["n"] for entry in results["sizes"]]
    names = list(results["sizes"][0]["methods"])
    for k, name in enumerate(names):
        ax.plot(ns, [entry["methods"][name]["gbps"] for entry in results["sizes"]], "o-",
                color=f"C{k}", label=name)
    ax.plot(ns, [entry["copy_gbps"] for entry in results["sizes"]], "k--", lw=0.8, label="np.copyto")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ns, [f"{n / 1e6:g}M" for n in ns])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda y, _: f"{y:g}" if f"{y:g}"[0] in "25" else ""))
    ax.set_xlabel(f"$d$ ({results['dtype']})")
    ax.set_ylabel("GB/s")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return ax


def block_sizes(n: int = 10_000_000, blocks=(4096, 16384, 65536, 262144), repeat: int = 5,
                dtype="float32") -> dict:
    """Median ms per ``step_`` for each block size (how ``adamcode.chapters.memory_and_speed.BLOCK`` was chosen)."""
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype)
    opt = Adam()
    state = opt.init(p)
    times = {b: [] for b in blocks}
    for _ in range(repeat):
        for b in blocks:
            start = time.perf_counter()
            state = opt.step_(p, g, state, block=b)
            times[b].append(time.perf_counter() - start)
    return {b: statistics.median(ts) * 1e3 for b, ts in times.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adamcode.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 50],
                        help="numbers of parameters, in millions (default: 1 10 50)")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--repeat", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--steps", type=int, default=3, help="steps timed per round (default 3)")
    parser.add_argument("--no-torch", action="store_true", help="do not time torch even if installed")
    parser.add_argument("--copy-mb", type=int, default=512, help="size of the copied array, MiB (default 512)")
    parser.add_argument("--block", type=int, default=None, help="block size of step_ (default: BLOCK)")
    parser.add_argument("--blocks", action="store_true", help="time step_ for several block sizes and exit")
    parser.add_argument("--plot", metavar="FILE.png", help="save a plot of the effective bandwidths")
    parser.add_argument("--json", metavar="FILE", help="save the results and the machine as JSON")
    args = parser.parse_args(argv)
    if args.blocks:
        for b, ms in block_sizes(int(args.sizes[-1] * 1e6), dtype=args.dtype).items():
            print(f"block {b:7d}: {ms:.2f} ms per step_")
        return 0
    sizes = [int(round(s * 1e6)) for s in args.sizes]
    results = measure(sizes, args.dtype, args.repeat, args.steps, not args.no_torch, args.block,
                      copy_bytes=args.copy_mb * 2**20)
    results["machine"] = machine()
    m = results["machine"]
    print(f"{m['cpu']}, {m['cores']} cores, {m['date_utc']} UTC; numpy {m['numpy']}"
          + (f", torch {m['torch']} ({m['torch_threads']} threads)" if "torch" in m else ""))
    print(f"traffic of one Adam step: {results['traffic_bytes_per_param']} bytes/param; np.copyto bandwidth "
          + ", ".join(f"{e['copy_gbps']:.1f}" for e in results["sizes"]) + " GB/s (in the rounds of each size)")
    print(table(results))
    for entry in results["sizes"]:
        methods = entry["methods"]
        if "torch foreach" in methods:
            print(f"{entry['n'] / 1e6:g}M: step_ is {methods['torch foreach']['ratio_vs_step_']:.2f}x as fast as "
                  f"torch foreach, {methods['torch fused']['ratio_vs_step_']:.2f}x as fast as torch fused")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        ax = plot(results)
        ax.figure.tight_layout()
        ax.figure.savefig(args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
