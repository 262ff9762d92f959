"""Problems the book solves, with their data, loss and gradient.

``linear_regression()`` is the worked example of source document 002 (chapter adam); ``quadratic``,
``Rosenbrock``, ``Beale`` and ``Saddle`` are the 2-D test functions, ``ReddiOnline`` is the
AMSGrad counterexample and ``softmax_regression`` the Iris classifier. Each has ``loss``,
``grad`` and a starting point ``theta0``. Arguments are checked when a problem is made: a shape that
does not fit raises ``ValueError`` naming the argument and its shape, instead of broadcasting.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from . import _validate


def _vector(name: str, value, n: int) -> np.ndarray:
    """``value`` as a float vector of length ``n`` with finite entries (``ValueError`` naming ``name``)."""
    array = np.asarray(value, dtype=float)
    if array.shape != (n,):
        raise ValueError(f"Invalid {name}: {name}.shape={array.shape} (must be ({n},), one entry per "
                         "eigenvalue)")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"Invalid {name}: {name}={value!r} (entries must be finite)")
    return array


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

    def __post_init__(self):
        x, y = np.asarray(self.x), np.asarray(self.y)
        if x.ndim != 1 or x.shape != y.shape or x.size == 0:
            raise ValueError(f"Invalid data: x.shape={x.shape}, y.shape={y.shape} (need two 1-D arrays "
                             "of the same length N >= 1)")
        if np.shape(self.theta0) != (2,):
            raise ValueError(f"Invalid theta0: theta0.shape={np.shape(self.theta0)} (must be (2,): [w, b])")

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

    def hessian(self) -> np.ndarray:
        """The constant Hessian ``H = (2/N) [[Sum x_i**2, Sum x_i], [Sum x_i, N]]`` of the loss.

        The loss is quadratic in ``theta = [w, b]``, so ``grad(theta) = H (theta - theta*)`` exactly
        and gradient descent with learning rate ``lr`` multiplies the error ``theta - theta*`` by
        ``I - lr H`` at every step (book, gradient descent chapter). For source document 002's data
        ``H = [[22, 6], [6, 2]]``, with eigenvalues ``12 -+ 2 sqrt(34)``.
        """
        design = np.column_stack([self.x, np.ones_like(self.x)])
        return 2.0 * design.T @ design / len(self.x)


def linear_regression() -> LinearRegression:
    """Source document 002's problem: ``x = [1, 2, 3, 4, 5]``, ``y = 2 x``, start ``w = 0.5, b = 0``."""
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    return LinearRegression(x=x, y=2.0 * x, theta0=np.array([0.5, 0.0]))


@dataclass(frozen=True)
class Quadratic:
    """``f(theta) = 1/2 (theta - theta_star)^T A (theta - theta_star)`` with ``A = Q diag(eigenvalues) Q^T``.

    The gradient is ``A (theta - theta_star)``; the Hessian ``A`` has the chosen eigenvalues, so
    gradient descent is stable for ``lr < 2 / max(eigenvalues)`` and the condition number is
    ``kappa = max/min`` (chapter gradient-descent).
    """

    A: np.ndarray
    theta_star: np.ndarray
    theta0: np.ndarray

    def __post_init__(self):
        n = np.shape(self.A)[0] if np.ndim(self.A) == 2 else -1
        if n < 1 or np.shape(self.A) != (n, n):
            raise ValueError(f"Invalid A: A.shape={np.shape(self.A)} (must be a square matrix)")
        object.__setattr__(self, "theta_star", _vector("theta_star", self.theta_star, n))
        object.__setattr__(self, "theta0", _vector("theta0", self.theta0, n))

    @property
    def eigenvalues(self) -> np.ndarray:
        return np.linalg.eigvalsh(self.A)

    def loss(self, theta) -> float:
        d = np.asarray(theta, dtype=float) - self.theta_star
        return float(0.5 * d @ self.A @ d)

    def grad(self, theta) -> np.ndarray:
        return self.A @ (np.asarray(theta, dtype=float) - self.theta_star)


