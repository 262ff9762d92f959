"""Momentum in the exponential-moving-average form of the source documents, chapter "momentum"."""
from __future__ import annotations

import numpy as np

from . import _inplace, _mechanics, _validate
from .base import Optimizer, State


class MomentumState(State):
    """The momentum ``m`` (the EMA of the gradients, started at zero; the book's :math:`m_t`) after ``t`` steps.

    ``v`` is the former name of the same array (read-only alias, kept so older code runs).
    """

    t: int
    m: np.ndarray

    @property
    def v(self) -> np.ndarray:
        return self.m


class Momentum(Optimizer):
    """Momentum as an EMA of the gradients (book, chapter momentum), the form of the source documents.

    With learning rate :math:`\\eta` (``lr``; :math:`\\eta_t` = ``lr(t)`` for a schedule), momentum
    coefficient :math:`\\beta` (``beta``) and :math:`\\lambda` = ``weight_decay``, step :math:`t` is::

        g      <- g + lambda * theta                  (L2 regularisation)
        m      <- beta * m + (1 - beta) * g           (m = 0 before the first step)
        theta  <- theta - eta_t * m

    Relation to :class:`adamcode.SGD` (torch.optim.SGD), proved in the momentum chapter and
    checked in the tests:

    * ``Momentum(lr, beta)`` equals ``SGD(lr=lr*(1-beta), momentum=beta)`` (dampening 0)
      **exactly, at every step**: PyTorch's buffer ``z_t = Sum_i beta**(t-i) g_i`` is
      ``m_t / (1 - beta)``. This is also the heavy-ball form ``V <- beta V + eta g`` of source
      document 004 with ``eta = lr * (1 - beta)`` (for a constant lr; under an lr schedule the
      forms differ).
    * It is **not** ``SGD(lr, momentum=beta, dampening=beta)``: PyTorch's first step puts the
      undampened ``g_1`` in the buffer, while here ``m_1 = (1 - beta) g_1``. The difference
      never vanishes exactly: ``z_t = m_t + beta**t * g_1`` at every step ``t >= 1``, so the
      two trajectories differ from the first step on, by a term that decays like ``beta**t``.

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    beta : float, default 0.9
        Decay rate of the EMA, in [0, 1).
    weight_decay : float, default 0
        L2 penalty lambda, >= 0.
    """

    buffers = ("m",)
    block_scratch = 2

    def __init__(self, lr: float = 1e-2, beta: float = 0.9, weight_decay: float = 0.0):
        self.lr = _validate.lr(lr)
        self.beta = _validate.beta("beta", beta)
        self.weight_decay = _validate.weight_decay(weight_decay)

    def _init(self, params: np.ndarray) -> MomentumState:
        return MomentumState(t=0, m=np.zeros_like(params))

    def _update(self, params: np.ndarray, g: np.ndarray, state: MomentumState):
        t = state.t + 1
        g = _mechanics.l2_gradient(g, params, self.weight_decay)
        m = _mechanics.ema(self.beta, state.m, g)
        return params - self.lr_at(t) * m, MomentumState(t=t, m=m)

    def _block_update(self, t, lr, p, g, scratch, m):
        """:meth:`_update` on one block, in place, with two scratch blocks (chapter memory-and-speed)."""
        s1, s2 = scratch
        g = _inplace.l2_gradient_(g, p, self.weight_decay, out=s2)
        _inplace.ema_(self.beta, m, g, s1)
        _inplace.subtract_scaled_(p, lr, m, s1)
