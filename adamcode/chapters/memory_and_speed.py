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

from typing import NamedTuple

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


# --- Adafactor, 8-bit states and the table of bytes per parameter (issue 15) -------------------

def state_bytes_per_param_of_shape(opt, shape, dtype=np.float32) -> float:
    """Bytes of optimizer state per parameter for a parameter of ``shape``, measured after ``init`` and one ``step``.

    Like :func:`state_bytes_per_param`, but for a parameter of a given shape: Adafactor keeps
    :math:`n_1 + n_2` numbers for an :math:`n_1\\times n_2` matrix and :math:`n` for a vector,
    Muon needs a matrix.
    """
    if not isinstance(opt, Optimizer):
        raise ValueError(f"Invalid opt: {opt!r} is not an adamcode optimizer")
    try:
        shape = tuple(int(_validate.integer("shape", n, 1)) for n in shape)
    except TypeError:
        raise ValueError(f"Invalid shape: shape={shape!r} (must be a tuple of integers >= 1)") from None
    dtype = _check(opt, 1, dtype)
    params = np.zeros(shape, dtype=dtype)
    state = opt.init(params)
    _, state = opt.step(params, np.ones(shape, dtype=dtype), state)
    return sum(state_nbytes(state).values()) / params.size


def dynamic_map(signed: bool = True, max_exponent_bits: int = 7, total_bits: int = 8) -> np.ndarray:
    """The 256 values of the *dynamic* 8-bit data type of Dettmers et al. (2022), sorted, as float32.

    The variant of bitsandbytes' ``create_dynamic_map`` (Dettmers' "dynamic tree" quantization
    with a fixed-width fraction per exponent, ``max_exponent_bits=7``): for ``i = 0 ... 6`` the
    decade :math:`10^{i-6}` holds the midpoints of ``linspace(0.1, 1, k + 1)`` scaled by
    :math:`10^{i-6}`, with :math:`k = 2^i` values of each sign (``signed=True``, for :math:`m`) or
    :math:`k = 2^{i+1}` positive ones (``signed=False``, for :math:`v \\ge 0`); then 0 and 1. The
    values cover :math:`[-1, 1]` (or :math:`[0, 1]`) with a *relative* spacing that is fine near
    1 and coarse near :math:`10^{-6}` (book, memory-and-speed).
    """
    data = []
    non_sign_bits = total_bits - 1
    for i in range(max_exponent_bits):
        k = 2 ** (i + non_sign_bits - max_exponent_bits) if signed else 2 ** (i + non_sign_bits - max_exponent_bits + 1)
        boundaries = np.linspace(0.1, 1.0, k + 1)
        means = (boundaries[:-1] + boundaries[1:]) / 2
        scale = 10.0 ** (-(max_exponent_bits - 1) + i)
        data += list(scale * means)
        if signed:
            data += list(-scale * means)
    data += [0.0, 1.0]
    if len(data) != 2 ** total_bits:
        raise ValueError(f"Invalid arguments: the map has {len(data)} values, not {2 ** total_bits} "
                         f"(signed={signed}, max_exponent_bits={max_exponent_bits}, total_bits={total_bits})")
    return np.sort(np.array(data, dtype=np.float32))


def _blocks(x: np.ndarray, block: int):
    _validate.integer("block", block, 1)
    flat = np.asarray(x, dtype=np.float32).reshape(-1)
    pad = (-flat.size) % block
    return np.concatenate([flat, np.zeros(pad, dtype=np.float32)]).reshape(-1, block), flat.size


