"""RAdam (Liu et al., 2020) with torch.optim.RAdam's semantics, chapter "schedules" of the book.

Adam's adaptive learning rate :math:`1/\\sqrt{\\hat v_t}` has a large variance in the first steps,
when :math:`v_t` averages only a few squared gradients. RAdam replaces it by plain momentum SGD
until the variance is finite and then multiplies Adam's step by the rectification term
:math:`r_t` (book, chapter schedules, Eqs. (5)-(9)):

.. math::

   \\rho_\\infty = \\frac{2}{1-\\beta_2} - 1, \\qquad
   \\rho_t = \\rho_\\infty - \\frac{2t\\beta_2^t}{1-\\beta_2^t}, \\qquad
   r_t = \\sqrt{\\frac{(\\rho_t-4)(\\rho_t-2)\\rho_\\infty}{(\\rho_\\infty-4)(\\rho_\\infty-2)\\rho_t}}

   \\theta_t = \\theta_{t-1} - \\eta\\,\\hat m_t\\, r_t \\frac{\\sqrt{1-\\beta_2^t}}{\\sqrt{v_t}+\\epsilon}
   \\quad\\text{if } \\rho_t > 5, \\qquad
   \\theta_t = \\theta_{t-1} - \\eta\\,\\hat m_t \\quad\\text{otherwise.}

The threshold 5 is torch's (and the authors' code's); Algorithm 2 of the paper writes 4.
"""
from __future__ import annotations

import math

import numpy as np

from . import _inplace, _mechanics, _validate
from .base import Optimizer, State

#: torch.optim.RAdam switches the rectification on when rho_t > 5 (the paper's Algorithm 2: > 4).
RHO_THRESHOLD = 5.0


def rectification(beta2: float, t: int, threshold: float = RHO_THRESHOLD):
    """``(rho_inf, rho_t, r_t)`` for step ``t``; ``r_t`` is ``None`` when ``rho_t <= threshold``.

    Computed in torch's order of operations, so the numbers are torch's.
    """
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * (beta2**t) / (1 - beta2**t)
    if rho_t > threshold:
        r = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        return rho_inf, rho_t, r
    return rho_inf, rho_t, None


class RAdamState(State):
    """RAdam's state after ``t`` steps: the moment estimates ``m`` (torch's ``exp_avg``) and ``v`` (``exp_avg_sq``)."""

    t: int
    m: np.ndarray
    v: np.ndarray


class RAdam(Optimizer):
    """RAdam with torch.optim.RAdam's arguments, defaults and update semantics (chapter schedules).

    Update rule, with :math:`\\lambda` = ``weight_decay`` (book, schedules)::

        g      <- g + lambda * theta            (L2; decoupled_weight_decay: theta <- theta * (1 - lr * lambda))
        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        m_hat   = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:  theta <- theta - lr * m_hat * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r_t
        else:          theta <- theta - lr * m_hat              (momentum SGD, no adaptive scaling)

    with ``r_t`` from :func:`adamcode.radam.rectification`. Note where eps sits: torch adds it to ``sqrt(v)``,
    *before* the bias correction ``sqrt(1 - beta2**t)`` multiplies, unlike Adam's
    ``sqrt(v_hat) + eps``. With the default ``beta2 = 0.999`` the first five steps
    (``t <= 5``) are unrectified; ``rho_t`` passes 5 at ``t = 6``.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate eta, >= 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates (beta1, beta2), each in [0, 1).
    eps : float, default 1e-8
        Added to ``sqrt(v)``, >= 0.
    weight_decay : float, default 0
        L2 penalty lambda (decoupled with ``decoupled_weight_decay=True``, as AdamW), >= 0.
    decoupled_weight_decay : bool, default False
        Shrink ``theta`` by ``1 - lr * lambda`` before the step instead of adding the L2 term
        (torch's flag of the same name).
    """

    buffers = ("m", "v")
    block_scratch = 3

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled_weight_decay: bool = False):
        self.lr = _validate.lr(lr)
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.decoupled_weight_decay = bool(decoupled_weight_decay)

    def _init(self, params: np.ndarray) -> RAdamState:
        zeros = np.zeros_like(params)
        return RAdamState(t=0, m=zeros, v=zeros.copy())

    def _update(self, params: np.ndarray, g: np.ndarray, state: RAdamState):
        t = state.t + 1
        beta1, beta2, lr, eps = self.beta1, self.beta2, self.lr_at(t), self.eps
        params, g = _mechanics.apply_weight_decay(params, g, lr, self.weight_decay, self.decoupled_weight_decay)
        m = _mechanics.ema(beta1, state.m, g)
        v = _mechanics.ema(beta2, state.v, g * g)
        m_hat = m / _mechanics.bias_correction(beta1, t)
        _, _, r = rectification(beta2, t)
        if r is None:
            params = params - m_hat * lr
        else:
            adaptive = math.sqrt(_mechanics.bias_correction(beta2, t)) / (np.sqrt(v) + eps)
            params = params - m_hat * lr * adaptive * r
        return params, RAdamState(t=t, m=m, v=v)

    def _block_update(self, t, lr, p, g, scratch, m, v):
        """RAdam's step on one block (``step_``, chapter memory-and-speed), in the order of :meth:`_update`."""
        s1, s2, s3 = scratch
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        _inplace.decay_and_moments_(self, lr, p, g, m, v, s1, s3)
        np.divide(m, _mechanics.bias_correction(beta1, t), out=s1)      # m_hat
        np.multiply(s1, lr, out=s1)                                     # m_hat * lr
        _, _, r = rectification(beta2, t)
        if r is not None:
            np.sqrt(v, out=s2)
            np.add(s2, eps, out=s2)
            np.divide(math.sqrt(_mechanics.bias_correction(beta2, t)), s2, out=s2)   # adaptive lr
            np.multiply(s1, s2, out=s1)
            np.multiply(s1, r, out=s1)
        np.subtract(p, s1, out=p)
