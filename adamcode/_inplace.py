"""In-place, blocked optimizer steps, written once for every optimizer that has ``step_``.

Chapter memory-and-speed of the book. ``state = opt.step_(params, grads, state)`` computes the
same numbers as ``params, state = opt.step(params, grads, state)`` -- bit for bit, because it
performs the same IEEE operations in the same order -- but

* it overwrites ``params`` and the state's buffers (``m``, ``v``, ...) instead of returning new
  arrays, and advances the state's ``t`` in place (it returns that same record);
* it walks the flattened arrays in blocks of :data:`BLOCK` elements and runs every ufunc of the
  update on one block (``np.multiply(..., out=scratch)``) before moving to the next, so the block
  stays in the CPU cache between the ufuncs and each array crosses the memory bus once per step;
* its only temporaries are a few scratch buffers of one block each (never a full-size array).

What is shared lives here: the checks (:func:`check_params`, :func:`check_grads`,
:func:`check_buffers`), the block loop (:func:`blocks`, driven by ``Optimizer.step_``), and the in-place twins of
``adamcode._mechanics`` (:func:`l2_gradient_`, :func:`decoupled_decay_`, :func:`ema_`,
:func:`subtract_scaled_`). Each optimizer supplies only a ``_block_update`` kernel that chains
these on one block.

Bit-exactness: ``beta * a + (1 - beta) * b`` in ``_mechanics.ema`` rounds three times (two
products and a sum); :func:`ema_` performs exactly those three roundings, into ``a`` and a
scratch buffer. Python floats enter NumPy 2 ufuncs as *weak* scalars (converted to the array's
dtype), with or without ``out=``, so the scalars round the same way in both paths.
"""
from __future__ import annotations

import numpy as np

#: Elements per block: 65536 (256 KiB per float32 array). Chosen with
#: ``python -m adamcode.bench --blocks`` (chapter memory-and-speed): smaller blocks pay NumPy's
#: per-call overhead (about half a microsecond per ufunc, 14 ufuncs per Adam block) more often;
#: larger ones need larger scratch buffers and no longer fit in the cache. The working set of
#: one Adam block is p, g, m, v and three scratch blocks, 7 x 256 KiB = 1.75 MiB in float32: more
#: than a 1 MiB L2 cache, so it is the L3 cache that keeps a block between the ufuncs. Measured
#: (8M parameters, one core): 4096 -> 73 ms, 16384 -> 37, 65536 -> 34, 262144 -> 35 ms per step,
#: flat from 16K up.
BLOCK = 65536


def check_params(params) -> np.ndarray:
    """``params`` must be a writeable, C-contiguous floating-point ``numpy.ndarray``.

    ``step_`` writes the new parameters into this very array, so a list, a read-only array,
    a non-contiguous view or an integer array is an error (``ValueError`` naming ``params``).
    """
    if not isinstance(params, np.ndarray):
        raise ValueError(f"Invalid params: type={type(params).__name__} (step_ updates params in "
                         "place: it must be a numpy.ndarray; use step for other inputs)")
    if not np.issubdtype(params.dtype, np.floating):
        raise ValueError(f"Invalid params: dtype={params.dtype} (must be a floating-point array)")
    if not params.flags.writeable:
        raise ValueError("Invalid params: the array is read-only (step_ writes into it)")
    if not params.flags.c_contiguous:
        raise ValueError("Invalid params: the array is not C-contiguous (step_ needs one flat block "
                         "of memory; pass np.ascontiguousarray(params) and keep that array)")
    return params


def check_grads(grads, params: np.ndarray) -> np.ndarray:
    """``grads`` must have ``params``' shape, be C-contiguous and not overlap ``params``.

    Its dtype may differ (it is converted block by block, as ``step`` converts the whole array).
    """
    grads = np.asanyarray(grads)
    if grads.shape != params.shape:
        raise ValueError(
            f"Invalid grads: grads.shape={grads.shape} does not match params.shape={params.shape}")
    if not grads.flags.c_contiguous:
        raise ValueError("Invalid grads: the array is not C-contiguous (step_ reads it block by block "
                         "and makes no full-size copy; pass np.ascontiguousarray(grads))")
    if np.may_share_memory(grads, params):
        raise ValueError("Invalid grads: grads shares memory with params (step_ overwrites params)")
    return grads


