"""adamcode.symbolic: every update rule equals the numeric optimizer, and the derivation helpers hold."""
import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode import symbolic as S

STEPS = 6
THETA0 = np.array([1.0, -2.0, 0.5])


def F(x):
    return sp.Float(float(x), 30)


def gradients(theta, t):
    """A gradient that depends on theta and t, with sign changes (exercises max, sign, abs)."""
    return np.array([3.0, 0.5, -1.0]) * theta + np.array([0.7, -0.2, 0.4]) * np.cos(1.3 * t)


def numeric_run(opt):
    theta, state, out = THETA0, opt.init(THETA0), []
    for t in range(1, STEPS + 1):
        theta, state = opt.step(theta, gradients(theta, t), state)
        out.append((theta, state))
    return out


def symbolic_run(step, state0):
    """``step(theta_i, state_i, g_i, t) -> (theta_i, state_i)`` per coordinate, in 30-digit floats."""
    thetas, states, out = [F(x) for x in THETA0], [dict(state0) for _ in THETA0], []
    for t in range(1, STEPS + 1):
        g = gradients(np.array([float(x) for x in thetas]), t)
        for i in range(len(thetas)):
            thetas[i], states[i] = step(thetas[i], states[i], F(g[i]), t)
        out.append(([float(x) for x in thetas], [{k: v for k, v in s.items()} for s in states]))
    return out


def check(opt, step, state0, fields):
    for (theta_n, state_n), (theta_s, states_s) in zip(numeric_run(opt), symbolic_run(step, state0)):
        np.testing.assert_allclose(theta_n, theta_s, rtol=1e-11, atol=1e-14)
        for field in fields:
            numeric = np.broadcast_to(np.asarray(getattr(state_n, field), dtype=float), THETA0.shape)
            symbolic = [float(s[field]) for s in states_s]
            np.testing.assert_allclose(numeric, symbolic, rtol=1e-11, atol=1e-14, err_msg=field)


def test_sgd():
    for kw in [dict(lr=0.1), dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.2),
               dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)]:
        def step(theta, st, g, t, kw=kw):
            r = S.sgd_step(theta, st["momentum_buffer"], g, t, **{k: F(v) if not isinstance(v, bool) else v
                                                                   for k, v in kw.items()})
            return r["theta"], {"momentum_buffer": r["momentum_buffer"] if r["momentum_buffer"] is not None else 0}
        fields = ("momentum_buffer",) if kw.get("momentum") else ()
        check(ac.SGD(**kw), step, {"momentum_buffer": F(0)}, fields)


def test_momentum():
    def step(theta, st, g, t):
        r = S.momentum_step(theta, st["m"], g, F(0.1), F(0.9), weight_decay=F(0.05))
        assert r["v"] is r["m"]                                   # the former name of the same value
        return r["theta"], {"m": r["m"]}
    check(ac.Momentum(lr=0.1, beta=0.9, weight_decay=0.05), step, {"m": F(0)}, ("m",))


def test_adagrad():
    def step(theta, st, g, t):
        r = S.adagrad_step(theta, st["sum_sq"], g, t, F(0.3), lr_decay=F(0.1), weight_decay=F(0.05), eps=F(1e-6))
        return r["theta"], {"sum_sq": r["sum_sq"]}
    check(ac.Adagrad(lr=0.3, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.2, eps=1e-6),
          step, {"sum_sq": F(0.2)}, ("sum_sq",))


@pytest.mark.parametrize("centered, momentum", [(False, 0.0), (True, 0.0), (False, 0.5), (True, 0.7)])
def test_rmsprop(centered, momentum):
    def step(theta, st, g, t):
        r = S.rmsprop_step(theta, st["v"], g, F(0.01), F(0.9), F(1e-8), weight_decay=F(0.1),
                           momentum=F(momentum), centered=centered, g_avg=st["g_avg"],
                           momentum_buffer=st["momentum_buffer"])
        return r["theta"], {k: r[k] if r[k] is not None else F(0) for k in ("v", "g_avg", "momentum_buffer")}
    fields = ("v",) + (("g_avg",) if centered else ()) + (("momentum_buffer",) if momentum else ())
    check(ac.RMSprop(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1, momentum=momentum, centered=centered),
          step, {"v": F(0), "g_avg": F(0), "momentum_buffer": F(0)}, fields)


