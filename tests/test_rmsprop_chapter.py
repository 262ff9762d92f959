"""Chapter rmsprop: eps inside the square root, EMA weights, effective learning rates."""
import math

import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode import symbolic as S
from adamcode.chapters.rmsprop import effective_lr, ema_weights


def run_constant(opt, g, steps):
    params, state = np.zeros_like(g), opt.init(np.zeros_like(g))
    out = []
    for _ in range(steps):
        params, state = opt.step(params, g, state)
        out.append((params, state))
    return out


def test_eps_in_sqrt_is_seed_004s_rule():
    opt = ac.RMSprop(lr=0.001, alpha=0.9, eps=1e-8, eps_in_sqrt=True)
    g = np.array([1.0, 1e-5, -3.0])
    (p1, s1), (p2, s2) = run_constant(opt, g, 2)
    v1 = 0.1 * g**2
    np.testing.assert_allclose(p1, -0.001 * g / np.sqrt(v1 + 1e-8), rtol=1e-15)
    v2 = 0.9 * v1 + 0.1 * g**2
    np.testing.assert_allclose(p2, p1 - 0.001 * g / np.sqrt(v2 + 1e-8), rtol=1e-15)
    # first step for a large gradient: sqrt(10) * lr, as with eps outside
    assert p1[0] == pytest.approx(-0.001 * math.sqrt(10), rel=1e-7)
    # for |g| = 1e-5 the inside eps shortens the step to lr*|g|/sqrt(1e-11 + 1e-8), the outside one does not
    assert -p1[1] == pytest.approx(0.001 * 1e-5 / math.sqrt(1e-11 + 1e-8), rel=1e-12)
    q1 = run_constant(ac.RMSprop(lr=0.001, alpha=0.9, eps=1e-8), g, 1)[0][0]
    assert -q1[1] == pytest.approx(0.001 * 1e-5 / (math.sqrt(1e-11) + 1e-8), rel=1e-12)
    assert 0.031 < p1[1] / q1[1] < 0.032   # about 1/sqrt(1000): the inside eps dominates


def test_eps_in_sqrt_default_and_repr():
    assert ac.RMSprop().eps_in_sqrt is False
    assert "eps_in_sqrt" not in repr(ac.RMSprop())
    assert repr(ac.RMSprop(lr=0.001, alpha=0.9, eps_in_sqrt=True)).endswith("centered=False, eps_in_sqrt=True)")


@pytest.mark.parametrize("centered", [False, True])
def test_eps_in_sqrt_symbolic_equals_numeric(centered):
    opt = ac.RMSprop(lr=0.01, alpha=0.9, eps=1e-3, centered=centered, eps_in_sqrt=True)
    theta, state = np.array([1.0, -2.0]), opt.init(np.array([1.0, -2.0]))
    sym = [dict(theta=sp.Float(x, 30), v=0, g_avg=0) for x in theta]
    for t in range(1, 6):
        g = np.array([3.0, 0.5]) * theta + np.cos(1.3 * t)
        theta, state = opt.step(theta, g, state)
        for k in range(2):
            r = S.rmsprop_step(sym[k]["theta"], sym[k]["v"], sp.Float(g[k], 30), sp.Float(0.01, 30),
                               sp.Float(0.9, 30), sp.Float(1e-3, 30), centered=centered,
                               g_avg=sym[k]["g_avg"], eps_in_sqrt=True)
            sym[k] = dict(theta=r["theta"], v=r["v"], g_avg=r["g_avg"] if centered else 0)
        np.testing.assert_allclose(theta, [float(s["theta"]) for s in sym], rtol=1e-13)


def test_ema_weights_sum_to_one_minus_beta_to_the_t():
    w = ema_weights(0.9, 3)
    np.testing.assert_allclose(w, [0.1 * 0.81, 0.1 * 0.9, 0.1], rtol=1e-15)
    for beta, t in [(0.9, 10), (0.99, 100), (0.999, 1000)]:
        assert ema_weights(beta, t).sum() == pytest.approx(1 - beta**t, rel=1e-12)
    assert ema_weights(0.5, 0).shape == (0,)
    # the last 1/(1-beta) inputs of a long average carry 1 - beta^(1/(1-beta)), close to 1 - 1/e
    assert ema_weights(0.99, 5000)[-100:].sum() == pytest.approx(1 - 0.99**100, rel=1e-12)
    assert 1 - 0.99**100 == pytest.approx(0.633968, abs=1e-6)
    # an RMSprop state is the same weighted sum of the squared gradients
    g = np.linspace(-1, 2, 7)
    state = ac.RMSprop(alpha=0.8).init(np.zeros(1))
    for gi in g:
        _, state = ac.RMSprop(alpha=0.8).step(np.zeros(1), np.array([gi]), state)
    assert state.v[0] == pytest.approx(ema_weights(0.8, 7) @ g**2, rel=1e-14)


@pytest.mark.parametrize("beta, t", [(1.0, 3), (-0.1, 3), (0.9, -1), (0.9, 2.5), (0.9, True)])
def test_ema_weights_rejects_invalid_input(beta, t):
    with pytest.raises(ValueError, match="beta=" if beta != 0.9 else "t="):
        ema_weights(beta, t)


