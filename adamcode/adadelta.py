"""Adadelta (Zeiler, 2012) with torch.optim.Adadelta's semantics, chapter "schedules" of the book.

Adadelta keeps two EMAs with the same decay :math:`\\beta_2` (torch's ``rho``): :math:`v_t` of the
squared gradients, as RMSProp, and :math:`d_t` of the squared steps. The step divides the
gradient by the RMS of the gradients and multiplies it by the RMS of the previous steps, so it
carries the units of :math:`\\theta` without a learning rate (Zeiler's "units" argument):

.. math::

   v_t &= \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2 \\\\
   \\Delta_t &= \\frac{\\sqrt{d_{t-1}+\\epsilon}}{\\sqrt{v_t+\\epsilon}}\\, g_t \\\\
   d_t &= \\beta_2 d_{t-1} + (1-\\beta_2) \\Delta_t^2 \\\\
   \\theta_t &= \\theta_{t-1} - \\eta\\,\\Delta_t
"""
from __future__ import annotations


import numpy as np

from . import _inplace, _mechanics, _validate
from .base import Optimizer, State


class AdadeltaState(State):
    """Adadelta's state after ``t`` steps: ``v`` (torch's ``square_avg``) and ``d`` (``acc_delta``)."""

    t: int
    v: np.ndarray
    d: np.ndarray


class Adadelta(Optimizer):
    """Adadelta with torch.optim.Adadelta's arguments, defaults and update semantics (chapter schedules).

    With decay :math:`\\beta_2` = ``rho`` and :math:`\\lambda` = ``weight_decay``::

        g      <- g + lambda * theta                       (L2 regularisation)
        v      <- rho * v + (1 - rho) * g**2
        delta   = sqrt(d + eps) / sqrt(v + eps) * g          (eps inside both square roots)
        d      <- rho * d + (1 - rho) * delta**2
        theta  <- theta - lr * delta

    Zeiler's method has no learning rate: that is ``lr=1.0``, torch's default. ``eps`` is not
    only a guard against division by zero: at the first step ``d = 0`` and the step is
    ``sqrt(eps) * g / sqrt(v + eps)``, so ``eps`` sets the initial step size (about
    ``sqrt(eps / (1 - rho))`` = 3.2e-3 for the defaults).

    Parameters
    ----------
    lr : float, default 1.0
        Multiplies the step, >= 0.
    rho : float, default 0.9
        Decay rate beta2 of both averages, in [0, 1] (torch allows 1).
    eps : float, default 1e-6
        Added inside both square roots, >= 0.
    weight_decay : float, default 0
        L2 penalty lambda, >= 0.
    """

    buffers = ("v", "d")
    block_scratch = 3

    def __init__(self, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0.0):
        self.lr = _validate.lr(lr)
        if not _validate._is_number(rho) or not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: rho={rho!r} (must be in [0, 1])")
        self.rho = float(rho)
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)

    def _init(self, params: np.ndarray) -> AdadeltaState:
        zeros = np.zeros_like(params)
        return AdadeltaState(t=0, v=zeros, d=zeros.copy())

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdadeltaState):
        rho, eps, lr = self.rho, self.eps, self.lr_at(state.t + 1)
        g = _mechanics.l2_gradient(g, params, self.weight_decay)
        v = _mechanics.ema(rho, state.v, g * g)
        delta = np.sqrt(state.d + eps) / np.sqrt(v + eps) * g
        d = _mechanics.ema(rho, state.d, delta * delta)
        return params - lr * delta, AdadeltaState(t=state.t + 1, v=v, d=d)

    def _block_update(self, t, lr, p, g, scratch, v, d):
        """Adadelta's step on one block (``step_``, chapter memory-and-speed), in the order of :meth:`_update`."""
        s1, s2, s3 = scratch
        rho, eps = self.rho, self.eps
        g = _inplace.l2_gradient_(g, p, self.weight_decay, out=s3)
        np.multiply(g, g, out=s1)
        _inplace.ema_(rho, v, s1, s1)                                   # v
        np.add(d, eps, out=s1)
        np.sqrt(s1, out=s1)                                             # sqrt(d + eps)
        np.add(v, eps, out=s2)
        np.sqrt(s2, out=s2)                                             # sqrt(v + eps)
        np.divide(s1, s2, out=s1)
        np.multiply(s1, g, out=s1)                                      # delta
        np.multiply(s1, s1, out=s2)
        _inplace.ema_(rho, d, s2, s2)                                   # d
        np.multiply(s1, lr, out=s1)
        np.subtract(p, s1, out=p)