def quadratic(eigenvalues, theta_star=None, theta0=None, seed=None) -> Quadratic:
    """A quadratic with Hessian eigenvalues ``eigenvalues``.

    ``seed=None`` gives the diagonal Hessian ``diag(eigenvalues)`` (axes = eigenvectors); an
    integer seed rotates it by a random orthogonal ``Q``. ``theta_star`` defaults to zeros,
    ``theta0`` to ones; both must have one entry per eigenvalue.
    """
    lam = np.asarray(eigenvalues, dtype=float)
    if lam.ndim != 1 or lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError(f"Invalid eigenvalues: eigenvalues={eigenvalues!r} (must be a 1-D list of finite numbers)")
    n = lam.size
    if seed is None:
        A = np.diag(lam)
    else:
        Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
        A = Q @ np.diag(lam) @ Q.T
        A = (A + A.T) / 2
    theta_star = np.zeros(n) if theta_star is None else _vector("theta_star", theta_star, n)
    theta0 = np.ones(n) if theta0 is None else _vector("theta0", theta0, n)
    return Quadratic(A=A, theta_star=theta_star, theta0=theta0)


@dataclass(frozen=True)
class Rosenbrock:
    """``f(x, y) = (a - x)**2 + b (y - x**2)**2``; minimum 0 at ``(a, a**2)``, in a curved valley."""

    a: float = 1.0
    b: float = 100.0
    theta0: np.ndarray = field(default_factory=lambda: np.array([-1.5, 2.0]))

    @property
    def minimizer(self) -> np.ndarray:
        return np.array([self.a, self.a**2])

    def loss(self, theta) -> float:
        x, y = np.asarray(theta, dtype=float)
        return float((self.a - x) ** 2 + self.b * (y - x * x) ** 2)

    def grad(self, theta) -> np.ndarray:
        x, y = np.asarray(theta, dtype=float)
        return np.array([-2 * (self.a - x) - 4 * self.b * x * (y - x * x), 2 * self.b * (y - x * x)])


@dataclass(frozen=True)
class Beale:
    """Beale's function ``(1.5 - x + xy)**2 + (2.25 - x + xy**2)**2 + (2.625 - x + xy**3)**2``; minimum 0 at (3, 0.5)."""

    theta0: np.ndarray = field(default_factory=lambda: np.array([1.0, 1.5]))
    _c = (1.5, 2.25, 2.625)

    @property
    def minimizer(self) -> np.ndarray:
        return np.array([3.0, 0.5])

    def loss(self, theta) -> float:
        x, y = np.asarray(theta, dtype=float)
        return float(sum((c - x + x * y ** (k + 1)) ** 2 for k, c in enumerate(self._c)))

    def grad(self, theta) -> np.ndarray:
        x, y = np.asarray(theta, dtype=float)
        gx = gy = 0.0
        for k, c in enumerate(self._c):
            r = c - x + x * y ** (k + 1)
            gx += 2 * r * (y ** (k + 1) - 1)
            gy += 2 * r * (k + 1) * x * y**k
        return np.array([gx, gy])


@dataclass(frozen=True)
class Saddle:
    """``f(x, y) = x**2 - y**2``: a saddle point at the origin, unbounded below along y."""

    theta0: np.ndarray = field(default_factory=lambda: np.array([1.0, 1e-3]))

    def loss(self, theta) -> float:
        x, y = np.asarray(theta, dtype=float)
        return float(x * x - y * y)

    def grad(self, theta) -> np.ndarray:
        x, y = np.asarray(theta, dtype=float)
        return np.array([2 * x, -2 * y])


@dataclass(frozen=True)
class ReddiOnline:
    """Reddi, Kale and Kumar (2018), section 3: ``f_t(x) = C x`` if ``t mod 3 = 1``, else ``-x``, on [-1, 1].

    With ``C > 2`` the average loss ``(C - 2)/3 * x`` is minimised at ``x = -1``; Adam with
    ``beta1 = 0``, ``beta2 = 1/(1 + C**2)`` drifts to the worst point ``x = +1``, AMSGrad does not
    (chapter beyond-adam). ``grad(theta, t)`` takes the 1-based step ``t``; ``project`` clips to
    the feasible set, as the paper's projected algorithm does. Pass both to :func:`adamcode.run`.
    """

    C: float = 3.0
    theta0: np.ndarray = field(default_factory=lambda: np.array([0.0]))

    def loss(self, theta, t=None) -> float:
        """``f_t`` at step ``t``, or with ``t=None`` the average loss over a period ``(C - 2)/3 * x``."""
        x = float(np.asarray(theta, dtype=float).reshape(-1)[0])
        if t is None:
            return (self.C - 2) / 3 * x
        return self.C * x if t % 3 == 1 else -x

    def grad(self, theta, t) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        return np.full_like(theta, self.C if t % 3 == 1 else -1.0)

    def project(self, theta) -> np.ndarray:
        return np.clip(theta, -1.0, 1.0)

    @property
    def minimizer(self) -> np.ndarray:
        return np.array([-1.0])


