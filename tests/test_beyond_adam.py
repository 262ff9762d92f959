"""adamcode.beyond: the tools of the chapter beyond-adam, checked against closed forms."""
import math

import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode import problems
from adamcode.chapters import beyond_adam as beyond
from adamcode.variants import OptaxAMSGrad


def test_with_lr_changes_only_the_learning_rate():
    opt = ac.Adam(lr=0.1, betas=(0.0, 0.1), eps=0.0, amsgrad=True)
    copy = opt.replace(lr=0.05)
    assert copy.lr == 0.05 and copy.hyperparameters() == {**opt.hyperparameters(), "lr": 0.05}
    assert ac.AdamW(weight_decay=0.3).replace(lr=0.2).weight_decay == 0.3
    with pytest.raises(ValueError, match="lr=-1"):
        opt.replace(lr=-1)


def test_run_online_records_the_schedule_the_points_and_the_regret():
    problem = problems.ReddiOnline(C=3.0)
    r = ac.run_online(ac.Adam(lr=0.5, betas=(0.0, 0.1), eps=0.0), problem, 6)
    assert np.allclose(r.lr, 0.5 / np.sqrt(np.arange(1, 7)))
    # step 1: g = C, bias-corrected v_hat = C^2, so x moves by exactly -eta_1 = -0.5
    assert r.x[0] == 0.0 and r.x[1] == -0.5
    expected = np.cumsum([problem.loss(r.x[k - 1:k], k) - problem.loss(np.array([-1.0]), k) for k in range(1, 7)])
    assert np.allclose(r.regret, expected) and np.allclose(r.average_regret, expected / np.arange(1, 7))
    assert r.loss[0] == 0.0 and r.loss[1] == -(-0.5)   # f_2(x_2) = -x_2
    constant = ac.run_online(ac.Adam(lr=0.5), problem, 4, lr_decay="constant")
    assert np.all(constant.lr == 0.5)
    with pytest.raises(ValueError, match="steps=0"):
        ac.run_online(ac.Adam(), problem, 0)
    with pytest.raises(ValueError, match="lr_decay='linear'"):
        ac.run_online(ac.Adam(), problem, 3, lr_decay="linear")


def test_reddi_counterexample_adam_fails_amsgrad_converges():
    problem = problems.ReddiOnline(C=3.0)
    adam = ac.run_online(ac.Adam(lr=0.5, betas=(0.0, 0.1), eps=0.0), problem, 3000)
    ams = ac.run_online(ac.Adam(lr=0.5, betas=(0.0, 0.1), eps=0.0, amsgrad=True), problem, 3000)
    assert adam.x[-1] == 1.0 and ams.x[-1] < -0.99
    assert abs(adam.average_regret[-1] - 2 / 3) < 0.02 and ams.average_regret[-1] < 0.02
    # v settles on the 3-cycle of reddi_periodic_v
    cycle = sorted(float(v) for v in beyond.reddi_periodic_v(3, sp.Rational(1, 10)))
    assert np.allclose(sorted(float(adam.states[k].v[0]) for k in (2998, 2999, 3000)), cycle, rtol=1e-12)


def test_reddi_periodic_v_closed_form():
    a, b, c = beyond.reddi_periodic_v(3, sp.Rational(1, 10))
    assert (a, b, c) == (sp.Rational(911, 111), sp.Rational(191, 111), sp.Rational(119, 111))
    assert sp.simplify(a - (sp.Rational(1, 10) * c + sp.Rational(9, 10) * 9)) == 0
    assert sp.simplify(b - (sp.Rational(1, 10) * a + sp.Rational(9, 10))) == 0
    with pytest.raises(ValueError, match="beta2=1"):
        beyond.reddi_periodic_v(3, 1)
    with pytest.raises(ValueError, match="C=-1"):
        beyond.reddi_periodic_v(-1, sp.Rational(1, 2))


