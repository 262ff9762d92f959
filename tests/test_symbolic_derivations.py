"""adamcode.symbolic: the derivation helpers of the Adam chapter (unrolled EMA, the step supremum, seed 002's loss)."""
import numpy as np
import sympy as sp

from adamcode import symbolic

beta = sp.Symbol("beta", positive=True)
t = sp.Symbol("t", integer=True, positive=True)


def test_ema_weight_sum_closed_form():
    assert sp.simplify(symbolic.ema_weight_sum(beta, t).doit() - (1 - beta**t)) == 0
    assert symbolic.bias_correction(sp.Rational(1, 2), 3) == sp.Rational(7, 8)


def test_unrolled_ema_matches_recursion():
    g = sp.Function("g")
    m = 0
    for k in range(1, 5):
        m = beta * m + (1 - beta) * g(k)
        assert sp.expand(symbolic.ema_unrolled(beta, g, t).subs(t, k).doit() - m) == 0


def test_supremum_is_attained_and_not_exceeded():
    """Cauchy-Schwarz: random gradient sequences stay below Eq. (13); the extremal one attains it."""
    b1, b2, steps = 0.9, 0.999, 40
    sup = float(symbolic.adam_ratio_supremum(b1, b2, steps).doit())
    k = np.arange(steps)[::-1]                      # k = t - i for i = 1..t
    a, c = (1 - b1) * b1**k, (1 - b2) * b2**k
    def ratio(g):
        m_hat, v_hat = a @ g / (1 - b1**steps), c @ g**2 / (1 - b2**steps)
        return abs(m_hat) / np.sqrt(v_hat)
    rng = np.random.default_rng(4)
    assert max(ratio(rng.normal(size=steps)) for _ in range(2000)) < sup
    assert abs(ratio(a / c) / sup - 1) < 1e-12
    assert sp.simplify(symbolic.adam_ratio_supremum(beta, beta, 1).doit() - 1) == 0  # t = 1: exactly 1


def test_linear_regression_loss():
    w, b = sp.symbols("w b")
    loss = symbolic.linear_regression_loss([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], w, b)
    assert sp.expand(loss - (11 * w**2 + 6 * w * b + b**2 - 44 * w - 12 * b + 44)) == 0