def test_effective_lr_of_adagrad_is_lr_over_sqrt_t_for_a_constant_gradient():
    opt = ac.Adagrad(lr=0.5, eps=0.0)
    for t, (params, state) in enumerate(run_constant(opt, np.array([2.0, -0.01]), 100), start=1):
        np.testing.assert_allclose(effective_lr(opt, state) * np.array([2.0, 0.01]), 0.5 / math.sqrt(t), rtol=1e-13)
    decayed = ac.Adagrad(lr=1.0, lr_decay=0.5, eps=0.0, initial_accumulator_value=3.0)
    (_, s1), (_, s2) = run_constant(decayed, np.array([1.0]), 2)
    assert effective_lr(decayed, s2)[0] == pytest.approx(1 / 1.5 / math.sqrt(5.0), rel=1e-14)


def test_effective_lr_of_rmsprop():
    opt = ac.RMSprop(lr=0.01, alpha=0.99, eps=0.0)
    steps = run_constant(opt, np.array([4.0]), 50)
    for t, (params, state) in enumerate(steps, start=1):
        assert effective_lr(opt, state)[0] * 4.0 == pytest.approx(0.01 / math.sqrt(1 - 0.99**t), rel=1e-12)
    assert effective_lr(opt, steps[0][1])[0] * 4.0 == pytest.approx(0.1, rel=1e-12)   # 10 lr at t = 1
    # the step the optimizer took equals effective_lr * g, for every variant without momentum
    for variant in [ac.RMSprop(lr=0.1, alpha=0.9, eps=1e-3, centered=True),
                    ac.RMSprop(lr=0.1, alpha=0.9, eps=1e-3, eps_in_sqrt=True),
                    ac.RMSprop(lr=0.1, alpha=0.9, eps=1e-3, centered=True, eps_in_sqrt=True),
                    ac.Adagrad(lr=0.1, lr_decay=0.2, eps=1e-3)]:
        params, state = np.array([0.3]), variant.init(np.array([0.3]))
        for g in (1.0, -0.5, 2.0):
            new, state = variant.step(params, np.array([g]), state)
            assert (params - new)[0] == pytest.approx(effective_lr(variant, state)[0] * g, rel=1e-13)
            params = new


def test_effective_lr_rejects_what_it_cannot_describe():
    with pytest.raises(ValueError, match="momentum=0.9"):
        effective_lr(ac.RMSprop(momentum=0.9), ac.RMSprop(momentum=0.9).init(np.zeros(1)))
    with pytest.raises(ValueError, match="state.t=0"):
        effective_lr(ac.Adagrad(), ac.Adagrad().init(np.zeros(1)))
    with pytest.raises(ValueError, match="state.t=0"):
        effective_lr(ac.RMSprop(), ac.RMSprop().init(np.zeros(1)))
    with pytest.raises(ValueError, match="state=AdagradState"):
        effective_lr(ac.RMSprop(), ac.Adagrad().init(np.zeros(1)))
    with pytest.raises(ValueError, match="state=RMSpropState"):
        effective_lr(ac.Adagrad(), ac.RMSprop().init(np.zeros(1)))
    with pytest.raises(ValueError, match=r"opt=Adam\("):
        effective_lr(ac.Adam(), ac.Adam().init(np.zeros(1)))


def test_adagrad_is_blind_to_the_curvature_of_a_diagonal_quadratic():
    """Chapter rmsprop: on 1/2 Sum a_i theta_i^2 AdaGrad (eps = 0) moves every coordinate alike."""
    opt = ac.Adagrad(lr=0.4, eps=0.0)
    problem = ac.problems.quadratic([100.0, 1.0], theta0=[1.0, 1.0])
    traj = ac.run(opt, problem.grad, problem.theta0, 50)
    np.testing.assert_allclose(traj.params[:, 0], traj.params[:, 1], rtol=1e-12)
    assert abs(traj.params[-1, 0]) < 1e-6


def test_the_chapters_numbers():
    """Numbers the chapter prints: eps placement at steady state, and RMSProp's recovery after a drop."""
    for size, inside, outside in [(1e-4, 0.7071, 0.9999), (1e-5, 0.0995, 0.999), (1e-8, 0.0001, 0.5)]:
        steps = []
        for opt in (ac.RMSprop(lr=1.0, alpha=0.9, eps_in_sqrt=True), ac.RMSprop(lr=1.0, alpha=0.9)):
            traj = ac.run(opt, lambda p: np.full_like(p, size), np.zeros(1), 200)
            steps.append(traj.params[-2, 0] - traj.params[-1, 0])
        assert steps == [pytest.approx(inside, rel=1e-3), pytest.approx(outside, rel=1e-4)]
    for alpha, back in [(0.9, 577), (0.99, 1307)]:
        opt = ac.RMSprop(lr=0.01, alpha=alpha, eps=0.0)
        traj = ac.run(opt, lambda p, t: np.full_like(p, 1.0 if t <= 500 else 0.01), np.zeros(1), 1500)
        lengths = np.abs(np.diff(traj.params[:, 0]))
        assert 501 + np.flatnonzero(lengths[500:] > 0.005)[0] == back
    ada = ac.Adagrad(lr=0.01, eps=0.0)
    traj = ac.run(ada, lambda p, t: np.full_like(p, 1.0 if t <= 500 else 0.01), np.zeros(1), 3000)
    assert effective_lr(ada, traj.states[-1])[0] * 0.01 == pytest.approx(0.01 * 0.01 / math.sqrt(500 + 1e-4 * 2500), rel=1e-12)