def test_optax_amsgrad_takes_the_max_of_the_corrected_v():
    torch_like, optax_like = ac.Adam(lr=1.0, eps=0.0, amsgrad=True), OptaxAMSGrad(lr=1.0, eps=0.0)
    steps = {}
    for name, opt in [("torch", torch_like), ("optax", optax_like)]:
        p0, s = np.zeros(1), opt.init(np.zeros(1))
        p1, s = opt.step(p0, np.array([1.0]), s)
        p2, s = opt.step(p1, np.array([0.0]), s)
        steps[name] = (p1[0], p2[0] - p1[0], s)
    assert steps["torch"][0] == steps["optax"][0] == -1.0
    assert math.isclose(steps["torch"][1] / steps["optax"][1], math.sqrt(1.999), rel_tol=1e-12)
    assert steps["optax"][2].v_max[0] == 1.0                         # v_hat_1 = g_1^2 stays the maximum
    assert math.isclose(float(beyond.adam_denominator(optax_like, steps["optax"][2])[0]), 1.0)
    assert math.isclose(float(beyond.adam_denominator(torch_like, steps["torch"][2])[0]), 1 / math.sqrt(1.999))
    assert repr(OptaxAMSGrad(lr=0.1)) == "OptaxAMSGrad(lr=0.1, betas=(0.9, 0.999), eps=1e-08)"
    with pytest.raises(ValueError, match=r"betas\[1\]=1.0"):
        OptaxAMSGrad(betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid state"):
        beyond.adam_denominator(torch_like, torch_like.init(np.zeros(1)))


def test_optax_amsgrad_never_steps_further_than_torch():
    rng = np.random.default_rng(0)
    torch_like, optax_like = ac.Adam(amsgrad=True), OptaxAMSGrad()
    st, so = torch_like.init(np.zeros(5)), optax_like.init(np.zeros(5))
    for g in rng.standard_normal((200, 5)) * np.linspace(3, 0.1, 200)[:, None]:
        _, st = torch_like.step(np.zeros(5), g, st)
        _, so = optax_like.step(np.zeros(5), g, so)
        assert np.all(beyond.adam_denominator(optax_like, so) >= beyond.adam_denominator(torch_like, st) * (1 - 1e-12))


def test_adamax_norm_tends_to_the_adamax_state():
    grads = np.array([[3.0, -1.0], [-2.0, 0.5], [0.5, 4.0]])
    opt = ac.Adamax(eps=0.0)
    state = opt.init(np.zeros(2))
    for g in grads:
        _, state = opt.step(np.zeros(2), g, state)
    limit = beyond.adamax_norm(grads, 0.9, np.inf)
    assert np.allclose(limit, [max(0.81 * 3, 0.9 * 2, 0.5), 4.0])
    opt9 = ac.Adamax(betas=(0.9, 0.9), eps=0.0)
    s9 = opt9.init(np.zeros(2))
    for g in grads:
        _, s9 = opt9.step(np.zeros(2), g, s9)
    assert np.allclose(limit, s9.u, rtol=1e-15)
    # p = 2 is Adam's sqrt(v_t) with beta_2^2 as decay rate
    v = 0.0
    for g in grads[:, 0]:
        v = 0.81 * v + 0.19 * g**2
    assert math.isclose(beyond.adamax_norm(grads, 0.9, 2)[0], math.sqrt(v), rel_tol=1e-13)
    assert np.all(np.abs(beyond.adamax_norm(grads, 0.9, 1e4) - limit) < 1e-3)
    assert np.allclose(beyond.adamax_norm(grads, 0.0, 3), np.abs(grads[-1]))
    with pytest.raises(ValueError, match="p=0"):
        beyond.adamax_norm(grads, 0.9, 0)
    with pytest.raises(ValueError, match="beta2=1.5"):
        beyond.adamax_norm(grads, 1.5, 2)


def test_steps_after_a_spike_show_each_variants_change():
    # Hand-derived: Lion's sign step is eta whatever the gradient; Adamax's u_t = max(beta_2 u, |g|)
    # holds the spike 10 until 10 beta_2^k < 1, i.e. for k < ln 10 / -ln 0.99 = 229.1 steps.
    opts = {"Adam": ac.Adam(lr=1.0, betas=(0.9, 0.99)), "Adamax": ac.Adamax(lr=1.0, betas=(0.9, 0.99), eps=0.0),
            "Lion": ac.Lion(lr=0.5), "AMSGrad": ac.Adam(lr=1.0, betas=(0.9, 0.99), amsgrad=True)}
    sizes = beyond.steps_after_a_spike(opts, steps=400, spike_at=50, spike=10.0)
    assert set(sizes) == set(opts) and all(len(s) == 400 for s in sizes.values())
    assert np.array_equal(sizes["Lion"], np.ones(400))
    assert np.allclose(sizes["Adam"][:49], 1.0, rtol=1e-6)          # constant gradient: step = lr
    u = [max(10 * 0.99**k, 1.0) for k in range(0, 351)]              # u after the spike, eps = 0
    assert sizes["Adamax"][49 + 229] < 1 and np.isclose(u[230], 1.0)
    assert sizes["AMSGrad"][-1] < sizes["Adam"][-1] < 1.0           # AMSGrad remembers the spike longer
    g = beyond.spike_gradients(10, 3, 7.0)
    assert g.tolist() == [1, 1, 7, 1, 1, 1, 1, 1, 1, 1]
    with pytest.raises(ValueError, match="spike_at"):
        beyond.spike_gradients(10, 11)
    with pytest.raises(ValueError, match="steps"):
        beyond.spike_gradients(0)
