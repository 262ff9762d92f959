"""Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), chapter "beyond-adam"."""
from __future__ import annotations

import numpy as np

from . import _inplace, _mechanics, _validate
from .base import Optimizer, State


class LionState(State):
    """Lion's single buffer, the momentum ``m``, after ``t`` steps."""

    t: int
    m: np.ndarray


class Lion(Optimizer):
    """Lion, EvoLved Sign Momentum (Chen et al. 2023, Algorithm 2), book, chapter beyond-adam.

    Not in torch.optim; names and defaults follow the authors' reference code. In the book's
    notation ``betas = (beta_c, beta)``: the interpolation weight :math:`\\beta_c` of the update
    direction and the momentum coefficient :math:`\\beta` (the paper's beta1, beta2); with
    learning rate :math:`\\eta` (``lr``; :math:`\\eta_t` = ``lr(t)`` for a schedule) and
    :math:`\\lambda` = ``weight_decay``, step :math:`t` is::

        g~     = beta_c * m + (1 - beta_c) * g        (the book's tilde g_t, the paper's c_t)
        theta <- theta * (1 - eta_t * lambda)         (decoupled weight decay)
        theta <- theta - eta_t * sign(g~)             (every coordinate moves by exactly eta_t)
        m     <- beta * m + (1 - beta) * g            (the one state buffer)

    that is ``theta <- theta - eta_t * (sign(g~) + lambda * theta)``. One buffer instead of
    Adam's two; ``sign(0) = 0``.

    Parameters
    ----------
    lr : float or callable, default 1e-4
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
        (typically 3-10 times smaller than Adam's).
    betas : (float, float), default (0.9, 0.99)
        (beta_c, beta): beta_c for the step's interpolation, beta for the buffer, each in [0, 1)
        (attributes ``beta1``, ``beta2``, the paper's names).
    weight_decay : float, default 0
        Decoupled weight decay lambda, >= 0.
    """

    buffers = ("m",)
    block_scratch = 2

    def __init__(self, lr: float = 1e-4, betas: tuple[float, float] = (0.9, 0.99),
                 weight_decay: float = 0.0):
        self.lr = _validate.lr(lr)
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.weight_decay = _validate.weight_decay(weight_decay)

    def _init(self, params: np.ndarray) -> LionState:
        return LionState(t=0, m=np.zeros_like(params))

    def _update(self, params: np.ndarray, g: np.ndarray, state: LionState):
        t = state.t + 1
        lr = self.lr_at(t)
        c = _mechanics.ema(self.beta1, state.m, g)
        params = _mechanics.decoupled_decay(params, lr, self.weight_decay)
        params = params - lr * np.sign(c)
        m = _mechanics.ema(self.beta2, state.m, g)
        return params, LionState(t=t, m=m)

    def _block_update(self, t, lr, p, g, scratch, m):
        """:meth:`_update` on one block, in place, with two scratch blocks (chapter memory-and-speed)."""
        s1, s2 = scratch
        _inplace.ema_(self.beta1, m, g, s2, out=s1)                     # c
        np.sign(s1, out=s1)
        _inplace.decoupled_decay_(p, lr, self.weight_decay)
        _inplace.subtract_scaled_(p, lr, s1, s1)
        _inplace.ema_(self.beta2, m, g, s2)                             # m
