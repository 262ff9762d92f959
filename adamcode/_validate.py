"""Argument checks shared by every optimizer.

They follow torch.optim: a hyperparameter outside its domain raises ``ValueError``
at construction, and the message names the argument and the value it was given.
Nothing is clamped or silently ignored.
"""
from __future__ import annotations

import math

import numpy as np


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool)


def nonnegative(name: str, value, what: str) -> float:
    """Return ``value`` as a float if it is a number ``>= 0``; otherwise raise ``ValueError``.

    ``not 0.0 <= value`` is also true for NaN, so NaN is rejected as torch.optim rejects it.
    """
    if not _is_number(value) or not 0.0 <= value or math.isinf(value):
        raise ValueError(f"Invalid {what}: {name}={value!r} (must be a finite number >= 0)")
    return float(value)


def positive(name: str, value, what: str) -> float:
    """Return ``value`` as a float if it is a finite number ``> 0``; otherwise raise ``ValueError``."""
    value = nonnegative(name, value, what)
    if value == 0:
        raise ValueError(f"Invalid {what}: {name}={value!r} (must be > 0)")
    return value


def finite(name: str, value, what: str) -> float:
    """Return ``value`` as a float if it is a finite number (any sign); NaN and infinities raise."""
    if not _is_number(value) or not math.isfinite(value):
        raise ValueError(f"Invalid {what}: {name}={value!r} (must be a finite number)")
    return float(value)


def integer(name: str, value, minimum: int | None = None) -> int:
    """Return ``value`` if it is an integer (Python or NumPy, not bool) ``>= minimum``; else ``ValueError``."""
    if (not isinstance(value, (int, np.integer)) or isinstance(value, bool)
            or (minimum is not None and value < minimum)):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"Invalid {name}: {name}={value!r} (must be an integer{bound})")
    return value


def lr(value):
    """A learning rate: a finite number ``>= 0``, or a schedule ``lr(t)`` (any callable), returned as is.

    A schedule's values are checked when they are used, by :func:`scheduled_lr`.
    """
    if callable(value) and not _is_number(value):
        return value
    return nonnegative("lr", value, "learning rate")


def scheduled_lr(schedule, t: int) -> float:
    """``schedule(t)`` as a float, if it is a finite number ``>= 0``; otherwise ``ValueError`` naming ``lr(t)``."""
    value = schedule(t)
    if not _is_number(value) or not 0.0 <= value or math.isinf(value):
        raise ValueError(f"Invalid learning rate: lr(t)={value!r} at step t={t} "
                         "(a schedule lr(t) must return a finite number >= 0)")
    return float(value)


def eps(value) -> float:
    return nonnegative("eps", value, "epsilon value")


def weight_decay(value) -> float:
    return nonnegative("weight_decay", value, "weight_decay value")


def momentum(value) -> float:
    return nonnegative("momentum", value, "momentum value")


def beta(name: str, value) -> float:
    """A decay rate must lie in [0, 1), as in torch.optim."""
    if not _is_number(value) or not 0.0 <= value < 1.0:  # NaN fails the comparison too
        raise ValueError(f"Invalid beta parameter: {name}={value!r} (must be in [0, 1))")
    return float(value)


def betas(value) -> tuple[float, float]:
    try:
        beta1, beta2 = value
    except (TypeError, ValueError):
        raise ValueError(f"Invalid betas: betas={value!r} (must be a pair (beta1, beta2))") from None
    return beta("betas[0]", beta1), beta("betas[1]", beta2)


def choice(name: str, value, allowed: tuple) -> str:
    if value not in allowed:
        raise ValueError(f"Invalid {name}: {name}={value!r} (must be one of {allowed})")
    return value


def one_array(name: str, value) -> np.ndarray:
    """``np.asarray(value)``, refusing a dict or a ragged list of arrays with a message saying why.

    adamcode's optimizers update one array; a pytree (a dict or list of differently shaped
    arrays, as Optax and torch parameter groups take) is not supported.
    """
    if isinstance(value, dict):
        raise ValueError(f"Invalid {name}: a dict with keys {list(value)[:4]!r} (adamcode optimizers take one "
                         "array; concatenate the parameters, or use one optimizer per array)")
    try:
        array = np.asarray(value)
    except ValueError:  # NumPy refuses ragged nested sequences
        array = None
    if array is None or array.dtype == object:
        raise ValueError(f"Invalid {name}: a {type(value).__name__} of arrays of different shapes (adamcode "
                         "optimizers take one array; concatenate the parameters, or use one optimizer per array)")
    return array


def as_params(params) -> np.ndarray:
    """The parameters as a floating-point array (a copy is never made if none is needed)."""
    array = one_array("params", params)
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"Invalid params: dtype={array.dtype} (must be a floating-point array)")
    return array


def as_grads(grads, params: np.ndarray) -> np.ndarray:
    """The gradient in the parameters' dtype; its shape must be the parameters' shape."""
    array = one_array("grads", grads)
    if array.shape != params.shape:
        raise ValueError(
            f"Invalid grads: grads.shape={array.shape} does not match params.shape={params.shape}"
        )
    return array.astype(params.dtype, copy=False)


def state_matches(state, params: np.ndarray, fields: tuple[str, ...]) -> None:
    """Each named state buffer that is not ``None`` must have the parameters' shape.

    The weaker check that ``Optimizer.check_state`` replaced (it also refuses a ``None`` buffer
    an option needs, another dtype and another optimizer's record); kept for optimizer modules
    written against it.
    """
    missing = [field for field in ("t",) + tuple(fields) if not hasattr(state, field)]
    if missing:
        raise ValueError(f"Invalid state: {type(state).__name__} has no field {missing[0]!r} "
                         "(a state made by another optimizer's init?)")
    for field in fields:
        buffer = getattr(state, field)
        if buffer is not None and np.shape(buffer) != params.shape:
            raise ValueError(f"Invalid state: state.{field}.shape={np.shape(buffer)} does not match "
                             f"params.shape={params.shape}")
