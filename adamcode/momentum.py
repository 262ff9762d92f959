"""Momentum in the exponential-moving-average form of the source documents, chapter "momentum"."""
from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from . import _inplace, _mechanics, _validate
from .base import Optimizer


class MomentumState(NamedTuple):
    """The EMA of the gradients after ``t`` steps, started at zero (the book's first moment ``m_t``; the field is ``v``)."""

    t: int
    v: np.ndarray


class Momentum(Optimizer):
    """Momentum as an EMA of the gradients (chapter momentum, Eq. (8)), the form Adam builds on.

    With learning rate ``lr`` (the book's tilde-eta) and :math:`\\lambda` = ``weight_decay``; the
    state field ``v`` holds the book's ``m_t``::

        g      <- g + lambda * theta                  (L2 regularisation)
        v      <- beta * v + (1 - beta) * g           (v = 0 before the first step)
        theta  <- theta - lr * v

    Relation to :class:`adamcode.SGD` (torch.optim.SGD), proved in the momentum chapter and
    checked in the tests:

    * ``Momentum(lr, beta)`` equals ``SGD(lr=lr*(1-beta), momentum=beta)`` (dampening 0)
      **exactly, at every step**: torch's buffer ``z_t = Sum_i beta**(t-i) g_i`` (the book's
      ``z``; torch's documentation writes ``b``) is ``v_t / (1 - beta)``. This is also the
      heavy-ball form ``V <- beta V + eta g`` (source document 004) with ``eta = lr * (1 - beta)``
      (for a constant lr; under an lr schedule the heavy-ball form differs from the other two).
    * It is **not** ``SGD(lr, momentum=beta, dampening=beta)``: torch's first step puts the
      undampened ``g_1`` in the buffer, while here ``v_1 = (1 - beta) g_1``. The difference
      never vanishes exactly: ``z_t = v_t + beta**t * g_1`` at every step ``t >= 1``, so the
      two trajectories differ from the first step on, by a term that decays like ``beta**t``.

    Parameters
    ----------
    lr : float, default 1e-2
        Learning rate (the book's tilde-eta), >= 0.
    beta : float, default 0.9
        Decay rate of the EMA, in [0, 1).
    weight_decay : float, default 0
        L2 penalty lambda, >= 0.
    """

    buffers = ("v",)

    def __init__(self, lr: float = 1e-2, beta: float = 0.9, weight_decay: float = 0.0):
        self.lr = _validate.lr(lr)
        self.beta = _validate.beta("beta", beta)
        self.weight_decay = _validate.weight_decay(weight_decay)
        self._hyper = dict(lr=self.lr, beta=self.beta, weight_decay=self.weight_decay)

    def _init(self, params: np.ndarray) -> MomentumState:
        return MomentumState(t=0, v=np.zeros_like(params))

    def _update(self, params: np.ndarray, g: np.ndarray, state: MomentumState):
        g = _mechanics.l2_gradient(g, params, self.weight_decay)
        v = _mechanics.ema(self.beta, state.v, g)
        return params - self.lr * v, MomentumState(t=state.t + 1, v=v)

    def step_(self, params, grads, state: MomentumState, block: Optional[int] = None) -> MomentumState:
        """One step **in place**: overwrites ``params`` and ``state.v``; returns the next state record.

        The same numbers as :meth:`adamcode.Optimizer.step`, bit for bit (chapter memory-and-speed)::

            g     <- g + lambda * theta
            v     <- beta * v + (1 - beta) * g
            theta <- theta - lr * v

        computed block by block with two scratch buffers of one block (no full-size temporary).
        ``params`` must be a writeable C-contiguous float array and ``grads`` a C-contiguous array
        of its shape (``ValueError`` naming the argument otherwise).
        """
        return _inplace.step_(self._block_update, params, grads, state, ("v",), scratch=2, block=block)

    def _block_update(self, t, p, g, v, s1, s2):
        g = _inplace.l2_gradient_(g, p, self.weight_decay, out=s2)
        _inplace.ema_(self.beta, v, g, s1)
        _inplace.subtract_scaled_(p, self.lr, v, s1)
