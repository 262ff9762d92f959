"""``run``: iterate an optimizer on a gradient function and record what happened."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np


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
        return len(self.params) - 1


def run(opt, grad: Callable, params0, steps: int, loss: Optional[Callable] = None) -> Trajectory:
    """Take ``steps`` steps of ``opt`` from ``params0`` on the gradient function ``grad``.

    Stops early, and says at which step in ``Trajectory.diverged_at``, when the parameters or
    the loss become non-finite, instead of returning NaNs.
    """
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"Invalid steps: steps={steps!r} (must be an integer >= 0)")
    params = np.asarray(params0)
    state = opt.init(params)
    def evaluate(p):
        return float(loss(p)) if loss is not None else np.nan

    history, losses, states = [params], [evaluate(params)], [state]
    diverged_at = None
    for k in range(1, steps + 1):
        params, state = opt.step(params, grad(params), state)
        value = evaluate(params)
        if not np.all(np.isfinite(params)) or (loss is not None and not np.isfinite(value)):
            diverged_at = k
            break
        history.append(params)
        losses.append(value)
        states.append(state)
    return Trajectory(np.array(history), np.array(losses), states, diverged_at)
