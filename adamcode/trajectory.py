"""``run``: iterate an optimizer on a gradient function and record what happened."""
from __future__ import annotations

import inspect
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