@dataclass(frozen=True)
class SoftmaxRegression:
    """Multinomial logistic regression: cross-entropy of ``softmax(X W + b)``, optional L2 on ``W``.

    The parameters are one matrix ``theta`` of shape ``(n_features + 1, n_classes)``: the rows
    ``theta[:-1]`` are ``W``, the last row is the bias ``b``. With ``P = softmax(X W + b)`` and
    one-hot labels ``Y``, ``L = -(1/N) Sum log P[i, y_i] + l2/2 ||W||^2`` and the gradient is
    ``[X, 1]^T (P - Y) / N + [l2 W; 0]``.

    ``mean`` and ``std`` are the feature statistics ``X`` was standardised with (``None`` if it
    was not); :meth:`held_out` applies the same ones to new data.
    """

    X: np.ndarray
    y: np.ndarray
    n_classes: int
    l2: float = 0.0
    mean: Optional[np.ndarray] = None
    std: Optional[np.ndarray] = None

    def held_out(self, X, y) -> "SoftmaxRegression":
        """The same classifier's loss on other data ``(X, y)`` (e.g. a test set), without L2.

        ``X`` is standardised with *this* problem's statistics (the training set's), never its
        own, so nothing of the held-out data leaks into the scaling.
        """
        X, y = _classification_data(X, y, self.X.shape[1])
        if y.size and y.max() >= self.n_classes:
            raise ValueError(f"Invalid y: label {int(y.max())} (this problem has {self.n_classes} classes)")
        if self.mean is not None:
            X = (X - self.mean) / self.std
        return SoftmaxRegression(X=X, y=y, n_classes=self.n_classes, l2=0.0, mean=self.mean, std=self.std)

    @property
    def theta0(self) -> np.ndarray:
        return np.zeros((self.X.shape[1] + 1, self.n_classes))

    @functools.cached_property   # made once: the loss and gradient use it at every step
    def _design(self) -> np.ndarray:
        """``[X, 1]``, read-only."""
        design = np.column_stack([self.X, np.ones(len(self.X))])
        design.flags.writeable = False
        return design

    def probabilities(self, theta) -> np.ndarray:
        z = self._design @ np.asarray(theta, dtype=float)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def loss(self, theta) -> float:
        theta = np.asarray(theta, dtype=float)
        p = self.probabilities(theta)
        nll = -np.mean(np.log(p[np.arange(len(self.y)), self.y]))
        return float(nll + 0.5 * self.l2 * np.sum(theta[:-1] ** 2))

    def grad(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        p = self.probabilities(theta)
        p[np.arange(len(self.y)), self.y] -= 1.0
        g = self._design.T @ p / len(self.y)
        g[:-1] += self.l2 * theta[:-1]
        return g

    def accuracy(self, theta) -> float:
        return float(np.mean(np.argmax(self.probabilities(theta), axis=1) == self.y))


def _classification_data(X, y, d: Optional[int] = None) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],) or (d is not None and X.shape[1] != d):
        need = "(N, d)" if d is None else f"(N, {d})"
        raise ValueError(f"Invalid data: X.shape={X.shape}, y.shape={y.shape} (need {need} and (N,))")
    if not np.all(np.isfinite(X)):
        raise ValueError("Invalid X: it has entries that are not finite")
    if y.size and (y.dtype.kind not in "iuf" or np.any(y < 0) or np.any(y != np.round(y))):
        raise ValueError(f"Invalid y: labels must be integers 0, 1, ..., n_classes - 1 (got dtype={y.dtype})")
    return X, y.astype(np.int64)


def softmax_regression(X=None, y=None, l2: float = 0.0, standardize: bool = True) -> SoftmaxRegression:
    """Softmax regression on ``(X, y)``; without data, on all 150 flowers of Iris (``adamcode.datasets.iris()``).

    ``standardize=True`` scales every feature to mean 0 and standard deviation 1 with the
    statistics of this ``X`` (population ``std``), which are kept in ``mean`` and ``std``. Pass
    the *training* set here and build the test set's problem with :meth:`SoftmaxRegression.held_out`,
    which scales it by the training statistics: the held-out data never enter the scaling. (The
    default, all of Iris, is an optimisation problem with no test set.)
    """
    if X is None and y is None:
        from .datasets import iris
        X, y = iris()
    elif X is None or y is None:
        given, missing = ("X", "y") if y is None else ("y", "X")
        raise ValueError(f"Invalid data: {given} was given without {missing} (pass both, or neither for Iris)")
    X, y = _classification_data(X, y)
    if X.shape[0] == 0:
        raise ValueError("Invalid data: X has no rows")
    _validate.nonnegative("l2", l2, "l2 value")
    if standardize is not True and standardize is not False:
        raise ValueError(f"Invalid standardize: standardize={standardize!r} (must be True or False)")
    mean = std = None
    if standardize:
        mean, std = X.mean(axis=0), X.std(axis=0)
        if np.any(std == 0):
            raise ValueError(f"Invalid X: a column is constant (std={std!r}); it cannot be standardised")
        X = (X - mean) / std
    return SoftmaxRegression(X=X, y=y, n_classes=int(y.max()) + 1, l2=float(l2), mean=mean, std=std)


