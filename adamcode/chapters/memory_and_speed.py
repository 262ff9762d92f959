"""How much memory an optimizer keeps and moves, measured from its state (chapter memory-and-speed).

* :func:`state_nbytes` -- the bytes of every array in a state record, by field name.
* :func:`state_bytes_per_param` -- an optimizer's state in bytes per parameter, measured from
  the arrays that ``init`` and one ``step`` create (nothing is typed in by hand).
* :func:`step_traffic` -- the least number of bytes one step must move per parameter: it reads
  the parameters, the gradient and each of the ``k`` state buffers and writes the parameters and
  each buffer, :math:`(3 + 2k)\\,s` bytes for an element size of :math:`s` bytes (Adam in float32:
  :math:`(3 + 4) \\cdot 4 = 28`).
* :func:`chapter_optimizers` and :func:`state_table` -- the chapter's table of bytes of state per
  parameter, one row per optimizer, measured; add a row by adding an optimizer.
* ``BLOCK`` -- the number of elements the in-place ``step_`` updates at a time.
"""
from __future__ import annotations

import numpy as np

from .. import _validate
from .._inplace import BLOCK
from ..base import Optimizer
from ..adagrad import Adagrad
from ..adam import Adam
from ..adamax import Adamax
from ..adamw import AdamW
from ..lion import Lion
from ..momentum import Momentum
from ..nadam import NAdam
from ..rmsprop import RMSprop
from ..sgd import SGD


def state_nbytes(state) -> dict:
    """``{field: nbytes}`` for every NumPy array in the state record ``state`` (scalars like ``t`` are left out)."""
    if not hasattr(state, "_fields"):
        raise ValueError(f"Invalid state: {type(state).__name__!r} is not a state record (a NamedTuple)")
    return {name: int(value.nbytes) for name, value in zip(state._fields, state)
            if isinstance(value, np.ndarray)}


def _check(opt, n, dtype):
    if not isinstance(opt, Optimizer):
        raise ValueError(f"Invalid opt: {opt!r} is not an adamcode optimizer")
    _validate.integer("n", n, 1)
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"Invalid dtype: dtype={dtype} (must be a floating-point dtype)")
    return dtype


def measured_state(opt, n: int = 1000, dtype=np.float32):
    """The state of ``opt`` for ``n`` parameters of ``dtype`` after ``init`` and one ``step``.

    One step is taken (gradient of ones) so that a buffer created only at the first step would be
    counted too; in ``adamcode`` every buffer already exists after ``init``.
    """
    dtype = _check(opt, n, dtype)
    params = np.zeros(n, dtype=dtype)
    state = opt.init(params)
    _, state = opt.step(params, np.ones(n, dtype=dtype), state)
    return state


def state_bytes_per_param(opt, n: int = 1000, dtype=np.float32) -> float:
    """Bytes of optimizer state per parameter, ``sum(array.nbytes) / n``, measured (see :func:`measured_state`)."""
    return sum(state_nbytes(measured_state(opt, n, dtype)).values()) / n


def step_traffic(opt, dtype=np.float32) -> dict:
    """Least bytes per parameter one step reads and writes: ``{"read": (2 + k) s, "write": (1 + k) s, "total": (3 + 2k) s}``.

    ``k`` is the number of state buffers (measured with :func:`measured_state`) and ``s`` the
    element size of ``dtype``. Each is read and written once: the parameters and every buffer
    are updated, the gradient is only read. A step can take no less time than ``total * n``
    bytes divided by the memory bandwidth.
    """
    dtype = _check(opt, 1, dtype)
    k = len(state_nbytes(measured_state(opt, 8, dtype)))
    s = dtype.itemsize
    return {"buffers": k, "read": (2 + k) * s, "write": (1 + k) * s, "total": (3 + 2 * k) * s}


def chapter_optimizers() -> dict:
    """``{label: optimizer}``: the rows of the chapter's bytes-per-parameter table, in its order.

    A new optimizer gets a row in the table (and in :func:`state_table`) by adding it here, or
    by passing a larger dict to :func:`state_table`.
    """
    return {
        "SGD": SGD(),
        "SGD, momentum=0.9": SGD(momentum=0.9),
        "Momentum": Momentum(),
        "Adagrad": Adagrad(),
        "RMSprop": RMSprop(),
        "RMSprop, centered": RMSprop(centered=True),
        "RMSprop, momentum=0.9": RMSprop(momentum=0.9),
        "RMSprop, centered, momentum=0.9": RMSprop(centered=True, momentum=0.9),
        "Adam": Adam(),
        "Adam, amsgrad=True": Adam(amsgrad=True),
        "AdamW": AdamW(),
        "Adamax": Adamax(),
        "NAdam": NAdam(),
        "Lion": Lion(),
    }


def state_table(optimizers: dict | None = None, n: int = 1000) -> list:
    """One row per optimizer: its state arrays and bytes of state per parameter, measured.

    ``optimizers`` is ``{label: optimizer}`` (default :func:`chapter_optimizers`). Each row is a
    dict ``{"name", "fields", "k", "float32", "float64"}``: the names of the arrays in the state
    record after ``init`` and one ``step`` on ``n`` parameters (:func:`measured_state`), their
    number :math:`k`, and :math:`k s` bytes per parameter for :math:`s` = 4 and 8 (book,
    memory-and-speed, Eq. (1)). Nothing is typed in: a new optimizer is measured like the others.
    """
    optimizers = chapter_optimizers() if optimizers is None else optimizers
    if not isinstance(optimizers, dict) or not optimizers:
        raise ValueError(f"Invalid optimizers: {optimizers!r} (need a non-empty dict label -> optimizer)")
    rows = []
    for name, opt in optimizers.items():
        fields = state_nbytes(measured_state(opt, n, np.float32))
        rows.append({"name": name, "fields": list(fields), "k": len(fields),
                     "float32": state_bytes_per_param(opt, n, np.float32),
                     "float64": state_bytes_per_param(opt, n, np.float64)})
    return rows
