"""Unit tests of adamcode.Adam: the worked example's numbers, closed forms, symbolic = numeric,
validation and purity."""
import math

import numpy as np
import pytest

from adamcode import Adam, AdamState, problems, run, symbolic


@pytest.fixture
def problem():
    return problems.linear_regression()


def test_defaults_are_torch_defaults():
    opt = Adam()
    assert (opt.lr, opt.beta1, opt.beta2, opt.eps, opt.weight_decay, opt.amsgrad) == (
        1e-3, 0.9, 0.999, 1e-8, 0.0, False)


def test_worked_example_first_step(problem):
    """Seed 002's first step, with the correct gradient (-33, -9)."""
    opt = Adam(lr=0.1)
    g = problem.grad(problem.theta0)
    np.testing.assert_array_equal(g, [-33.0, -9.0])
    theta1, state = opt.step(problem.theta0, g, opt.init(problem.theta0))
    assert state.t == 1
    np.testing.assert_allclose(state.m, [-3.3, -0.9], rtol=1e-15)
    np.testing.assert_allclose(state.v, [1.089, 0.081], rtol=1e-14)
    expected = problem.theta0 + 0.1 * np.array([33 / (33 + 1e-8), 9 / (9 + 1e-8)])
    np.testing.assert_allclose(theta1, expected, rtol=1e-15)
    assert theta1[0] - 0.6 == pytest.approx(-3.0303e-11, rel=1e-4)


def test_worked_example_second_step(problem):
    """theta_2 from the closed form at theta_1 (exercise 1 of the chapter)."""
    opt = Adam(lr=0.1)
    theta, state = problem.theta0, opt.init(problem.theta0)
    for _ in range(2):
        theta, state = opt.step(theta, problem.grad(theta), state)
    g1, g2 = np.array([-33.0, -9.0]), np.array([22 * 0.6 + 6 * 0.1 - 44, 6 * 0.6 + 2 * 0.1 - 12])
    m2 = 0.9 * 0.1 * g1 + 0.1 * g2
    v2 = 0.999 * 0.001 * g1**2 + 0.001 * g2**2
    theta1 = problem.theta0 + 0.1 * np.abs(g1) / (np.abs(g1) + 1e-8)
    expected = theta1 - 0.1 * (m2 / (1 - 0.81)) / (np.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(theta, expected, rtol=1e-6)  # theta1 is 0.6 only to 1e-10
    # regression pin: the digits the chapter prints, copied from adamcode's output (the check
    # above is the derivation)
    np.testing.assert_allclose(theta, [0.69967126, 0.19964979], atol=5e-9)


def test_worked_example_converges(problem):
    traj = run(Adam(lr=0.1), problem.grad, problem.theta0, 1000, problem.loss)
    assert traj.diverged_at is None and traj.steps == 1000
    np.testing.assert_allclose(traj.params[-1], [2.0, 0.0], atol=1e-12)
    assert traj.loss[0] == pytest.approx(24.75) and traj.loss[-1] < 1e-28


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.0, 0.5), (0.5, 0.0)])
def test_first_step_is_lr_times_sign(betas):
    rng = np.random.default_rng(1)
    params, g = rng.normal(size=7), rng.normal(size=7) * 10.0 ** rng.integers(-5, 5, 7)
    opt = Adam(lr=0.01, betas=betas, eps=0.0)
    new, _ = opt.step(params, g, opt.init(params))
    np.testing.assert_allclose(new, params - 0.01 * np.sign(g), rtol=1e-15)


def test_constant_gradient_moments_are_one_minus_beta_power():
    opt = Adam(lr=0.0)
    state = opt.init(np.zeros(1))
    for t in range(1, 51):
        _, state = opt.step(np.zeros(1), np.ones(1), state)
        assert state.m[0] == pytest.approx(1 - 0.9**t, rel=1e-13)
        assert state.v[0] == pytest.approx(1 - 0.999**t, rel=1e-12)


def test_numeric_equals_symbolic_over_several_steps():
    rng = np.random.default_rng(2)
    for options in [{}, {"weight_decay": 0.3}, {"eps_placement": "eps_hat"}]:
        opt = Adam(lr=0.05, betas=(0.8, 0.95), eps=1e-3, **options)
        params, state = rng.normal(size=3), None
        state = opt.init(params)
        sym = {"theta": list(params), "m": [0.0] * 3, "v": [0.0] * 3}
        for t in range(1, 8):
            g = rng.normal(size=3)
            params, state = opt.step(params, g, state)
            new = [symbolic.adam_step(sym["theta"][k], sym["m"][k], sym["v"][k], g[k], t, 0.05, 0.8, 0.95,
                                      1e-3, **options) for k in range(3)]
            sym = {key: [float(new[k][key]) for k in range(3)] for key in ("theta", "m", "v")}
            np.testing.assert_allclose(params, sym["theta"], rtol=1e-13)
            np.testing.assert_allclose(state.m, sym["m"], rtol=1e-13)
            np.testing.assert_allclose(state.v, sym["v"], rtol=1e-13)


def test_l2_weight_decay_is_added_to_the_gradient():
    params, g = np.array([2.0, -1.0]), np.array([0.5, 0.25])
    with_decay = Adam(lr=0.1, weight_decay=0.1)
    plain = Adam(lr=0.1)
    a, sa = with_decay.step(params, g, with_decay.init(params))
    b, sb = plain.step(params, g + 0.1 * params, plain.init(params))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sa.m, sb.m)


