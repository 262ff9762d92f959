"""Helpers of the Adam chapter: the gradient sequences that make Adam's longest step.

* :func:`growing_gradients` -- zeros, then gradients that grow by ``beta2 / beta1`` per step: the
  sequence for which ``|m_hat_t| / sqrt(v_hat_t)`` reaches its supremum (chapter adam, Eq. (14)).
* :func:`last_step` -- the length ``|theta_T - theta_{T-1}|`` of the last step ``adamcode.Adam``
  takes with ``lr = 1`` on a sequence of scalar gradients, i.e. the ratio ``|m_hat_T| / sqrt(v_hat_T)``.
"""
from __future__ import annotations

import numpy as np

from .. import _validate
from ..adam import Adam


def growing_gradients(beta1: float, beta2: float, steps: int, ramp: int) -> np.ndarray:
    """``steps - ramp`` zeros, then ``ramp`` gradients growing by ``beta2 / beta1`` per step, the last one 1.

    By Cauchy--Schwarz, ``|m_hat_t| / sqrt(v_hat_t)`` is largest for ``g_i`` proportional to
    ``(beta1 / beta2)**(t - i)`` (chapter adam, Eq. (14)); cutting the sequence to its last ``ramp``
    entries loses only a fraction ``(beta1**2 / beta2)**ramp`` of the sum. Needs ``0 < beta1 < 1``,
    ``0 <= beta2 < 1`` and ``1 <= ramp <= steps``.
    """
    beta1, beta2 = _validate.beta("beta1", beta1), _validate.beta("beta2", beta2)
    if beta1 == 0:
        raise ValueError(f"Invalid beta1: beta1={beta1} (must be > 0 for a growing sequence)")
    _validate.integer("steps", steps, 1)
    _validate.integer("ramp", ramp, 1)
    if ramp > steps:
        raise ValueError(f"Invalid ramp: ramp={ramp} (must be <= steps={steps})")
    g = np.zeros(steps)
    g[steps - ramp:] = (beta1 / beta2) ** np.arange(ramp - 1, -1, -1, dtype=float)
    return g


def last_step(gradients, beta1: float = 0.9, beta2: float = 0.999) -> float:
    """``|theta_T - theta_{T-1}|`` after ``adamcode.Adam(lr=1)`` has taken one step per scalar gradient.

    With ``lr = 1`` and a negligible ``eps`` (``1e-300``, which only avoids 0/0 while the
    gradients are zero) the step is ``|m_hat_T| / sqrt(v_hat_T)``, the ratio bounded in chapter
    adam, Eq. (14).
    """
    gradients = np.asarray(gradients, dtype=float)
    if gradients.ndim != 1 or gradients.size == 0:
        raise ValueError(f"Invalid gradients: shape={gradients.shape} (need a non-empty 1-D sequence)")
    adam = Adam(lr=1.0, betas=(beta1, beta2), eps=1e-300)
    params, state = np.zeros(1), adam.init(np.zeros(1))
    step = 0.0
    for gk in gradients:
        new_params, state = adam.step(params, np.array([gk]), state)
        step, params = abs(new_params[0] - params[0]), new_params
    return float(step)
