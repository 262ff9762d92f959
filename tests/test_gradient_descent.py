"""The gradient-descent chapter's additions: seed 002's Hessian, the error matrix, the best fixed lr."""
import numpy as np
import pytest
import sympy as sp

import adamcode as ac
from adamcode import problems, symbolic


def test_linear_regression_hessian_is_the_second_derivative():
    p = problems.linear_regression()
    H = p.hessian()
    np.testing.assert_array_equal(H, [[22.0, 6.0], [6.0, 2.0]])
    # the loss is quadratic: grad(theta) = H (theta - theta*) at any point
    rng = np.random.default_rng(0)
    for theta in rng.normal(size=(5, 2)) * 3:
        np.testing.assert_allclose(p.grad(theta), H @ (theta - p.solution()), rtol=1e-12, atol=1e-12)
    lam = np.linalg.eigvalsh(H)
    np.testing.assert_allclose(lam, [12 - 2 * np.sqrt(34), 12 + 2 * np.sqrt(34)], rtol=1e-14)


def test_error_matrix_predicts_gradient_descent_exactly():
    p = problems.linear_regression()
    lr = 0.05
    R = np.array(symbolic.gradient_descent_error_matrix(sp.Rational(1, 20), sp.Matrix([[22, 6], [6, 2]])),
                 dtype=float)
    np.testing.assert_allclose(R, [[-0.1, -0.3], [-0.3, 0.9]], rtol=1e-15)
    tr = ac.run(ac.SGD(lr=lr), p.grad, p.theta0, 20)
    e0 = p.theta0 - p.solution()
    np.testing.assert_allclose(tr.params[20] - p.solution(), np.linalg.matrix_power(R, 20) @ e0, atol=1e-13)
    with pytest.raises(ValueError, match="H"):
        symbolic.gradient_descent_error_matrix(0.1, sp.Matrix([[1, 2, 3]]))


def test_stability_bound_of_seed_002():
    """lr = 0.1 (seed 002's, for Adam) is above 2/L = 0.0845: plain gradient descent diverges."""
    p = problems.linear_regression()
    L = np.linalg.eigvalsh(p.hessian())[-1]
    assert abs(2 / L - 0.0845237) < 1e-6
    assert ac.run(ac.SGD(lr=0.1), p.grad, p.theta0, 5000, p.loss).diverged
    below = ac.run(ac.SGD(lr=0.99 * 2 / L), p.grad, p.theta0, 5000, p.loss)
    assert not below.diverged and below.loss[-1] < 1e-20


def test_optimal_parameters_closed_form_and_rate():
    mu, L = sp.symbols("mu L", positive=True)
    lr, rate = symbolic.gradient_descent_optimal_parameters(mu, L)
    assert sp.simplify(lr - 2 / (L + mu)) == 0
    kappa = L / mu
    assert sp.simplify(rate - (kappa - 1) / (kappa + 1)) == 0
    # both extreme eigenvalues are contracted by the same factor (write L = mu + d, d > 0)
    d = sp.Symbol("d", positive=True)
    for lam in (mu, L):
        assert sp.simplify((sp.Abs(1 - lr * lam) - rate).subs(L, mu + d)) == 0
    # seed 002: lr = 1/12 exactly and rate sqrt(34)/6
    lr_n, rate_n = symbolic.gradient_descent_optimal_parameters(12 - 2 * sp.sqrt(34), 12 + 2 * sp.sqrt(34))
    assert sp.simplify(lr_n - sp.Rational(1, 12)) == 0 and sp.simplify(rate_n - sp.sqrt(34) / 6) == 0


def test_measured_contraction_equals_the_rate():
    q = problems.quadratic([1.0, 10.0], theta0=[10.0, 1.0])
    lr, rate = symbolic.gradient_descent_optimal_parameters(1.0, 10.0)
    tr = ac.run(ac.SGD(lr=lr), q.grad, q.theta0, 30)
    dist = np.linalg.norm(tr.params, axis=1)
    np.testing.assert_allclose(dist[1:] / dist[:-1], 9 / 11, rtol=1e-12)
    assert np.isclose(rate, 9 / 11)


@pytest.mark.parametrize("mu, L", [(0, 1), (-1, 1), (2, 1), (sp.oo, sp.oo)])
def test_optimal_parameters_reject_bad_eigenvalues(mu, L):
    with pytest.raises(ValueError, match="mu|L"):
        symbolic.gradient_descent_optimal_parameters(mu, L)
