"""Per-coordinate step sizes and moving-average weights (book, chapter rmsprop).

* :func:`ema_weights` -- the weights ``(1 - beta) * beta**(t - i)``, ``i = 1..t``, that an
  exponential moving average started at zero gives its inputs; they sum to ``1 - beta**t``.
* :func:`effective_lr` -- the per-coordinate learning rate an AdaGrad or RMSProp step applied
  to its gradient, so that ``theta_t = theta_{t-1} - effective_lr * g_t``.
"""
from __future__ import annotations

import numpy as np

from .. import _validate
from ..adagrad import Adagrad, AdagradState
from ..rmsprop import RMSprop, RMSpropState


def ema_weights(beta: float, t: int) -> np.ndarray:
    """The weights of an EMA started at zero after ``t`` steps (chapter rmsprop, unrolled EMA).

    ``v_t = beta v_{t-1} + (1 - beta) x_t`` with ``v_0 = 0`` is ``Sum_{i=1}^{t} w_i x_i`` with::

        w_i = (1 - beta) * beta**(t - i),   i = 1, ..., t      (oldest input first)

    and ``Sum_i w_i = 1 - beta**t``. ``beta`` must lie in [0, 1) and ``t`` be an integer >= 0.
    """
    beta = _validate.beta("beta", beta)
    _validate.integer("t", t, 0)
    ages = np.arange(t - 1, -1, -1, dtype=float)          # t - i for i = 1..t
    return (1.0 - beta) * beta**ages


def effective_lr(opt, state) -> np.ndarray:
    """The per-coordinate learning rate of the step that produced ``state`` (chapter rmsprop).

    With ``g_t`` the gradient of step ``t`` (after any L2 term), the step was
    ``theta_t = theta_{t-1} - effective_lr * g_t`` with::

        Adagrad:  lr / (1 + (t - 1) * lr_decay) / (sqrt(G_t) + eps)        (G_t = state.sum_sq)
        RMSprop:  lr / (sqrt(v_t) + eps)      or  lr / sqrt(v_t + eps)      (eps_in_sqrt)
        centered: v_t replaced by v_t - g_avg_t**2

    Raises ``ValueError`` for any other optimizer, for RMSprop with momentum (its step is not
    a multiple of ``g_t``), for a state from another optimizer, and before the first step.
    """
    if isinstance(opt, Adagrad):
        if not isinstance(state, AdagradState):
            raise ValueError(f"Invalid state: state={type(state).__name__} (need an AdagradState)")
        if state.t < 1:
            raise ValueError(f"Invalid state: state.t={state.t} (no step has been taken)")
        lr_t = opt.lr_at(state.t) / (1 + (state.t - 1) * opt.lr_decay)
        return lr_t / (np.sqrt(state.sum_sq) + opt.eps)
    if isinstance(opt, RMSprop):
        if opt.momentum > 0:
            raise ValueError(f"Invalid optimizer: momentum={opt.momentum!r} (the step is not lr_eff * g)")
        if not isinstance(state, RMSpropState):
            raise ValueError(f"Invalid state: state={type(state).__name__} (need an RMSpropState)")
        if state.t < 1:
            raise ValueError(f"Invalid state: state.t={state.t} (no step has been taken)")
        square = state.v - state.g_avg**2 if opt.centered else state.v
        if opt.eps_in_sqrt:
            return opt.lr_at(state.t) / np.sqrt(square + opt.eps)
        return opt.lr_at(state.t) / (np.sqrt(square) + opt.eps)
    raise ValueError(f"Invalid optimizer: opt={opt!r} (effective_lr needs Adagrad or RMSprop)")
