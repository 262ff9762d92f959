"""run(), the problems and the shipped Iris data."""
import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode import problems


def test_run_records_every_step():
    q = problems.quadratic([1.0, 10.0])
    tr = ac.run(ac.SGD(lr=0.1), q.grad, q.theta0, 5, q.loss)
    assert tr.diverged_at is None and not tr.diverged and tr.steps == 5
    assert tr.params.shape == (6, 2) and tr.loss.shape == (6,) and len(tr.states) == 6
    # gradient descent on diag(1, 10): each coordinate is multiplied by 1 - lr*lambda per step
    np.testing.assert_allclose(tr.params[5], [0.9**5, 0.0], atol=1e-15)
    np.testing.assert_allclose(tr.loss[0], 0.5 * (1 + 10))
    assert [s.t for s in tr.states] == [0, 1, 2, 3, 4, 5]


def test_run_reports_divergence_instead_of_nans():
    q = problems.quadratic([1.0, 100.0])
    # lr = 0.03 > 2/100: the stiff coordinate is multiplied by |1 - 3| = 2 per step and overflows
    tr = ac.run(ac.SGD(lr=0.03), q.grad, q.theta0, 2000, q.loss)
    assert tr.diverged
    # |x_k| = 2**k; the loss 50 * 4**k passes float64's max 1.8e308 first: 50 * 4**509 = 1.4e308,
    # 50 * 4**510 = 5.6e308
    assert tr.diverged_at == 510
    assert tr.steps == tr.diverged_at - 1
    assert np.all(np.isfinite(tr.params)) and np.all(np.isfinite(tr.loss))
    tr = ac.run(ac.SGD(lr=0.03), q.grad, q.theta0, 2000)  # without a loss: the parameters overflow
    # the gradient 100 * x_k overflows once 2**k > 1.8e306, i.e. at k = 1018, so x_1019 is inf
    assert tr.diverged_at == 1019
    tr = ac.run(ac.SGD(lr=1.0), q.grad, np.array([np.inf, 1.0]), 3)
    assert tr.diverged_at == 1 and tr.steps == 0


def test_run_validates_steps():
    with pytest.raises(ValueError, match="steps=-1"):
        ac.run(ac.SGD(), lambda p: p, np.ones(2), -1)


def test_reddi_counterexample_adam_ends_at_the_worst_point_amsgrad_does_not():
    p = problems.ReddiOnline(C=3.0)
    assert [p.grad(np.zeros(1), t)[0] for t in (1, 2, 3, 4)] == [3.0, -1.0, -1.0, 3.0]
    assert p.loss(np.array([0.5]), 1) == 1.5 and p.loss(np.array([0.5]), 2) == -0.5
    beta2 = 1 / (1 + p.C**2)
    adam = ac.run(ac.Adam(lr=0.1, betas=(0.0, beta2), eps=0.0), p.grad, p.theta0, 600, project=p.project)
    ams = ac.run(ac.Adam(lr=0.1, betas=(0.0, beta2), eps=0.0, amsgrad=True), p.grad, p.theta0, 600,
                 project=p.project)
    last = slice(300, None)
    # Adam cycles at the worst point x = +1 of the average loss (C - 2)/3 x, AMSGrad at the minimiser -1
    assert adam.params[last].max() == 1.0 and adam.params[last].mean() > 0.9
    assert ams.params[last].min() == -1.0 and ams.params[last].mean() < -0.9
    assert np.all(np.abs(adam.params) <= 1.0)  # projected onto [-1, 1]


def test_quadratic_eigenvalues_and_gradient():
    q = problems.quadratic([0.01, 1.0, 100.0], theta_star=[1.0, 2.0, 3.0], seed=0)
    np.testing.assert_allclose(q.eigenvalues, [0.01, 1.0, 100.0], rtol=1e-12)
    assert q.loss(q.theta_star) == 0.0
    theta = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(q.grad(theta), numeric_grad(q.loss, theta), rtol=1e-6)
    with pytest.raises(ValueError, match="Invalid eigenvalues"):
        problems.quadratic([])


