"""Adafactor and Muon: torch 2.13 trajectories, validation, state records, step_, SymPy twins; bfloat16.

tests/reference/make_torch_reference_adafactor_muon.py recorded, with torch 2.13.0 in float64,
100 steps of torch.optim.Adafactor and torch.optim.Muon (Muon's Newton-Schulz iteration without
its bfloat16 cast, see the script) on noisy quadratics in vectors, matrices and a 3-D array.
adamcode replays the same gradients from its own parameters and must stay on torch's
trajectory to a normwise relative error of 1e-12 at every step.
"""
import functools
import json
import math
import pathlib

import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode import symbolic
from adamcode.chapters import beyond_adam as beyond
from adamcode.chapters import memory_and_speed as memory
from adamcode.muon import adjusted_lr, newton_schulz

REFERENCE = np.load(pathlib.Path(__file__).parent / "reference" / "torch_adafactor_muon.npz")
CASES = json.loads(str(REFERENCE["cases"]))
TOLERANCE = 1e-12


def kwargs_of(case):
    kwargs = dict(case["kwargs"])
    for key in ("eps", "ns_coefficients"):
        if isinstance(kwargs.get(key), list):
            kwargs[key] = tuple(kwargs[key])
    return kwargs


@functools.lru_cache(maxsize=None)
def replay(index):
    case = CASES[index]
    A, B, theta, noise = (REFERENCE[f"{case['shape']}_{x}"] for x in ("A", "B", "theta0", "noise"))
    opt = getattr(ac, case["torch"])(**kwargs_of(case))
    state = opt.init(theta)
    out = [theta]
    for k in range(len(noise)):
        theta, state = opt.step(theta, np.tensordot(A, theta, axes=1) - B + noise[k], state)
        out.append(theta)
    return np.array(out), state


def test_reference_covers_every_option():
    options = {}
    for case in CASES:
        options.setdefault(case["torch"], set()).update(case["kwargs"])
    assert options["Adafactor"] >= {"lr", "beta2_decay", "eps", "d", "weight_decay"}
    assert options["Muon"] >= {"lr", "weight_decay", "momentum", "nesterov", "ns_coefficients", "eps",
                               "ns_steps", "adjust_lr_fn"}
    shapes = {(case["torch"], case["shape"]) for case in CASES}
    assert {("Adafactor", "vector"), ("Adafactor", "matrix"), ("Adafactor", "wide"), ("Adafactor", "tensor3"),
            ("Muon", "matrix"), ("Muon", "wide")} <= shapes
    assert str(REFERENCE["torch_version"]).startswith("2.13")


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_agrees_with_torch(index):
    reference = REFERENCE[f"traj_{index}"]
    ours, _ = replay(index)
    assert ours.shape == reference.shape
    moved = np.linalg.norm(reference[-1] - reference[0]) / np.linalg.norm(reference[0])
    assert moved > 0.02                                       # the run moves: no trivial agreement
    errors = [np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(ours, reference)]
    assert max(errors) <= TOLERANCE


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_final_state_is_torchs_state(index):
    case = CASES[index]
    _, state = replay(index)
    prefix = f"state_{index}_"
    theirs = {key[len(prefix):]: REFERENCE[key] for key in REFERENCE.files if key.startswith(prefix)}
    if case["torch"] == "Muon":
        assert set(theirs) == {"momentum_buffer"}             # torch's Muon keeps no step counter
        np.testing.assert_allclose(state.m, theirs["momentum_buffer"], rtol=1e-12, atol=1e-15)
        return
    assert float(theirs["step"]) == state.t == 100
    if state.v is None:                                       # factored: torch keeps keepdim shapes
        assert set(theirs) == {"step", "row_var", "col_var"}
        np.testing.assert_allclose(state.v_row, theirs["row_var"][..., 0], rtol=1e-12)
        np.testing.assert_allclose(state.v_col, theirs["col_var"][..., 0, :], rtol=1e-12)
    else:
        assert set(theirs) == {"step", "variance"}
        np.testing.assert_allclose(state.v, theirs["variance"], rtol=1e-12)


# --- construction and validation, as torch.optim checks ----------------------------------------

def test_defaults_are_torchs():
    assert ac.Adafactor().hyperparameters() == dict(lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                                                    weight_decay=0.0, beta1=None)
    assert repr(ac.Adafactor()) == "Adafactor(lr=0.01, beta2_decay=-0.8, eps=(None, 0.001), d=1.0, weight_decay=0.0)"
    assert ac.Muon().hyperparameters() == dict(lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                                               ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7,
                                               ns_steps=5, adjust_lr_fn=None)


