"""Helpers of the chapter "beyond-adam": Reddi's periodic limit, the Adamax norm, Adam's denominator.

* :func:`reddi_periodic_v` -- the 3-periodic limit of Adam's :math:`v_t` on Reddi's problem
  (book, beyond-adam, Eq. (4)).
* :func:`adamax_norm` -- the exponentially weighted :math:`p`-norm of the gradients whose limit
  :math:`p\\to\\infty` is Adamax's :math:`u_t` (book, beyond-adam, Eqs. (11)-(12)).
* :func:`adam_denominator` -- the denominator an Adam-type optimizer divided by.
* :func:`steps_after_a_spike` -- each variant's step on constant gradients with one large
  gradient among them (book, beyond-adam, the opening figure).

The online runner is :func:`adamcode.run_online`; Optax's AMSGrad is :class:`adamcode.variants.OptaxAMSGrad`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import _mechanics, _validate
from ..adam import AdamState
from ..base import Optimizer
from ..variants import OptaxAMSGrad


def adam_denominator(opt: Optimizer, state) -> np.ndarray:
    """The :math:`\\sqrt{\\hat v_t}` that ``opt`` divided by at the step that produced ``state``.

    ``Adam``: :math:`\\sqrt{v_t/(1-\\beta_2^t)}`; ``Adam(amsgrad=True)`` (PyTorch):
    :math:`\\sqrt{\\max_{s\\le t} v_s/(1-\\beta_2^t)}`; :class:`~adamcode.variants.OptaxAMSGrad`:
    :math:`\\sqrt{\\max_{s\\le t} v_s/(1-\\beta_2^s)}` (book, beyond-adam, Eqs. (8)-(9)).
    """
    if not isinstance(state, AdamState) or state.t < 1:
        raise ValueError(f"Invalid state: state={type(state).__name__} at t={getattr(state, 't', None)!r} "
                         "(need an AdamState after at least one step)")
    if isinstance(opt, OptaxAMSGrad):
        return np.sqrt(state.v_max)
    v_used = state.v_max if getattr(opt, "amsgrad", False) else state.v
    return np.sqrt(v_used / _mechanics.bias_correction(opt.beta2, state.t))


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


def spike_gradients(steps: int = 500, spike_at: int = 50, spike: float = 10.0) -> np.ndarray:
    """The gradient sequence :math:`g_t = 1` for every :math:`t` except :math:`g_{\\text{spike\\_at}} = \\text{spike}`."""
    _validate.integer("steps", steps, 1)
    _validate.integer("spike_at", spike_at, 1)
    if spike_at > steps:
        raise ValueError(f"Invalid spike_at: spike_at={spike_at!r} (must be <= steps={steps!r})")
    g = np.ones(steps)
    g[spike_at - 1] = spike
    return g


def steps_after_a_spike(optimizers: dict, steps: int = 500, spike_at: int = 50,
                        spike: float = 10.0) -> dict:
    """Each optimizer's step :math:`|\\theta_t-\\theta_{t-1}|/\\eta` on one coordinate, for :math:`t = 1..\\text{steps}`.

    The gradients are :func:`spike_gradients`: all 1, except one large gradient ``spike`` at
    step ``spike_at``. The picture shows what each variant changes in Adam (book, beyond-adam,
    the opening figure): Adam's step shrinks and recovers as :math:`v_t` forgets the spike,
    AMSGrad's denominator keeps its maximum, Adamax's :math:`u_t` holds the spike until
    :math:`\\beta_2^k\\,\\text{spike}` falls below 1, NAdam reacts to the spike at once, and Lion's
    step is :math:`\\eta` whatever happens. Returns ``{name: array of length steps}``.
    """
    g = spike_gradients(steps, spike_at, spike)
    out = {}
    for name, opt in optimizers.items():
        params, state = np.zeros(1), opt.init(np.zeros(1))
        sizes = np.empty(steps)
        for k in range(steps):
            new, state = opt.step(params, np.array([g[k]]), state)
            sizes[k] = abs(new[0] - params[0]) / opt.lr
            params = new
        out[name] = sizes
    return out


# --- Muon: bfloat16 emulation, singular values, a matrix problem (issue 15) --------------------

def bfloat16_round(x) -> np.ndarray:
    """``x`` rounded to bfloat16 and returned as float32: 8 significant bits, round to nearest, ties to even.

    bfloat16 is the upper half of a float32 (1 sign, 8 exponent, 7 stored fraction bits). The
    float32 bit pattern gets ``0x7FFF`` plus the lowest kept bit added and the low 16 bits
    cleared, which rounds to the nearest bfloat16 number and a tie to the one with an even last
    bit, as torch's ``Tensor.bfloat16()`` does (checked in the tests against values torch
    rounded). NaN and infinities are not treated specially (the book never meets them).
    """
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    rounded = (bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))) & np.uint32(0xFFFF0000)
    return rounded.view(np.float32)


def newton_schulz_bfloat16(X, ns_coefficients=(3.4445, -4.775, 2.0315), ns_steps: int = 5,
                           eps: float = 1e-7) -> np.ndarray:
    """torch.optim.Muon's Newton-Schulz iteration as torch runs it, in bfloat16, emulated in NumPy.

    Every stored matrix is rounded with :func:`bfloat16_round`: the input, its Frobenius norm,
    the normalized matrix, and the result of each matrix product (which torch accumulates in
    float32 and rounds once: ``A = X X^T``, ``B = a3 A + a5 A A``, ``X = a1 X + B X``). Compare
    :func:`adamcode.muon.newton_schulz`, the same iteration in the input's dtype.
    """
    r = bfloat16_round
    a1, a3, a5 = (np.float32(c) for c in ns_coefficients)
    X = r(np.asarray(X, dtype=np.float32))
    if X.ndim != 2:
        raise ValueError(f"Invalid X: X.shape={X.shape} (Newton-Schulz needs a 2-D matrix)")
    tall = X.shape[0] > X.shape[1]
    if tall:
        X = X.T
    norm = r(np.float32(np.linalg.norm(X)))
    X = r(X / max(norm, np.float32(eps)))
    for _ in range(int(ns_steps)):
        A = r(X @ X.T)
        B = r(a3 * A + a5 * (A @ A))
        X = r(a1 * X + B @ X)
    return X.T if tall else X


def singular_value_map(s, ns_coefficients=(3.4445, -4.775, 2.0315), ns_steps: int = 5) -> np.ndarray:
    """Singular values ``s`` (already divided by the Frobenius norm) after ``ns_steps`` Newton-Schulz steps.

    One step maps each singular value by the odd quintic ``a1 s + a3 s**3 + a5 s**5`` (book,
    beyond-adam); row ``k`` of the result holds the values after ``k`` steps.
    """
    a1, a3, a5 = ns_coefficients
    out = [np.asarray(s, dtype=float)]
    for _ in range(int(ns_steps)):
        x = out[-1]
        out.append(a1 * x + a3 * x**3 + a5 * x**5)
    return np.array(out)


@dataclass(frozen=True)
class TwoLayerLinear:
    """Fit a product of two weight matrices to a target: :math:`\\mathcal{L} = \\tfrac12\\lVert W_2 W_1 - T\\rVert_F^2`.

    ``T = U diag(s) V^T`` (``n x n``) has singular values ``s`` from 1 down to ``10**-decades``;
    ``W1``, ``W2`` start small (entries of size ``init``). This is a linear network with one
    hidden layer and whitened inputs: gradient descent learns the target's singular directions
    one after the other, the large ones first (book, beyond-adam). ``modes(W1, W2)`` are the
    diagonal entries of :math:`U^\\top W_2 W_1 V`, how much of each target direction is learnt.
    """

    T: np.ndarray
    U: np.ndarray
    V: np.ndarray
    s: np.ndarray
    W1: np.ndarray
    W2: np.ndarray

    def loss(self, W1, W2) -> float:
        return float(0.5 * np.sum((W2 @ W1 - self.T) ** 2))

    def grads(self, W1, W2):
        """``(dL/dW1, dL/dW2) = (W2^T R, R W1^T)`` with ``R = W2 W1 - T``."""
        R = W2 @ W1 - self.T
        return W2.T @ R, R @ W1.T

    def modes(self, W1, W2) -> np.ndarray:
        return np.diag(self.U.T @ W2 @ W1 @ self.V)


def two_layer_linear(n: int = 16, decades: float = 2.0, init: float = 1e-3, seed: int = 0) -> TwoLayerLinear:
    """The :class:`TwoLayerLinear` problem with an ``n x n`` target and seeded rotations and start."""
    _validate.integer("n", n, 1)
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = np.logspace(0, -decades, n)
    return TwoLayerLinear(T=U @ np.diag(s) @ V.T, U=U, V=V, s=s,
                          W1=init * rng.standard_normal((n, n)), W2=init * rng.standard_normal((n, n)))


def train_two_layer(opt: Optimizer, problem: TwoLayerLinear, steps: int):
    """Train both matrices of ``problem`` with ``opt`` (one state each), the learning rate decayed linearly to 0.

    Step ``t`` uses ``opt.lr * (1 - (t - 1) / steps)`` (``opt.replace``; the states carry over).
    Returns ``(losses, modes)``: the loss and ``problem.modes`` after each of the
    ``steps + 1`` points (row 0 is the start).
    """
    _validate.integer("steps", steps, 1)
    W1, W2 = problem.W1.copy(), problem.W2.copy()
    s1, s2 = opt.init(W1), opt.init(W2)
    losses, modes = [problem.loss(W1, W2)], [problem.modes(W1, W2)]
    for t in range(1, steps + 1):
        step_opt = opt.replace(lr=opt.lr * (1 - (t - 1) / steps))
        g1, g2 = problem.grads(W1, W2)
        W1, s1 = step_opt.step(W1, g1, s1)
        W2, s2 = step_opt.step(W2, g2, s2)
        losses.append(problem.loss(W1, W2))
        modes.append(problem.modes(W1, W2))
    return np.array(losses), np.array(modes)