def numeric_grad(f, theta, h=1e-6):
    out = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e.flat[i] = h
        out.flat[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return out


@pytest.mark.parametrize("problem", [problems.Rosenbrock(), problems.Beale(), problems.Saddle()],
                         ids=["Rosenbrock", "Beale", "Saddle"])
def test_two_d_gradients_are_the_symbolic_derivatives(problem):
    x, y = sp.symbols("x y")
    expr = {"Rosenbrock": (1 - x) ** 2 + 100 * (y - x**2) ** 2,
            "Beale": (sp.Rational(3, 2) - x + x * y) ** 2 + (sp.Rational(9, 4) - x + x * y**2) ** 2
            + (sp.Rational(21, 8) - x + x * y**3) ** 2,
            "Saddle": x**2 - y**2}[type(problem).__name__]
    for point in ([-1.5, 2.0], [0.3, -0.7], [2.0, 1.0]):
        subs = {x: point[0], y: point[1]}
        assert problem.loss(point) == pytest.approx(float(expr.subs(subs)), rel=1e-12)
        expected = [float(sp.diff(expr, v).subs(subs)) for v in (x, y)]
        np.testing.assert_allclose(problem.grad(point), expected, rtol=1e-12)
    if hasattr(problem, "minimizer"):
        assert problem.loss(problem.minimizer) == 0.0
        np.testing.assert_allclose(problem.grad(problem.minimizer), 0.0, atol=1e-12)


def test_iris_data():
    X, y = ac.datasets.iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and np.bincount(y).tolist() == [50, 50, 50]
    np.testing.assert_array_equal(X[0], [5.1, 3.5, 1.4, 0.2])
    np.testing.assert_array_equal(X[-1], [5.9, 3.0, 5.1, 1.8])
    # samples 35 and 38 as in Fisher's paper (UCI's old iris.data had them wrong)
    np.testing.assert_array_equal(X[34], [4.9, 3.1, 1.5, 0.2])
    np.testing.assert_array_equal(X[37], [4.9, 3.6, 1.4, 0.1])
    np.testing.assert_allclose(X.mean(axis=0), [5.843333, 3.057333, 3.758, 1.199333], atol=1e-6)
    assert y[0] == 0 and y[50] == 1 and y[149] == 2


def test_softmax_regression_on_iris():
    s = problems.softmax_regression()
    theta = s.theta0
    assert theta.shape == (5, 3)
    assert s.loss(theta) == pytest.approx(np.log(3), rel=1e-15)  # uniform prediction at zero
    rng = np.random.default_rng(1)
    theta = rng.standard_normal((5, 3))
    np.testing.assert_allclose(s.grad(theta), numeric_grad(s.loss, theta), rtol=1e-5, atol=1e-8)
    s2 = problems.softmax_regression(l2=0.1)
    np.testing.assert_allclose(s2.grad(theta), numeric_grad(s2.loss, theta), rtol=1e-5, atol=1e-8)
    tr = ac.run(ac.Adam(lr=0.1), s.grad, s.theta0, 200, s.loss)
    assert tr.loss[-1] < 0.1 and s.accuracy(tr.params[-1]) >= 0.97
    with pytest.raises(ValueError, match="Invalid data"):
        problems.softmax_regression(np.ones((3, 2)), np.ones(4))


def test_run_passes_the_step_number_only_to_gradients_that_require_it():
    seen = []

    def online(theta, t):
        seen.append(t)
        return np.zeros_like(theta)

    ac.run(ac.SGD(), online, np.ones(1), 3)
    assert seen == [1, 2, 3]
    # a second argument with a default is not the step number
    tr = ac.run(ac.SGD(lr=0.5), lambda theta, scale=2.0: scale * theta, np.ones(1), 1)
    assert tr.params[1][0] == 0.0


def test_problems_check_shapes_instead_of_broadcasting():
    with pytest.raises(ValueError, match=r"Invalid theta_star: theta_star.shape=\(1,\) \(must be \(2,\)"):
        problems.quadratic([1.0, 2.0], theta_star=[1.0])
    with pytest.raises(ValueError, match=r"Invalid theta0: theta0.shape=\(3,\)"):
        problems.quadratic([1.0, 2.0], theta0=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Invalid theta0: .*entries must be finite"):
        problems.quadratic([1.0, 2.0], theta0=[1.0, np.nan])
    with pytest.raises(ValueError, match=r"Invalid A: A.shape=\(2, 3\)"):
        problems.Quadratic(A=np.ones((2, 3)), theta_star=np.zeros(2), theta0=np.ones(2))
    with pytest.raises(ValueError, match=r"x.shape=\(3,\), y.shape=\(2,\)"):
        problems.LinearRegression(x=np.ones(3), y=np.ones(2))
    with pytest.raises(ValueError, match="X was given without y"):
        problems.softmax_regression(X=np.ones((3, 2)))
    with pytest.raises(ValueError, match="y was given without X"):
        problems.softmax_regression(y=np.zeros(3))
    with pytest.raises(ValueError, match="Invalid y: labels must be integers"):
        problems.softmax_regression(np.ones((3, 2)), np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match="a column is constant"):
        problems.softmax_regression(np.ones((3, 2)), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="Invalid standardize"):
        problems.softmax_regression(np.eye(3), np.array([0, 1, 1]), standardize="train")


def test_held_out_data_are_scaled_by_the_training_statistics_only():
    X, y = ac.datasets.iris()
    train, test = np.arange(0, 150, 2), np.arange(1, 150, 2)
    task = problems.softmax_regression(X[train], y[train], l2=0.01)
    np.testing.assert_allclose(task.X.mean(axis=0), 0, atol=1e-14)
    np.testing.assert_allclose(task.X.std(axis=0), 1, rtol=1e-14)
    held = task.held_out(X[test], y[test])
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    assert np.array_equal(held.X, (X[test] - mean) / std)          # not the test set's own statistics
    assert held.l2 == 0.0 and held.n_classes == 3 and np.array_equal(held.y, y[test])
    raw = problems.softmax_regression(X[train], y[train], standardize=False)
    assert raw.mean is None and np.array_equal(raw.held_out(X[test], y[test]).X, X[test])
    with pytest.raises(ValueError, match=r"Invalid data: X.shape=\(2, 3\)"):
        task.held_out(np.ones((2, 3)), np.zeros(2))


@pytest.mark.parametrize("bad, message", [
    ({"w": np.ones(2), "b": np.zeros(1)}, "Invalid params: a dict with keys \\['w', 'b'\\]"),
    ([np.ones(2), np.zeros(1)], "Invalid params: a list of arrays of different shapes"),
])
def test_a_pytree_of_parameters_gets_a_clear_message(bad, message):
    with pytest.raises(ValueError, match=message):
        ac.Adam().init(bad)
    with pytest.raises(ValueError, match=message.replace("params", "grads")):
        ac.Adam().step(np.ones(2), bad, ac.Adam().init(np.ones(2)))