@pytest.mark.parametrize("cls, kwargs, message", [
    (ac.Adafactor, dict(lr=-1), "Invalid learning rate: lr=-1"),
    (ac.Adafactor, dict(beta2_decay=0.5), "Invalid beta2_decay value: beta2_decay=0.5"),
    (ac.Adafactor, dict(beta2_decay=math.nan), "beta2_decay=nan"),
    (ac.Adafactor, dict(eps=(-1e-3, 1e-3)), "eps[0]=-0.001"),
    (ac.Adafactor, dict(eps=(None, -1.0)), "eps[1]=-1.0"),
    (ac.Adafactor, dict(eps=1e-3), "Invalid eps: eps=0.001"),
    (ac.Adafactor, dict(d=0.5), "Invalid clipping threshold: d=0.5"),
    (ac.Adafactor, dict(weight_decay=-0.1), "weight_decay=-0.1"),
    (ac.Adafactor, dict(beta1=1.0), "beta1=1.0"),
    (ac.Muon, dict(lr=-1e-3), "lr=-0.001"),
    (ac.Muon, dict(momentum=-0.5), "Invalid momentum value: momentum=-0.5"),
    (ac.Muon, dict(weight_decay=math.nan), "weight_decay=nan"),
    (ac.Muon, dict(adjust_lr_fn="rms"), "adjust_lr_fn='rms'"),
    (ac.Muon, dict(ns_steps=100), "ns_steps=100"),
    (ac.Muon, dict(ns_steps=2.0), "ns_steps=2.0"),
    (ac.Muon, dict(ns_coefficients=(1.0, 2.0)), "Invalid ns_coefficients"),
    (ac.Muon, dict(eps=-1.0), "eps=-1.0"),
])
def test_invalid_hyperparameters_raise_naming_the_argument(cls, kwargs, message):
    with pytest.raises(ValueError) as info:
        cls(**kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize("params", [np.ones(5), np.ones(()), np.ones((2, 3, 4))], ids=["1-D", "0-D", "3-D"])
def test_muon_refuses_what_is_not_a_matrix(params):
    opt = ac.Muon()
    with pytest.raises(ValueError, match="Muon only supports 2-D parameters"):
        opt.init(params)
    with pytest.raises(ValueError, match="Muon only supports 2-D parameters"):
        opt.step(params, np.ones_like(params), ac.MuonState(t=0, m=np.zeros_like(params)))


def test_adafactor_state_shapes_and_wrong_states():
    opt = ac.Adafactor()
    state = opt.init(np.ones((2, 3, 4)))
    assert state.v is None and state.v_row.shape == (2, 3) and state.v_col.shape == (2, 4)
    vector_state = opt.init(np.ones(4))
    assert vector_state.v.shape == (4,) and vector_state.v_row is None and vector_state.m is None
    assert ac.Adafactor(beta1=0.9).init(np.ones((3, 4))).m.shape == (3, 4)
    with pytest.raises(ValueError, match=r"state.v_row is None, but a parameter of shape \(3, 4\) needs it"):
        opt.step(np.ones((3, 4)), np.ones((3, 4)), vector_state)
    with pytest.raises(ValueError, match=r"state.v is None, but Adafactor needs it"):
        opt.step(np.ones(4), np.ones(4), opt.init(np.ones((3, 4))))
    with pytest.raises(ValueError, match=r"state.v_row.dtype=float64 does not match params.dtype=float32"):
        opt.step_(np.ones((3, 4), dtype=np.float32), np.ones((3, 4)), opt.init(np.ones((3, 4))))
    with pytest.raises(ValueError, match=r"state.v_row.shape=\(3,\)"):
        opt.step(np.ones((4, 4)), np.ones((4, 4)), opt.init(np.ones((3, 4))))
    with pytest.raises(ValueError, match=r"state.m is None, but beta1=0.9 needs it"):
        ac.Adafactor(beta1=0.9).step(np.ones((3, 4)), np.ones((3, 4)), opt.init(np.ones((3, 4))))
    with pytest.raises(ValueError, match="grads.shape"):
        opt.step(np.ones((3, 4)), np.ones((4, 3)), opt.init(np.ones((3, 4))))


@pytest.mark.parametrize("opt, shape", [
    (ac.Adafactor(lr=0.05, weight_decay=0.1), (6, 5)),
    (ac.Adafactor(lr=0.05, beta1=0.9), (7,)),
    (ac.Adafactor(beta1=0.8, eps=(1e-3, 1e-2), d=2.0), (2, 3, 4)),
    (ac.Muon(lr=0.02), (6, 5)),
    (ac.Muon(lr=0.02, nesterov=False, adjust_lr_fn="match_rms_adamw"), (3, 8)),
], ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pure_step_leaves_inputs_and_step_in_place_agrees_bit_for_bit(opt, shape, dtype):
    rng = np.random.default_rng(1)
    p0 = rng.standard_normal(shape).astype(dtype)
    pure_p, pure_s = p0.copy(), opt.init(p0)
    p, s = p0.copy(), opt.init(p0)
    arrays = [a for a in s[1:] if a is not None]
    for _ in range(30):
        g = (rng.standard_normal(shape) * 10.0 ** rng.uniform(-2, 2, shape)).astype(dtype)
        g_copy, p_copy = g.copy(), pure_p.copy()
        new_p, new_s = opt.step(pure_p, g, pure_s)
        assert np.array_equal(pure_p, p_copy) and np.array_equal(g, g_copy)      # inputs unchanged
        pure_p, pure_s = new_p, new_s
        s = opt.step_(p, g, s)
    assert p.dtype == dtype and np.array_equal(p, pure_p) and s.t == pure_s.t == 30
    assert all(a is b for a, b in zip(arrays, [a for a in s[1:] if a is not None]))   # same arrays
    for ours, theirs in zip(s[1:], pure_s[1:]):
        assert (ours is None and theirs is None) or np.array_equal(ours, theirs)
    assert np.max(np.abs(p - p0)) > 0.01


def test_step_in_place_refuses_what_it_cannot_write():
    for opt, params in ((ac.Adafactor(), np.ones((3, 4))), (ac.Muon(), np.ones((3, 4)))):
        state = opt.init(params)
        with pytest.raises(ValueError, match="Invalid params"):
            opt.step_([[1.0] * 4] * 3, np.ones((3, 4)), state)
        with pytest.raises(ValueError, match="Invalid params: the array is not C-contiguous"):
            opt.step_(np.ones((4, 3)).T, np.ones((3, 4)), state)
        with pytest.raises(ValueError, match="grads shares memory with params"):
            opt.step_(params, params, state)


# --- what the update does --------------------------------------------------------------------

def test_adafactor_first_step_and_rank_one_estimate():
    """At t = 1, beta2_t = 0: a rank-1 g**2 (g an outer product) is reproduced exactly by the factors."""
    a, b = np.array([1.0, -2.0, 3.0]), np.array([0.5, 4.0, -1.0, 2.0])
    g = np.outer(a, b)
    opt = ac.Adafactor(eps=(0.0, 1e-3), d=1e6)
    theta0 = np.full((3, 4), 2.0)
    theta, state = opt.step(theta0, g, opt.init(theta0))
    v_tilde = np.outer(state.v_row, state.v_col) / state.v_row.mean()
    np.testing.assert_allclose(v_tilde, g * g, rtol=1e-14)
    # u = g / |g| = sign(g); step size 1e-2 * RMS(theta0) = 0.02
    np.testing.assert_allclose(theta, theta0 - 0.02 * np.sign(g), rtol=1e-14)
    rng = np.random.default_rng(0)
    g = rng.standard_normal((3, 4))                            # not rank 1: the estimate differs
    _, state = opt.step(theta0, g, opt.init(theta0))
    assert not np.allclose(np.outer(state.v_row, state.v_col) / state.v_row.mean(), g * g, rtol=1e-3)


def test_adafactor_relative_step_size_and_clipping():
    opt = ac.Adafactor(lr=1.0)
    theta0 = np.array([3.0, -4.0])                              # RMS = sqrt(12.5)
    theta, _ = opt.step(theta0, np.array([1.0, 0.0]), opt.init(theta0))
    # t = 1: eta_t = min(1, 1) = 1; u = (1/1, 0/sqrt(eps1**2)=0); RMS(u) = 1/sqrt(2) <= 1: no clipping
    np.testing.assert_allclose(theta, theta0 - math.sqrt(12.5) * np.array([1.0, 0.0]), rtol=1e-14)


def test_muon_orthogonalizes_and_adjusts_the_learning_rate():
    rng = np.random.default_rng(3)
    G = rng.standard_normal((6, 4))
    O = newton_schulz(G, ns_steps=30, ns_coefficients=(1.875, -1.25, 0.375))   # convergent quintic
    np.testing.assert_allclose(O.T @ O, np.eye(4), atol=1e-12)
    U, _, Vt = np.linalg.svd(G, full_matrices=False)
    np.testing.assert_allclose(O, U @ Vt, atol=1e-12)
    s = np.linalg.svd(newton_schulz(G), compute_uv=False)                       # torch's quintic
    assert 0.6 < s.min() and s.max() < 1.25
    assert adjusted_lr(0.1, None, (8, 2)) == pytest.approx(0.2)
    assert adjusted_lr(0.1, "original", (2, 8)) == 0.1
    assert adjusted_lr(0.1, "match_rms_adamw", (2, 8)) == pytest.approx(0.1 * 0.2 * math.sqrt(8))
    with pytest.raises(ValueError, match="Newton-Schulz needs a 2-D matrix"):
        newton_schulz(np.ones(3))


# --- SymPy twins -----------------------------------------------------------------------------

def test_symbolic_adafactor_equals_numeric():
    rng = np.random.default_rng(5)
    for shape, beta1 in (((3, 4), None), ((3, 4), 0.9), ((5,), None), ((5,), 0.8)):
        opt = ac.Adafactor(lr=0.1, weight_decay=0.05, beta1=beta1, eps=(1e-3, 1e-3))
        theta = rng.standard_normal(shape)
        state = opt.init(theta)
        as_col = (lambda x: np.reshape(x, (-1, 1))) if len(shape) == 1 else (lambda x: x)
        sym = dict(theta=sp.Matrix(as_col(theta)), m=sp.zeros(*as_col(theta).shape) if beta1 else None,
                   v=sp.zeros(*as_col(theta).shape) if len(shape) == 1 else None,
                   v_row=sp.zeros(shape[0], 1) if len(shape) == 2 else None,
                   v_col=sp.zeros(1, shape[-1]) if len(shape) == 2 else None)
        for t in range(1, 4):
            g = rng.standard_normal(shape)
            theta, state = opt.step(theta, g, state)
            out = symbolic.adafactor_step(sym["theta"], sp.Matrix(as_col(g)), t, v=sym["v"], v_row=sym["v_row"],
                                          v_col=sym["v_col"], lr=0.1, beta2_decay=-0.8, eps1=1e-3, eps2=1e-3,
                                          weight_decay=0.05, beta1=beta1, m=sym["m"])
            sym.update(theta=out["theta"], m=out["m"], v=out["v"], v_row=out["v_row"], v_col=out["v_col"])
            np.testing.assert_allclose(np.array(out["theta"].evalf(), dtype=float), as_col(theta), rtol=1e-12)


def test_symbolic_muon_equals_numeric():
    rng = np.random.default_rng(6)
    for nesterov, fn, shape in ((True, None, (2, 3)), (False, "match_rms_adamw", (3, 2))):
        opt = ac.Muon(lr=0.05, momentum=0.9, weight_decay=0.1, nesterov=nesterov, adjust_lr_fn=fn)
        theta = rng.standard_normal(shape)
        state = opt.init(theta)
        sym_theta, sym_m = sp.Matrix(theta), sp.zeros(*shape)
        for _ in range(2):
            g = rng.standard_normal(shape)
            theta, state = opt.step(theta, g, state)
            out = symbolic.muon_step(sym_theta, sym_m, sp.Matrix(g), 0.05, 0.9, 0.1, nesterov=nesterov,
                                     ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, adjust_lr_fn=fn)
            sym_theta, sym_m = out["theta"], out["m"]
            np.testing.assert_allclose(np.array(sym_theta.evalf(), dtype=float), theta, rtol=1e-12)


def test_newton_schulz_acts_on_singular_values_by_the_quintic():
    s, u = sp.symbols("s u", positive=True)
    X = sp.Matrix([[s, 0], [0, u]])                            # singular values s, u
    out = symbolic.newton_schulz(X, steps=1, eps=0).subs(sp.sqrt(s**2 + u**2), 1)
    norm = sp.sqrt(s**2 + u**2)
    expected = sp.diag(symbolic.ns_polynomial(s / norm), symbolic.ns_polynomial(u / norm)).subs(norm, 1)
    assert sp.simplify(out - expected) == sp.zeros(2, 2)
    a1, a3, a5 = sp.Rational(34445, 10000), sp.Rational(-4775, 1000), sp.Rational(20315, 10000)
    assert symbolic.ns_polynomial(1) == a1 + a3 + a5 == sp.Rational(7010, 10000)


# --- bfloat16 emulation and the chapter helpers -------------------------------------------------

def test_bfloat16_emulation_is_torchs_rounding():
    assert np.array_equal(beyond.bfloat16_round(REFERENCE["bf16_inputs"]), REFERENCE["bf16_torch"])
    ties = REFERENCE["bf16_inputs"][200:250]                      # exact ties go to the even neighbour
    assert np.all((beyond.bfloat16_round(ties).view(np.uint32) >> 16) % 2 == 0)


def test_emulated_bfloat16_newton_schulz_matches_torch():
    G = REFERENCE["ns_input"]
    ours = np.linalg.svd(beyond.newton_schulz_bfloat16(G).astype(float), compute_uv=False)
    assert str(REFERENCE["ns_bf16_dtype"]) == "torch.bfloat16"
    assert np.max(np.abs(ours - REFERENCE["ns_bf16_singular_values"])) < 2e-3
    exact = np.linalg.svd(newton_schulz(G), compute_uv=False)
    assert np.max(np.abs(exact - REFERENCE["ns_fp64_singular_values"])) < 1e-12
    assert np.max(np.abs(exact - REFERENCE["ns_bf16_singular_values"])) > 1e-2   # bfloat16 does differ


def test_dynamic_map_and_blockwise_quantization():
    signed, unsigned = memory.dynamic_map(True), memory.dynamic_map(False)
    assert signed.dtype == np.float32 and len(np.unique(signed)) == len(np.unique(unsigned)) == 256
    assert signed.min() < -0.99 and signed.max() == 1.0 and unsigned.min() == 0.0 and unsigned.max() == 1.0
    assert unsigned[1] < 1e-6                                    # seven decades
    rng = np.random.default_rng(0)
    x = rng.standard_normal(5000).astype(np.float32) * 10.0 ** rng.uniform(-3, 0, 5000)
    codes, absmax = memory.quantize_blockwise(x, signed, block=2048)
    assert codes.dtype == np.uint8 and codes.shape == (5000,) and absmax.shape == (3,)
    back = memory.dequantize_blockwise(codes, absmax, signed, block=2048)
    big = np.abs(x) > 0.1 * np.repeat(absmax, 2048)[:5000]
    assert np.max(np.abs(back - x)[big] / np.abs(x)[big]) < 0.1  # relative error of the large entries
    assert np.array_equal(memory.quantize_blockwise(back, signed, block=2048)[0], codes)   # idempotent


def test_state_bytes_of_adafactor_8bit_and_the_zero_table():
    n1, n2 = 64, 32
    assert memory.state_bytes_per_param_of_shape(ac.Adafactor(), (n1, n2)) == 4 * (n1 + n2) / (n1 * n2)
    assert memory.state_bytes_per_param_of_shape(ac.Adafactor(beta1=0.9), (n1, n2)) == 4 + 4 * (n1 + n2) / (n1 * n2)
    assert memory.state_bytes_per_param_of_shape(ac.Adafactor(), (100,)) == 4
    assert memory.state_bytes_per_param_of_shape(memory.Adam8bit(), (4096,)) == 2 + 2 * 4 * 2 / 4096
    rows = {row["name"]: row for row in memory.bytes_table()}
    mixed = rows["Adam, mixed precision"]
    assert (mixed["K"], mixed["total"], mixed["baseline"]) == (12, 16, 120)        # Rajbhandari et al.
    assert round(mixed["os"], 1) == 31.4 and round(mixed["os_g"], 1) == 16.6 and round(mixed["os_g_p"], 1) == 1.9
    assert rows["Lion"]["total"] == rows["Muon"]["total"] == 12
    assert rows["Adafactor"]["total"] == 8 + 8 / 1024


def test_adam8bit_follows_adam():
    target = np.random.default_rng(1).standard_normal(4096).astype(np.float32)
    errors, finals = {}, {}
    for name, opt in (("fp32", ac.Adam(lr=1e-2)), ("8bit", memory.Adam8bit(lr=1e-2))):
        rng = np.random.default_rng(2)                         # the same noise for both
        theta = np.zeros(4096, dtype=np.float32)
        state = opt.init(theta)
        for _ in range(300):
            theta, state = opt.step(theta, theta - target + 0.1 * rng.standard_normal(4096).astype(np.float32), state)
        errors[name], finals[name] = np.linalg.norm(theta - target) / np.linalg.norm(target), theta
    assert errors["fp32"] < 0.15 and errors["8bit"] < 1.5 * errors["fp32"]
    assert not np.array_equal(finals["8bit"], finals["fp32"])


def test_two_layer_problem_and_training():
    problem = beyond.two_layer_linear(n=6, seed=1)
    losses, modes = beyond.train_two_layer(ac.Muon(lr=0.02, weight_decay=0.0), problem, 150)
    assert losses.shape == (151,) and modes.shape == (151, 6)
    assert losses[-1] < 1e-2 * losses[0]
    np.testing.assert_allclose(modes[-1], problem.s, rtol=0.1)