def quantize_blockwise(x, code: np.ndarray, block: int = 2048):
    """8-bit blockwise quantization: ``(codes, absmax)`` with ``codes`` uint8 of ``x.size`` and one float32 absmax per block.

    ``x`` is cut into blocks of ``block`` elements (the last one padded); each block is divided
    by its largest absolute value (its *absmax*, stored in float32), and each quotient in
    :math:`[-1, 1]` is replaced by the index of the nearest value of ``code`` (e.g.
    :func:`dynamic_map`), as bitsandbytes' ``quantize_blockwise`` does (without stochastic
    rounding). Dettmers et al. (2022) use ``block=2048``.
    """
    code = np.asarray(code, dtype=np.float32)
    if code.ndim != 1 or code.size != 256 or np.any(np.diff(code) < 0):
        raise ValueError(f"Invalid code: shape={code.shape} (must be 256 sorted values)")
    blocks, n = _blocks(x, block)
    absmax = np.max(np.abs(blocks), axis=1)
    scaled = blocks / np.where(absmax > 0, absmax, 1)[:, None]
    midpoints = (code[1:] + code[:-1]) / 2
    codes = np.searchsorted(midpoints, scaled).astype(np.uint8)   # nearest value (ties go up)
    return codes.reshape(-1)[:n], absmax.astype(np.float32)


def dequantize_blockwise(codes, absmax, code: np.ndarray, block: int = 2048, shape=None) -> np.ndarray:
    """The float32 values ``code[codes] * absmax`` of :func:`quantize_blockwise`'s output (in ``shape``)."""
    codes = np.asarray(codes)
    values = np.asarray(code, dtype=np.float32)[codes]
    scale = np.repeat(np.asarray(absmax, dtype=np.float32), block)[:codes.size]
    out = values * scale
    return out if shape is None else out.reshape(shape)


class Adam8bitState(NamedTuple):
    """The state of :class:`Adam8bit`: :math:`m` and :math:`v` as uint8 codes with one float32 absmax per block."""

    t: int
    m_codes: np.ndarray
    m_absmax: np.ndarray
    v_codes: np.ndarray
    v_absmax: np.ndarray


