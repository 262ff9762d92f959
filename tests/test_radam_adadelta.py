"""RAdam and Adadelta (chapter schedules): hand-derived steps, the rectification switch, in-place
steps, SymPy twins and bad input. Agreement with torch is in test_torch_agreement.py."""
import inspect
import math

import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode import symbolic as S
from adamcode.radam import rectification


def test_radam_first_steps_are_momentum_sgd_with_bias_correction():
    """For t <= 5 (beta2 = 0.999) RAdam is theta - lr * m_hat: at t = 1 exactly theta - lr * g."""
    opt = ac.RAdam(lr=0.1)
    theta, state = np.array([1.0, -2.0]), opt.init(np.array([1.0, -2.0]))
    g1 = np.array([3.0, -0.5])
    theta1, state = opt.step(theta, g1, state)
    np.testing.assert_array_equal(theta1, theta - 0.1 * g1)
    g2 = np.array([1.0, 2.0])
    theta2, state = opt.step(theta1, g2, state)
    m2 = 0.9 * 0.1 * g1 + 0.1 * g2
    np.testing.assert_allclose(theta2, theta1 - 0.1 * m2 / (1 - 0.81), rtol=1e-15)


def test_rectification_switches_on_at_step_6_for_beta2_0999():
    rho = [rectification(0.999, t)[1] for t in range(1, 8)]
    assert all(a < b for a, b in zip(rho, rho[1:]))  # rho_t increases
    assert rho[4] < 5 < rho[5]  # t = 5 below torch's threshold, t = 6 above
    assert rho[0] == pytest.approx(1.0, abs=1e-9)  # rho_1 = 1 for every beta2
    assert rectification(0.999, 5)[2] is None and rectification(0.999, 6)[2] is not None
    rho_inf, rho_t, r = rectification(0.999, 10**6)
    assert rho_inf == pytest.approx(1999, rel=1e-12) and r == pytest.approx(1.0, rel=1e-9)


def test_radam_rectified_step_by_hand():
    beta1, beta2, lr, eps = 0.9, 0.9, 0.01, 1e-8
    opt = ac.RAdam(lr=lr, betas=(beta1, beta2), eps=eps)
    rng = np.random.default_rng(0)
    theta, state = rng.standard_normal(3), None
    state = opt.init(theta)
    m = v = np.zeros(3)
    for t in range(1, 9):
        g = rng.standard_normal(3)
        new, state = opt.step(theta, g, state)
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        m_hat = m / (1 - beta1**t)
        if rho_t > 5:
            r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            expected = theta - lr * m_hat * r * math.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)
        else:
            expected = theta - lr * m_hat
        np.testing.assert_allclose(new, expected, rtol=1e-13)
        theta = new
    assert state.t == 8


def test_adadelta_first_step_by_hand():
    """At t = 1, d = 0 and v = (1-rho) g**2: the step is sqrt(eps) g / sqrt((1-rho) g**2 + eps)."""
    opt = ac.Adadelta()
    theta = np.array([0.5, -1.0, 2.0])
    g = np.array([4.0, -0.01, 0.0])
    new, state = opt.step(theta, g, opt.init(theta))
    delta = math.sqrt(1e-6) * g / np.sqrt(0.1 * g * g + 1e-6)
    np.testing.assert_allclose(new, theta - delta, rtol=1e-15)
    np.testing.assert_allclose(state.d, 0.1 * delta**2, rtol=1e-15)
    assert abs(new[0] - theta[0]) == pytest.approx(math.sqrt(1e-6 / 0.1), rel=1e-6)  # ~ sqrt(eps/(1-rho))


@pytest.mark.parametrize("opt", [ac.RAdam(lr=1e-2), ac.RAdam(lr=1e-2, betas=(0.8, 0.9), weight_decay=0.1),
                                 ac.RAdam(lr=1e-2, weight_decay=0.3, decoupled_weight_decay=True),
                                 ac.Adadelta(), ac.Adadelta(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.1)],
                         ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_step_in_place_equals_step_bit_for_bit(opt, dtype):
    rng = np.random.default_rng(7)
    p0 = rng.standard_normal((5, 9)).astype(dtype)
    pure_p, pure_s = p0.copy(), opt.init(p0)
    p, s = p0.copy(), opt.init(p0)
    for _ in range(12):
        g = (rng.standard_normal(p0.shape) * 10.0 ** rng.uniform(-3, 3, p0.shape)).astype(dtype)
        pure_p, pure_s = opt.step(pure_p, g, pure_s)
        s = opt.step_(p, g, s, block=7)
    np.testing.assert_array_equal(p, pure_p)
    for field in opt.buffers:
        np.testing.assert_array_equal(getattr(s, field), getattr(pure_s, field))


def F(x):
    return sp.Float(float(x), 30)


@pytest.mark.parametrize("kw", [dict(lr=0.05, betas=(0.9, 0.9)), dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.1),
                                dict(lr=0.05, betas=(0.9, 0.9), weight_decay=0.2, decoupled_weight_decay=True)])
