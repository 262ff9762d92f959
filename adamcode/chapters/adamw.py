"""Helpers of the chapter "adamw" (the optimizer of Algorithm 2 is :class:`adamcode.variants.AdamWPaper`).

Weight decay: L2 regularisation versus decoupled weight decay, and how to convert settings.

Chapter "adamw" of the book. Symbols: :math:`\\eta` is the (base) learning rate (Loshchilov and
Hutter write :math:`\\alpha`), :math:`\\eta_t = \\eta\\zeta_t` the learning rate at step :math:`t`,
:math:`\\zeta_t` the paper's schedule multiplier (they write :math:`\\eta_t`), :math:`\\lambda` the
``weight_decay`` argument of ``adamcode``/PyTorch/Optax/Keras (decay :math:`\\eta_t\\lambda` per
step) and :math:`\\lambda_p` the weight decay of Loshchilov and Hutter (2019).

* :func:`decoupled_sgd_step` -- their Eq. (1), ``(1 - lambda_p) theta - lr g``.
* :func:`l2_equivalent_for_sgd` -- their Proposition 1, ``lambda' = lambda_p / lr``.
* :func:`paper_to_framework` and :func:`framework_to_paper` -- ``lambda = lambda_p / lr``.
* :func:`alternating_gradient` -- a zero-mean gradient of a chosen size per coordinate.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .. import _validate


def paper_to_framework(lambda_p: float, lr: float) -> float:
    """The ``weight_decay`` of PyTorch/Optax/Keras AdamW that reproduces the paper's ``lambda_p``.

    The paper decays by ``zeta_t * lambda_p`` per step (``zeta_t`` its schedule multiplier), the
    frameworks by ``lr_t * weight_decay`` with ``lr_t = lr * zeta_t``, so
    ``weight_decay = lambda_p / lr`` (book, AdamW, "The paper's schedule multiplier versus
    lr x weight_decay"). ``lr`` is the paper's base learning rate (its ``alpha``), > 0;
    ``lambda_p`` >= 0.
    """
    lambda_p = _validate.nonnegative("lambda_p", lambda_p, "weight decay")
    return lambda_p / _validate.positive("lr", lr, "learning rate")


def framework_to_paper(weight_decay: float, lr: float) -> float:
    """The paper's ``lambda_p = lr * weight_decay`` for a framework's ``weight_decay`` and base ``lr`` (> 0)."""
    weight_decay = _validate.weight_decay(weight_decay)
    return _validate.positive("lr", lr, "learning rate") * weight_decay


def l2_equivalent_for_sgd(lambda_p: float, lr: float) -> float:
    """Proposition 1 of Loshchilov and Hutter: the L2 coefficient ``lambda' = lambda_p / lr``.

    Plain SGD with decoupled decay, ``theta <- (1 - lambda_p) theta - lr g``, takes exactly the
    steps of SGD on ``L + lambda'/2 ||theta||^2`` (book, AdamW, section "Plain SGD: the two coincide"). No such coefficient
    exists for Adam.
    """
    lambda_p = _validate.nonnegative("lambda_p", lambda_p, "weight decay")
    return lambda_p / _validate.positive("lr", lr, "learning rate")


def decoupled_sgd_step(params, grads, lr: float, lambda_p: float) -> np.ndarray:
    """One step of SGD with decoupled weight decay (the paper's Eq. (1)): ``(1 - lambda_p) theta - lr g``.

    ``lambda_p`` is the decay per step (not multiplied by ``lr``); it must lie in ``[0, 1]``.
    Returns the new parameters; the inputs are not modified.
    """
    lr = _validate.nonnegative("lr", lr, "learning rate")
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


def decay_after(steps: int, lr: float, weight_decay: float) -> float:
    """``(1 - lr * weight_decay) ** steps``: what pure decoupled decay leaves of a weight."""
    _validate.integer("steps", steps, 0)
    factor = 1 - _validate.nonnegative("lr", lr, "learning rate") * _validate.weight_decay(weight_decay)
    if factor < 0:
        raise ValueError(f"Invalid lr * weight_decay: {lr * weight_decay!r} (must be <= 1)")
    return math.pow(factor, steps)