class Adam8bit(Optimizer):
    """Adam with 8-bit blockwise-quantized states (Dettmers et al. 2022), for chapter memory-and-speed.

    Each step dequantizes :math:`m` (signed :func:`dynamic_map`) and :math:`v` (unsigned
    :func:`dynamic_map`) to float32, takes Adam's step there (:class:`adamcode.Adam`, Eqs.
    (1)-(5) of chapter adam), and quantizes the new :math:`m` and :math:`v` again, block by
    block with a new absmax per block. The state costs :math:`2\\,(1 + 4/\\text{block})` bytes per
    parameter. Not in torch.optim; bitsandbytes' ``Adam8bit`` is the production version (a
    fused GPU kernel; it also keeps small tensors in 32 bits and can round stochastically).
    """

    def __init__(self, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8, block: int = 2048):
        self.lr = _validate.lr(lr)
        self.betas = self.beta1, self.beta2 = _validate.betas(betas)
        self.eps = _validate.eps(eps)
        self.block = int(_validate.integer("block", block, 1))
        self.code_m, self.code_v = dynamic_map(signed=True), dynamic_map(signed=False)

    def _init(self, params: np.ndarray) -> Adam8bitState:
        n_blocks = -(-params.size // self.block)
        zeros = np.zeros(params.size, dtype=np.uint8)
        return Adam8bitState(t=0, m_codes=zeros, m_absmax=np.zeros(n_blocks, dtype=np.float32),
                             v_codes=zeros.copy(), v_absmax=np.zeros(n_blocks, dtype=np.float32))

    def step(self, params, grads, state):
        """One step: returns ``(new_params, new_state)``; the inputs are unchanged."""
        params = _validate.as_params(params)
        grads = _validate.as_grads(grads, params)
        if not isinstance(state, Adam8bitState) or state.m_codes.size != params.size:
            raise ValueError(f"Invalid state: {type(state).__name__} does not belong to parameters of "
                             f"size {params.size}")
        return self._update(params, grads, state)

    def _update(self, params, g, state: Adam8bitState):
        shape = params.shape
        m = dequantize_blockwise(state.m_codes, state.m_absmax, self.code_m, self.block, shape)
        v = dequantize_blockwise(state.v_codes, state.v_absmax, self.code_v, self.block, shape)
        g32 = g.astype(np.float32)
        t = state.t + 1
        m = self.beta1 * m + (1 - self.beta1) * g32
        v = self.beta2 * v + (1 - self.beta2) * g32 * g32
        m_hat, v_hat = m / (1 - self.beta1**t), v / (1 - self.beta2**t)
        params = (params - self.lr_at(t) * m_hat / (np.sqrt(v_hat) + self.eps)).astype(params.dtype)
        m_codes, m_absmax = quantize_blockwise(m, self.code_m, self.block)
        v_codes, v_absmax = quantize_blockwise(v, self.code_v, self.block)
        return params, Adam8bitState(t=t, m_codes=m_codes, m_absmax=m_absmax, v_codes=v_codes, v_absmax=v_absmax)

    def moments(self, state: Adam8bitState, shape) -> tuple[np.ndarray, np.ndarray]:
        """The float32 :math:`m` and :math:`v` that ``state`` stores (dequantized), in ``shape``."""
        return (dequantize_blockwise(state.m_codes, state.m_absmax, self.code_m, self.block, shape),
                dequantize_blockwise(state.v_codes, state.v_absmax, self.code_v, self.block, shape))


#: The number of parameters in the example of Rajbhandari et al. (2020), 7.5 billion.
ZERO_PARAMETERS = 7.5e9
#: The number of devices in the same example, 64.
ZERO_DEVICES = 64


def bytes_table(shape=(1024, 1024), parameters: float = ZERO_PARAMETERS, devices: int = ZERO_DEVICES) -> list:
    """Bytes per parameter of training with each method, measured from state records, and the ZeRO example redone.

    For each method a dict with ``name``, ``state`` (optimizer state in bytes per parameter,
    :func:`state_bytes_per_param_of_shape` on a float32 matrix of ``shape``), ``K`` (the bytes
    per parameter that ZeRO's first stage shards: state, plus the 4-byte float32 master weights
    in mixed precision), ``total`` (weights + gradient + K: 4 + 4 + state in float32 training,
    2 + 2 + K in mixed precision) and the memory per device in GB for ``parameters`` parameters
    on ``devices`` devices under ZeRO's stages (Rajbhandari et al. 2020, Figure 1, with
    :math:`\\Psi` parameters and :math:`N_d` devices)::

        baseline  (2 + 2 + K) Psi            P_os    (2 + 2) Psi + K Psi / N_d
        P_os+g    2 Psi + (2 + K) Psi / N_d  P_os+g+p (2 + 2 + K) Psi / N_d

    (for float32 training 4 + 4 replaces 2 + 2). Adafactor's state is measured on a matrix of
    ``shape`` and every parameter is counted as if it were such a matrix (Muon's as if every
    parameter were a hidden matrix). The other methods keep arrays of the parameters' size
    (8-bit Adam: one float32 absmax per block of 2048), so their bytes per parameter do not
    depend on the shape; they are measured on a 64 x 64 matrix (two blocks), which is cheaper.
    """
    from ..adafactor import Adafactor
    from ..adam import Adam
    from ..lion import Lion
    from ..muon import Muon
    methods = [
        ("Adam, float32", Adam(), False),
        ("Adam, mixed precision", Adam(), True),
        ("Adafactor", Adafactor(), True),
        ("Adafactor, beta1", Adafactor(beta1=0.9), True),
        ("8-bit Adam", Adam8bit(), True),
        ("Lion", Lion(), True),
        ("Muon", Muon(), True),
    ]
    rows = []
    for name, opt, mixed in methods:
        measure_on = shape if isinstance(opt, Adafactor) else (64, 64)
        state = state_bytes_per_param_of_shape(opt, measure_on, np.float32)
        w, g = (2, 2) if mixed else (4, 4)
        K = state + (4 if mixed else 0)
        psi, nd = parameters, devices
        rows.append(dict(name=name, state=state, K=K, total=w + g + K,
                         baseline=(w + g + K) * psi / 1e9, os=(w + g) * psi / 1e9 + K * psi / nd / 1e9,
                         os_g=w * psi / 1e9 + (g + K) * psi / nd / 1e9, os_g_p=(w + g + K) * psi / nd / 1e9))
    return rows
