"""Variant optimizers that reproduce one framework's or paper's exact form, for comparison.

The main optimizers (``adamcode.Adam``, ``adamcode.AdamW``, ...) follow torch.optim. These follow
another convention exactly, so the book can show both side by side:

* :class:`OptaxAMSGrad` -- AMSGrad as ``optax.amsgrad`` computes it, the running maximum of the
  *bias-corrected* :math:`\\hat v_t` (book, beyond-adam).
* :class:`AdamWPaper` -- Algorithm 2 of Loshchilov and Hutter (2019), with their schedule
  multiplier and their weight decay :math:`\\lambda_p` (book, adamw).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import _mechanics, _validate
from .adam import AdamState
from .base import Optimizer


class OptaxAMSGrad(Optimizer):
    """AMSGrad as ``optax.amsgrad`` computes it: the maximum is taken of the bias-corrected ``v_hat``.

    Book, chapter beyond-adam. ``Adam(amsgrad=True)`` is PyTorch's form, which takes the maximum
    of the raw ``v`` and bias-corrects afterwards. Here, with learning rate :math:`\\eta` (``lr``;
    :math:`\\eta_t` = ``lr(t)`` for a schedule), step :math:`t` is::

        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        v_max  <- max(v_max, v / (1 - beta2**t))      (stored in the state field v_max)
        theta  <- theta - eta_t * m / (1 - beta1**t) / (sqrt(v_max) + eps)

    Optax's ``eps_root`` is 0 here, its default. The state is an :class:`adamcode.AdamState`.
    The tests pin this class to trajectories recorded with ``optax.amsgrad`` itself.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    betas : (float, float), default (0.9, 0.999)
        Decay rates (beta1, beta2), each in [0, 1) (Optax's ``b1``, ``b2``).
    eps : float, default 1e-8
        Added to ``sqrt(v_max)``, >= 0.
    """

    buffers = ("m", "v", "v_max")

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.lr = _validate.lr(lr)
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)

    def _init(self, params: np.ndarray) -> AdamState:
        zeros = np.zeros_like(params)
        return AdamState(t=0, m=zeros, v=zeros.copy(), v_max=zeros.copy())

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdamState):
        t = state.t + 1
        m = _mechanics.ema(self.beta1, state.m, g)
        v = _mechanics.ema(self.beta2, state.v, g * g)
        v_max = np.maximum(state.v_max, v / _mechanics.bias_correction(self.beta2, t))
        m_hat = m / _mechanics.bias_correction(self.beta1, t)
        params = params - self.lr_at(t) * m_hat / (np.sqrt(v_max) + self.eps)
        return params, AdamState(t=t, m=m, v=v, v_max=v_max)


class AdamWPaper(Optimizer):
    """AdamW exactly as Algorithm 2 of Loshchilov and Hutter (2019) writes it (book, chapter adamw).

    In the book's notation: base learning rate :math:`\\eta` (argument ``alpha``, the paper's
    alpha), schedule multiplier :math:`\\zeta_t` = ``schedule(t)`` (the paper's eta_t) and weight
    decay :math:`\\lambda_p` (``weight_decay``); step :math:`t` is::

        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        m_hat  =  m / (1 - beta1**t)
        v_hat  =  v / (1 - beta2**t)
        theta  <- theta - zeta_t * (eta * m_hat / (sqrt(v_hat) + eps) + lambda_p * theta)

    The decay per step is ``zeta_t * lambda_p``: it follows the schedule but not ``eta``.
    :class:`adamcode.AdamW` with ``lr(t) = eta * zeta_t`` and ``weight_decay = lambda_p / eta``
    takes the same steps (:func:`adamcode.chapters.adamw.paper_to_framework`). The state is an
    :class:`adamcode.AdamState`.

    Parameters
    ----------
    alpha : float, default 1e-3
        Base learning rate eta (the paper's alpha), >= 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates, each in [0, 1).
    eps : float, default 1e-8
        Added to ``sqrt(v_hat)``, >= 0.
    weight_decay : float, default 0
        The paper's ``lambda_p``, >= 0.
    schedule : callable, default constant 1
        ``schedule(t)`` returns the multiplier ``zeta_t`` (a finite number >= 0) for step
        ``t = 1, 2, ...``.
    """

    buffers = ("m", "v")
    repr_only_if_set = ("schedule",)

    def __init__(self, alpha: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, schedule: Callable | None = None):
        self.alpha = _validate.nonnegative("alpha", alpha, "learning rate")
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)
        if schedule is not None and not callable(schedule):
            raise ValueError(f"Invalid schedule: schedule={schedule!r} (must be callable t -> zeta_t)")
        self.schedule = schedule

    def multiplier(self, t: int) -> float:
        """The schedule multiplier ``zeta_t`` (the paper's eta_t) at step ``t`` (1 without a schedule)."""
        if self.schedule is None:
            return 1.0
        return _validate.nonnegative("schedule(t)", self.schedule(t), "schedule multiplier")

    def _init(self, params: np.ndarray) -> AdamState:
        zeros = np.zeros_like(params)
        return AdamState(t=0, m=zeros, v=zeros.copy())

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdamState):
        t = state.t + 1
        zeta_t = self.multiplier(t)
        m = _mechanics.ema(self.beta1, state.m, g)
        v = _mechanics.ema(self.beta2, state.v, g * g)
        m_hat = m / _mechanics.bias_correction(self.beta1, t)
        v_hat = v / _mechanics.bias_correction(self.beta2, t)
        step = self.alpha * m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * params
        return params - zeta_t * step, AdamState(t=t, m=m, v=v)
