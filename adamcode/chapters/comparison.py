"""Comparing optimizers fairly: a seeded split, train-only standardisation, per-optimizer lr tuning.

Chapter "comparison" of the book. The protocol it implements:

* :func:`stratified_split` -- a fixed, seeded train/test split that keeps the class proportions;
* :func:`standardize` -- features scaled to mean 0, standard deviation 1 with the *training*
  mean and standard deviation, applied unchanged to the test set (no test information leaks
  into training);
* :func:`tune_lr` -- each optimizer's learning rate chosen on its own from a grid, by the
  training loss after a fixed number of full-batch steps (a run that diverges scores ``inf``);
* :func:`first_step` -- the first step at which a recorded quantity crosses a threshold
  (e.g. when a run leaves a saddle point).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .. import _validate
from ..trajectory import Trajectory, run


def stratified_split(y, test_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)`` of a seeded split that keeps every class's share.

    For each class ``c`` with ``n_c`` samples, ``round(test_fraction * n_c)`` of its indices,
    drawn by ``numpy.random.default_rng(seed)`` (classes in increasing order), go to the test
    set and the rest to the training set. Both index arrays are returned sorted. On Iris
    (50 flowers per class) ``test_fraction=0.2`` gives 120 training and 30 test flowers, 10 of
    each class in the test set (book, chapter comparison).
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"Invalid y: y.shape={y.shape} (must be a non-empty 1-D array of labels)")
    if not isinstance(test_fraction, (int, float)) or isinstance(test_fraction, bool) \
            or not 0.0 < test_fraction < 1.0:
        raise ValueError(f"Invalid test_fraction: test_fraction={test_fraction!r} (must be in (0, 1))")
    _validate.integer("seed", seed)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        n_test = int(round(test_fraction * members.size))
        if n_test == 0 or n_test == members.size:
            raise ValueError(f"Invalid test_fraction: test_fraction={test_fraction!r} leaves class {c.item()!r} "
                             f"({members.size} samples) without a training or a test sample")
        shuffled = rng.permutation(members)
        test.append(shuffled[:n_test])
        train.append(shuffled[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def standardize(X_train, X_test) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scale features by the training set's statistics: ``(X - mu) / sigma`` for both sets.

    ``mu`` and ``sigma`` are the mean and the (population, ``ddof=0``) standard deviation of
    the columns of ``X_train``. Returns ``(Z_train, Z_test, mu, sigma)``; ``Z_train`` has mean 0
    and standard deviation 1 in every column, ``Z_test`` in general does not.
    """
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_train.shape[0] < 2:
        raise ValueError(f"Invalid X_train: X_train.shape={X_train.shape} (must be (N, d) with N >= 2)")
    if X_test.ndim != 2 or X_test.shape[1] != X_train.shape[1]:
        raise ValueError(f"Invalid X_test: X_test.shape={X_test.shape} "
                         f"(must be (M, {X_train.shape[1]}) like X_train)")
    mu = X_train.mean(axis=0)
    sigma = X_train.std(axis=0)
    if np.any(sigma == 0):
        raise ValueError(f"Invalid X_train: a column is constant (sigma={sigma!r}); it cannot be standardised")
    return (X_train - mu) / sigma, (X_test - mu) / sigma, mu, sigma


@dataclass(frozen=True)
class LRSearch:
    """What :func:`tune_lr` found.

    ``lrs`` is the grid, ``scores[k]`` the loss after ``steps`` steps with ``lrs[k]`` (``inf``
    if that run diverged), ``best_lr`` the grid value with the smallest score (the smaller lr on
    a tie) and ``trajectory`` the run with ``best_lr``.
    """

    lrs: np.ndarray
    scores: np.ndarray
    best_lr: float
    trajectory: Trajectory

    @property
    def at_edge(self) -> bool:
        """Whether the best lr is the smallest or the largest value of the grid (widen the grid)."""
        return bool(self.best_lr in (self.lrs[0], self.lrs[-1]))


def tune_lr(make_optimizer: Callable[[float], object], grad: Callable, loss: Callable, params0,
            lrs, steps: int, score: Optional[Callable[[np.ndarray], float]] = None) -> LRSearch:
    """Pick the learning rate from the grid ``lrs`` that minimises the final loss.

    For every ``lr`` in ``lrs`` the optimizer ``make_optimizer(lr)`` takes ``steps`` steps of
    :func:`adamcode.run` from ``params0``; the run's score is ``loss`` at its last point, or
    ``score(params)`` if given (e.g. a validation loss). A run that diverges (non-finite
    parameters or loss) scores ``inf``. The winner is

    .. math:: \\eta^\\star = \\arg\\min_{\\eta \\in \\text{grid}} \\; \\text{score}(\\theta_T(\\eta)),

    the smaller lr on a tie; every optimizer gets the same grid and the same budget (book,
    chapter comparison).
    """
    grid = np.asarray(lrs, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise ValueError(f"Invalid lrs: lrs={lrs!r} (must be a non-empty 1-D list of finite numbers >= 0)")
    if np.any(np.diff(grid) <= 0):
        raise ValueError(f"Invalid lrs: lrs={lrs!r} (must be strictly increasing)")
    scores, runs = [], []
    for lr in grid:
        traj = run(make_optimizer(float(lr)), grad, params0, steps, loss)
        if traj.diverged:
            value = np.inf
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                value = float(score(traj.params[-1])) if score is not None else float(traj.loss[-1])
            value = value if np.isfinite(value) else np.inf
        scores.append(value)
        runs.append(traj)
    scores = np.array(scores)
    if not np.any(np.isfinite(scores)):
        raise ValueError(f"Invalid lrs: every learning rate in lrs={lrs!r} diverged")
    best = int(np.argmin(scores))
    return LRSearch(lrs=grid, scores=scores, best_lr=float(grid[best]), trajectory=runs[best])


def first_step(values, threshold: float, above: bool = True) -> Optional[int]:
    """The first index ``k`` with ``values[k] > threshold`` (``above=True``) or ``< threshold``; else ``None``.

    With ``values = |y_k|`` of a run on the saddle ``x**2 - y**2`` and ``threshold = 1`` this is
    the step at which the run has left the saddle (book, chapter comparison).
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"Invalid values: values.shape={values.shape} (must be 1-D)")
    hits = np.flatnonzero(values > threshold if above else values < threshold)
    return int(hits[0]) if hits.size else None
