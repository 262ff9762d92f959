"""The momentum chapter's additions: symbolic heavy-ball and Sutskever steps, the Nesterov
iteration matrix, and the convergence rates of adamcode.momentum_rates."""
import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode.chapters import momentum as MR
from adamcode import symbolic as S

THETA0 = np.array([0.5, 0.0])


def test_heavy_ball_step_is_seed_004s_rule_and_torch_sgd_with_V_equal_lr_times_buffer():
    theta, V, g, lr, gamma = sp.symbols("theta V g lr gamma")
    r = S.heavy_ball_step(theta, V, g, lr, gamma)
    assert set(r) == {"g", "V", "theta"}
    assert sp.expand(r["V"] - (gamma * V + lr * g)) == 0 and sp.expand(r["theta"] - (theta - gamma * V - lr * g)) == 0
    # numerically, on seed 002's regression, it is SGD(lr, momentum=gamma) with V = lr * momentum_buffer
    problem = ac.problems.linear_regression()
    opt = ac.SGD(lr=0.01, momentum=0.9)
    params, state, th, vel = THETA0, opt.init(THETA0), THETA0, np.zeros(2)
    for _ in range(50):
        params, state = opt.step(params, problem.grad(params), state)
        new = S.heavy_ball_step(th, vel, problem.grad(th), 0.01, 0.9)
        th, vel = new["theta"], new["V"]
        np.testing.assert_allclose(th, params, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(vel, 0.01 * state.momentum_buffer, rtol=1e-12, atol=1e-14)
    # the first step by hand: g = (-33, -9), V_1 = 0.01 g
    first = S.heavy_ball_step(THETA0, np.zeros(2), problem.grad(THETA0), 0.01, 0.9)
    np.testing.assert_allclose(first["theta"], [0.83, 0.09])


def test_sutskever_step_by_hand_and_against_torch_nesterov():
    r = S.sutskever_step(1.0, 0.5, lambda x: 2 * x, 0.1, 0.9)      # f = x^2, look-ahead 1.45
    assert r["lookahead"] == pytest.approx(1.45) and r["g"] == pytest.approx(2.9)
    assert r["v"] == pytest.approx(0.45 - 0.29) and r["theta"] == pytest.approx(1.16)
    problem = ac.problems.linear_regression()
    opt = ac.SGD(lr=0.01, momentum=0.9, nesterov=True)
    params, state, th, v = THETA0, opt.init(THETA0), THETA0, np.zeros(2)
    for _ in range(100):
        params, state = opt.step(params, problem.grad(params), state)
        new = S.sutskever_step(th, v, problem.grad, 0.01, 0.9)
        th, v = new["theta"], new["v"]
        np.testing.assert_allclose(params, th + 0.9 * v, rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(state.momentum_buffer, -v / 0.01, rtol=1e-11, atol=1e-11)


def test_sutskever_step_rejects_a_gradient_that_is_not_callable():
    with pytest.raises(ValueError, match="grad=3"):
        S.sutskever_step(1.0, 0.0, 3, 0.1, 0.9)


def test_nesterov_iteration_matrix_is_torchs_step_and_has_the_chapters_polynomial():
    lr, mu, lam, x, b, s = sp.symbols("lr mu lam x b s")
    R = S.nesterov_iteration_matrix(lr, mu, lam)
    r = S.sgd_step(x, b, lam * x, 2, lr, momentum=mu, nesterov=True)
    assert sp.expand(R * sp.Matrix([x, b]) - sp.Matrix([r["theta"], r["momentum_buffer"]])) == sp.zeros(2, 1)
    assert sp.expand(R.charpoly(s).as_expr() - (s**2 - (1 + mu) * (1 - lr * lam) * s + mu * (1 - lr * lam))) == 0


def test_rates_equal_the_eigenvalues_of_the_symbolic_matrices():
    rng = np.random.default_rng(1)
    for _ in range(50):
        lr, beta, h = rng.uniform(0, 2), rng.uniform(0, 1), rng.uniform(0, 5)
        hb = np.array(S.momentum_iteration_matrix(lr, beta, h), dtype=float)
        ne = np.array(S.nesterov_iteration_matrix(lr, beta, h), dtype=float)
        assert MR.heavy_ball_rate(lr, beta, h) == pytest.approx(max(abs(np.linalg.eigvals(hb))), rel=1e-9)
        assert MR.nesterov_rate(lr, beta, h) == pytest.approx(max(abs(np.linalg.eigvals(ne))), rel=1e-9)
    assert MR.gradient_descent_rate(0.1, [5.0, 30.0]).tolist() == pytest.approx([0.5, 2.0])
    assert MR.heavy_ball_rate(0.1, 0.0, 5.0) == pytest.approx(0.5)            # beta = 0 is gradient descent
    assert MR.root_radius(0.0, 0.25) == pytest.approx(0.5)                     # complex roots +-0.5i


def test_polyak_optimum_for_kappa_100_and_the_stability_edge():
    lr, beta = 4 / 121, 81 / 121                                                # eigenvalues in [1, 100]
    rates = MR.heavy_ball_rate(lr, beta, np.linspace(1, 100, 200))
    np.testing.assert_allclose(rates, 9 / 11, rtol=1e-6)                        # (sqrt(100)-1)/(sqrt(100)+1)
    assert MR.heavy_ball_rate(1.0, 0.5, 2.999) < 1 < MR.heavy_ball_rate(1.0, 0.5, 3.001)    # 2(1 + beta) = 3
    assert MR.nesterov_rate(1.0, 0.9, 1.35) < 1 < MR.nesterov_rate(1.0, 0.9, 1.36)           # 3.8/2.8 = 1.357
    # critical damping: eta h = 0.01, beta = 0.81 gives the double root 0.9
    assert MR.heavy_ball_rate(0.01, 0.81, 1.0) == pytest.approx(0.9, rel=1e-6)


def test_an_sgd_run_shrinks_at_the_predicted_rate():
    opt = ac.SGD(lr=0.05, momentum=0.5)                                        # h = 2: complex roots, rate sqrt(0.5)
    traj = ac.run(opt, lambda p: 2 * p, np.array([1.0]), 200)
    assert MR.heavy_ball_rate(0.05, 0.5, 2.0) == pytest.approx(np.sqrt(0.5))
    ratio = (abs(traj.params[200, 0]) / abs(traj.params[100, 0])) ** (1 / 100)
    assert ratio == pytest.approx(np.sqrt(0.5), rel=2e-2)


@pytest.mark.parametrize("args, name", [((np.nan, 0.9, 1.0), "lr"), ((0.1, np.inf, 1.0), "beta"),
                                        ((0.1, 0.9, "x"), "h")])
def test_rates_reject_non_finite_input_naming_the_argument(args, name):
    with pytest.raises(ValueError, match=f"Invalid {name}: {name}="):
        MR.heavy_ball_rate(*args)
    with pytest.raises(ValueError, match="Invalid momentum: momentum=inf"):
        MR.nesterov_rate(0.1, np.inf, 1.0)


def test_lessard_function_is_smooth_strongly_convex_with_mu_1_and_L_25():
    x = np.linspace(-3, 5, 8001)
    f, g = MR.lessard_loss(x), MR.lessard_grad(x)
    # value and derivative continuous at the breakpoints 1 and 2
    for k in (1.0, 2.0):
        assert MR.lessard_loss(k - 1e-12) == pytest.approx(MR.lessard_loss(k), abs=1e-9)
        assert MR.lessard_grad(k - 1e-12) == pytest.approx(MR.lessard_grad(k), abs=1e-9)
    # the gradient is the derivative of the loss (central differences away from the breakpoints)
    np.testing.assert_allclose(np.gradient(f, x)[1:-1], g[1:-1], rtol=0, atol=2e-2)
    slopes = np.diff(g) / np.diff(x)                        # second derivative between 1 and 25
    assert slopes.min() >= 1 - 1e-9 and slopes.max() <= 25 + 1e-9
    assert MR.lessard_loss(0.0) == 0 and np.all(f >= 0) and MR.lessard_grad(0.0) == 0


def test_heavy_ball_cycles_on_lessards_function_and_nesterov_converges():
    tr = ac.run(ac.SGD(lr=1 / 9, momentum=4 / 9), MR.lessard_grad, np.array([3.3]), 600)
    x = tr.params[:, 0]
    np.testing.assert_allclose(x[-3:], x[-6:-3], atol=1e-9)               # a cycle of period 3
    np.testing.assert_allclose(sorted(x[-3:]), [-1.8024489796, 0.6465306122, 2.1159183673], atol=1e-9)
    theta, v = np.array([3.3]), np.zeros(1)
    for _ in range(200):                                                    # Nesterov, lr = 1/L, constant momentum
        new = S.sutskever_step(theta, v, MR.lessard_grad, 1 / 25, 4 / 6)
        theta, v = new["theta"], new["v"]
    assert abs(theta[0]) < 1e-12


def test_lessard_function_rejects_non_finite_input():
    with pytest.raises(ValueError, match="x="):
        MR.lessard_loss(np.nan)
    with pytest.raises(ValueError, match="x="):
        MR.lessard_grad([1.0, np.inf])
