"""Tools of the chapter "beyond-adam": online runs with regret, Optax's AMSGrad, the Adamax norm.

* :func:`run_online` -- projected online optimization with the step size
  :math:`\\eta_t = \\eta/\\sqrt{t}` of Reddi, Kale and Kumar (2018), recording the regret
  :math:`R_T = \\sum_{t=1}^T f_t(x_t) - f_t(x^*)` (book, beyond-adam, Eq. (2)).
* :func:`reddi_periodic_v` -- the 3-periodic limit of Adam's :math:`v_t` on Reddi's problem
  (book, beyond-adam, Eq. (4)).
* :class:`OptaxAMSGrad` -- AMSGrad as ``optax.amsgrad`` computes it: the running maximum of the
  *bias-corrected* :math:`\\hat v_t` (``Adam(amsgrad=True)`` is PyTorch's maximum of the raw
  :math:`v_t`; book, beyond-adam, Eqs. (8)-(9)).
* :func:`adamax_norm` -- the exponentially weighted :math:`p`-norm of the gradients whose limit
  :math:`p\\to\\infty` is Adamax's :math:`u_t` (book, beyond-adam, Eqs. (11)-(12)).
* :func:`with_lr` and :func:`adam_denominator` -- small helpers for the above.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
import sympy as sp

from . import _mechanics, _validate
from .adam import AdamState
from .base import Optimizer


def with_lr(opt: Optimizer, lr: float) -> Optimizer:
    """A copy of ``opt`` with the learning rate ``lr`` and every other hyperparameter unchanged.

    The optimizer state is separate from the optimizer, so a run may change the learning rate
    from step to step by stepping with ``with_lr(opt, lr_t)``.
    """
    lr = _validate.lr(lr)
    return type(opt)(**{**opt.hyperparameters(), "lr": lr})


@dataclass(frozen=True)
class OnlineRun:
    """What :func:`run_online` recorded for steps ``t = 1 .. T``.

    ``x[t-1]`` is the point :math:`x_t` at which :math:`f_t` is evaluated (``x[0]`` the start,
    ``x[T]`` the point after the last step), ``loss[t-1] = f_t(x_t)``, ``lr[t-1] = eta_t``,
    ``states[t]`` the optimizer state after step ``t``; ``regret[T-1] = R_T`` and
    ``average_regret = R_T / T``.
    """

    x: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    regret: np.ndarray
    states: list

    @property
    def average_regret(self) -> np.ndarray:
        return self.regret / np.arange(1, len(self.regret) + 1)


def run_online(opt: Optimizer, problem, steps: int, lr_decay: str = "inverse_sqrt",
               comparator=None) -> OnlineRun:
    """Projected online optimization of ``problem`` (e.g. :class:`adamcode.problems.ReddiOnline`).

    At step ``t = 1, 2, ...`` the learner is at :math:`x_t`, suffers :math:`f_t(x_t)` =
    ``problem.loss(x, t)``, steps with the gradient ``problem.grad(x, t)`` and the learning rate

    .. math:: \\eta_t = \\eta/\\sqrt{t} \\ (\\texttt{lr\\_decay="inverse\\_sqrt"}) \\quad\\text{or}\\quad \\eta_t = \\eta \\ (\\texttt{"constant"}),

    with :math:`\\eta` = ``opt.lr``, and is projected back by ``problem.project``:
    :math:`x_{t+1} = \\Pi_{\\mathcal F}(\\text{step of opt})`. The regret against the fixed point
    :math:`x^*` (``comparator``, default ``problem.minimizer``) is
    :math:`R_T = \\sum_{t=1}^{T} f_t(x_t) - f_t(x^*)` (book, beyond-adam, Eq. (2)).
    """
    _validate.integer("steps", steps, 1)
    _validate.choice("lr_decay", lr_decay, ("inverse_sqrt", "constant"))
    x_star = np.asarray(problem.minimizer if comparator is None else comparator, dtype=float)
    x = np.asarray(problem.theta0, dtype=float)
    state = opt.init(x)
    xs, losses, lrs, gaps, states = [x], [], [], [], [state]
    for t in range(1, steps + 1):
        lr_t = opt.lr / math.sqrt(t) if lr_decay == "inverse_sqrt" else opt.lr
        loss_t = problem.loss(x, t)
        losses.append(loss_t)
        gaps.append(loss_t - problem.loss(x_star, t))
        x, state = with_lr(opt, lr_t).step(x, problem.grad(x, t), state)
        x = np.asarray(problem.project(x), dtype=float)
        xs.append(x)
        lrs.append(lr_t)
        states.append(state)
    return OnlineRun(x=np.array(xs).reshape(steps + 1, -1)[:, 0] if np.size(x) == 1 else np.array(xs),
                     loss=np.array(losses), lr=np.array(lrs), regret=np.cumsum(gaps), states=states)


def adam_denominator(opt: Optimizer, state) -> np.ndarray:
    """The :math:`\\sqrt{\\hat v_t}` that ``opt`` divided by at the step that produced ``state``.

    ``Adam``: :math:`\\sqrt{v_t/(1-\\beta_2^t)}`; ``Adam(amsgrad=True)`` (PyTorch):
    :math:`\\sqrt{\\max_{s\\le t} v_s/(1-\\beta_2^t)}`; :class:`OptaxAMSGrad`:
    :math:`\\sqrt{\\max_{s\\le t} v_s/(1-\\beta_2^s)}` (book, beyond-adam, Eqs. (8)-(9)).
    """
    if not isinstance(state, AdamState) or state.t < 1:
        raise ValueError(f"Invalid state: state={type(state).__name__} at t={getattr(state, 't', None)!r} "
                         "(need an AdamState after at least one step)")
    if isinstance(opt, OptaxAMSGrad):
        return np.sqrt(state.v_max)
    v_used = state.v_max if getattr(opt, "amsgrad", False) else state.v
    return np.sqrt(v_used / _mechanics.bias_correction(opt.beta2, state.t))


class OptaxAMSGrad(Optimizer):
    """AMSGrad as ``optax.amsgrad`` computes it: the maximum is taken of the bias-corrected ``v_hat``.

    Chapter beyond-adam, Eq. (9). ``Adam(amsgrad=True)`` is PyTorch's form, Eq. (8), which takes
    the maximum of the raw ``v`` and bias-corrects afterwards. Here::

        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        v_max  <- max(v_max, v / (1 - beta2**t))      (stored in the state field v_max)
        theta  <- theta - lr * m / (1 - beta1**t) / (sqrt(v_max) + eps)

    Optax's ``eps_root`` is 0 here, its default. The state is an :class:`adamcode.AdamState`.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate eta, >= 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates (beta1, beta2), each in [0, 1) (Optax's ``b1``, ``b2``).
    eps : float, default 1e-8
        Added to ``sqrt(v_max)``, >= 0.
    """

    buffers = ("m", "v", "v_max")

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.lr = _validate.lr(lr)
        self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self._hyper = dict(lr=self.lr, betas=(self.beta1, self.beta2), eps=self.eps)

    def _init(self, params: np.ndarray) -> AdamState:
        zeros = np.zeros_like(params)
        return AdamState(t=0, m=zeros, v=zeros.copy(), v_max=zeros.copy())

    def _update(self, params: np.ndarray, g: np.ndarray, state: AdamState):
        t = state.t + 1
        m = _mechanics.ema(self.beta1, state.m, g)
        v = _mechanics.ema(self.beta2, state.v, g * g)
        v_max = np.maximum(state.v_max, v / _mechanics.bias_correction(self.beta2, t))
        m_hat = m / _mechanics.bias_correction(self.beta1, t)
        params = params - self.lr * m_hat / (np.sqrt(v_max) + self.eps)
        return params, AdamState(t=t, m=m, v=v, v_max=v_max)


def reddi_periodic_v(C, beta2):
    """The 3-periodic limit ``(a, b, c)`` of Adam's :math:`v_t` on Reddi's problem, as SymPy expressions.

    With gradients :math:`C, -1, -1, C, \\dots`, the values of :math:`v_t` after the step with
    gradient :math:`C` (``a``) and after the two steps with gradient :math:`-1` (``b``, ``c``)
    solve :math:`a = \\beta_2 c + (1-\\beta_2) C^2`, :math:`b = \\beta_2 a + 1-\\beta_2`,
    :math:`c = \\beta_2 b + 1-\\beta_2` (book, beyond-adam, Eq. (4)); with
    :math:`s = 1+\\beta_2+\\beta_2^2`,

    .. math:: a = \\frac{C^2+\\beta_2+\\beta_2^2}{s},\\quad b = \\frac{\\beta_2 C^2+1+\\beta_2^2}{s},\\quad c = \\frac{\\beta_2^2 C^2+1+\\beta_2}{s}.
    """
    C, beta2 = sp.sympify(C), sp.sympify(beta2)
    if (C.is_number and not C.is_positive) or (beta2.is_number and not (0 <= beta2 < 1)):
        raise ValueError(f"Invalid arguments: C={C!r}, beta2={beta2!r} (need C > 0 and 0 <= beta2 < 1)")
    s = 1 + beta2 + beta2**2
    return ((C**2 + beta2 + beta2**2) / s, (beta2 * C**2 + 1 + beta2**2) / s,
            (beta2**2 * C**2 + 1 + beta2) / s)


def adamax_norm(grads, beta2: float, p: float) -> np.ndarray:
    """The exponentially weighted :math:`p`-norm of the gradients :math:`g_1, \\dots, g_t` (rows of ``grads``).

    .. math:: u_t(p) = \\Big((1-\\beta_2^p) \\sum_{i=1}^{t} \\beta_2^{p(t-i)} |g_i|^p\\Big)^{1/p}

    is :math:`v_t^{1/p}` of Adam with :math:`|g|^p` in place of :math:`g^2` and decay rate
    :math:`\\beta_2^p` (Kingma and Ba 2015, section 7.1; book, beyond-adam, Eq. (11)). ``p=np.inf``
    gives the limit :math:`\\max_i \\beta_2^{t-i} |g_i|`, Adamax's :math:`u_t` with eps = 0 (Eq. (12)).
    Computed in log space, so large ``p`` does not overflow.
    """
    g = np.abs(np.asarray(grads, dtype=float))
    if g.ndim == 0 or len(g) == 0:
        raise ValueError(f"Invalid grads: shape={g.shape} (need at least one gradient g_1)")
    beta2 = _validate.beta("beta2", beta2)
    if not (isinstance(p, (int, float, np.integer, np.floating)) and p > 0) or math.isnan(p):
        raise ValueError(f"Invalid p: p={p!r} (must be a number > 0, or np.inf)")
    t = len(g)
    ages = np.arange(t - 1, -1, -1).reshape((t,) + (1,) * (g.ndim - 1))
    with np.errstate(divide="ignore"):
        log_terms = ages * math.log(beta2) + np.log(g) if beta2 > 0 else np.where(ages == 0, np.log(g), -np.inf)
    if math.isinf(p):
        return np.exp(np.max(log_terms, axis=0))
    peak = np.max(log_terms, axis=0)
    finite_peak = np.where(np.isfinite(peak), peak, 0.0)
    total = np.sum(np.exp(p * (log_terms - finite_peak)), axis=0)
    weight = math.log1p(-beta2**p) / p if beta2 > 0 else 0.0
    return np.where(np.isfinite(peak), np.exp(finite_peak + np.log(total) / p + weight), 0.0)
