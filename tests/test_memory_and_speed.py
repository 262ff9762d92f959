"""adamcode.memory and adamcode.bench: the numbers of chapter memory-and-speed."""
import json

import numpy as np
import pytest

import adamcode as ac
from adamcode import bench
from adamcode.chapters import memory_and_speed as memory

# bytes of state per float32 parameter, as the chapter's table states them
EXPECTED = [
    (ac.SGD(), 0), (ac.SGD(momentum=0.9), 4), (ac.Momentum(), 4), (ac.Adagrad(), 4),
    (ac.RMSprop(), 4), (ac.RMSprop(centered=True), 8), (ac.RMSprop(momentum=0.9), 8),
    (ac.RMSprop(centered=True, momentum=0.9), 12), (ac.Adam(), 8), (ac.Adam(amsgrad=True), 12),
    (ac.AdamW(), 8), (ac.Adamax(), 8), (ac.NAdam(), 8), (ac.Lion(), 4),
]


@pytest.mark.parametrize("opt, per_param", EXPECTED, ids=[repr(o) for o, _ in EXPECTED])
def test_state_bytes_per_parameter(opt, per_param):
    assert memory.state_bytes_per_param(opt, n=1000, dtype=np.float32) == per_param
    assert memory.state_bytes_per_param(opt, n=10, dtype=np.float64) == 2 * per_param
    traffic = memory.step_traffic(opt, np.float32)
    k = per_param // 4
    assert traffic == {"buffers": k, "read": 4 * (2 + k), "write": 4 * (1 + k), "total": 4 * (3 + 2 * k)}


def test_adam_step_moves_28_bytes_per_float32_parameter():
    assert memory.step_traffic(ac.Adam())["total"] == 28
    assert memory.step_traffic(ac.Adam(amsgrad=True), "float64")["total"] == 72
    assert memory.state_nbytes(ac.Adam().init(np.zeros(5, np.float32))) == {"m": 20, "v": 20}


def test_memory_functions_reject_bad_arguments():
    for call, message in [(lambda: memory.state_nbytes((1, 2)), "Invalid state"),
                          (lambda: memory.state_bytes_per_param("Adam"), "Invalid opt"),
                          (lambda: memory.state_bytes_per_param(ac.Adam(), n=0), "Invalid n: n=0"),
                          (lambda: memory.step_traffic(ac.Adam(), np.int32), "Invalid dtype: dtype=int32"),
                          (lambda: bench.measure(sizes=[]), "Invalid sizes"),
                          (lambda: bench.measure(sizes=[10], repeat=0), "Invalid repeat: repeat=0"),
                          (lambda: bench.ufunc_traffic(3), "Invalid fn")]:
        with pytest.raises(ValueError) as info:
            call()
        assert message in str(info.value)


def test_naive_adam_is_the_textbook_rule_and_equals_step():
    rng = np.random.default_rng(3)
    p, g = rng.standard_normal((2, 500)).astype(np.float32)
    opt = ac.Adam(lr=1e-3)
    state = opt.init(p)
    q, m, v = p, state.m, state.v
    for t in range(1, 11):
        p, state = opt.step(p, g * t, state)
        q, m, v = bench.naive_adam(q, g * t, m, v, t)
    assert np.array_equal(p, q) and np.array_equal(state.m, m) and np.array_equal(state.v, v)


def test_naive_adam_makes_14_passes_moving_128_bytes_per_parameter():
    n = 1000
    arrays = [np.ones(n, np.float32) for _ in range(4)]
    counted = bench.ufunc_traffic(lambda p, g, m, v: bench.naive_adam(p, g, m, v, 1), *arrays)
    assert counted["passes"] == 14
    assert counted["read"] == 18 * 4 * n and counted["write"] == 14 * 4 * n
    assert counted["ufuncs"].count("divide") == 3 and counted["ufuncs"].count("sqrt") == 1


def test_peak_allocation_counts_numpy_arrays():
    assert 8_000_000 <= bench.peak_allocation(lambda: np.ones(1_000_000)) < 8_100_000