@pytest.mark.parametrize("kw", [dict(), dict(amsgrad=True), dict(weight_decay=0.1),
                                dict(eps_placement="eps_hat", eps=1e-3),
                                dict(weight_decay=0.1, decoupled_weight_decay=True, amsgrad=True)])
def test_adam(kw):
    amsgrad = kw.get("amsgrad", False)

    def step(theta, st, g, t):
        r = S.adam_step(theta, st["m"], st["v"], g, t, F(0.1), F(0.9), F(0.999), F(kw.get("eps", 1e-8)),
                        weight_decay=F(kw.get("weight_decay", 0)),
                        eps_placement=kw.get("eps_placement", "algorithm1"),
                        v_max=st["v_max"] if amsgrad else None,
                        decoupled_weight_decay=kw.get("decoupled_weight_decay", False))
        return r["theta"], {"m": r["m"], "v": r["v"], "v_max": r.get("v_max", F(0))}
    fields = ("m", "v") + (("v_max",) if amsgrad else ())
    check(ac.Adam(lr=0.1, **kw), step, {"m": F(0), "v": F(0), "v_max": F(0)}, fields)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adamw(amsgrad):
    def step(theta, st, g, t):
        r = S.adamw_step(theta, st["m"], st["v"], g, t, F(0.1), F(0.9), F(0.999), F(1e-8),
                         weight_decay=F(0.3), v_max=st["v_max"] if amsgrad else None)
        return r["theta"], {"m": r["m"], "v": r["v"], "v_max": r.get("v_max", F(0))}
    check(ac.AdamW(lr=0.1, weight_decay=0.3, amsgrad=amsgrad), step,
          {"m": F(0), "v": F(0), "v_max": F(0)}, ("m", "v") + (("v_max",) if amsgrad else ()))


def test_adamax():
    def step(theta, st, g, t):
        r = S.adamax_step(theta, st["m"], st["u"], g, t, F(0.05), F(0.9), F(0.99), F(1e-3), weight_decay=F(0.1))
        return r["theta"], {"m": r["m"], "u": r["u"]}
    check(ac.Adamax(lr=0.05, betas=(0.9, 0.99), eps=1e-3, weight_decay=0.1), step, {"m": F(0), "u": F(0)},
          ("m", "u"))


@pytest.mark.parametrize("decoupled", [False, True])
def test_nadam(decoupled):
    def step(theta, st, g, t):
        r = S.nadam_step(theta, st["m"], st["v"], st["mu_product"], g, t, F(0.05), F(0.9), F(0.999), F(1e-8),
                         weight_decay=F(0.1), momentum_decay=F(0.05), decoupled_weight_decay=decoupled)
        return r["theta"], {"m": r["m"], "v": r["v"], "mu_product": r["mu_product"]}
    check(ac.NAdam(lr=0.05, weight_decay=0.1, momentum_decay=0.05, decoupled_weight_decay=decoupled), step,
          {"m": F(0), "v": F(0), "mu_product": F(1)}, ("m", "v", "mu_product"))


def test_lion():
    def step(theta, st, g, t):
        r = S.lion_step(theta, st["m"], g, F(0.01), F(0.9), F(0.99), weight_decay=F(0.5))
        return r["theta"], {"m": r["m"]}
    check(ac.Lion(lr=0.01, weight_decay=0.5), step, {"m": F(0)}, ("m",))


# --- derivation helpers -------------------------------------------------------------------

beta, beta1, beta2, lr, lam, eps = sp.symbols("beta beta1 beta2 eta lambda epsilon", positive=True)
t = sp.Symbol("t", integer=True, positive=True)


def test_ema_weights_sum_to_bias_correction():
    assert sp.simplify(S.ema_weight_sum(beta, t).doit() - S.bias_correction(beta, t)) == 0
    g = sp.Function("g")
    unrolled = S.ema_unrolled(beta, g, 3).doit()
    m = 0
    for i in (1, 2, 3):
        m = beta * m + (1 - beta) * g(i)
    assert sp.expand(unrolled - m) == 0


def test_adam_first_step_is_sign_symbolically():
    g = sp.Symbol("g", positive=True)
    r = S.adam_step(0, 0, 0, g, 1, lr, beta1, beta2, 0)
    assert sp.simplify(r["theta"] + lr) == 0
    assert sp.simplify(r["m_hat"] - g) == 0 and sp.simplify(r["v_hat"] - g**2) == 0


