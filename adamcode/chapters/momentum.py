"""Convergence rates of momentum on a quadratic, chapter momentum.

On ``f(x) = h/2 * x**2`` (one eigen-direction of a quadratic with curvature ``h``) every
method of the chapter is a linear iteration ``z_t = R z_{t-1}`` of a 2-vector ``z``, and its
rate of convergence is the spectral radius of ``R``, the larger modulus of the two roots of
``s**2 - T s + D`` with ``T = trace(R)`` and ``D = det(R)``:

* heavy ball (torch.optim.SGD, ``b = beta b + g``, ``x = x - lr b``):
  ``T = 1 + beta - lr h``, ``D = beta`` (:func:`adamcode.symbolic.momentum_iteration_matrix`);
* Nesterov (torch.optim.SGD with ``nesterov=True``):
  ``T = (1 + beta)(1 - lr h)``, ``D = beta (1 - lr h)``
  (:func:`adamcode.symbolic.nesterov_iteration_matrix`);
* gradient descent is the heavy ball with ``beta = 0``: rate ``|1 - lr h|``.

The functions broadcast like NumPy ufuncs, so a whole ``(lr, beta, h)`` grid is one call.
The error after ``t`` steps shrinks like ``rate**t`` (times ``t`` where the two roots coincide).
"""
from __future__ import annotations

import numpy as np


def _finite(name: str, value) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid {name}: {name}={value!r} (must be finite numbers)") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"Invalid {name}: {name}={value!r} (must be finite numbers)")
    return array


def root_radius(trace, det) -> np.ndarray:
    """``max(|s_1|, |s_2|)`` for the roots of ``s**2 - trace * s + det`` (complex roots allowed).

    ``s_{1,2} = (trace +- sqrt(trace**2 - 4 det)) / 2``; when the roots are complex their
    modulus is ``sqrt(det)``.
    """
    T, D = _finite("trace", trace), _finite("det", det)
    root = np.sqrt(T.astype(complex) ** 2 - 4 * D)
    return np.maximum(np.abs((T + root) / 2), np.abs((T - root) / 2))


def heavy_ball_rate(lr, beta, h) -> np.ndarray:
    """Spectral radius of the heavy-ball iteration on curvature ``h`` (book, momentum chapter).

    The roots of ``s**2 - (1 + beta - lr*h) s + beta``. The iteration converges (rate < 1) iff
    ``0 < lr*h < 2 (1 + beta)`` and ``-1 < beta < 1``.

    ``lr`` is torch's learning rate (the heavy-ball ``eta`` of source document 004); for
    :class:`adamcode.Momentum` with learning rate ``alpha`` pass ``lr = alpha * (1 - beta)``.
    """
    lr, beta, h = _finite("lr", lr), _finite("beta", beta), _finite("h", h)
    return root_radius(1 + beta - lr * h, beta)


def nesterov_rate(lr, momentum, h) -> np.ndarray:
    """Spectral radius of torch's Nesterov iteration on curvature ``h`` (book, momentum chapter).

    The roots of ``s**2 - (1 + momentum)(1 - lr*h) s + momentum (1 - lr*h)``.
    """
    lr, momentum, h = _finite("lr", lr), _finite("momentum", momentum), _finite("h", h)
    q = 1 - lr * h
    return root_radius((1 + momentum) * q, momentum * q)


def gradient_descent_rate(lr, h) -> np.ndarray:
    """``|1 - lr*h|``, the rate of plain gradient descent on curvature ``h`` (the heavy ball with ``beta = 0``)."""
    lr, h = _finite("lr", lr), _finite("h", h)
    return np.abs(1 - lr * h)
