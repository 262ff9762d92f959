"""Adam (Kingma and Ba, 2015), chapter "adam" of the book; AdamW builds on it (``adamw.py``).

With gradient :math:`g_t`, decay rates :math:`\\beta_1, \\beta_2`, learning rate :math:`\\eta`
and :math:`\\epsilon`, one step is Algorithm 1 of the paper (book, chapter adam):

.. math::

   m_t &= \\beta_1 m_{t-1} + (1-\\beta_1) g_t \\\\
   v_t &= \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2 \\\\
   \\hat m_t &= m_t / (1-\\beta_1^t) \\\\
   \\hat v_t &= v_t / (1-\\beta_2^t) \\\\
   \\theta_t &= \\theta_{t-1} - \\eta\\, \\hat m_t / (\\sqrt{\\hat v_t} + \\epsilon)
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from . import _inplace, _mechanics, _validate
from .base import Optimizer, State


class AdamState(State):
    """Adam's state after ``t`` steps: the moment estimates ``m``, ``v`` and, with AMSGrad, ``v_max``."""

    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: Optional[np.ndarray] = None


class Adam(Optimizer):
    """Adam with torch.optim.Adam's arguments, defaults and update semantics (book, chapter adam).

    Algorithm 1 of Kingma and Ba (who write alpha for the book's eta), with learning rate
    :math:`\\eta` (``lr``; :math:`\\eta_t` = ``lr(t)`` for a schedule), decay rates
    :math:`\\beta_1, \\beta_2` (``betas``), :math:`\\epsilon` (``eps``) and :math:`\\lambda` =
    ``weight_decay``; step :math:`t` is::

        g      <- g + lambda * theta                  (L2 regularisation, as torch.optim.Adam)
        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        m_hat  =  m / (1 - beta1**t)
        v_hat  =  v / (1 - beta2**t)                  (AMSGrad: v_max <- max(v_max, v); v_hat = v_max / (1 - beta2**t))
        theta  <- theta - eta_t * m_hat / (sqrt(v_hat) + eps)

    With ``decoupled_weight_decay=True`` (torch >= 2.6 has the same flag) the L2 line is
    replaced by ``theta <- theta * (1 - eta_t * lambda)`` before the step: that is :class:`AdamW`.

    ``eps_placement="eps_hat"`` gives the form of Kingma and Ba's section 2 used by Keras and
    TensorFlow, where :math:`\\hat\\epsilon` (``eps``) is added to the square root of the
    *uncorrected* ``v`` and the bias corrections move into the step size (Kingma and Ba's
    alpha_t)::

        theta  <- theta - eta_t * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps_hat)

    The two agree exactly when ``eps = eps_hat / sqrt(1 - beta2**t)`` (book, chapter adam).
    The tests pin this form to trajectories recorded with Keras 3.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    betas : (float, float), default (0.9, 0.999)
        Decay rates (beta1, beta2), each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator for numerical stability, >= 0.
    weight_decay : float, default 0
        L2 penalty lambda: ``lambda * theta`` is added to the gradient (use ``AdamW`` for the
        decoupled form).
    amsgrad : bool, default False
        Use the running maximum of the raw ``v`` (PyTorch's AMSGrad), then bias-correct it.
    eps_placement : {"algorithm1", "eps_hat"}, default "algorithm1"
        Where eps enters the denominator (see above).
    decoupled_weight_decay : bool, default False
        Decay the parameters directly instead of adding the L2 term (torch's flag of the same name).
    """

    buffers = ("m", "v", "v_max")
    option_buffers = {"amsgrad": ("v_max",)}
    repr_only_if_set = ("decoupled_weight_decay",)
    block_scratch = 3

    def __init__(
        self,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        eps_placement: str = "algorithm1",
        decoupled_weight_decay: bool = False,
    ):
        self.lr = _validate.lr(lr)
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.amsgrad = bool(amsgrad)
        self.eps_placement = _validate.choice("eps_placement", eps_placement, ("algorithm1", "eps_hat"))
        self.decoupled_weight_decay = bool(decoupled_weight_decay)

    def _init(self, params: np.ndarray) -> AdamState:
        zeros = np.zeros_like(params)
        return AdamState(t=0, m=zeros, v=zeros.copy(), v_max=zeros.copy() if self.amsgrad else None)

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdamState):
        t = state.t + 1
        beta1, beta2, lr, eps = self.beta1, self.beta2, self.lr_at(t), self.eps
        params, g = _mechanics.apply_weight_decay(
            params, g, lr, self.weight_decay, self.decoupled_weight_decay)
        m = _mechanics.ema(beta1, state.m, g)
        v = _mechanics.ema(beta2, state.v, g * g)
        v_max = np.maximum(state.v_max, v) if self.amsgrad else None
        v_used = v_max if self.amsgrad else v
        bc1, bc2 = _mechanics.bias_correction(beta1, t), _mechanics.bias_correction(beta2, t)
        if self.eps_placement == "algorithm1":
            m_hat = m / bc1
            v_hat = v_used / bc2
            params = params - lr * m_hat / (np.sqrt(v_hat) + eps)
        else:
            alpha_t = lr * math.sqrt(bc2) / bc1
            params = params - alpha_t * m / (np.sqrt(v_used) + eps)
        return params, AdamState(t=t, m=m, v=v, v_max=v_max)

    def _block_update(self, t, lr, p, g, scratch, m, v, v_max=None):
        """Adam's step on one block, in the order of :meth:`_update` (so the roundings agree).

        The in-place form of chapter memory-and-speed: ``out=`` ufuncs into ``m``, ``v``, ``v_max``,
        ``p`` and three scratch blocks ``s1, s2, s3``, no full-size temporary.
        """
        s1, s2, s3 = scratch
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        _inplace.decay_and_moments_(self, lr, p, g, m, v, s1, s3)
        v_used = v
        if self.amsgrad:
            v_used = np.maximum(v_max, v, out=v_max)
        bc1, bc2 = _mechanics.bias_correction(beta1, t), _mechanics.bias_correction(beta2, t)
        if self.eps_placement == "algorithm1":
            np.divide(m, bc1, out=s1)                                   # m_hat
            np.multiply(s1, lr, out=s1)                                 # lr * m_hat
            np.divide(v_used, bc2, out=s2)                              # v_hat
            np.sqrt(s2, out=s2)
        else:
            np.multiply(m, lr * math.sqrt(bc2) / bc1, out=s1)           # alpha_t * m
            np.sqrt(v_used, out=s2)
        np.add(s2, eps, out=s2)
        np.divide(s1, s2, out=s1)
        np.subtract(p, s1, out=p)
