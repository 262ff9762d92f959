"""Problems the book solves, with their data, loss and gradient.

``linear_regression()`` is the worked example of seed 002, used in the chapter "Adam".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LinearRegression:
    """Fit ``y = w x + b`` by mean squared error; the parameters are ``theta = [w, b]``.

    ``L(theta) = (1/N) Sum_i (w x_i + b - y_i)**2`` and its gradient
    ``[(2/N) Sum_i r_i x_i, (2/N) Sum_i r_i]`` with residuals ``r_i = w x_i + b - y_i``
    (book, Adam, Eqs. (8)-(9)).
    """

    x: np.ndarray
    y: np.ndarray
    theta0: np.ndarray = field(default_factory=lambda: np.array([0.5, 0.0]))

    def residuals(self, theta) -> np.ndarray:
        w, b = np.asarray(theta, dtype=float)
        return w * self.x + b - self.y

    def loss(self, theta) -> float:
        """Mean squared error at ``theta = [w, b]``."""
        return float(np.mean(self.residuals(theta) ** 2))

    def grad(self, theta) -> np.ndarray:
        """Gradient ``[dL/dw, dL/db]`` at ``theta = [w, b]``."""
        r = self.residuals(theta)
        return np.array([np.mean(2 * r * self.x), np.mean(2 * r)])

    def solution(self) -> np.ndarray:
        """The least-squares ``[w, b]`` (from the normal equations)."""
        design = np.column_stack([self.x, np.ones_like(self.x)])
        return np.linalg.lstsq(design, self.y, rcond=None)[0]


def linear_regression() -> LinearRegression:
    """Seed 002's problem: ``x = [1, 2, 3, 4, 5]``, ``y = 2 x``, start ``w = 0.5, b = 0``."""
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    return LinearRegression(x=x, y=2.0 * x, theta0=np.array([0.5, 0.0]))
