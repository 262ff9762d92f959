"""NAdam (Dozat, 2016): Adam with Nesterov momentum, torch.optim.NAdam's form, chapter "beyond-adam"."""
from __future__ import annotations

import numpy as np

from . import _mechanics, _validate
from .base import Optimizer, State


class NAdamState(State):
    """NAdam's state after ``t`` steps: ``m``, ``v`` and ``mu_product`` (torch's name), the product beta1_1 ... beta1_t of the momentum schedule."""

    t: int
    m: np.ndarray
    v: np.ndarray
    mu_product: float = 1.0


def mu_schedule(beta1: float, momentum_decay: float, t: int) -> float:
    """Dozat's momentum schedule as in torch, the book's :math:`\\beta_{1,t}` (Dozat's and torch's mu_t).

    ``beta1_t = beta1 * (1 - 0.5 * 0.96**(t * psi))`` with :math:`\\psi` = ``momentum_decay``.
    """
    return beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))


class NAdam(Optimizer):
    """NAdam with torch.optim.NAdam's arguments, defaults and update semantics (book, chapter beyond-adam).

    With learning rate :math:`\\eta` (``lr``; :math:`\\eta_t` = ``lr(t)`` for a schedule),
    :math:`\\lambda` = ``weight_decay``, :math:`\\psi` = ``momentum_decay`` and the momentum
    schedule :math:`\\beta_{1,t}` (Dozat's and torch's mu_t), step :math:`t` is::

        g      <- g + lambda * theta                  (L2; decoupled_weight_decay: theta <- theta * (1 - eta_t * lambda))
        beta1_t = beta1 * (1 - 0.5 * 0.96**(t * psi))       and beta1_{t+1} likewise
        prod_t  = beta1_1 * beta1_2 * ... * beta1_t         (mu_product)
        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        v_hat   = v / (1 - beta2**t)
        theta  <- theta - eta_t * (1 - beta1_t) / (1 - prod_t) * g / (sqrt(v_hat) + eps)
                        - eta_t * beta1_{t+1} / (1 - prod_t * beta1_{t+1}) * m / (sqrt(v_hat) + eps)

    The first-moment "bias corrections" are the products of the schedule, not
    ``1 - beta1**t``; ``m`` itself still averages with the constant ``beta1``.

    Parameters
    ----------
    lr : float or callable, default 2e-3
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    betas : (float, float), default (0.9, 0.999)
        Decay rates (beta1, beta2), each in [0, 1).
    eps : float, default 1e-8
        Added to ``sqrt(v_hat)``, >= 0.
    weight_decay : float, default 0
        Weight decay lambda, >= 0 (L2 unless ``decoupled_weight_decay``).
    momentum_decay : float, default 4e-3
        psi of the momentum schedule beta1_t, >= 0.
    decoupled_weight_decay : bool, default False
        Decay the parameters directly, as AdamW does (torch's flag; "NAdamW").
    """

    buffers = ("m", "v")

    def __init__(self, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False):
        self.lr = _validate.lr(lr)
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.momentum_decay = _validate.nonnegative("momentum_decay", momentum_decay,
                                                    "momentum_decay value")
        self.decoupled_weight_decay = bool(decoupled_weight_decay)

    def _init(self, params: np.ndarray) -> NAdamState:
        zeros = np.zeros_like(params)
        return NAdamState(t=0, m=zeros, v=zeros.copy(), mu_product=1.0)

    def _update(self, params: np.ndarray, g: np.ndarray, state: NAdamState):
        t = state.t + 1
        beta1, beta2, lr = self.beta1, self.beta2, self.lr_at(t)
        params, g = _mechanics.apply_weight_decay(
            params, g, lr, self.weight_decay, self.decoupled_weight_decay)
        mu = mu_schedule(beta1, self.momentum_decay, t)
        mu_next = mu_schedule(beta1, self.momentum_decay, t + 1)
        mu_product = state.mu_product * mu
        m = _mechanics.ema(beta1, state.m, g)
        v = _mechanics.ema(beta2, state.v, g * g)
        denom = np.sqrt(v / _mechanics.bias_correction(beta2, t)) + self.eps
        params = params - (lr * (1 - mu) / (1 - mu_product)) * g / denom
        params = params - (lr * mu_next / (1 - mu_product * mu_next)) * m / denom
        return params, NAdamState(t=t, m=m, v=v, mu_product=mu_product)
