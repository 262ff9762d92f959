"""Minibatch noise, noise balls and Adam's preconditioned sharpness (book, chapter stochastic).

* :func:`minibatch_moments` -- the exact mean and covariance of the minibatch gradient, by
  enumerating every minibatch (small ``N`` only).
* :func:`minibatch_covariance` -- the same covariance from the formula
  ``Sigma / B`` (with replacement) or ``Sigma / B * (N - B)/(N - 1)`` (without).
* :func:`sampled_covariance` -- the covariance measured from ``draws`` minibatches.
* :func:`sgd_noise_floor` -- SGD's stationary expected excess loss on a quadratic with
  gradient-noise covariance ``C`` (a discrete Lyapunov equation).
* :func:`with_noise` -- a gradient function plus independent Gaussian noise of standard deviation ``sigma``.
* :func:`adam_sharpness` -- ``eta * h_max(P^-1 H)``, the quantity Adam's frozen-v stability
  bound ``2 (1 + beta1)/(1 - beta1)`` is about.
"""
from __future__ import annotations

import itertools

import numpy as np

from .. import _validate


def minibatch_moments(problem, theta, batch_size: int, replace: bool = False):
    """``(mean, covariance)`` of the minibatch gradient at ``theta`` over *all* minibatches.

    Without replacement: every subset of ``batch_size`` of the ``N`` examples, equally likely;
    with replacement: every ordered ``batch_size``-tuple. Exact up to rounding; meant for the
    small ``N`` of source document 002 (``N = 5``).
    """
    G = problem.example_grads(theta)
    N = len(G)
    _validate.integer("batch_size", batch_size, 1)
    if replace:
        batches = itertools.product(range(N), repeat=batch_size)
    else:
        batches = itertools.combinations(range(N), batch_size)
    means = np.array([G[list(b)].mean(axis=0) for b in batches])
    mean = means.mean(axis=0)
    centred = means - mean
    return mean, centred.T @ centred / len(means)


def example_covariance(problem, theta) -> np.ndarray:
    """``Sigma``: the covariance (divided by ``N``) of the ``N`` per-example gradients at ``theta``."""
    G = problem.example_grads(theta)
    centred = G - G.mean(axis=0)
    return centred.T @ centred / len(G)


def minibatch_covariance(problem, theta, batch_size: int, replace: bool = False) -> np.ndarray:
    """The covariance of the minibatch gradient: ``Sigma/B`` with replacement,
    ``Sigma/B * (N - B)/(N - 1)`` without (chapter stochastic, Eq. (2))."""
    Sigma = example_covariance(problem, theta)
    N = len(problem.example_grads(theta))
    B = _validate.integer("batch_size", batch_size, 1)
    return Sigma / B if replace else Sigma / B * (N - B) / (N - 1)


def sampled_covariance(grad, theta, draws: int) -> np.ndarray:
    """The covariance of ``draws`` calls of the stochastic gradient ``grad`` at ``theta``.

    ``grad`` must accept ``draws`` copies of ``theta`` as an ``(draws, d)`` array (as
    :class:`adamcode.problems.MinibatchGradient` does) and return one gradient per row.
    """
    _validate.integer("draws", draws, 2)
    g = grad(np.tile(np.asarray(theta, dtype=float), (draws, 1)))
    centred = g - g.mean(axis=0)
    return centred.T @ centred / (draws - 1)


def sgd_noise_floor(H, C, lr: float) -> float:
    """SGD's stationary expected excess loss ``1/2 tr(H S)`` on a quadratic with Hessian ``H``.

    The error ``e_t = (I - lr H) e_{t-1} - lr xi_t`` with noise covariance ``C`` has stationary
    covariance ``S = (I - lr H) S (I - lr H) + lr**2 C``; for one coordinate
    ``S = lr sigma**2 / (h (2 - lr h))`` (chapter stochastic). Requires ``lr < 2 / h_max``.
    """
    H, C = np.atleast_2d(np.asarray(H, dtype=float)), np.atleast_2d(np.asarray(C, dtype=float))
    n = len(H)
    A = np.eye(n) - lr * H
    if np.max(np.abs(np.linalg.eigvalsh(A))) >= 1:
        raise ValueError(f"Invalid lr: lr={lr!r} (SGD is unstable on H: need lr < 2 / h_max)")
    S = np.linalg.solve(np.eye(n * n) - np.kron(A, A), (lr**2 * C).reshape(-1)).reshape(n, n)
    return 0.5 * float(np.trace(H @ S))


def with_noise(grad, sigma: float, seed: int = 0):
    """``grad(theta) + sigma * noise``, standard normal noise of ``theta``'s shape from ``default_rng(seed)``."""
    sigma = _validate.nonnegative("sigma", sigma, "noise level")
    rng = np.random.default_rng(seed)

    def noisy(theta):
        g = np.asarray(grad(theta), dtype=float)
        return g + sigma * rng.standard_normal(g.shape)

    return noisy


def adam_sharpness(opt, state, H) -> float:
    """``eta * h_max(P^-1 H)`` with Adam's preconditioner ``P = diag(sqrt(v_hat) + eps)`` from ``state``.

    With ``v_hat`` frozen, Adam is the EMA form of momentum on ``P^-1 H`` (chapter stochastic),
    stable only while this is below ``2 (1 + beta1)/(1 - beta1)`` (38 for ``beta1 = 0.9``).
    ``P^-1 H`` is similar to the symmetric ``P^-1/2 H P^-1/2``, whose largest eigenvalue is computed.
    """
    t = state.t
    if t < 1:
        raise ValueError(f"Invalid state: state.t={t!r} (need a state after at least one step)")
    v_hat = np.asarray(state.v, dtype=float) / (1 - opt.beta2**t)
    p = np.sqrt(v_hat) + opt.eps
    M = np.asarray(H, dtype=float) / np.sqrt(np.outer(p, p))
    return float(opt.lr_at(t) * np.linalg.eigvalsh(M).max())