def test_amsgrad_uses_running_max_of_raw_v():
    opt = Adam(lr=1.0, betas=(0.0, 0.5), eps=0.0, amsgrad=True)
    params, state = np.zeros(1), opt.init(np.zeros(1))
    params, state = opt.step(params, np.array([4.0]), state)   # v_1 = 8, v_max = 8
    params, state = opt.step(params, np.array([1.0]), state)   # v_2 = 4.5, v_max stays 8
    assert state.v[0] == 4.5 and state.v_max[0] == 8.0
    # step 2: m_hat = 1 (beta1 = 0), v_hat = v_max / (1 - 0.25) = 32/3
    assert params[0] == pytest.approx(-1.0 - 1.0 / math.sqrt(32 / 3), rel=1e-15)


def test_eps_hat_equals_algorithm1_with_converted_eps():
    rng = np.random.default_rng(3)
    params = rng.normal(size=4)
    hat = Adam(lr=0.1, eps=1e-2, eps_placement="eps_hat")
    state = hat.init(params)
    for t in range(1, 30):
        g = rng.normal(size=4)
        matched = Adam(lr=0.1, eps=1e-2 / math.sqrt(1 - 0.999**t))
        expected, _ = matched.step(params, g, state)
        params, state = hat.step(params, g, state)
        np.testing.assert_allclose(params, expected, rtol=1e-14)


def test_rescaling_invariance_is_exact_for_powers_of_two(problem):
    reference = run(Adam(lr=0.1, eps=0.0), problem.grad, problem.theta0, 100).params
    for scale in (2.0**12, np.array([2.0**-9, 2.0**5])):
        scaled = run(Adam(lr=0.1, eps=0.0), lambda p: scale * problem.grad(p), problem.theta0, 100).params
        np.testing.assert_array_equal(scaled, reference)


def test_step_can_exceed_paper_bound_and_reaches_supremum():
    """Gradients growing like (beta2/beta1)^i attain Eq. (13), beyond (1-beta1)/sqrt(1-beta2)."""
    t, grow = 3000, 80
    grads = np.zeros(t)
    grads[-grow:] = (0.9 / 0.999) ** np.arange(grow - 1, -1, -1.0)   # g_i proportional to (b1/b2)^(t-i)
    opt = Adam(lr=1.0, eps=1e-300)
    params, state = np.zeros(1), opt.init(np.zeros(1))
    for g in grads:
        previous = params
        params, state = opt.step(params, np.array([g]), state)
    step = abs(params[0] - previous[0])
    supremum = float(symbolic.adam_ratio_supremum(0.9, 0.999, t).doit())
    assert step == pytest.approx(supremum, rel=1e-6)
    assert step > 2 * 0.1 / math.sqrt(0.001)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"lr": -0.1}, "lr=-0.1"),
    ({"lr": float("nan")}, "lr=nan"),
    ({"eps": -1e-8}, "eps=-1e-08"),
    ({"betas": (1.0, 0.999)}, "betas[0]=1.0"),
    ({"betas": (0.9, -0.1)}, "betas[1]=-0.1"),
    ({"betas": (0.9,)}, "betas=(0.9,)"),
    ({"weight_decay": -1}, "weight_decay=-1"),
    ({"eps_placement": "keras"}, "eps_placement='keras'"),
])
def test_invalid_hyperparameters_raise_value_error_naming_them(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        Adam(**kwargs)
    assert fragment in str(info.value)


def test_wrong_gradient_shape_raises():
    opt = Adam()
    params = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"grads.shape=\(3, 2\).*params.shape=\(2, 3\)"):
        opt.step(params, np.zeros((3, 2)), opt.init(params))
    with pytest.raises(ValueError, match=r"state.m.shape"):
        opt.step(params, np.zeros((2, 3)), opt.init(np.zeros(6)))
    with pytest.raises(ValueError, match="floating-point"):
        opt.init(np.zeros(3, dtype=int))


def test_inputs_are_never_modified():
    opt = Adam(lr=0.1, weight_decay=0.01, amsgrad=True)
    params, g = np.array([1.0, -2.0]), np.array([0.3, 0.4])
    state = opt.init(params)
    params, state = opt.step(params, g, state)
    copies = [params.copy(), g.copy(), state.m.copy(), state.v.copy(), state.v_max.copy()]
    opt.step(params, g, state)
    for before, after in zip(copies, [params, g, state.m, state.v, state.v_max]):
        np.testing.assert_array_equal(before, after)
    assert isinstance(state, AdamState) and state.t == 1


@pytest.mark.parametrize("options", [{}, {"eps_placement": "eps_hat"}, {"weight_decay": 0.1, "amsgrad": True}])
def test_float32_stays_float32(options):
    opt = Adam(lr=0.1, **options)
    params = np.ones(4, dtype=np.float32)
    new, state = opt.step(params, np.full(4, 0.5), opt.init(params))
    assert new.dtype == state.m.dtype == state.v.dtype == np.float32


def test_run_reports_divergence():
    def grad(p):
        return np.array([np.nan]) if abs(p[0]) > 2.5 else np.array([-1.0])
    traj = run(Adam(lr=1.0), grad, np.zeros(1), 10)
    assert traj.diverged_at == 4 and traj.steps == 3
    assert np.all(np.isfinite(traj.params))
