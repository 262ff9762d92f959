"""Learning-rate schedules with torch.optim.lr_scheduler's names and arguments (chapter schedules).

A schedule is a callable: ``sched(t)`` is the learning rate :math:`\\eta_t` that optimizer step
``t = 1, 2, ...`` uses. Every optimizer of ``adamcode`` accepts one as ``lr``::

    from adamcode import schedules
    sched = schedules.CosineAnnealingLR(lr=0.1, T_max=100)
    sched(1), sched(51), sched(101)          # 0.1, 0.05, 0.0

The arguments are torch's, minus the optimizer; the base learning rate that torch reads from the
optimizer is the argument ``lr``. ``sched(t)`` equals torch's ``optimizer.param_groups[0]["lr"]``
during the ``t``-th ``optimizer.step()`` when ``scheduler.step()`` is called after each optimizer
step (the order torch asks for). Torch counts scheduler calls in ``last_epoch``; that count is
``e = t - 1`` here, and the arguments that torch measures in scheduler calls (``step_size``,
``milestones``, ``T_max``, ``total_iters``, and the argument of ``LambdaLR``'s ``lr_lambda``) keep
torch's meaning, so ``sched(t)`` is torch's rate at ``last_epoch = t - 1``.

**Recursive versus closed form.** For most schedulers torch does not evaluate the formula in its
documentation: each ``scheduler.step()`` multiplies (or shifts) the *current* learning rate by a
factor (the "chainable" form), and only ``scheduler.step(epoch)`` uses the closed form. The two
agree in exact arithmetic but not in the last bits, so ``sched(t)`` runs torch's recursion (it
agrees with torch bit for bit) and :meth:`Schedule.closed_form` gives the formula. Where they
differ by more than rounding (``CosineAnnealingLR`` after ``T_max``: both restart the cosine, the
closed form too; ``SequentialLR`` at a milestone uses the next schedule's closed form at 0), the
class docstring says so.

Invalid arguments raise ``ValueError`` naming the argument and its value.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from typing import Callable, Sequence

import numpy as np

from . import _validate

__all__ = ["Schedule", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
           "PolynomialLR", "OneCycleLR", "SequentialLR", "LambdaLR"]


def _step(t) -> int:
    if (not isinstance(t, (int, np.integer)) or isinstance(t, bool)) or t < 1:
        raise ValueError(f"Invalid step: t={t!r} (must be an integer >= 1; step t uses sched(t))")
    return int(t)


def _positive_int(name, value) -> int:
    return int(_validate.integer(name, value, minimum=1))


class Schedule:
    """Base class: ``sched(t)`` for ``t = 1, 2, ...`` from torch's recursion, cached.

    Subclasses implement ``_initial()`` (torch's rate after the scheduler's constructor, at
    ``last_epoch = 0``), ``_recur(e, previous)`` (torch's ``get_lr`` at ``last_epoch = e >= 1``
    given the current rate) and, where torch has one, ``_closed(e)`` (``_get_closed_form_lr``).
    """

    def __init__(self):
        self._cache: list[float] = []

    # --- what a reader calls -------------------------------------------------------------
    def __call__(self, t) -> float:
        """The learning rate :math:`\\eta_t` of optimizer step ``t`` (an integer >= 1)."""
        t = _step(t)
        self._extend(t)
        return self._cache[t - 1]

    def values(self, T) -> np.ndarray:
        """``[sched(1), ..., sched(T)]`` as a float64 array."""
        T = _positive_int("T", T)
        self._extend(T)
        return np.array(self._cache[:T])

    def closed_form(self, t) -> float:
        """The closed form torch documents (its ``_get_closed_form_lr``) at step ``t``.

        It equals ``sched(t)`` up to rounding (relative 1e-15 for moderate ``t``); ``sched(t)``
        follows torch's recursion exactly.
        """
        return self._closed(_step(t) - 1)

    def hyperparameters(self) -> dict:
        """The constructor arguments, by name (what ``repr`` shows)."""
        return dict(self._hyper)

    def replace(self, **changes) -> "Schedule":
        """A new schedule of the same class with ``changes`` applied (validated as in the constructor)."""
        return type(self)(**{**self.hyperparameters(), **changes})

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyper.items())
        return f"{type(self).__name__}({args})"

    # --- machinery -----------------------------------------------------------------------
    def _extend(self, t: int) -> None:
        cache = self._cache
        if not cache:
            cache.append(float(self._initial()))
        while len(cache) < t:
            e = len(cache)
            cache.append(float(self._recur(e, cache[-1])))

    def _start(self) -> float:
        """torch's rate when SequentialLR switches to this schedule (``_update_lr(0)``)."""
        return self._closed(0)

    def _closed(self, e: int) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def _initial(self) -> float:
        return self.lr

    def _recur(self, e: int, previous: float) -> float:  # default: the closed form (not recursive)
        return self._closed(e)


