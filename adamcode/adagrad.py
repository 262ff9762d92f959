"""AdaGrad (Duchi, Hazan and Singer, 2011) with torch.optim.Adagrad's semantics, chapter "rmsprop"."""
from __future__ import annotations

import numpy as np

from . import _mechanics, _validate
from .base import Optimizer, State


class AdagradState(State):
    """The running sum of squared gradients ``sum_sq`` (torch's ``state["sum"]``) after ``t`` steps."""

    t: int
    sum_sq: np.ndarray


class Adagrad(Optimizer):
    """AdaGrad with torch.optim.Adagrad's arguments, defaults and update semantics (book, chapter rmsprop).

    Per coordinate, with learning rate :math:`\\eta` (``lr``; :math:`\\eta_t` = ``lr(t)`` for a
    schedule), :math:`\\lambda` = ``weight_decay`` and the sum of squared gradients :math:`G`
    (``sum_sq``, torch's ``state["sum"]``), step :math:`t` is::

        g      <- g + lambda * theta                  (L2 regularisation)
        G      <- G + g**2                            (G starts at initial_accumulator_value)
        theta  <- theta - eta_t / (1 + (t - 1) * lr_decay) * g / (sqrt(G) + eps)

    Each coordinate's step shrinks like ``1/sqrt(t)`` for gradients of constant size.

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    lr_decay : float, default 0
        Learning-rate decay, >= 0.
    weight_decay : float, default 0
        L2 penalty lambda, >= 0.
    initial_accumulator_value : float, default 0
        Starting value of ``G``, >= 0.
    eps : float, default 1e-10
        Added to ``sqrt(G)``, >= 0.
    """

    buffers = ("sum_sq",)

    def __init__(self, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        self.lr = _validate.lr(lr)
        self.lr_decay = _validate.nonnegative("lr_decay", lr_decay, "lr_decay value")
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.initial_accumulator_value = _validate.nonnegative(
            "initial_accumulator_value", initial_accumulator_value, "initial_accumulator_value value")
        self.eps = _validate.eps(eps)

    def _init(self, params: np.ndarray) -> AdagradState:
        return AdagradState(t=0, sum_sq=np.full_like(params, self.initial_accumulator_value))

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdagradState):
        t = state.t + 1
        g = _mechanics.l2_gradient(g, params, self.weight_decay)
        lr_t = self.lr_at(t) / (1 + (t - 1) * self.lr_decay)
        sum_sq = state.sum_sq + g * g
        params = params - lr_t * g / (np.sqrt(sum_sq) + self.eps)
        return params, AdagradState(t=t, sum_sq=sum_sq)
