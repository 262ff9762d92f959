"""Adamax (Kingma and Ba, 2015, section 7.1), the infinity-norm Adam, chapter "beyond-adam"."""
from __future__ import annotations

import numpy as np

from . import _mechanics, _validate
from .base import Optimizer, State


class AdamaxState(State):
    """The first moment ``m`` and the exponentially weighted infinity norm ``u`` after ``t`` steps."""

    t: int
    m: np.ndarray
    u: np.ndarray


class Adamax(Optimizer):
    """Adamax with torch.optim.Adamax's arguments, defaults and update semantics (book, chapter beyond-adam).

    With learning rate :math:`\\eta` (``lr``; :math:`\\eta_t` = ``lr(t)`` for a schedule),
    :math:`\\lambda` = ``weight_decay`` and the exponentially weighted infinity norm :math:`u`
    (torch's ``exp_inf``), step :math:`t` is::

        g      <- g + lambda * theta                  (L2 regularisation)
        m      <- beta1 * m + (1 - beta1) * g
        u      <- max(beta2 * u, |g| + eps)           (eps inside the max, as torch)
        theta  <- theta - eta_t / (1 - beta1**t) * m / u

    Only ``m`` is bias-corrected: ``u`` is a maximum, not an average, so it has no bias towards
    zero. The paper's Algorithm 2 has no eps; torch adds it to ``|g|`` inside the max.

    Parameters
    ----------
    lr : float or callable, default 2e-3
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    betas : (float, float), default (0.9, 0.999)
        Decay rates (beta1, beta2), each in [0, 1).
    eps : float, default 1e-8
        Added to ``|g|`` inside the maximum, >= 0.
    weight_decay : float, default 0
        L2 penalty lambda, >= 0.
    """

    buffers = ("m", "u")

    def __init__(self, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        self.lr = _validate.lr(lr)
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)

    def _init(self, params: np.ndarray) -> AdamaxState:
        zeros = np.zeros_like(params)
        return AdamaxState(t=0, m=zeros, u=zeros.copy())

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdamaxState):
        t = state.t + 1
        g = _mechanics.l2_gradient(g, params, self.weight_decay)
        m = _mechanics.ema(self.beta1, state.m, g)
        u = np.maximum(self.beta2 * state.u, np.abs(g) + self.eps)
        step_size = self.lr_at(t) / _mechanics.bias_correction(self.beta1, t)
        return params - step_size * m / u, AdamaxState(t=t, m=m, u=u)