def test_radam_symbolic_equals_numeric(kw):
    opt = ac.RAdam(eps=1e-8, **kw)
    theta = np.array([1.0, -2.0, 0.5])
    state = opt.init(theta)
    sym = [(F(x), F(0), F(0)) for x in theta]
    b1, b2 = kw["betas"]
    for t in range(1, 12):
        g = np.array([3.0, 0.5, -1.0]) * theta + np.array([0.7, -0.2, 0.4]) * np.cos(1.3 * t)
        theta, state = opt.step(theta, g, state)
        new = []
        for (th, m, v), gi in zip(sym, g):
            r = S.radam_step(th, m, v, F(gi), t, F(kw["lr"]), F(b1), F(b2), F(1e-8),
                             weight_decay=F(kw.get("weight_decay", 0)),
                             decoupled_weight_decay=kw.get("decoupled_weight_decay", False))
            new.append((r["theta"], r["m"], r["v"]))
        sym = new
        np.testing.assert_allclose(theta, [float(x[0]) for x in sym], rtol=1e-11)
        np.testing.assert_allclose(state.v, [float(x[2]) for x in sym], rtol=1e-11)


def test_radam_symbolic_piecewise_and_rho():
    t = sp.Symbol("t", positive=True, integer=True)
    b2 = sp.Symbol("beta2", positive=True)
    rho_inf, rho_t = S.radam_rho(b2, t)
    assert sp.simplify(rho_inf - (1 + b2) / (1 - b2)) == 0
    assert sp.simplify(S.radam_rho(b2, 1)[1] - 1) == 0  # rho_1 = 1
    assert sp.limit(S.radam_rectification(rho_inf, rho_t).subs(b2, sp.Rational(999, 1000)), t, sp.oo) == 1
    r = S.radam_step(sp.Symbol("theta"), 0, 0, sp.Symbol("g"), t, sp.Symbol("eta"), sp.Rational(9, 10),
                     sp.Rational(999, 1000), 0)
    assert isinstance(r["theta"], sp.Piecewise)


def test_adadelta_symbolic_equals_numeric():
    opt = ac.Adadelta(lr=0.7, rho=0.9, eps=1e-6, weight_decay=0.05)
    theta = np.array([1.0, -2.0, 0.5])
    state = opt.init(theta)
    sym = [(F(x), F(0), F(0)) for x in theta]
    for t in range(1, 8):
        g = np.array([3.0, 0.5, -1.0]) * theta + np.array([0.7, -0.2, 0.4]) * np.cos(1.3 * t)
        theta, state = opt.step(theta, g, state)
        sym = [(r["theta"], r["v"], r["d"]) for r in
               (S.adadelta_step(th, v, d, F(gi), F(0.7), F(0.9), F(1e-6), weight_decay=F(0.05))
                for (th, v, d), gi in zip(sym, g))]
        np.testing.assert_allclose(theta, [float(x[0]) for x in sym], rtol=1e-11)
        np.testing.assert_allclose(state.d, [float(x[2]) for x in sym], rtol=1e-11)


@pytest.mark.parametrize("make, text", [
    (lambda: ac.RAdam(lr=-1.0), "lr=-1.0"),
    (lambda: ac.RAdam(betas=(0.9, 1.0)), "betas[1]=1.0"),
    (lambda: ac.RAdam(eps=-1e-8), "eps=-1e-08"),
    (lambda: ac.RAdam(weight_decay=-0.1), "weight_decay=-0.1"),
    (lambda: ac.Adadelta(rho=1.5), "rho=1.5"),
    (lambda: ac.Adadelta(rho=float("nan")), "rho=nan"),
    (lambda: ac.Adadelta(lr=float("inf")), "lr=inf"),
    (lambda: ac.Adadelta(eps=-1.0), "eps=-1.0"),
    (lambda: ac.Adadelta(weight_decay=-2), "weight_decay=-2"),
    (lambda: ac.RAdam().step(np.zeros(2), np.zeros(3), ac.RAdam().init(np.zeros(2))), "grads.shape"),
    (lambda: ac.Adadelta().step(np.zeros(2), np.zeros(2), ac.RAdam().init(np.zeros(2))), "'d'"),
])
def test_bad_input_raises_valueerror_naming_it(make, text):
    with pytest.raises(ValueError) as info:
        make()
    assert text in str(info.value)


def test_defaults_are_torchs():
    assert ac.RAdam().hyperparameters() == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                                                decoupled_weight_decay=False)
    assert ac.Adadelta().hyperparameters() == dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0)
    assert ac.Adadelta(rho=1.0).rho == 1.0  # torch allows rho = 1


def test_state_records_docstrings_and_purity():
    assert ac.RAdam().init(np.zeros(2))._fields == ("t", "m", "v")
    assert ac.Adadelta().init(np.zeros(2))._fields == ("t", "v", "d")
    for cls in (ac.RAdam, ac.Adadelta):
        doc = inspect.getdoc(cls)   # dedented: Python 3.13 dedents __doc__ itself, 3.11 does not
        assert "chapter schedules" in doc and "Parameters\n----------" in doc and "theta" in doc and "<-" in doc
        opt = cls()
        theta, g = np.array([1.0, 2.0]), np.array([0.3, -0.4])
        state = opt.init(theta)
        before = (theta.copy(), g.copy(), [getattr(state, f).copy() for f in opt.buffers])
        opt.step(theta, g, state)
        np.testing.assert_array_equal(theta, before[0])
        np.testing.assert_array_equal(g, before[1])
        for a, b in zip([getattr(state, f) for f in opt.buffers], before[2]):
            np.testing.assert_array_equal(a, b)
