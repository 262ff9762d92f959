"""Muon (Jordan et al., 2024), chapter "beyond-adam" of the book: momentum, orthogonalized.

torch.optim.Muon's form, for a weight matrix :math:`\\theta \\in \\mathbb{R}^{n_1\\times n_2}`:

.. math::

   m_t &= \\beta m_{t-1} + (1-\\beta)\\, g_t \\\\
   \\tilde m_t &= \\beta m_t + (1-\\beta)\\, g_t \\quad\\text{(Nesterov; else } \\tilde m_t = m_t) \\\\
   O_t &= \\operatorname{NS}_k(\\tilde m_t) \\quad\\text{(k Newton--Schulz steps: } \\tilde m_t = U S V^\\top \\mapsto U\\, \\operatorname{ns}^{(k)}(S)\\, V^\\top \\approx U V^\\top) \\\\
   \\theta_t &= \\theta_{t-1}(1-\\eta\\lambda) - \\eta\\, \\chi(n_1, n_2)\\, O_t

with :math:`\\operatorname{ns}(s) = a_1 s + a_3 s^3 + a_5 s^5` and the shape factor
:math:`\\chi(n_1, n_2)` of ``adjust_lr_fn``.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from . import _mechanics, _validate
from .base import Optimizer, State

#: torch.optim.Muon's Newton-Schulz coefficients (a_1, a_3, a_5), from Jordan et al.'s write-up.
NS_COEFFICIENTS = (3.4445, -4.775, 2.0315)


class MuonState(State):
    """Muon's state after ``t`` steps: the momentum ``m`` (torch's ``momentum_buffer``), a matrix."""

    t: int
    m: np.ndarray


def newton_schulz(X, ns_coefficients=NS_COEFFICIENTS, ns_steps: int = 5, eps: float = 1e-7) -> np.ndarray:
    """``ns_steps`` Newton-Schulz steps on the matrix ``X``, in ``X``'s dtype (torch's ``_zeropower_via_newtonschulz``).

    ``X`` is divided by ``max(||X||_F, eps)`` (so every singular value is at most 1), then, with
    ``(a1, a3, a5) = ns_coefficients``, each step is::

        A = X @ X.T
        X = a1 * X + (a3 * A + a5 * A @ A) @ X        (= a1 X + a3 (X X^T) X + a5 (X X^T)^2 X)

    which maps every singular value ``s`` of ``X`` to ``a1 s + a3 s**3 + a5 s**5`` and keeps the
    singular vectors (book, beyond-adam). A tall matrix is transposed first and back at the
    end, so ``A`` is the smaller Gram matrix. torch casts ``X`` to bfloat16 first; this function
    does not (chapter beyond-adam shows what the cast changes).
    """
    X = np.array(X, copy=True)
    if X.ndim != 2:
        raise ValueError(f"Invalid X: X.shape={X.shape} (Newton-Schulz needs a 2-D matrix)")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(float)
    a1, a3, a5 = _coefficients(ns_coefficients)
    ns_steps = _ns_steps(ns_steps)
    eps = _validate.eps(eps)
    tall = X.shape[0] > X.shape[1]
    if tall:
        X = X.T
    X = X / max(float(np.linalg.norm(X)), eps)
    for _ in range(ns_steps):
        A = X @ X.T
        B = a3 * A + a5 * (A @ A)
        X = a1 * X + B @ X
    return X.T if tall else X


def _coefficients(value) -> tuple[float, float, float]:
    try:
        a1, a3, a5 = value
    except (TypeError, ValueError):
        raise ValueError(f"Invalid ns_coefficients: ns_coefficients={value!r} "
                         "(must be three numbers (a1, a3, a5))") from None
    return tuple(_validate.finite(f"ns_coefficients[{i}]", c, "Newton-Schulz coefficient")
                 for i, c in enumerate((a1, a3, a5)))


def _ns_steps(value) -> int:
    value = _validate.integer("ns_steps", value, 0)
    if value >= 100:  # torch's limit
        raise ValueError(f"Invalid ns_steps: ns_steps={value!r} (must be < 100)")
    return int(value)


def adjusted_lr(lr: float, adjust_lr_fn: Optional[str], shape: tuple) -> float:
    """The learning rate Muon applies to a matrix of ``shape = (n1, n2)`` (torch's ``_adjust_lr``).

    ``None`` or ``"original"`` (Jordan et al.): ``lr * sqrt(max(1, n1 / n2))``;
    ``"match_rms_adamw"`` (Liu et al. 2025): ``lr * 0.2 * sqrt(max(n1, n2))``, which gives the
    update the RMS 0.2 that AdamW's updates typically have (book, beyond-adam).
    """
    n1, n2 = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, n1 / n2))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(n1, n2))
    else:
        raise ValueError(f"Invalid adjust_lr_fn: adjust_lr_fn={adjust_lr_fn!r} "
                         "(must be None, 'original' or 'match_rms_adamw')")
    return lr * ratio


class Muon(Optimizer):
    """Muon with torch.optim.Muon's arguments, defaults and update semantics (chapter beyond-adam).

    For 2-D parameters only (a weight matrix); a vector, a scalar or a 3-D array raises
    ``ValueError``, as torch refuses it. Biases, embeddings and the output layer are trained
    with another optimizer, usually AdamW. Update rule, with beta = ``momentum`` and
    :math:`\\lambda` = ``weight_decay``::

        m      <- beta * m + (1 - beta) * g             (torch: buf.lerp_(g, 1 - momentum))
        m_tilde = beta * m + (1 - beta) * g             (nesterov=True; else m_tilde = m)
        O       = newton_schulz(m_tilde, ns_coefficients, ns_steps, eps)   (~ U V^T of m_tilde = U S V^T)
        theta  <- theta * (1 - lr * lambda)             (decoupled weight decay, unadjusted lr)
        theta  <- theta - adjusted_lr(lr, adjust_lr_fn, theta.shape) * O

    torch runs the Newton-Schulz steps in bfloat16; ``adamcode.Muon`` runs them in the
    parameters' dtype, so a float64 run is exact to round-off (chapter beyond-adam shows what
    bfloat16 changes). torch's documentation writes the buffer as ``B_t = mu B_{t-1} + g_t``;
    its code (and this class) keeps the EMA above.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate eta, >= 0, or a schedule ``lr(t)`` giving eta_t for step t = 1, 2, ...
    weight_decay : float, default 0.1
        Decoupled weight decay lambda, >= 0.
    momentum : float, default 0.95
        Momentum coefficient beta, >= 0 (torch's check).
    nesterov : bool, default True
        Orthogonalize the Nesterov combination ``beta * m + (1 - beta) * g`` instead of ``m``.
    ns_coefficients : (float, float, float), default (3.4445, -4.775, 2.0315)
        (a1, a3, a5) of the Newton-Schulz polynomial ``a1 s + a3 s**3 + a5 s**5``.
    eps : float, default 1e-7
        Floor of the Frobenius norm that ``M`` is divided by, >= 0.
    ns_steps : int, default 5
        Number of Newton-Schulz steps, 0 <= ns_steps < 100.
    adjust_lr_fn : {None, "original", "match_rms_adamw"}, default None
        The shape factor of the learning rate (see :func:`adamcode.muon.adjusted_lr`); ``None`` is "original".
    """

    buffers = ("m",)
    #: Muon updates matrices only: ``init``, ``step`` and ``step_`` refuse any other shape
    matrix_only = True

    def __init__(self, lr: float = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple = NS_COEFFICIENTS, eps: float = 1e-7,
                 ns_steps: int = 5, adjust_lr_fn: Optional[str] = None):
        self.lr = _validate.lr(lr)
        self.weight_decay = _validate.weight_decay(weight_decay)
        self.momentum = _validate.momentum(momentum)
        self.nesterov = bool(nesterov)
        self.ns_coefficients = _coefficients(ns_coefficients)
        self.eps = _validate.eps(eps)
        self.ns_steps = _ns_steps(ns_steps)
        self.adjust_lr_fn = _validate.choice("adjust_lr_fn", adjust_lr_fn, (None, "original", "match_rms_adamw"))

    @staticmethod
    def _check_matrix(params: np.ndarray) -> np.ndarray:
        if params.ndim != 2:
            raise ValueError(f"Invalid params: params.shape={params.shape} (Muon only supports 2-D "
                             "parameters, a weight matrix; train vectors such as biases with AdamW)")
        return params

    def init(self, params) -> MuonState:
        """The state before the first step: ``t = 0`` and ``m`` a matrix of zeros (``params`` must be 2-D)."""
        return self._init(self._check_matrix(_validate.as_params(params)))

    def check_state(self, state, params: np.ndarray) -> None:
        """As :meth:`adamcode.Optimizer.check_state`, and ``params`` must be a matrix (``ValueError`` otherwise)."""
        self._check_matrix(params)
        super().check_state(state, params)

    def _init(self, params: np.ndarray) -> MuonState:
        return MuonState(t=0, m=np.zeros_like(params))

    def _update(self, params: np.ndarray, g: np.ndarray, state: MuonState):
        beta = self.momentum
        m = _mechanics.ema(beta, state.m, g)
        m_tilde = _mechanics.ema(beta, m, g) if self.nesterov else m
        O = newton_schulz(m_tilde, self.ns_coefficients, self.ns_steps, self.eps)
        t = state.t + 1
        lr = self.lr_at(t)
        params = _mechanics.decoupled_decay(params, lr, self.weight_decay)
        params = params - adjusted_lr(lr, self.adjust_lr_fn, params.shape) * O
        return params, MuonState(t=t, m=m)