def check_buffers(state, names: tuple[str, ...], params: np.ndarray, grads: np.ndarray) -> list:
    """The state buffers ``names`` as arrays ``step_`` may overwrite (``ValueError`` naming ``state.<name>``).

    Their shape and dtype are checked by ``Optimizer.check_state`` (the rule ``step`` also
    applies); here each must moreover be a writeable C-contiguous ``numpy.ndarray``, and no two of
    ``params``, ``grads`` and the buffers may share memory.
    """
    buffers = []
    for name in names:
        buffer = getattr(state, name)
        where = f"state.{name}"
        if not isinstance(buffer, np.ndarray):
            raise ValueError(f"Invalid state: {where} is {type(buffer).__name__}, not a numpy.ndarray "
                             "(step_ writes into it)")
        if not buffer.flags.writeable or not buffer.flags.c_contiguous:
            raise ValueError(f"Invalid state: {where} must be a writeable C-contiguous array "
                             "(step_ writes into it)")
        for other_name, other in [("params", params), ("grads", grads)] + list(zip(names, buffers)):
            if np.may_share_memory(buffer, other):
                label = other_name if other_name in ("params", "grads") else f"state.{other_name}"
                raise ValueError(f"Invalid state: {where} shares memory with {label}")
        buffers.append(buffer)
    return buffers


def blocks(kernel, t: int, lr: float, params: np.ndarray, grads: np.ndarray, buffers: dict,
           scratch: int, block: int) -> None:
    """Run ``kernel(t, lr, p, g, scratch, **buffers)`` on successive blocks of ``block`` elements.

    ``params`` and the arrays of ``buffers`` (``{state field: array}``, checked by
    :func:`check_buffers`) are overwritten. ``kernel`` receives 1-D views of one block of each
    array, passed by the state field's name, the step number ``t`` (the step being taken, as in
    ``step``), its learning rate ``lr``, and a list of ``scratch`` buffers of the block's length;
    it must not write into ``g``.
    """
    p, g = params.reshape(-1), grads.reshape(-1)
    flat = {name: b.reshape(-1) for name, b in buffers.items()}
    n = p.size
    size = max(1, min(block, n))
    work = [np.empty(size, dtype=params.dtype) for _ in range(scratch)]
    gbuf = None if g.dtype == p.dtype else np.empty(size, dtype=params.dtype)
    for start in range(0, n, size):
        stop = min(start + size, n)
        k = stop - start
        g_block = g[start:stop]
        if gbuf is not None:  # the dtype conversion that step does with grads.astype(params.dtype)
            g_block = gbuf[:k]
            g_block[...] = g[start:stop]
        scratch_views = work if k == size else [w[:k] for w in work]   # only the last block is shorter
        kernel(t, lr, p[start:stop], g_block, scratch_views, **{name: b[start:stop] for name, b in flat.items()})


def l2_gradient_(g: np.ndarray, theta: np.ndarray, weight_decay: float, out: np.ndarray) -> np.ndarray:
    """``g + weight_decay * theta`` written into ``out`` (``g`` itself is returned if the decay is 0)."""
    if not weight_decay:
        return g
    np.multiply(theta, weight_decay, out=out)
    np.add(g, out, out=out)
    return out


def decoupled_decay_(theta: np.ndarray, lr: float, weight_decay: float) -> None:
    """``theta <- theta * (1 - lr * weight_decay)`` in place (AdamW's and Lion's decay)."""
    if weight_decay:
        np.multiply(theta, 1 - lr * weight_decay, out=theta)


def ema_(beta: float, average: np.ndarray, value: np.ndarray, scratch: np.ndarray,
         out: np.ndarray | None = None) -> np.ndarray:
    """``out <- beta * average + (1 - beta) * value``; ``out`` defaults to ``average`` (in place).

    ``scratch`` may be ``value`` itself (then ``value`` is overwritten); it must not be ``out``.
    """
    out = average if out is None else out
    np.multiply(average, beta, out=out)
    np.multiply(value, 1 - beta, out=scratch)
    np.add(out, scratch, out=out)
    return out


def decay_and_moments_(opt, lr: float, p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray,
                       s1: np.ndarray, s3: np.ndarray) -> None:
    """The first lines of an Adam-type step, shared by Adam, AdamW and RAdam, in place on one block.

    Weight decay (decoupled on ``p``, or L2 into ``g`` through the scratch ``s3``), then
    ``m <- beta1 m + (1 - beta1) g`` and ``v <- beta2 v + (1 - beta2) g**2`` (``s1`` is scratch),
    in the order of their ``_update`` (book, chapter adam, Eqs. (1)-(2)).
    """
    if opt.decoupled_weight_decay:
        decoupled_decay_(p, lr, opt.weight_decay)
    else:
        g = l2_gradient_(g, p, opt.weight_decay, out=s3)
    ema_(opt.beta1, m, g, s1)                                       # m
    np.multiply(g, g, out=s1)
    ema_(opt.beta2, v, s1, s1)                                      # v


def subtract_scaled_(theta: np.ndarray, lr: float, direction: np.ndarray, scratch: np.ndarray) -> None:
    """``theta <- theta - lr * direction`` in place (``scratch`` may be ``direction``)."""
    np.multiply(direction, lr, out=scratch)
    np.subtract(theta, scratch, out=theta)
