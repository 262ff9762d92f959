"""The book's update rules as SymPy expressions.

The chapters derive from these same rules that ``adamcode``'s numbers come from, and the tests
check that substituting numbers into them reproduces the numeric optimizers step for step.
Every function accepts SymPy symbols or plain numbers.
"""
from __future__ import annotations

import sympy as sp


def adam_step(theta, m, v, g, t, lr, beta1, beta2, eps, weight_decay=0, eps_placement="algorithm1"):
    """One Adam step (book, Adam, Eqs. (1)-(5)) as a dict of SymPy expressions.

    Keys: ``g`` (gradient with the L2 term), ``m``, ``v``, ``m_hat``, ``v_hat`` and ``theta``
    (the new parameter). ``eps_placement="eps_hat"`` gives Kingma and Ba's section-2 form,
    ``theta - alpha_t * m / (sqrt(v) + eps)`` with ``alpha_t = lr*sqrt(1-beta2**t)/(1-beta1**t)``.
    """
    g = g + weight_decay * theta
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / bias_correction(beta1, t)
    v_hat = v_new / bias_correction(beta2, t)
    if eps_placement == "algorithm1":
        theta_new = theta - lr * m_hat / (sp.sqrt(v_hat) + eps)
    elif eps_placement == "eps_hat":
        alpha_t = lr * sp.sqrt(bias_correction(beta2, t)) / bias_correction(beta1, t)
        theta_new = theta - alpha_t * m_new / (sp.sqrt(v_new) + eps)
    else:
        raise ValueError(f"Invalid eps_placement: eps_placement={eps_placement!r}")
    return {"g": g, "m": m_new, "v": v_new, "m_hat": m_hat, "v_hat": v_hat, "theta": theta_new}


def bias_correction(beta, t):
    """The factor ``1 - beta**t`` that Adam divides its moment estimates by (book, Adam, Eq. (7))."""
    return 1 - beta**t


def ema_unrolled(beta, x, t, i=None):
    """``(1 - beta) * Sum_{i=1}^{t} beta**(t-i) * x(i)``: an EMA started at zero, unrolled.

    ``x`` is a SymPy function of the step index (e.g. ``sp.Function("g")``).
    """
    i = sp.Symbol("i", integer=True, positive=True) if i is None else i
    return (1 - beta) * sp.Sum(beta ** (t - i) * x(i), (i, 1, t))


def ema_weight_sum(beta, t):
    """The total weight ``(1 - beta) * Sum_{i=1}^{t} beta**(t-i)`` an EMA started at zero gives its inputs."""
    i = sp.Symbol("i", integer=True, positive=True)
    return (1 - beta) * sp.Sum(beta ** (t - i), (i, 1, t))


def adam_ratio_supremum(beta1, beta2, t):
    """The largest ``|m_hat_t| / sqrt(v_hat_t)`` any gradient sequence can produce at step ``t``.

    By the Cauchy-Schwarz inequality (book, Adam, Eq. (13)),
    ``sqrt(1-beta2**t)/(1-beta1**t) * (1-beta1)/sqrt(1-beta2) * sqrt(Sum_{k=0}^{t-1} r**k)`` with
    ``r = beta1**2/beta2``; attained by gradients proportional to ``(beta1/beta2)**(t-i)``.
    """
    k = sp.Symbol("k", integer=True, nonnegative=True)
    r = beta1**2 / beta2
    total = sp.Sum(r**k, (k, 0, t - 1))
    return (sp.sqrt(bias_correction(beta2, t)) / bias_correction(beta1, t)
            * (1 - beta1) / sp.sqrt(1 - beta2) * sp.sqrt(total))


def linear_regression_loss(x, y, w, b):
    """The mean squared error ``(1/N) Sum (w x_i + b - y_i)**2`` of seed 002's problem, symbolically."""
    n = len(x)
    return sp.Rational(1, n) * sum((w * xi + b - yi) ** 2 for xi, yi in zip(x, y))
