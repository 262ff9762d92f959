"""The interface every optimizer in ``adamcode`` shares, and the checks it makes once for all.

``state = opt.init(params)`` makes the optimizer state; ``params, state = opt.step(params,
grads, state)`` returns *new* parameters and a *new* state and never modifies its inputs;
``opt.step_(params, grads, state)`` does the same step **in place**, as ``torch.optim`` does:
it overwrites ``params`` and the state's arrays and advances the state's step counter, so its
return value (the same state object) may be dropped.

A state is a small record (:class:`State`) whose fields carry the book's names (``t``, ``m``,
``v``, ...). Users cannot assign to its fields; only ``step_`` updates one, in place.

An optimizer's hyperparameters are read-only attributes named as the constructor's arguments;
``opt.replace(lr=0.01)`` returns a new, validated optimizer. ``lr`` may be a number or a
schedule, a callable ``lr(t)`` giving the learning rate :math:`\\eta_t` of step ``t = 1, 2, ...``.

Writing a new optimizer (the conventions the base class relies on):

* a state class ``class FooState(State)`` with annotated fields, ``t: int`` first;
* ``buffers``: the names of the state fields that are arrays of the parameters' shape, and
  ``option_buffers``: ``{option: (buffer, ...)}`` for the buffers that exist only when that
  option (an attribute of the optimizer) is truthy, e.g. ``{"amsgrad": ("v_max",)}``;
* ``__init__`` validates every argument and stores it under the argument's own name (the base
  class freezes the attributes afterwards and reads them back for ``repr``, ``hyperparameters``
  and ``replace``);
* ``_init(params)`` and ``_update(params, grads, state)``, which takes the step ``t = state.t + 1``
  with the learning rate ``self.lr_at(t)`` (never ``self.lr`` directly);
* optionally ``_block_update`` and ``block_scratch`` for a blocked in-place kernel (see
  ``adamcode._inplace``); without one, ``step_`` computes ``step`` and copies the result in.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any, Callable, Union

import numpy as np

from . import _inplace, _validate


class State:
    """Base of the state records: subclasses are frozen dataclasses, declared like a ``NamedTuple``.

    ``class AdamState(State): t: int; m: np.ndarray; ...`` gives a record with those fields, the
    repr ``AdamState(t=1, m=array(...), ...)``, iteration over the field values and indexing
    (``state[1:]``), and ``_fields``, ``_replace(**changes)`` and ``_asdict()`` as a ``NamedTuple`` has them.
    Assigning to a field raises ``AttributeError``; ``Optimizer.step_`` alone advances a record
    in place.
    """

    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)
        cls._fields = tuple(f.name for f in dataclasses.fields(cls))

    def __iter__(self):
        return (getattr(self, name) for name in self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __getitem__(self, index):
        return tuple(self)[index]

    def _replace(self, **changes) -> "State":
        return dataclasses.replace(self, **changes)

    def _asdict(self) -> dict:
        return {name: getattr(self, name) for name in self._fields}


class _Frozen(type):
    """Metaclass: an optimizer's attributes become read-only once its constructor has returned."""

    def __call__(cls, *args, **kwargs):
        obj = super().__call__(*args, **kwargs)
        object.__setattr__(obj, "_frozen", True)
        return obj


Schedule = Callable[[int], float]


