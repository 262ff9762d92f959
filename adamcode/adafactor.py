"""Adafactor (Shazeer and Stern, 2018), chapter "memory-and-speed" of the book.

torch.optim.Adafactor's form. With gradient :math:`g_t`, exponent ``beta2_decay`` :math:`\\le 0`
(default :math:`-0.8`; PyTorch's documentation writes :math:`\\tau`),
``eps = (eps1, eps2)`` :math:`(\\epsilon_1, \\epsilon_2)`, clipping threshold :math:`d`, learning rate :math:`\\eta` and weight decay :math:`\\lambda`, one step is

.. math::

   \\beta_{2,t} &= 1 - t^{\\mathtt{beta2\\_decay}}, \\qquad \\eta_t = \\min(\\eta, 1/\\sqrt t), \\qquad
   \\text{step size} = \\eta_t \\max(\\epsilon_2, \\operatorname{RMS}(\\theta_{t-1})) \\\\
   \\theta &\\leftarrow \\theta_{t-1}(1 - \\eta\\lambda) \\\\
   v_t &= \\beta_{2,t} v_{t-1} + (1-\\beta_{2,t})\\, g_t^2
        \\quad\\text{(a vector)} \\\\
   v^{\\mathrm{row}}_t &= \\beta_{2,t} v^{\\mathrm{row}}_{t-1} + (1-\\beta_{2,t})\\,\\operatorname{mean}_j g_{t,ij}^2,
   \\quad
   v^{\\mathrm{col}}_t = \\beta_{2,t} v^{\\mathrm{col}}_{t-1} + (1-\\beta_{2,t})\\,\\operatorname{mean}_i g_{t,ij}^2
        \\quad\\text{(a matrix)} \\\\
   \\tilde v_{t,ij} &= v^{\\mathrm{row}}_{t,i}\\, v^{\\mathrm{col}}_{t,j} / \\max(\\operatorname{mean}_i v^{\\mathrm{row}}_{t,i}, \\epsilon_1)
        \\quad\\text{(the rank-1 estimate of } v_t) \\\\
   U_t &= g_t / \\sqrt{\\max(\\tilde v_t, \\epsilon_1^2)}, \\qquad
   \\hat U_t = U_t / \\max(1, \\operatorname{RMS}(U_t)/d) \\\\
   \\theta_t &= \\theta - \\text{step size}\\cdot \\hat U_t
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import _inplace, _mechanics, _validate
from .base import Optimizer, State


class AdafactorState(State):
    """Adafactor's state after ``t`` steps.

    A parameter with two or more dimensions keeps the factors ``v_row`` (shape ``params.shape[:-1]``,
    the mean of :math:`g^2` over the last axis, torch's ``row_var``) and ``v_col`` (shape
    ``params.shape[:-2] + params.shape[-1:]``, the mean over the second-to-last axis, torch's
    ``col_var``), and ``v`` is ``None``; a vector (or scalar) keeps the full ``v`` (torch's
    ``variance``) and no factors. ``m`` is the optional first moment (``beta1`` set), else ``None``.
    """

    t: int
    v_row: Optional[np.ndarray]
    v_col: Optional[np.ndarray]
    v: Optional[np.ndarray]
    m: Optional[np.ndarray] = None


def _rms(x: np.ndarray) -> float:
    """Root mean square ``||x||_2 / sqrt(x.size)`` (torch's ``x.norm(2) / x.numel() ** 0.5``)."""
    return float(np.linalg.norm(x.reshape(-1))) / (x.size ** 0.5)


class Adafactor(Optimizer):
    """Adafactor with torch.optim.Adafactor's arguments, defaults and update semantics (chapter memory-and-speed).

    Update rule (book, chapter memory-and-speed), with :math:`\\lambda` = ``weight_decay``::

        beta2_t   = 1 - t**beta2_decay                     (1 at t = 1: the first step keeps g**2)
        eta_t     = min(lr, 1 / sqrt(t))                   (torch's rho_t, the relative step size)
        step_size = eta_t * max(eps2, RMS(theta))          (relative to the parameters' size)
        theta    <- theta * (1 - lr * lambda)              (decoupled weight decay, with lr)
        matrix:   v_row <- beta2_t * v_row + (1 - beta2_t) * mean(g**2, axis=-1)
                  v_col <- beta2_t * v_col + (1 - beta2_t) * mean(g**2, axis=-2)
                  v_tilde = outer(v_row, v_col) / max(mean(v_row), eps1)
        vector:   v <- beta2_t * v + (1 - beta2_t) * g**2;  v_tilde = v
        U         = g / sqrt(max(v_tilde, eps1**2))
        U_hat     = U / max(1, RMS(U) / d)                 (update clipping)
        theta    <- theta - step_size * U_hat

    A parameter with two or more dimensions is factored over its last two axes: it keeps a row
    factor and a column factor (``n1 + n2`` numbers for an ``n1 x n2`` matrix) instead of the
    ``n1 * n2`` of Adam's ``v``. There is no first moment in torch; ``beta1`` (not a torch
    argument) adds the optional one of Shazeer and Stern (their section 7), as an EMA of the
    clipped update::

        m     <- beta1 * m + (1 - beta1) * U_hat
        theta <- theta - step_size * m

    (Hugging Face's Adafactor averages ``step_size * U_hat`` instead; the two agree while the
    step size is constant.) ``maximize`` and ``foreach`` of torch are not provided.

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Upper bound eta of the relative step size ``min(lr, 1/sqrt(t))``, and the rate of the
        weight decay, >= 0; or a schedule ``lr(t)`` giving eta_t for step t = 1, 2, ...
    beta2_decay : float, default -0.8
        Exponent of ``beta2_t = 1 - t**beta2_decay``, <= 0 (PyTorch's documentation writes tau).
    eps : (float or None, float), default (None, 1e-3)
        ``eps1`` floors the second-moment estimate (``None``: the machine epsilon of the
        parameters' dtype); ``eps2`` floors the parameters' RMS in the step size. Each >= 0.
    d : float, default 1.0
        Clipping threshold for the RMS of the update, >= 1.
    weight_decay : float, default 0
        Decoupled weight decay lambda, >= 0 (applied as ``theta * (1 - lr * lambda)``).
    beta1 : float or None, default None
        Decay rate of the optional first moment (not in torch), in [0, 1); ``None`` keeps none.
    """

    #: the full second moment (vectors) and the optional first moment; a matrix's factors
    #: ``v_row`` and ``v_col`` do not have the parameters' shape and are checked by :meth:`check_state`
    buffers = ("v", "m")
    option_buffers = {"beta1": ("m",)}
    repr_only_if_set = ("beta1",)

    def __init__(self, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0,
                 beta1: Optional[float] = None):
        self.lr = _validate.lr(lr)
        beta2_decay = _validate.finite("beta2_decay", beta2_decay, "beta2_decay value")
        if beta2_decay > 0:
            raise ValueError(f"Invalid beta2_decay value: beta2_decay={beta2_decay!r} (must be <= 0)")
        self.beta2_decay = beta2_decay
        try:
            eps1, eps2 = eps
        except (TypeError, ValueError):
            raise ValueError(f"Invalid eps: eps={eps!r} (must be a pair (eps1, eps2))") from None
        eps1 = None if eps1 is None else _validate.nonnegative("eps[0]", eps1, "epsilon1 value")
        eps2 = _validate.nonnegative("eps[1]", eps2, "epsilon2 value")
        self.eps = self.eps1, self.eps2 = (eps1, eps2)
        d = _validate.finite("d", d, "clipping threshold")
        if not d >= 1.0:
            raise ValueError(f"Invalid clipping threshold: d={d!r} (must be >= 1)")
        self.d = d
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.beta1 = None if beta1 is None else _validate.beta("beta1", beta1)

    # -- state -------------------------------------------------------------------------------
    @staticmethod
    def _factored(params: np.ndarray) -> bool:
        return params.ndim >= 2

    def _init(self, params: np.ndarray) -> AdafactorState:
        m = np.zeros_like(params) if self.beta1 is not None else None
        if self._factored(params):
            return AdafactorState(t=0, v_row=np.zeros(params.shape[:-1], dtype=params.dtype),
                                  v_col=np.zeros(params.shape[:-2] + params.shape[-1:], dtype=params.dtype),
                                  v=None, m=m)
        return AdafactorState(t=0, v_row=None, v_col=None, v=np.zeros_like(params), m=m)

    def check_state(self, state, params: np.ndarray) -> None:
        """``ValueError`` unless ``state`` fits this optimizer and ``params`` (as :meth:`adamcode.Optimizer.check_state`).

        A vector's state is checked as every optimizer's (``v``, and ``m`` with ``beta1``); a
        matrix's ``v_row`` and ``v_col`` must have the shapes ``params.shape[:-1]`` and
        ``params.shape[:-2] + params.shape[-1:]``, and every buffer the parameters' dtype.
        """
        if not self._factored(params):
            return super().check_state(state, params)
        for field in ("t", "v_row", "v_col", "v", "m"):
            if not hasattr(state, field):
                raise ValueError(f"Invalid state: {type(state).__name__} has no field {field!r} "
                                 "(a state made by another optimizer's init?)")
        if not isinstance(state, AdafactorState):
            raise ValueError(f"Invalid state: {type(state).__name__} is not a AdafactorState "
                             "(a state made by another optimizer's init?)")
        shapes = {"v_row": params.shape[:-1], "v_col": params.shape[:-2] + params.shape[-1:], "m": params.shape}
        for field in ("v_row", "v_col") + (("m",) if self.beta1 is not None else ()):
            buffer = getattr(state, field)
            if buffer is None:
                needed = f"beta1={self.beta1!r}" if field == "m" else f"a parameter of shape {params.shape}"
                raise ValueError(f"Invalid state: state.{field} is None, but {needed} needs it "
                                 "(a state made for another shape or with other options? Make it with this one's init)")
            if not isinstance(buffer, (np.ndarray, np.generic)):
                raise ValueError(f"Invalid state: state.{field} is {type(buffer).__name__}, not a numpy.ndarray")
            if buffer.shape != shapes[field]:
                raise ValueError(f"Invalid state: state.{field}.shape={buffer.shape} does not match "
                                 f"the expected shape {shapes[field]} for params.shape={params.shape}")
            if buffer.dtype != params.dtype:
                raise ValueError(f"Invalid state: state.{field}.dtype={buffer.dtype} does not match "
                                 f"params.dtype={params.dtype}")

    # -- the update --------------------------------------------------------------------------
    def _update(self, params: np.ndarray, g: np.ndarray, state: AdafactorState):
        eps1 = float(np.finfo(params.dtype).eps) if self.eps1 is None else self.eps1
        t = state.t + 1
        one_minus_beta2_t = float(t) ** self.beta2_decay
        beta2_t = 1 - one_minus_beta2_t
        lr = self.lr_at(t)
        eta_t = min(lr, 1 / (float(t) ** 0.5))
        step_size = max(self.eps2, _rms(params)) * eta_t
        params = _mechanics.decoupled_decay(params, lr, self.weight_decay)
        g2 = g * g
        v_row = v_col = v = None
        if self._factored(params):
            v_row = _mechanics.ema(beta2_t, state.v_row, np.mean(g2, axis=-1))
            v_col = _mechanics.ema(beta2_t, state.v_col, np.mean(g2, axis=-2))
            scale = np.maximum(np.mean(v_row, axis=-1, keepdims=True), eps1)     # mean over the rows
            v_tilde = v_row[..., :, None] * v_col[..., None, :] / scale[..., None]
        else:
            v = v_tilde = _mechanics.ema(beta2_t, state.v, g2)
        u = g / np.sqrt(np.maximum(v_tilde, eps1 * eps1))
        u_hat = u / max(1.0, _rms(u) / self.d)
        m = None
        if self.beta1 is not None:
            m = _mechanics.ema(self.beta1, state.m, u_hat)
            u_hat = m
        params = params - step_size * u_hat
        return params, AdafactorState(t=t, v_row=v_row, v_col=v_col, v=v, m=m)

    def step_(self, params, grads, state: AdafactorState, block: Optional[int] = None) -> AdafactorState:
        """One step **in place**, as :meth:`adamcode.Optimizer.step_`: the numbers of ``step``, bit for bit.

        A vector is handled by the base class. For a matrix the factors ``v_row`` and ``v_col``
        (which do not have the parameters' shape) and ``m`` are overwritten here, after the same
        checks. Adafactor's step needs whole-array reductions (the RMS of the parameters and of
        the update, the row and column means), so it is computed as in ``step`` and copied in;
        ``block`` has no effect.
        """
        if not self._factored(np.asarray(params)):
            return super().step_(params, grads, state, block)
        params = _inplace.check_params(params)
        grads = _inplace.check_grads(grads, params)
        self.check_state(state, params)
        names = ("v_row", "v_col") + (("m",) if self.beta1 is not None else ())
        for name in names:
            buffer = getattr(state, name)
            if not isinstance(buffer, np.ndarray) or not buffer.flags.writeable:
                raise ValueError(f"Invalid state: state.{name} must be a writeable numpy.ndarray (step_ writes into it)")
            for other_name, other in (("params", params), ("grads", grads)):
                if np.may_share_memory(buffer, other):
                    raise ValueError(f"Invalid state: state.{name} shares memory with {other_name}")
        new_params, new = self._update(params, grads.astype(params.dtype, copy=False), state)
        np.copyto(params, new_params)
        for name in names:
            np.copyto(getattr(state, name), getattr(new, name))
        object.__setattr__(state, "t", new.t)
        return state
