"""Stochastic gradient descent with torch.optim.SGD's momentum, chapters "gradient-descent" and "momentum"."""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import _mechanics, _validate
from .base import Optimizer, State


class SGDState(State):
    """SGD's state after ``t`` steps; ``momentum_buffer`` (torch's name; the book's z_t) is ``None`` without momentum.

    Before the first step the buffer holds zeros that are never read: the first step sets it
    to the gradient itself, as torch.optim.SGD does.
    """

    t: int
    momentum_buffer: Optional[np.ndarray] = None


class SGD(Optimizer):
    """Gradient descent with torch.optim.SGD's arguments, defaults and update semantics.

    Chapters gradient-descent (``momentum=0``) and momentum. In the book's notation, with learning
    rate :math:`\\eta` (``lr``; :math:`\\eta_t` = ``lr(t)`` for a schedule), momentum coefficient
    :math:`\\beta` (``momentum``, torch's :math:`\\mu`), ``dampening`` (PyTorch's documentation writes :math:`\\tau`),
    :math:`\\lambda` = ``weight_decay`` and PyTorch's momentum buffer :math:`z_t`
    (``momentum_buffer``; PyTorch's documentation writes :math:`b_t`), step :math:`t` is::

        g      <- g + lambda * theta                  (L2 regularisation)
        z      <- g                                   at the first step (t = 1): no dampening
        z      <- beta * z + (1 - dampening) * g      at every later step
        d       = g + beta * z   if nesterov else z   (d = g when beta = 0)
        theta  <- theta - eta_t * d

    With ``dampening=0`` this is the heavy-ball form ``V <- beta V + eta g; theta <- theta - V``
    of source document 004 with ``V = eta z`` (book, chapter momentum). The EMA form ``m_t = beta m_{t-1} + (1 - beta) g_t`` is :class:`adamcode.Momentum`;
    it equals ``SGD(lr=lr*(1-beta), momentum=beta)`` exactly.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    momentum : float, default 0
        Momentum coefficient beta, >= 0 (0 turns the buffer off).
    dampening : float, default 0
        Dampening of the gradient in the buffer update (any finite number, as in torch);
        not applied at the first step.
    weight_decay : float, default 0
        L2 penalty lambda, >= 0.
    nesterov : bool, default False
        Nesterov momentum; requires ``momentum > 0`` and ``dampening == 0``.
    """

    buffers = ("momentum_buffer",)
    option_buffers = {"momentum": ("momentum_buffer",)}

    def __init__(self, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False):
        self.lr = _validate.lr(lr)
        self.momentum = _validate.momentum(momentum)
        self.dampening = _validate.finite("dampening", dampening, "dampening value")
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening: "
                f"momentum={momentum!r}, dampening={dampening!r} (need momentum > 0, dampening == 0)"
            )

    def _init(self, params: np.ndarray) -> SGDState:
        return SGDState(t=0, momentum_buffer=np.zeros_like(params) if self.momentum else None)

    def _update(self, params: np.ndarray, g: np.ndarray, state: SGDState):
        t = state.t + 1
        g = _mechanics.l2_gradient(g, params, self.weight_decay)
        buf = None
        d = g
        if self.momentum:
            if state.t == 0:
                buf = g.copy()
            else:
                buf = self.momentum * state.momentum_buffer + (1 - self.dampening) * g
            d = g + self.momentum * buf if self.nesterov else buf
        return params - self.lr_at(t) * d, SGDState(t=t, momentum_buffer=buf)
