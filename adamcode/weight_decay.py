"""Weight decay: L2 regularisation versus decoupled weight decay, and how to convert settings.

Chapter "adamw" of the book. Symbols: :math:`\\eta` is the learning rate, :math:`\\lambda` the
``weight_decay`` argument of ``adamcode``/PyTorch/Optax/Keras (decay :math:`\\eta\\lambda` per step),
:math:`\\lambda_p` the weight decay of Loshchilov and Hutter (2019), :math:`\\alpha` their base
learning rate and :math:`\\eta_t` their schedule multiplier.

* :class:`AdamWPaper` -- Algorithm 2 of Loshchilov and Hutter, with the schedule multiplier.
* :func:`decoupled_sgd_step` -- their Eq. (1), ``(1 - lambda_p) theta - lr g``.
* :func:`l2_equivalent_for_sgd` -- their Proposition 1, ``lambda' = lambda_p / lr``.
* :func:`paper_to_framework` and :func:`framework_to_paper` -- ``lambda = lambda_p / alpha``.
* :func:`alternating_gradient` -- a zero-mean gradient of a chosen size per coordinate.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from . import _mechanics, _validate
from .adam import AdamState
from .base import Optimizer


def paper_to_framework(lambda_p: float, alpha: float) -> float:
    """The ``weight_decay`` of PyTorch/Optax/Keras AdamW that reproduces the paper's ``lambda_p``.

    The paper decays by ``eta_t * lambda_p`` per step, the frameworks by ``lr_t * weight_decay``
    with ``lr_t = alpha * eta_t``, so ``weight_decay = lambda_p / alpha`` (book, AdamW,
    Eq. (9)). ``alpha`` must be > 0 and ``lambda_p`` >= 0.
    """
    lambda_p = _validate.nonnegative("lambda_p", lambda_p, "weight decay")
    return lambda_p / _validate.positive("alpha", alpha, "learning rate")


def framework_to_paper(weight_decay: float, alpha: float) -> float:
    """The paper's ``lambda_p = alpha * weight_decay`` for a framework's ``weight_decay`` and base lr ``alpha``."""
    weight_decay = _validate.weight_decay(weight_decay)
    return _validate.positive("alpha", alpha, "learning rate") * weight_decay


def l2_equivalent_for_sgd(lambda_p: float, lr: float) -> float:
    """Proposition 1 of Loshchilov and Hutter: the L2 coefficient ``lambda' = lambda_p / lr``.

    Plain SGD with decoupled decay, ``theta <- (1 - lambda_p) theta - lr g``, takes exactly the
    steps of SGD on ``L + lambda'/2 ||theta||^2`` (book, AdamW, Eq. (6)). No such coefficient
    exists for Adam.
    """
    lambda_p = _validate.nonnegative("lambda_p", lambda_p, "weight decay")
    return lambda_p / _validate.positive("lr", lr, "learning rate")


def decoupled_sgd_step(params, grads, lr: float, lambda_p: float) -> np.ndarray:
    """One step of SGD with decoupled weight decay (the paper's Eq. (1)): ``(1 - lambda_p) theta - lr g``.

    ``lambda_p`` is the decay per step (not multiplied by ``lr``); it must lie in ``[0, 1]``.
    Returns the new parameters; the inputs are not modified.
    """
    lr = _validate.lr(lr)
    lambda_p = _validate.nonnegative("lambda_p", lambda_p, "weight decay")
    if lambda_p > 1:
        raise ValueError(f"Invalid weight decay: lambda_p={lambda_p!r} (must be <= 1)")
    params = _validate.as_params(params)
    grads = _validate.as_grads(grads, params)
    return (1 - lambda_p) * params - lr * grads


def alternating_gradient(scales) -> Callable:
    """A gradient ``g_t = s * (-1)**(t + 1)`` (``+s, -s, +s, ...``) for ``run(..., grad)``.

    A deterministic, zero-mean stand-in for gradient noise of size ``s_i`` in coordinate ``i``:
    Adam's ``v_hat`` settles at ``s**2``, while the average pull on the parameters is zero, so
    any systematic shrinking comes from the weight decay alone. ``scales`` must be > 0.
    """
    scales = np.asarray(scales, dtype=float)
    if scales.ndim != 1 or scales.size == 0 or not np.all(np.isfinite(scales)) or np.any(scales <= 0):
        raise ValueError(f"Invalid scales: scales={scales.tolist()!r} (must be a 1-D array of numbers > 0)")

    def grad(params, t):
        return scales * (1.0 if t % 2 == 1 else -1.0)

    return grad


class AdamWPaper(Optimizer):
    """AdamW exactly as Algorithm 2 of Loshchilov and Hutter (2019) writes it (chapter adamw).

    With base learning rate ``alpha``, schedule multiplier ``eta_t = schedule(t)`` and weight
    decay ``lambda_p`` (book, AdamW, Eq. (7))::

        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        m_hat  =  m / (1 - beta1**t)
        v_hat  =  v / (1 - beta2**t)
        theta  <- theta - eta_t * (alpha * m_hat / (sqrt(v_hat) + eps) + lambda_p * theta)

    The decay per step is ``eta_t * lambda_p``: it follows the schedule but not ``alpha``.
    :class:`adamcode.AdamW` with ``lr = alpha * eta_t`` and ``weight_decay = lambda_p / alpha``
    takes the same steps (:func:`paper_to_framework`). The state is an :class:`adamcode.AdamState`.

    Parameters
    ----------
    alpha : float, default 1e-3
        Base learning rate, >= 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates, each in [0, 1).
    eps : float, default 1e-8
        Added to ``sqrt(v_hat)``, >= 0.
    weight_decay : float, default 0
        The paper's ``lambda_p``, >= 0.
    schedule : callable, default constant 1
        ``schedule(t)`` returns the multiplier ``eta_t`` (a finite number >= 0) for step
        ``t = 1, 2, ...``.
    """

    buffers = ("m", "v", "v_max")

    def __init__(self, alpha: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, schedule: Callable | None = None):
        self.alpha = _validate.nonnegative("alpha", alpha, "learning rate")
        self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)
        if schedule is not None and not callable(schedule):
            raise ValueError(f"Invalid schedule: schedule={schedule!r} (must be callable t -> eta_t)")
        self.schedule = schedule
        self._hyper = dict(alpha=self.alpha, betas=(self.beta1, self.beta2), eps=self.eps,
                           weight_decay=self.weight_decay)

    def multiplier(self, t: int) -> float:
        """The schedule multiplier ``eta_t`` at step ``t`` (1 without a schedule)."""
        if self.schedule is None:
            return 1.0
        return _validate.nonnegative("schedule(t)", self.schedule(t), "schedule multiplier")

    def _init(self, params: np.ndarray) -> AdamState:
        zeros = np.zeros_like(params)
        return AdamState(t=0, m=zeros, v=zeros.copy())

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdamState):
        t = state.t + 1
        eta_t = self.multiplier(t)
        m = _mechanics.ema(self.beta1, state.m, g)
        v = _mechanics.ema(self.beta2, state.v, g * g)
        m_hat = m / _mechanics.bias_correction(self.beta1, t)
        v_hat = v / _mechanics.bias_correction(self.beta2, t)
        step = self.alpha * m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * params
        return params - eta_t * step, AdamState(t=t, m=m, v=v)


def decay_after(steps: int, lr: float, weight_decay: float) -> float:
    """``(1 - lr * weight_decay) ** steps``: what pure decoupled decay leaves of a weight."""
    _validate.integer("steps", steps, 0)
    factor = 1 - _validate.lr(lr) * _validate.weight_decay(weight_decay)
    if factor < 0:
        raise ValueError(f"Invalid lr * weight_decay: {lr * weight_decay!r} (must be <= 1)")
    return math.pow(factor, steps)
