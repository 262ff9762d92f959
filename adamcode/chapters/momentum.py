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
:func:`lessard_loss` and :func:`lessard_grad` are the non-quadratic strongly convex function on
which the heavy ball tuned for quadratics fails to converge (Lessard, Recht and Packard, 2016).
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

    ``lr`` is torch's learning rate (the ``eta`` of the heavy-ball form, book Eq. (1)); for
    :class:`adamcode.Momentum` with learning rate ``lr_ema`` (the book's tilde-eta) pass
    ``lr = lr_ema * (1 - beta)``.
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


def lessard_loss(x) -> np.ndarray:
    """Lessard, Recht and Packard's (2016, Sec. 4.6) one-dimensional counterexample for the heavy ball.

    ``f(x) = 25/2 x**2`` for ``x < 1``, ``1/2 x**2 + 24 x - 12`` for ``1 <= x < 2`` and
    ``25/2 x**2 - 24 x + 36`` for ``x >= 2``: a strongly convex function with ``mu = 1`` and
    ``L = 25`` (its second derivative is 25, 1 and 25 on the three pieces; value and derivative are
    continuous), minimised at ``x = 0`` with ``f = 0``. The heavy ball with Polyak's quadratic
    tuning ``lr = 1/9, beta = 4/9`` (book, momentum chapter, Eq. (16)) is stable on every quadratic
    with curvatures in ``[1, 25]`` but settles into a cycle of period 3 on this function from some
    starts (e.g. ``x_0 = 3.3``); Nesterov's method with constant momentum converges on it.
    Broadcasts like a NumPy ufunc.
    """
    x = _finite("x", x)
    return np.where(x < 1, 12.5 * x**2, np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36))


def lessard_grad(x) -> np.ndarray:
    """The derivative of :func:`lessard_loss`: ``25 x``, ``x + 24`` and ``25 x - 24`` on the three pieces."""
    x = _finite("x", x)
    return np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))
