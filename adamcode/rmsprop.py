"""RMSProp (Tieleman and Hinton, 2012) with torch.optim.RMSprop's semantics, chapter "rmsprop"."""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import _mechanics, _validate
from .base import Optimizer, State


class RMSpropState(State):
    """RMSprop's state after ``t`` steps.

    ``v`` is the EMA of squared gradients (torch's ``square_avg``, source document 004's
    E[g^2]); ``g_avg`` the EMA of gradients (``centered=True`` only, torch's ``grad_avg``);
    ``momentum_buffer`` PyTorch's momentum buffer ``z`` (``momentum > 0`` only).
    """

    t: int
    v: np.ndarray
    g_avg: Optional[np.ndarray] = None
    momentum_buffer: Optional[np.ndarray] = None


class RMSprop(Optimizer):
    """RMSProp with torch.optim.RMSprop's arguments, defaults and update semantics (book, chapter rmsprop).

    In the book's notation the decay rate is :math:`\\beta_2` (torch's argument ``alpha``, the
    :math:`\\beta_2` of Adam), with learning rate :math:`\\eta` (``lr``; :math:`\\eta_t` =
    ``lr(t)`` for a schedule), momentum coefficient :math:`\\beta` (``momentum``), momentum
    buffer :math:`z` and :math:`\\lambda` = ``weight_decay``; step :math:`t` is::

        g      <- g + lambda * theta                  (L2 regularisation)
        v      <- beta2 * v + (1 - beta2) * g**2      (beta2 = alpha)
        s       = sqrt(v) + eps                       (no bias correction; eps after the sqrt)
        eps_in_sqrt:  s = sqrt(v + eps)               (source document 004, Keras, TensorFlow, Optax)
        centered:  g_avg <- beta2 * g_avg + (1 - beta2) * g;  s = sqrt(v - g_avg**2) + eps
        beta > 0:  z <- beta * z + g / s;  theta <- theta - eta_t * z
        beta = 0:  theta <- theta - eta_t * g / s

    Source document 004's RMSProp, ``theta - eta * g / sqrt(E[g^2] + eps)``, is
    ``RMSprop(lr=0.001, alpha=0.9, eps_in_sqrt=True)`` (chapter rmsprop compares the two
    placements of eps).

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    alpha : float, default 0.99
        Decay rate beta2 of the squared-gradient EMA, >= 0 (torch does not require < 1).
    eps : float, default 1e-8
        Added to the square root, >= 0.
    weight_decay : float, default 0
        L2 penalty lambda, >= 0.
    momentum : float, default 0
        Momentum coefficient beta, >= 0.
    centered : bool, default False
        Divide by an estimate of the standard deviation ``sqrt(v - g_avg**2)`` instead of the
        root mean square.
    eps_in_sqrt : bool, default False
        Add ``eps`` inside the square root, ``sqrt(v + eps)`` (with ``centered``:
        ``sqrt(v - g_avg**2 + eps)``), as source document 004, Keras and TensorFlow's ``ApplyRMSProp`` do.
        torch.optim.RMSprop has no such option; the default is torch's ``sqrt(v) + eps``.
    """

    buffers = ("v", "g_avg", "momentum_buffer")
    option_buffers = {"centered": ("g_avg",), "momentum": ("momentum_buffer",)}
    repr_only_if_set = ("eps_in_sqrt",)

    def __init__(self, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False,
                 eps_in_sqrt: bool = False):
        self.lr = _validate.lr(lr)
        self.alpha = _validate.nonnegative("alpha", alpha, "alpha value")
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.momentum = _validate.momentum(momentum)
        self.centered = bool(centered)
        self.eps_in_sqrt = bool(eps_in_sqrt)

    def _init(self, params: np.ndarray) -> RMSpropState:
        zeros = np.zeros_like(params)
        return RMSpropState(t=0, v=zeros, g_avg=zeros.copy() if self.centered else None,
                            momentum_buffer=zeros.copy() if self.momentum > 0 else None)

    def _update(self, params: np.ndarray, g: np.ndarray, state: RMSpropState):
        t = state.t + 1
        alpha, lr = self.alpha, self.lr_at(t)
        g = _mechanics.l2_gradient(g, params, self.weight_decay)
        v = _mechanics.ema(alpha, state.v, g * g)
        g_avg = None
        if self.centered:
            g_avg = _mechanics.ema(alpha, state.g_avg, g)
            square = v - g_avg * g_avg
        else:
            square = v
        s = np.sqrt(square + self.eps) if self.eps_in_sqrt else np.sqrt(square) + self.eps
        buf = None
        if self.momentum > 0:
            buf = self.momentum * state.momentum_buffer + g / s
            params = params - lr * buf
        else:
            params = params - lr * g / s
        return params, RMSpropState(t=t, v=v, g_avg=g_avg, momentum_buffer=buf)
