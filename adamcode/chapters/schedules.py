"""The variance of Adam's adaptive learning rate, RAdam's warmup, Adadelta's growing step
(book, chapter schedules).

* :func:`adaptive_lr_variance` -- the measured variance of Adam's adaptive learning rate ``1/sqrt(v_hat_t)`` over many
  independent coordinates fed standard normal gradients (Liu et al.'s argument for warmup).
* :func:`sma_variance` -- Liu et al.'s first-order approximation of that variance for an
  average of ``rho`` squared gradients, ``rho / (2 (rho - 2)(rho - 4))`` (per unit ``sigma**2``).
* :func:`first_rectified_step` -- the first step ``t`` whose ``rho_t`` exceeds a threshold
  (torch: 5, the paper: 4).
* :func:`step_rms` -- the root mean square of an optimizer's step when the gradient is pure noise.
* :func:`adadelta_constant_gradient_step` -- Adadelta's step for a constant gradient once ``v``
  has converged: ``sqrt(eps (1 + (t - 1)(1 - rho)))``.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _validate
from ..adam import Adam
from ..radam import rectification


def adaptive_lr_variance(beta2: float, T: int, runs: int = 20000, seed: int = 0) -> np.ndarray:
    """``Var[1/sqrt(v_hat_t)]`` for ``t = 1..T``, measured over ``runs`` coordinates with
    independent standard normal gradients (Adam's ``v_hat``, bias-corrected; ``eps`` not added)."""
    _validate.integer("T", T, 1)
    _validate.integer("runs", runs, 2)
    rng = np.random.default_rng(seed)
    opt = Adam(lr=0.0, betas=(0.9, beta2))
    state = opt.init(np.zeros(runs))
    out = np.empty(T)
    for t in range(1, T + 1):
        _, state = opt.step(np.zeros(runs), rng.standard_normal(runs), state)
        out[t - 1] = np.var(1 / np.sqrt(state.v / (1 - beta2**t)))
    return out


def sma_variance(rho):
    """Liu et al.'s approximation ``Var[1/sqrt(v)] ~ rho / (2 (rho - 2)(rho - 4))`` (sigma = 1), ``inf`` for ``rho <= 4``."""
    rho = np.asarray(rho, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rho > 4, rho / (2 * (rho - 2) * (rho - 4)), np.inf)


def first_rectified_step(beta2: float, threshold: float = 5.0) -> int:
    """The first ``t`` with ``rho_t > threshold`` (torch.optim.RAdam: 5; Liu et al.'s Algorithm 2: 4)."""
    _validate.beta("beta2", beta2)
    if not 0 < threshold < 2 / (1 - beta2) - 1:
        raise ValueError(f"Invalid threshold: threshold={threshold!r} (must be in (0, rho_inf))")
    t = 1
    while rectification(beta2, t, threshold)[2] is None:
        t += 1
    return t


def step_rms(opt, T: int, scale: float = 1.0, runs: int = 5000, seed: int = 0) -> np.ndarray:
    """RMS over ``runs`` coordinates of the step ``Delta_t`` for ``t = 1..T`` when every gradient is
    ``scale`` times standard normal noise (the parameters do not enter the gradient)."""
    _validate.integer("T", T, 1)
    rng = np.random.default_rng(seed)
    theta = np.zeros(runs)
    state = opt.init(theta)
    out = np.empty(T)
    for t in range(1, T + 1):
        new, state = opt.step(theta, scale * rng.standard_normal(runs), state)
        out[t - 1] = math.sqrt(float(np.mean((new - theta) ** 2)))
        theta = new
    return out


def adadelta_constant_gradient_step(t, rho: float = 0.9, eps: float = 1e-6):
    """``sqrt(eps (1 + (t - 1)(1 - rho)))``: Adadelta's step (lr = 1) at step ``t`` for a constant gradient
    when ``v`` already equals ``g**2`` (chapter schedules): it grows like ``sqrt(t)``, a built-in warmup."""
    t = np.asarray(t, dtype=float)
    return np.sqrt(eps * (1 + (t - 1) * (1 - rho)))
