"""The functional interface every optimizer in ``adamcode`` shares.

``state = opt.init(params)`` makes the optimizer state; ``params, state = opt.step(params,
grads, state)`` returns *new* parameters and a *new* state. Inputs are never modified. The
state is a ``NamedTuple`` whose fields carry the book's names (``t``, ``m``, ``v``, ...).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _validate


class Optimizer:
    """Base class: checks inputs, then calls the subclass's ``_update``.

    Subclasses set ``buffers`` (the names of the state fields that have the parameters' shape)
    and implement ``_init(params)`` and ``_update(params, grads, state)``.
    """

    buffers: tuple[str, ...] = ()

    def init(self, params) -> NamedTuple:
        """The state before the first step (``t = 0``, buffers of zeros in the parameters' dtype)."""
        return self._init(_validate.as_params(params))

    def step(self, params, grads, state) -> tuple[np.ndarray, Any]:
        """One step: returns ``(new_params, new_state)``; ``params``, ``grads`` and ``state`` are unchanged."""
        params = _validate.as_params(params)
        grads = _validate.as_grads(grads, params)
        _validate.state_matches(state, params, self.buffers)
        return self._update(params, grads, state)

    def _init(self, params: np.ndarray):  # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self, params: np.ndarray, grads: np.ndarray, state):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self) -> dict:
        """The constructor arguments, by name (what ``repr`` shows)."""
        return dict(self._hyper)

    def replace(self, **changes) -> "Optimizer":
        """A new optimizer of the same class with ``changes`` applied and every other
        hyperparameter unchanged; the new values are validated as in the constructor."""
        return type(self)(**{**self.hyperparameters(), **changes})