# --- Stochastic problems: chapters stochastic and schedules (issue 14) ---------------------------


@dataclass(frozen=True)
class LeastSquares:
    """A finite sum ``L(theta) = (1/N) Sum_i l_i(theta)`` with ``l_i = (x_i . theta - y_i)**2``.

    ``X`` is ``(N, d)`` (one example per row), ``y`` is ``(N,)``. The gradient is
    ``(2/N) X^T (X theta - y)``; :meth:`example_grads` gives the ``N`` per-example gradients
    ``2 (x_i . theta - y_i) x_i`` whose mean it is, from which :func:`minibatch_grad` draws
    (chapter stochastic). The Hessian ``H = (2/N) X^T X`` is constant.
    """

    X: np.ndarray
    y: np.ndarray
    theta0: np.ndarray

    @property
    def N(self) -> int:
        return len(self.y)

    def residuals(self, theta) -> np.ndarray:
        return self.X @ np.asarray(theta, dtype=float) - self.y

    def loss(self, theta) -> float:
        """``(1/N) Sum_i (x_i . theta - y_i)**2``."""
        return float(np.mean(self.residuals(theta) ** 2))

    def grad(self, theta) -> np.ndarray:
        """The full gradient ``(2/N) X^T (X theta - y)``, the mean of :meth:`example_grads`."""
        return 2.0 * self.X.T @ self.residuals(theta) / self.N

    def example_grads(self, theta, idx=None) -> np.ndarray:
        """The ``(N, d)`` per-example gradients ``2 (x_i . theta - y_i) x_i`` (only rows ``idx`` if given)."""
        X, y = (self.X, self.y) if idx is None else (self.X[idx], self.y[idx])
        return 2.0 * (X @ np.asarray(theta, dtype=float) - y)[:, None] * X

    def minibatch_grads(self, theta, idx) -> np.ndarray:
        """Row ``r`` of ``theta`` ``(R, d)``: the mean gradient of the examples ``idx[r]`` (``idx`` is ``(R, B)``)."""
        X = self.X[idx]                                            # (R, B, d)
        r = (X @ np.asarray(theta, dtype=float)[:, :, None])[:, :, 0] - self.y[idx]
        return 2.0 * (r[:, None, :] @ X)[:, 0, :] / idx.shape[1]

    def losses(self, thetas) -> np.ndarray:
        """The loss at every row of ``thetas`` (any leading shape, last axis ``d``)."""
        r = np.asarray(thetas, dtype=float) @ self.X.T - self.y
        return np.mean(r * r, axis=-1)

    def hessian(self) -> np.ndarray:
        return 2.0 * self.X.T @ self.X / self.N

    def solution(self) -> np.ndarray:
        """The least-squares minimiser ``theta*``."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]


def least_squares(X, y, theta0=None) -> LeastSquares:
    """A :class:`LeastSquares` problem; ``X`` may be 1-D (``N`` inputs ``x_i``), then the model is
    ``w x + b`` with ``theta = [w, b]`` as in :func:`linear_regression` (columns ``[x, 1]``)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim == 1:
        X = np.column_stack([X, np.ones_like(X)])
    if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[0] == 0:
        raise ValueError(f"Invalid data: X.shape={X.shape}, y.shape={y.shape} (need (N, d) or (N,), and (N,))")
    theta0 = np.zeros(X.shape[1]) if theta0 is None else np.asarray(theta0, dtype=float)
    if theta0.shape != (X.shape[1],):
        raise ValueError(f"Invalid theta0: theta0.shape={theta0.shape} (need ({X.shape[1]},))")
    return LeastSquares(X=X, y=y, theta0=theta0)


def noisy_linear_regression(N: int = 200, sigma: float = 1.0, seed: int = 0) -> LeastSquares:
    """Source document 002's problem with more data and noisy targets (chapter stochastic).

    ``x_i`` uniform on [1, 5] (002's range), ``y_i = 2 x_i + sigma * noise_i`` with standard
    normal noise, both from ``numpy.random.default_rng(seed)``; ``theta = [w, b]`` starts at
    002's ``[0.5, 0]``.
    """
    from . import _validate
    _validate.integer("N", N, 2)
    sigma = _validate.nonnegative("sigma", sigma, "noise level")
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 5.0, N)
    y = 2.0 * x + sigma * rng.standard_normal(N)
    return least_squares(x, y, theta0=np.array([0.5, 0.0]))