def test_measure_table_plot_and_json(tmp_path):
    results = bench.measure(sizes=[20_000, 50_000], repeat=2, steps=1, with_torch=False,
                            copy_bytes=2**22)
    assert results["traffic_bytes_per_param"] == 28 and results["copy_gbps"] > 0
    assert [entry["n"] for entry in results["sizes"]] == [20_000, 50_000]
    for entry in results["sizes"]:
        methods = entry["methods"]
        assert list(methods) == ["naive", "step", "step_"]
        assert methods["step_"]["ratio_vs_step_"] == 1.0
        assert all(len(r["times_ms"]) == 2 and r["ms"] > 0 for r in methods.values())
        assert np.isclose(methods["step"]["gbps"], 28 * entry["n"] / methods["step"]["ms"] / 1e6)
        # step_ allocates three scratch blocks (at most 3 * n * 4 bytes here), naive and step whole arrays
        assert methods["step_"]["peak"] < 0.8 * methods["naive"]["peak"]
        assert methods["naive"]["peak"] >= 3 * entry["param_bytes"]
    text = bench.table(results)
    assert text.count("\n") == 2 + 6 - 1 and "| 0.05M | step_ |" in text
    ax = bench.plot(results)
    assert len(ax.lines) == 4
    out = tmp_path / "bench.json"
    assert bench.main(["--sizes", "0.02", "--repeat", "1", "--steps", "1", "--no-torch",
                       "--copy-mb", "4", "--json", str(out)]) == 0
    saved = json.loads(out.read_text())
    assert saved["machine"]["numpy"] == np.__version__ and saved["sizes"][0]["n"] == 20_000


def test_median_of_runs_takes_medians_and_keeps_the_spread():
    def run(scale):
        return {"dtype": "float32", "traffic_bytes_per_param": 28, "repeat": 1, "steps": 1,
                "machine": {"date_utc": str(scale)},
                "sizes": [{"n": 10, "param_bytes": 40, "copy_gbps": 10.0 * scale,
                           "methods": {"step_": {"ms": 1.0 * scale, "gbps": 2.0 / scale, "ratio_vs_step_": 1.0,
                                                 "peak": 12},
                                       "torch fused": {"ms": 0.5, "gbps": 5.0, "ratio_vs_step_": 0.5 * scale}}}]}
    combined = bench.median_of_runs([run(1), run(3), run(2)])
    entry = combined["sizes"][0]
    assert entry["copy_gbps"] == 20.0 and combined["copy_gbps"] == 20.0
    assert entry["methods"]["step_"] == {"ms": 2.0, "gbps": 1.0, "ratio_vs_step_": 1.0, "peak": 12,
                                         "runs_ratio_vs_step_": [1.0, 1.0, 1.0]}
    assert entry["methods"]["torch fused"]["runs_ratio_vs_step_"] == [0.5, 1.5, 1.0]
    assert entry["methods"]["torch fused"]["ratio_vs_step_"] == 1.0
    assert [m["date_utc"] for m in combined["machine"]] == ["1", "3", "2"]
    assert "| 1e-05M | torch fused |" in bench.table(combined)
    for bad, message in [([], "Invalid runs: runs=[]"), ([run(1), {**run(1), "sizes": []}], "runs[1]")]:
        with pytest.raises(ValueError) as info:
            bench.median_of_runs(bad)
        assert message in str(info.value)


def test_recorded_runs_load_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                 # not the repository: the data must come from the package
    runs = bench.recorded_runs()
    assert len(runs) == 5
    assert [[e["n"] for e in r["sizes"]] for r in runs] == [[1_000_000, 10_000_000, 50_000_000]] * 5
    assert all(r["machine"]["date_utc"].startswith("2026-12-01") for r in runs)
    combined = bench.median_of_runs(runs)
    assert set(combined["sizes"][1]["methods"]) == {"naive", "step", "step_", "torch foreach", "torch fused"}
    assert combined["traffic_bytes_per_param"] == 28


def test_state_table_rows_match_the_expected_bytes_and_take_new_rows():
    rows = memory.state_table()
    assert [r["name"] for r in rows] == list(memory.chapter_optimizers())
    assert [(r["float32"], r["float64"]) for r in rows] == [(b, 2 * b) for _, b in EXPECTED]
    adam = next(r for r in rows if r["name"] == "Adam")
    assert adam == {"name": "Adam", "fields": ["m", "v"], "k": 2, "float32": 8, "float64": 16}
    extra = memory.state_table({**memory.chapter_optimizers(), "Lion, weight_decay=1": ac.Lion(weight_decay=1.0)})
    assert extra[-1]["name"] == "Lion, weight_decay=1" and extra[-1]["float32"] == 4
    with pytest.raises(ValueError, match="Invalid optimizers"):
        memory.state_table({})