def _base_lr(lr) -> float:
    return _validate.nonnegative("lr", lr, "learning rate")


def _gamma(gamma) -> float:
    return _validate.positive("gamma", gamma, "gamma value")


class StepLR(Schedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps (torch.optim.lr_scheduler.StepLR).

    Closed form :math:`\\eta_t = \\eta\\,\\gamma_d^{\\lfloor (t-1)/s \\rfloor}` with ``s = step_size``
    and ``gamma_d = gamma``; torch multiplies the current rate by ``gamma`` at each multiple
    of ``s`` instead (recursive form), which ``sched(t)`` follows.
    """

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1):
        super().__init__()
        self.lr, self.step_size, self.gamma = _base_lr(lr), _positive_int("step_size", step_size), _gamma(gamma)
        self._hyper = dict(lr=self.lr, step_size=self.step_size, gamma=self.gamma)

    def _recur(self, e, previous):
        return previous if e % self.step_size != 0 else previous * self.gamma

    def _closed(self, e):
        return self.lr * self.gamma ** (e // self.step_size)


class MultiStepLR(Schedule):
    """Multiply the learning rate by ``gamma`` at each milestone (torch.optim.lr_scheduler.MultiStepLR).

    ``milestones`` are scheduler counts ``e = t - 1`` (torch's), e.g. ``[30, 80]``: steps
    ``t = 31`` and ``t = 81`` are the first with the smaller rates. A milestone listed twice
    multiplies by ``gamma**2``, as in torch. Closed form
    ``lr * gamma ** (number of milestones <= t - 1)``; ``sched(t)`` follows torch's recursion.
    """

    def __init__(self, lr: float, milestones: Sequence[int], gamma: float = 0.1):
        super().__init__()
        self.lr, self.gamma = _base_lr(lr), _gamma(gamma)
        try:
            items = list(milestones)
        except TypeError:
            raise ValueError(f"Invalid milestones: milestones={milestones!r} (must be a list of integers >= 0)") from None
        for m in items:
            if not isinstance(m, (int, np.integer)) or isinstance(m, bool) or m < 0:
                raise ValueError(f"Invalid milestones: milestones={milestones!r} (must be a list of integers >= 0)")
        self.milestones = tuple(int(m) for m in items)
        self._counts = Counter(self.milestones)
        self._sorted = sorted(self.milestones)
        self._hyper = dict(lr=self.lr, milestones=list(self.milestones), gamma=self.gamma)

    def _initial(self):
        return self._recur(0, self.lr)

    def _recur(self, e, previous):
        if e not in self._counts:
            return previous
        return previous * self.gamma ** self._counts[e]

    def _closed(self, e):
        return self.lr * self.gamma ** bisect_right(self._sorted, e)


class ExponentialLR(Schedule):
    """Multiply the learning rate by ``gamma`` at every step (torch.optim.lr_scheduler.ExponentialLR).

    Closed form :math:`\\eta_t = \\eta\\,\\gamma_d^{t-1}`; torch (and ``sched``) multiply the current
    rate by ``gamma`` once per step, which differs from ``lr * gamma**(t-1)`` by rounding that
    grows with ``t`` (about ``t`` units in the last place at most).
    """

    def __init__(self, lr: float, gamma: float):
        super().__init__()
        self.lr, self.gamma = _base_lr(lr), _gamma(gamma)
        self._hyper = dict(lr=self.lr, gamma=self.gamma)

    def _recur(self, e, previous):
        return previous * self.gamma

    def _closed(self, e):
        return self.lr * self.gamma**e


class CosineAnnealingLR(Schedule):
    """Cosine annealing from ``lr`` to ``eta_min`` over ``T_max`` steps (torch.optim.lr_scheduler.CosineAnnealingLR).

    Closed form (SGDR without restarts, Loshchilov and Hutter 2017)::

        eta_t = eta_min + (lr - eta_min) * (1 + cos(pi * (t - 1) / T_max)) / 2

    so ``sched(1) = lr`` and ``sched(T_max + 1) = eta_min``. torch computes it recursively,
    ``eta_e = eta_min + (eta_{e-1} - eta_min) (1 + cos(pi e/T_max)) / (1 + cos(pi (e-1)/T_max))``,
    with a separate increment where that ratio is 0/0; ``sched(t)`` follows the recursion. After
    ``T_max`` steps neither form stays at ``eta_min``: the cosine rises again (period
    ``2 T_max``), as in torch. Stop training at ``T_max + 1`` steps, or use ``SequentialLR``.
    """

    def __init__(self, lr: float, T_max: int, eta_min: float = 0.0):
        super().__init__()
        self.lr, self.T_max = _base_lr(lr), _positive_int("T_max", T_max)
        self.eta_min = _validate.nonnegative("eta_min", eta_min, "eta_min value")
        self._hyper = dict(lr=self.lr, T_max=self.T_max, eta_min=self.eta_min)

    def _recur(self, e, previous):
        T, eta_min = self.T_max, self.eta_min
        if (e - 1 - T) % (2 * T) == 0:
            return previous + (self.lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
        return ((1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
                * (previous - eta_min) + eta_min)

    def _closed(self, e):
        return self.eta_min + (self.lr - self.eta_min) * (1 + math.cos(math.pi * e / self.T_max)) / 2


class LinearLR(Schedule):
    """Scale the learning rate linearly from ``start_factor * lr`` to ``end_factor * lr`` (torch.optim.lr_scheduler.LinearLR).

    Closed form ``lr * (start + (end - start) * min(total_iters, t - 1) / total_iters)``: the
    usual linear warmup is ``LinearLR(lr, start_factor=0.01, total_iters=W)``, which reaches
    ``lr`` at step ``W + 1``. torch multiplies the current rate by
    ``1 + (end - start) / (total_iters * start + (e - 1)(end - start))`` instead; ``sched(t)``
    follows that recursion. ``start_factor`` must be in (0, 1] and ``end_factor`` in [0, 1], as torch requires.
    """

    def __init__(self, lr: float, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5):
        super().__init__()
        self.lr = _base_lr(lr)
        if not _validate._is_number(start_factor) or not 0 < start_factor <= 1:
            raise ValueError(f"Invalid start_factor: start_factor={start_factor!r} (must be in (0, 1])")
        if not _validate._is_number(end_factor) or not 0 <= end_factor <= 1:
            raise ValueError(f"Invalid end_factor: end_factor={end_factor!r} (must be in [0, 1])")
        self.start_factor, self.end_factor = float(start_factor), float(end_factor)
        self.total_iters = _positive_int("total_iters", total_iters)
        self._hyper = dict(lr=self.lr, start_factor=self.start_factor, end_factor=self.end_factor,
                           total_iters=self.total_iters)

    def _initial(self):
        return self.lr * self.start_factor

    def _recur(self, e, previous):
        if e > self.total_iters:
            return previous
        start, end = self.start_factor, self.end_factor
        return previous * (1.0 + (end - start) / (self.total_iters * start + (e - 1) * (end - start)))

    def _closed(self, e):
        start, end = self.start_factor, self.end_factor
        return self.lr * (start + (end - start) * min(self.total_iters, e) / self.total_iters)


class PolynomialLR(Schedule):
    """Polynomial decay to 0 over ``total_iters`` steps (torch.optim.lr_scheduler.PolynomialLR).

    Closed form ``lr * (1 - min(total_iters, t - 1) / total_iters) ** power`` (``power=1`` is
    linear decay to 0 at step ``total_iters + 1``, where it stays). torch multiplies by the ratio
    of consecutive factors instead; ``sched(t)`` follows that recursion.
    """

    def __init__(self, lr: float, total_iters: int = 5, power: float = 1.0):
        super().__init__()
        self.lr, self.total_iters = _base_lr(lr), _positive_int("total_iters", total_iters)
        self.power = _validate.nonnegative("power", power, "power value")
        self._hyper = dict(lr=self.lr, total_iters=self.total_iters, power=self.power)

    def _recur(self, e, previous):
        if e > self.total_iters:
            return previous
        T = self.total_iters
        return previous * ((1.0 - e / T) / (1.0 - (e - 1) / T)) ** self.power

    def _closed(self, e):
        return self.lr * (1.0 - min(self.total_iters, e) / self.total_iters) ** self.power


class OneCycleLR(Schedule):
    """Smith's one-cycle policy (torch.optim.lr_scheduler.OneCycleLR), learning rate only.

    The rate rises from ``max_lr / div_factor`` to ``max_lr`` over the first ``pct_start`` of
    ``total_steps`` and then anneals to ``max_lr / (div_factor * final_div_factor)``
    (``anneal_strategy`` ``"cos"`` or ``"linear"``; ``three_phase=True`` comes back down to the
    initial rate before the final annealing). As in torch, the optimizer's own learning rate is
    ignored: there is no ``lr`` argument. torch's ``cycle_momentum``, ``base_momentum`` and
    ``max_momentum`` change the optimizer's momentum, not the learning rate; they are left out
    (a schedule here is a learning rate only). ``sched(t)`` exists for
    ``t <= total_steps + 1``; torch raises after that too. Give ``total_steps`` or both
    ``epochs`` and ``steps_per_epoch``.
    """

    def __init__(self, max_lr: float, total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3, anneal_strategy: str = "cos",
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False):
        super().__init__()
        self.max_lr = _validate.nonnegative("max_lr", max_lr, "max_lr value")
        if total_steps is not None:
            self.total_steps = _positive_int("total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (_positive_int("epochs", epochs) * _positive_int("steps_per_epoch", steps_per_epoch))
        else:
            raise ValueError(f"Invalid total_steps: total_steps={total_steps!r} (give total_steps, or "
                             f"epochs and steps_per_epoch; got epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r})")
        if not _validate._is_number(pct_start) or not 0 <= pct_start <= 1:
            raise ValueError(f"Invalid pct_start: pct_start={pct_start!r} (must be a number in [0, 1])")
        self.pct_start = float(pct_start)
        self.anneal_strategy = _validate.choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
        self.div_factor = _validate.positive("div_factor", div_factor, "div_factor value")
        self.final_div_factor = _validate.positive("final_div_factor", final_div_factor, "final_div_factor value")
        self.three_phase = bool(three_phase)
        self._hyper = dict(max_lr=self.max_lr, total_steps=self.total_steps, pct_start=self.pct_start,
                           anneal_strategy=self.anneal_strategy, div_factor=self.div_factor,
                           final_div_factor=self.final_div_factor, three_phase=self.three_phase)
        self.lr = self.max_lr / self.div_factor            # torch's initial_lr
        self.min_lr = self.lr / self.final_div_factor
        n, p = self.total_steps, self.pct_start
        if self.three_phase:
            self._phases = [(float(p * n) - 1, self.lr, self.max_lr), (float(2 * p * n) - 2, self.max_lr, self.lr),
                            (n - 1, self.lr, self.min_lr)]
        else:
            self._phases = [(float(p * n) - 1, self.lr, self.max_lr), (n - 1, self.max_lr, self.min_lr)]

    def _initial(self):
        return self._closed(0)

    def _closed(self, e):
        if e > self.total_steps:
            raise ValueError(f"Invalid step: t={e + 1} (OneCycleLR with total_steps={self.total_steps} "
                             f"is defined for t <= {self.total_steps + 1}, as in torch)")
        start_step = 0.0
        for i, (end_step, start, end) in enumerate(self._phases):
            if e <= end_step or i == len(self._phases) - 1:
                pct = (e - start_step) / (end_step - start_step)
                if self.anneal_strategy == "cos":
                    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
                return (end - start) * pct + start
            start_step = end_step
        raise AssertionError("unreachable")  # pragma: no cover


class LambdaLR(Schedule):
    """``lr * lr_lambda(t - 1)`` (torch.optim.lr_scheduler.LambdaLR).

    ``lr_lambda`` receives torch's scheduler count ``e = t - 1`` (0 for the first step), as in
    torch, and returns a factor. Example, linear warmup over ``W`` steps:
    ``LambdaLR(lr, lambda e: min(1.0, (e + 1) / W))``.
    """

    def __init__(self, lr: float, lr_lambda: Callable[[int], float]):
        super().__init__()
        self.lr = _base_lr(lr)
        if not callable(lr_lambda):
            raise ValueError(f"Invalid lr_lambda: lr_lambda={lr_lambda!r} (must be a callable e -> factor)")
        self.lr_lambda = lr_lambda
        self._hyper = dict(lr=self.lr, lr_lambda=lr_lambda)

    def _initial(self):
        return self._closed(0)

    def _closed(self, e):
        return self.lr * self.lr_lambda(e)


class SequentialLR(Schedule):
    """Run ``schedulers[0]`` until the first milestone, then ``schedulers[1]``, ... (torch.optim.lr_scheduler.SequentialLR).

    ``milestones`` are torch's scheduler counts: with ``milestones=[W]``, steps ``t = 1 .. W`` use
    ``schedulers[0](t)`` and step ``t = W + 1 + k`` uses the rate the second schedule gives at its
    own ``k + 1``-th step. As in torch, at a milestone the next schedule starts from its *closed
    form* at 0 (which can differ from its first value in the last bits), then continues by its
    recursion. All schedules must have the same base ``lr`` (in torch they share the optimizer).
    The standard "linear warmup, then cosine" is::

        SequentialLR([LinearLR(lr, start_factor=0.01, total_iters=W),
                      CosineAnnealingLR(lr, T_max=T - W)], milestones=[W])
    """

    def __init__(self, schedulers: Sequence[Schedule], milestones: Sequence[int]):
        super().__init__()
        schedulers = list(schedulers) if isinstance(schedulers, (list, tuple)) else schedulers
        if not isinstance(schedulers, list) or not schedulers:
            raise ValueError(f"Invalid schedulers: schedulers={schedulers!r} (must be a non-empty list of schedules)")
        for i, s in enumerate(schedulers):
            if not isinstance(s, Schedule) or isinstance(s, SequentialLR):
                raise ValueError(f"Invalid schedulers: schedulers[{i}]={s!r} (must be an adamcode.schedules "
                                 "schedule other than SequentialLR)")
        lrs = {s.lr for s in schedulers}
        if len(lrs) != 1:
            raise ValueError(f"Invalid schedulers: base learning rates {sorted(lrs)} differ (all must have the same lr)")
        try:
            milestones = [int(_validate.integer("milestones", m, minimum=1)) for m in milestones]
        except TypeError:
            raise ValueError(f"Invalid milestones: milestones={milestones!r} (must be a list of integers)") from None
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"Invalid milestones: milestones={milestones!r} (need len(schedulers) - 1 = "
                             f"{len(schedulers) - 1} milestones)")
        if any(b <= a for a, b in zip(milestones, milestones[1:])):
            raise ValueError(f"Invalid milestones: milestones={milestones!r} (must increase)")
        self.schedulers, self.milestones = list(schedulers), milestones
        self.lr = schedulers[0].lr
        self._hyper = dict(schedulers=self.schedulers, milestones=self.milestones)

    def _child_value(self, idx: int, k: int, previous: float | None) -> float:
        s = self.schedulers[idx]
        if idx == 0:
            return s._initial() if k == 0 else s._recur(k, previous)
        return s._start() if k == 0 else s._recur(k, previous)

    def _initial(self):
        return self._child_value(0, 0, None)

    def _recur(self, e, previous):
        idx = bisect_right(self.milestones, e)
        start = 0 if idx == 0 else self.milestones[idx - 1]
        return self._child_value(idx, e - start, previous)

    def _closed(self, e):
        idx = bisect_right(self.milestones, e)
        start = 0 if idx == 0 else self.milestones[idx - 1]
        return self.schedulers[idx]._closed(e - start)
