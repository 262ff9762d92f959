"""Stochastic problems (chapter stochastic): minibatch gradients are unbiased over all minibatches,
their variance follows the 1/B law, runs are reproducible; and the chapter helpers' formulas."""
import itertools

import numpy as np
import pytest

import adamcode as ac
from adamcode import problems
from adamcode.chapters import schedules as ch_sched
from adamcode.chapters import stochastic as ch


def source_002():
    data = problems.linear_regression()
    return problems.least_squares(data.x, data.y, theta0=data.theta0)


def test_least_squares_is_source_002s_regression():
    p, data = source_002(), problems.linear_regression()
    for theta in ([0.5, 0.0], [1.3, -0.7]):
        assert p.loss(theta) == pytest.approx(data.loss(theta), rel=1e-14)
        np.testing.assert_allclose(p.grad(theta), data.grad(theta), rtol=1e-14)
        np.testing.assert_allclose(p.example_grads(theta).mean(axis=0), p.grad(theta), rtol=1e-14)
    np.testing.assert_allclose(p.hessian(), [[22, 6], [6, 2]], rtol=1e-14)
    np.testing.assert_allclose(p.solution(), [2, 0], atol=1e-12)
    np.testing.assert_allclose(p.losses(np.array([[0.5, 0.0], [2.0, 0.0]])), [p.loss([0.5, 0]), 0.0], atol=1e-14)


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("B", [1, 2, 3, 5])
def test_minibatch_gradient_is_unbiased_over_all_minibatches_exactly(B, replace):
    """Enumerate every minibatch of source document 002's five examples (with replacement: every
    ordered tuple): their mean is the full gradient, their covariance Sigma/B (N-B)/(N-1) or Sigma/B."""
    p = source_002()
    theta = p.theta0
    G = p.example_grads(theta)
    batches = itertools.product(range(5), repeat=B) if replace else itertools.combinations(range(5), B)
    means = np.array([G[list(b)].mean(axis=0) for b in batches])
    np.testing.assert_allclose(means.mean(axis=0), p.grad(theta), rtol=1e-13)
    Sigma = np.cov(G.T, bias=True)
    expected = Sigma / B if replace else Sigma / B * (5 - B) / 4
    np.testing.assert_allclose(np.cov(means.T, bias=True), expected, rtol=1e-12, atol=1e-12)
    mean, cov = ch.minibatch_moments(p, theta, B, replace=replace)          # the chapter's helper agrees
    np.testing.assert_allclose(mean, p.grad(theta), rtol=1e-13)
    np.testing.assert_allclose(cov, ch.minibatch_covariance(p, theta, B, replace=replace), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("replace", [True, False])
def test_variance_falls_as_one_over_B(replace):
    p = problems.noisy_linear_regression(N=100, sigma=1.0, seed=3)
    Sigma = np.trace(ch.example_covariance(p, p.theta0))
    for B in (1, 4, 16, 64):
        g = problems.minibatch_grad(p, B, seed=B, replace=replace)
        measured = np.trace(ch.sampled_covariance(g, p.theta0, 20000))
        expected = Sigma / B * (1 if replace else (100 - B) / 99)
        assert measured == pytest.approx(expected, rel=0.05)
        mean = g(np.tile(p.theta0, (20000, 1))).mean(axis=0)
        np.testing.assert_allclose(mean, p.grad(p.theta0), rtol=0, atol=4 * np.sqrt(np.diag(ch.minibatch_covariance(
            p, p.theta0, B, replace=replace)) / 20000).max() + 1e-12)


def test_minibatches_are_reproducible_uniform_and_without_repeats():
    p = problems.noisy_linear_regression(N=50, seed=1)
    a, b = problems.minibatch_grad(p, 7, seed=11), problems.minibatch_grad(p, 7, seed=11)
    for _ in range(5):
        np.testing.assert_array_equal(a(p.theta0), b(p.theta0))
    g = problems.minibatch_grad(p, 7, seed=2)
    idx = g.sample(20000)
    assert idx.shape == (20000, 7)
    assert all(len(set(row)) == 7 for row in idx[:2000])
    counts = np.bincount(idx.ravel(), minlength=50) / idx.size
    np.testing.assert_allclose(counts, 1 / 50, rtol=0.05)
    big = problems.minibatch_grad(p, 40, seed=3).sample(200)                 # large batches: permutation path
    assert all(len(set(row)) == 40 for row in big)
    np.testing.assert_array_equal(np.sort(problems.minibatch_grad(p, 50, seed=4).sample(1)[0]), np.arange(50))


def test_rows_are_independent_runs_with_their_own_minibatches():
    p = problems.noisy_linear_regression(N=60, seed=2)
    thetas = np.array([[0.5, 0.0], [1.0, 1.0], [2.0, -1.0]])
    g = problems.minibatch_grad(p, 5, seed=9, replace=True)
    idx = problems.minibatch_grad(p, 5, seed=9, replace=True).sample(3)
    rows = g(thetas)
    for r in range(3):
        np.testing.assert_allclose(rows[r], p.example_grads(thetas[r], idx[r]).mean(axis=0), rtol=1e-13)
    # the same through run(): an optimizer on an (R, d) array is R runs
    traj = ac.run(ac.SGD(lr=0.01), problems.minibatch_grad(p, 5, seed=9, replace=True), thetas, 3)
    assert traj.params.shape == (4, 3, 2)


def test_sparse_features_have_the_requested_frequencies():
    p = problems.sparse_linear_regression(frequencies=(0.5, 0.05, 0.005), N=20000, sigma=0.0, seed=1)
    np.testing.assert_allclose(p.X.mean(axis=0), [0.5, 0.05, 0.005], rtol=0.15)
    np.testing.assert_allclose(p.solution(), [1, -1, 1], atol=1e-10)


@pytest.mark.parametrize("make, text", [
    (lambda: problems.minibatch_grad(problems.noisy_linear_regression(N=10), 0), "batch_size=0"),
    (lambda: problems.minibatch_grad(problems.noisy_linear_regression(N=10), 11), "batch_size=11"),
    (lambda: problems.minibatch_grad(problems.linear_regression(), 2), "example_grads"),
    (lambda: problems.noisy_linear_regression(N=1), "N=1"),
    (lambda: problems.noisy_linear_regression(sigma=-1.0), "sigma=-1.0"),
    (lambda: problems.sparse_linear_regression(frequencies=(0.5, 0.0)), "frequencies"),
    (lambda: problems.least_squares(np.ones((3, 2)), np.ones(4)), "y.shape=(4,)"),
    (lambda: problems.least_squares(np.ones((3, 2)), np.ones(3), theta0=np.zeros(3)), "theta0.shape=(3,)"),
    (lambda: ch.sgd_noise_floor([[10.0]], [[1.0]], 0.5), "lr=0.5"),
    (lambda: ch.adam_sharpness(ac.Adam(), ac.Adam().init(np.zeros(1)), [[1.0]]), "state.t=0"),
    (lambda: ch_sched.first_rectified_step(0.999, threshold=0.0), "threshold=0.0"),
])
def test_bad_input_raises_valueerror_naming_it(make, text):
    with pytest.raises(ValueError) as info:
        make()
    assert text in str(info.value)


def test_noise_floor_closed_form_in_one_dimension():
    for lr, h, sigma in [(0.1, 1.0, 1.0), (0.01, 24.0, 3.0), (0.3, 5.0, 0.5)]:
        S = lr * sigma**2 / (h * (2 - lr * h))
        assert ch.sgd_noise_floor([[h]], [[sigma**2]], lr) == pytest.approx(h * S / 2, rel=1e-12)


def test_adam_sharpness_in_one_dimension():
    opt = ac.Adam(lr=0.05, betas=(0.9, 0.99))
    state = opt.init(np.zeros(1))
    _, state = opt.step(np.zeros(1), np.array([0.3]), state)
    v_hat = 0.01 * 0.09 / (1 - 0.99)
    assert ch.adam_sharpness(opt, state, [[4.0]]) == pytest.approx(0.05 * 4.0 / (np.sqrt(v_hat) + 1e-8), rel=1e-12)


def test_with_noise_is_reproducible_and_has_the_requested_sigma():
    a = ch.with_noise(lambda p: np.zeros_like(p), 2.0, seed=1)
    b = ch.with_noise(lambda p: np.zeros_like(p), 2.0, seed=1)
    x, y = a(np.zeros(50000)), b(np.zeros(50000))
    np.testing.assert_array_equal(x, y)
    assert np.std(x) == pytest.approx(2.0, rel=0.02)


def test_schedule_chapter_helpers():
    assert ch_sched.first_rectified_step(0.999) == 6 and ch_sched.first_rectified_step(0.999, 4.0) == 5
    assert ch_sched.sma_variance(4.0) == np.inf and ch_sched.sma_variance(10.0) == pytest.approx(10 / (2 * 8 * 6))
    var = ch_sched.adaptive_lr_variance(0.999, 60, runs=20000, seed=1)
    assert var[0] > 100 * var[-1] and var[-1] == pytest.approx(float(ch_sched.sma_variance(
        ac.radam.rectification(0.999, 60)[1])), rel=0.15)
    ada = ac.run(ac.Adadelta(), lambda p: np.ones_like(p), np.zeros(1), 2000)
    steps = np.abs(np.diff(ada.params[:, 0]))
    assert steps[-1] == pytest.approx(float(ch_sched.adadelta_constant_gradient_step(2000)), rel=0.03)
    rms = ch_sched.step_rms(ac.Adam(lr=1.0), 200, runs=4000, seed=2)
    assert rms[0] == pytest.approx(1.0, abs=1e-3) and rms[-1] == pytest.approx(np.sqrt(0.1 / 1.9), rel=0.1)