def sparse_linear_regression(frequencies=(0.5, 0.5, 0.05, 0.05, 0.005, 0.005), N: int = 4000,
                             sigma: float = 0.1, seed: int = 0) -> LeastSquares:
    """Binary features, feature ``j`` present (= 1) with probability ``frequencies[j]`` (chapter stochastic).

    ``y = X theta_true + sigma * noise`` with ``theta_true = [1, -1, 1, -1, ...]``; every
    feature is present in at least one example. Rare features are AdaGrad's original use case
    (Duchi, Hazan and Singer 2011).
    """
    from . import _validate
    _validate.integer("N", N, 1)
    p = np.asarray(frequencies, dtype=float)
    if p.ndim != 1 or p.size == 0 or not np.all((p > 0) & (p <= 1)):
        raise ValueError(f"Invalid frequencies: frequencies={frequencies!r} (each must be in (0, 1])")
    sigma = _validate.nonnegative("sigma", sigma, "noise level")
    rng = np.random.default_rng(seed)
    X = (rng.random((N, p.size)) < p).astype(float)
    X[rng.integers(0, N, p.size), np.arange(p.size)] = 1.0
    theta_true = np.where(np.arange(p.size) % 2 == 0, 1.0, -1.0)
    y = X @ theta_true + sigma * rng.standard_normal(N)
    return least_squares(X, y)


class MinibatchGradient:
    """``grad(theta)``: the mean of ``batch_size`` per-example gradients, a fresh minibatch per call.

    The minibatch is drawn uniformly from the ``N`` examples, without replacement inside one
    minibatch (``replace=False``, the default: no example twice in a batch) or with replacement,
    independently at every call, from ``numpy.random.default_rng(seed)``: the same seed gives
    the same minibatches on every machine. It is an unbiased estimate of
    ``problem.grad(theta)`` with covariance ``Sigma / B`` (with replacement) or
    ``Sigma / B * (N - B) / (N - 1)`` (without), where ``Sigma`` is the covariance of the
    per-example gradients (chapter stochastic).

    ``theta`` of shape ``(R, d)`` is ``R`` independent runs at once (the optimizers work element
    by element, so an ``(R, d)`` parameter array is ``R`` runs): each row gets its own minibatch.
    """

    def __init__(self, problem, batch_size: int, seed: int = 0, replace: bool = False):
        from . import _validate
        if not hasattr(problem, "example_grads"):
            raise ValueError(f"Invalid problem: {type(problem).__name__} has no example_grads(theta)")
        self.problem = problem
        self.N = len(problem.example_grads(problem.theta0))
        self.batch_size = _validate.integer("batch_size", batch_size, 1)
        self.replace = bool(replace)
        if not self.replace and self.batch_size > self.N:
            raise ValueError(f"Invalid batch_size: batch_size={batch_size!r} (at most N={self.N} without replacement)")
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    def sample(self, runs: int = 1) -> np.ndarray:
        """The indices of the next ``runs`` minibatches, shape ``(runs, batch_size)``.

        With replacement: independent uniform integers. Without: the indices of the
        ``batch_size`` smallest of ``N`` independent uniform numbers, a uniform random subset.
        """
        N, B, rng = self.N, self.batch_size, self.rng
        if self.replace:
            return rng.integers(0, N, (runs, B))
        keys = rng.random((runs, N))
        if B == N:
            return np.broadcast_to(np.arange(N), (runs, N)).copy()
        return np.argpartition(keys, B - 1, axis=1)[:, :B]

    def __call__(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if theta.ndim == 1:
            return self.problem.example_grads(theta, self.sample(1)[0]).mean(axis=0)
        idx = self.sample(len(theta))
        if hasattr(self.problem, "minibatch_grads"):
            return self.problem.minibatch_grads(theta, idx)
        return np.stack([self.problem.example_grads(th, ix).mean(axis=0) for th, ix in zip(theta, idx)])


def minibatch_grad(problem, batch_size: int, seed: int = 0, replace: bool = False) -> MinibatchGradient:
    """A new :class:`MinibatchGradient` for ``problem`` (pass it to :func:`adamcode.run` as ``grad``)."""
    return MinibatchGradient(problem, batch_size, seed=seed, replace=replace)