class Optimizer(metaclass=_Frozen):
    """Base class: validates inputs and states, freezes hyperparameters, provides ``step_``.

    Subclasses set ``buffers`` (the state fields that are arrays of the parameters' shape),
    ``option_buffers`` (``{option: buffers}``, those that only exist when ``option`` is truthy)
    and implement ``_init(params)`` and ``_update(params, grads, state)``.
    """

    buffers: tuple[str, ...] = ()
    option_buffers: dict[str, tuple[str, ...]] = {}
    #: hyperparameters that ``repr`` shows only when they differ from the default (options added
    #: to torch's argument list, so that the repr of a default optimizer stays torch's)
    repr_only_if_set: tuple[str, ...] = ()
    #: number of one-block scratch buffers ``_block_update`` needs (0: no blocked kernel)
    block_scratch: int = 0
    lr: Union[float, Schedule]

    # -- hyperparameters ---------------------------------------------------------------------
    def __setattr__(self, name, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(
                f"{type(self).__name__}.{name} is read-only: use opt.replace({name}=...) for an "
                "optimizer with another value")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__}.{name} is read-only")

    @classmethod
    @functools.cache   # once per class: replace(), hyperparameters() and repr read it on every call
    def _argument_names(cls) -> tuple[str, ...]:
        return tuple(name for name, p in inspect.signature(cls.__init__).parameters.items()
                     if name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))

    def hyperparameters(self) -> dict:
        """The constructor arguments, by name, read from the (read-only) attributes of the same name."""
        return {name: getattr(self, name) for name in self._argument_names()}

    def replace(self, **changes) -> "Optimizer":
        """A new optimizer of the same class with ``changes`` applied and every other
        hyperparameter unchanged; the new values are validated as in the constructor."""
        unknown = sorted(set(changes) - set(self._argument_names()))
        if unknown:
            raise ValueError(f"Invalid argument: {unknown[0]!r} is not a hyperparameter of "
                             f"{type(self).__name__} (they are {', '.join(self._argument_names())})")
        return type(self)(**{**self.hyperparameters(), **changes})

    def __repr__(self) -> str:
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        shown = {k: v for k, v in self.hyperparameters().items()
                 if k not in self.repr_only_if_set or v != defaults.get(k)}
        args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"{type(self).__name__}({args})"

    def lr_at(self, t: int) -> float:
        """The learning rate :math:`\\eta_t` of step ``t`` (1-based): ``lr`` itself, or ``lr(t)`` for a schedule.

        A schedule's value must be a finite number ``>= 0`` (``ValueError`` naming ``lr(t)``).
        """
        lr = self.lr
        return _validate.scheduled_lr(lr, t) if callable(lr) else lr

    # -- states ------------------------------------------------------------------------------
    def required_buffers(self) -> tuple[str, ...]:
        """The state buffers this configuration reads and writes (``buffers`` minus those of options that are off)."""
        cached = self.__dict__.get("_required_buffers")
        if cached is None:  # the hyperparameters are frozen, so this is computed once
            optional = {b for names in self.option_buffers.values() for b in names}
            on = {b for option, names in self.option_buffers.items() if getattr(self, option) for b in names}
            cached = tuple(b for b in self.buffers if b not in optional or b in on)
            object.__setattr__(self, "_required_buffers", cached)
        return cached

    @classmethod
    def _state_type(cls) -> type:
        """The class of the records ``init`` makes (found once per optimizer class, from a small init).

        ``object`` (no check) if a default instance cannot init a 2-D array (e.g. it needs arguments).
        """
        if "_state_class" not in cls.__dict__:
            try:
                found = type(cls()._init(np.zeros((2, 2))))
            except Exception:  # pragma: no cover - an optimizer that needs constructor arguments
                found = object
            type.__setattr__(cls, "_state_class", found)
        return cls.__dict__["_state_class"]

    def _needed_by(self, buffer: str) -> str:
        for option, names in self.option_buffers.items():
            if buffer in names:
                return f"{option}={getattr(self, option)!r}"
        return type(self).__name__

    def check_state(self, state, params: np.ndarray) -> None:
        """``ValueError`` unless ``state`` fits this optimizer and ``params``.

        The state must have ``t`` and every buffer of :meth:`required_buffers`, each an array of
        the parameters' shape and dtype (the same rule for ``step`` and ``step_``): a state from
        another optimizer, another configuration (e.g. ``amsgrad=False`` for an ``amsgrad=True``
        optimizer), another model or another dtype is refused, with the field named.
        """
        missing = [field for field in ("t",) + tuple(self.buffers) if not hasattr(state, field)]
        if missing:
            raise ValueError(f"Invalid state: {type(state).__name__} has no field {missing[0]!r} "
                             "(a state made by another optimizer's init?)")
        expected = self._state_type()
        if not isinstance(state, expected):
            raise ValueError(f"Invalid state: {type(state).__name__} is not a {expected.__name__} "
                             "(a state made by another optimizer's init?)")
        for field in self.required_buffers():
            buffer = getattr(state, field)
            if buffer is None:
                raise ValueError(
                    f"Invalid state: state.{field} is None, but {self._needed_by(field)} needs it "
                    f"(a state made by an optimizer with other options? Make it with this one's init)")
            if not isinstance(buffer, (np.ndarray, np.generic)):
                raise ValueError(f"Invalid state: state.{field} is {type(buffer).__name__}, "
                                 "not a numpy.ndarray")
            if buffer.shape != params.shape:
                raise ValueError(f"Invalid state: state.{field}.shape={buffer.shape} does not match "
                                 f"params.shape={params.shape}")
            if buffer.dtype != params.dtype:
                raise ValueError(f"Invalid state: state.{field}.dtype={buffer.dtype} does not match "
                                 f"params.dtype={params.dtype}")

    # -- the interface -----------------------------------------------------------------------
    def init(self, params) -> State:
        """The state before the first step (``t = 0``, buffers of zeros in the parameters' dtype)."""
        return self._init(_validate.as_params(params))

    def step(self, params, grads, state) -> tuple[np.ndarray, Any]:
        """One step: returns ``(new_params, new_state)``; ``params``, ``grads`` and ``state`` are unchanged."""
        params = _validate.as_params(params)
        grads = _validate.as_grads(grads, params)
        self.check_state(state, params)
        return self._update(params, grads, state)

    def step_(self, params, grads, state, block: int | None = None):
        """One step **in place**, as torch.optim steps: the numbers of :meth:`step`, bit for bit.

        Overwrites ``params`` and the state's buffers and advances ``state.t`` (and any other
        scalar field) in place, so ``opt.step_(params, grads, state)`` alone is a complete step;
        the same ``state`` object is returned, so ``state = opt.step_(...)`` works too.

        ``params`` must be a writeable C-contiguous float ``numpy.ndarray``, ``grads`` a
        C-contiguous array of its shape (any float dtype, converted as ``step`` converts it),
        and ``state`` a record made by this optimizer's ``init`` (or returned by ``step``) for
        arrays of ``params``' shape and dtype; no two of them may share memory (``ValueError``
        naming the argument). Optimizers with a blocked kernel (Adam, AdamW, Momentum, Lion;
        book, chapter memory-and-speed) update ``block`` elements at a time (default
        ``adamcode.chapters.memory_and_speed.BLOCK``) and allocate no full-size temporary; the
        others compute :meth:`step` and copy the result into the arrays.
        """
        params = _inplace.check_params(params)
        grads = _inplace.check_grads(grads, params)
        self.check_state(state, params)
        names = self.required_buffers()
        buffers = _inplace.check_buffers(state, names, params, grads)
        if not isinstance(state, State):
            raise ValueError(f"Invalid state: {type(state).__name__} is not an adamcode.base.State "
                             "record, which step_ advances in place")
        block = _inplace.BLOCK if block is None else _validate.integer("block", block, 1)
        t = state.t + 1
        if self.block_scratch:
            lr = self.lr_at(t)  # evaluated once, before anything is written
            _inplace.blocks(self._block_update, t, lr, params, grads, dict(zip(names, buffers)),
                            self.block_scratch, block)
            changes = {"t": t}
        else:
            new_params, new_state = self._update(params, grads.astype(params.dtype, copy=False), state)
            np.copyto(params, new_params)
            for name, buffer in zip(names, buffers):
                np.copyto(buffer, getattr(new_state, name))
            changes = {name: value for name, value in new_state._asdict().items() if name not in self.buffers}
        for name, value in changes.items():
            object.__setattr__(state, name, value)
        return state

    def _init(self, params: np.ndarray):  # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self, params: np.ndarray, grads: np.ndarray, state):  # pragma: no cover - abstract
        raise NotImplementedError

    def _block_update(self, t: int, lr: float, p, g, scratch, **buffers):  # pragma: no cover - abstract
        raise NotImplementedError