def test_eps_hat_conversion():
    """eps_hat equals Algorithm 1 with eps = eps_hat / sqrt(1 - beta2**t) (book, Adam, Eq. (17))."""
    g, m, v, theta = sp.symbols("g m v theta", positive=True)
    b1, b2 = sp.Rational(9, 10), sp.Rational(999, 1000)
    for step in (1, 2, 7):
        a = S.adam_step(theta, m, v, g, step, lr, b1, b2, eps, eps_placement="eps_hat")["theta"]
        b = S.adam_step(theta, m, v, g, step, lr, b1, b2, eps / sp.sqrt(1 - b2**step))["theta"]
        assert sp.simplify(a - b) == 0
        c = S.adam_step(theta, m, v, g, step, lr, b1, b2, eps)["theta"]
        assert sp.simplify(a - c) != 0  # the same eps in both places is a different optimizer


def test_adam_ratio_supremum_first_step_is_one():
    assert sp.simplify(S.adam_ratio_supremum(beta1, beta2, 1)) == 1
    value = S.adam_ratio_supremum(sp.Rational(9, 10), sp.Rational(999, 1000), 2).doit()
    # at t = 2 the bound is attained by g = (beta1/beta2, 1) (Cauchy-Schwarz equality case)
    b1, b2 = 0.9, 0.999
    g = np.array([b1 / b2, 1.0])
    m = (1 - b1) * (b1 * g[0] + g[1]) / (1 - b1**2)
    v = (1 - b2) * (b2 * g[0] ** 2 + g[1] ** 2) / (1 - b2**2)
    assert m / np.sqrt(v) == pytest.approx(float(value), rel=1e-12)


def test_momentum_iteration_matrix_matches_sgd_and_polyak_optimum():
    R = S.momentum_iteration_matrix(lr, beta, lam)
    x, b = sp.symbols("x b")
    r = S.sgd_step(x, b, lam * x, 2, lr, momentum=beta)  # gradient of lam/2 x^2; a step t > 1
    assert sp.expand(R * sp.Matrix([x, b]) - sp.Matrix([r["theta"], r["momentum_buffer"]])) == sp.zeros(2, 1)
    v = sp.Symbol("v")
    r = S.momentum_step(x, v, lam * x, lr, beta)
    R_ema = S.momentum_iteration_matrix(lr, beta, lam, form="ema")
    assert sp.expand(R_ema * sp.Matrix([x, v]) - sp.Matrix([r["theta"], r["v"]])) == sp.zeros(2, 1)
    # Polyak's optimum for eigenvalues in [1, 100]: every eigenvalue has modulus sqrt(beta) = 9/11
    lr_opt, beta_opt = S.heavy_ball_optimal_parameters(sp.Integer(1), sp.Integer(100))
    assert (lr_opt, beta_opt) == (sp.Rational(4, 121), sp.Rational(81, 121))
    for eigenvalue in (1, 3, 50, 100):
        moduli = [abs(complex(e)) for e in S.momentum_iteration_matrix(lr_opt, beta_opt, eigenvalue).eigenvals()]
        assert max(moduli) == pytest.approx(9 / 11, rel=1e-12)
    # outside the stability region lr*lam < 2(1 + beta) an eigenvalue leaves the unit disc
    moduli = [abs(complex(e)) for e in
              S.momentum_iteration_matrix(sp.Rational(1, 10), sp.Rational(1, 2), 31).eigenvals()]
    assert max(moduli) > 1


def test_nadam_mu_schedule():
    assert S.nadam_mu(beta1, 0, t) == beta1 / 2
    assert float(S.nadam_mu(0.9, 0.004, 1)) == pytest.approx(0.9 * (1 - 0.5 * 0.96**0.004), rel=1e-15)


def test_l2_is_rescaled_by_adam_but_decoupled_decay_is_not():
    g, theta = sp.symbols("g theta", positive=True)
    l2 = S.adam_step(theta, 0, 0, g, 1, lr, beta1, beta2, 0, weight_decay=lam)["theta"]
    decoupled = S.adamw_step(theta, 0, 0, g, 1, lr, beta1, beta2, 0, weight_decay=lam)["theta"]
    assert sp.simplify(l2 - (theta - lr)) == 0  # the L2 term vanished into sign(g + lam theta)
    assert sp.simplify(decoupled - (theta * (1 - lr * lam) - lr)) == 0
