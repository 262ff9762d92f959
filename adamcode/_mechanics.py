"""The pieces of an update that several optimizers share, written once.

* :func:`l2_gradient` -- L2 regularisation as torch.optim's ``weight_decay`` does it in SGD,
  Adagrad, RMSprop, Adam, Adamax and NAdam: the term :math:`\\lambda\\theta` is added to the
  gradient *before* the optimizer sees it, so an adaptive method rescales it too.
* :func:`decoupled_decay` -- decoupled weight decay (AdamW, Lion, NAdam with
  ``decoupled_weight_decay=True``): the parameters are shrunk by the factor
  :math:`1-\\eta\\lambda` *before* the optimizer's own step, outside the adaptive scaling.
* :func:`apply_weight_decay` -- picks one of the two.
* :func:`bias_correction` -- the factor :math:`1-\\beta^t` that an EMA started at zero is
  divided by (book, chapter rmsprop: the EMA weights sum to :math:`1-\\beta^t`).
* :func:`ema` -- one exponential-moving-average step :math:`\\beta x + (1-\\beta) y`.

All work on NumPy arrays and Python floats and keep the array's dtype (a Python float does
not promote a float32 array under NumPy 2's scalar rules).
"""
from __future__ import annotations

import numpy as np


def l2_gradient(g: np.ndarray, theta: np.ndarray, weight_decay: float) -> np.ndarray:
    """``g + weight_decay * theta`` (the gradient of ``L + weight_decay/2 * ||theta||^2``)."""
    return g + weight_decay * theta if weight_decay else g


def decoupled_decay(theta: np.ndarray, lr: float, weight_decay: float) -> np.ndarray:
    """``theta * (1 - lr * weight_decay)``: AdamW's decay, applied before the step."""
    return theta * (1 - lr * weight_decay) if weight_decay else theta


def apply_weight_decay(theta, g, lr: float, weight_decay: float, decoupled: bool):
    """Return ``(theta, g)`` after weight decay: decoupled shrinks ``theta``, L2 changes ``g``."""
    if decoupled:
        return decoupled_decay(theta, lr, weight_decay), g
    return theta, l2_gradient(g, theta, weight_decay)


def bias_correction(beta: float, t: int) -> float:
    """``1 - beta**t``, the total weight an EMA started at zero gives its ``t`` inputs."""
    return 1 - beta**t


def ema(beta: float, average: np.ndarray, value: np.ndarray) -> np.ndarray:
    """One EMA step ``beta * average + (1 - beta) * value``."""
    return beta * average + (1 - beta) * value
