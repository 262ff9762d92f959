"""``run``: iterate an optimizer on a gradient function and record what happened."""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from . import _validate


@dataclass(frozen=True)
class Trajectory:
    """What ``run`` recorded.

    ``params[k]`` and ``loss[k]`` are the parameters and loss after ``k`` steps (``k = 0`` is
    the start), ``states[k]`` the optimizer state. ``diverged_at`` is the first step whose
    parameters or loss were not finite (the records stop before it), or ``None``.
    """

    params: np.ndarray
    loss: np.ndarray
    states: list
    diverged_at: Optional[int] = None

    @property
    def steps(self) -> int:
        """The number of steps recorded (fewer than asked for if the run diverged)."""
        return len(self.params) - 1

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def _takes_step_number(grad: Callable) -> bool:
    """Whether ``grad`` requires a second positional argument (the 1-based step ``t``)."""
    try:
        parameters = inspect.signature(grad).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return False
    required = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                and p.default is p.empty]
    return len(required) >= 2


def run(opt, grad: Callable, params0, steps: int, loss: Optional[Callable] = None, *,
        project: Optional[Callable] = None) -> Trajectory:
    """Take ``steps`` steps of ``opt`` from ``params0`` on the gradient function ``grad``.

    ``grad(params)`` or, for online and stochastic problems, ``grad(params, t)`` with the 1-based
    step number ``t`` (e.g. ``problems.ReddiOnline.grad``). ``project``, if given, maps the
    parameters back to the feasible set after every step (projected algorithms).

    Stops early, and says at which step in ``Trajectory.diverged_at``, when the parameters or
    the loss become non-finite, instead of returning NaNs.
    """
    _validate.integer("steps", steps, 0)
    params = np.asarray(params0)
    state = opt.init(params)
    with_t = _takes_step_number(grad)

    def evaluate(p):
        return float(loss(p)) if loss is not None else np.nan

    history, losses, states = [params], [evaluate(params)], [state]
    diverged_at = None
    # Overflow on the way to inf/NaN is what this function detects: do not also warn about it.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, steps + 1):
            g = grad(params, k) if with_t else grad(params)
            params, state = opt.step(params, g, state)
            if project is not None:
                params = np.asarray(project(params))
            if not np.all(np.isfinite(params)):
                diverged_at = k
                break
            value = evaluate(params)
            if loss is not None and not np.isfinite(value):
                diverged_at = k
                break
            history.append(params)
            losses.append(value)
            states.append(state)
    return Trajectory(np.array(history), np.array(losses), states, diverged_at)


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


def run_online(opt, problem, steps: int, lr_decay: str = "inverse_sqrt",
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

    def lr_of(t):
        base = opt.lr_at(t)
        return base / math.sqrt(t) if lr_decay == "inverse_sqrt" else base

    stepper = opt.replace(lr=lr_of)   # opt with the schedule eta_t as its learning rate
    xs, losses, lrs, gaps, states = [x], [], [], [], [state]
    for t in range(1, steps + 1):
        lr_t = lr_of(t)
        loss_t = problem.loss(x, t)
        losses.append(loss_t)
        gaps.append(loss_t - problem.loss(x_star, t))
        x, state = stepper.step(x, problem.grad(x, t), state)
        x = np.asarray(problem.project(x), dtype=float)
        xs.append(x)
        lrs.append(lr_t)
        states.append(state)
    return OnlineRun(x=np.array(xs).reshape(steps + 1, -1)[:, 0] if np.size(x) == 1 else np.array(xs),
                     loss=np.array(losses), lr=np.array(lrs), regret=np.cumsum(gaps), states=states)
