"""``step_``: in place, blocked, bit for bit the numbers of ``step`` (chapter memory-and-speed)."""
import numpy as np
import pytest

import adamcode as ac
from adamcode import _inplace
from adamcode.bench import peak_allocation

CONFIGS = [
    ac.Adam(lr=1e-2),
    ac.Adam(lr=1e-2, amsgrad=True),
    ac.Adam(lr=1e-2, weight_decay=0.1),
    ac.Adam(lr=1e-2, weight_decay=0.1, amsgrad=True),
    ac.Adam(lr=1e-2, eps=1e-7, eps_placement="eps_hat", weight_decay=0.01),
    ac.Adam(lr=1e-2, betas=(0.5, 0.9), decoupled_weight_decay=True, weight_decay=0.5),
    ac.AdamW(lr=1e-2),
    ac.AdamW(lr=1e-2, weight_decay=0.1, amsgrad=True),
    ac.AdamW(lr=1e-2, amsgrad=True, eps_placement="eps_hat"),
    ac.Momentum(lr=0.05, beta=0.9),
    ac.Momentum(lr=0.05, beta=0.5, weight_decay=0.1),
    ac.Lion(lr=1e-2),
    ac.Lion(lr=1e-2, betas=(0.95, 0.98), weight_decay=0.1),
]


def run_both(opt, dtype, shape, steps, block, grad_dtype=None):
    rng = np.random.default_rng(42)
    p0 = rng.standard_normal(shape).astype(dtype)
    pure_p, pure_s = p0.copy(), opt.init(p0)
    p, s = p0.copy(), opt.init(p0)
    for _ in range(steps):
        # gradients over six orders of magnitude, some exactly zero
        g = (rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, shape)) * (rng.random(shape) > 0.05)
        g = g.astype(grad_dtype or dtype)
        pure_p, pure_s = opt.step(pure_p, g, pure_s)
        s = opt.step_(p, g, s, block=block)
    return (pure_p, pure_s), (p, s)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("opt", CONFIGS, ids=repr)
def test_step_in_place_equals_step_bit_for_bit(opt, dtype):
    # 37 x 29 = 1073 elements in blocks of 100: ten full blocks and a partial one
    (pure_p, pure_s), (p, s) = run_both(opt, dtype, (37, 29), steps=200, block=100)
    assert p.dtype == dtype and p.shape == (37, 29)
    assert np.array_equal(p, pure_p)
    assert s.t == pure_s.t == 200
    for name in opt.buffers:
        if getattr(pure_s, name) is not None:
            assert np.array_equal(getattr(s, name), getattr(pure_s, name)), name
    start = run_both(opt, dtype, (37, 29), steps=0, block=100)[1][0]
    assert np.max(np.abs(p - start)) > 0.1                   # the run did move the parameters


@pytest.mark.parametrize("block", [1, 7, 1073, 5000, None])
def test_block_size_does_not_change_the_numbers(block):
    opt = ac.AdamW(lr=1e-2, amsgrad=True)
    (pure_p, _), (p, _) = run_both(opt, np.float32, (1073,), steps=20, block=block)
    assert np.array_equal(p, pure_p)


def test_gradients_of_another_dtype_are_converted_as_step_converts_them():
    (pure_p, pure_s), (p, s) = run_both(ac.Adam(lr=1e-2), np.float32, (300,), 30, block=64,
                                        grad_dtype=np.float64)
    assert np.array_equal(p, pure_p) and np.array_equal(s.v, pure_s.v)


def test_the_same_arrays_are_updated_and_returned():
    opt = ac.Adam(lr=0.1, amsgrad=True)
    p = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    s0 = opt.init(p)
    m, v, v_max = s0.m, s0.v, s0.v_max
    s1 = opt.step_(p, np.array([1.0, 1.0, -1.0], dtype=np.float32), s0)
    assert s1.t == 1 and s1.m is m and s1.v is v and s1.v_max is v_max
    # first step is lr * sign(g) (chapter adam): 1 - 0.1, -2 - 0.1, 3 + 0.1, in float32
    assert np.allclose(p, [0.9, -2.1, 3.1], rtol=1e-6)
    assert np.allclose(m, [0.1, 0.1, -0.1], rtol=1e-6) and np.allclose(v, 1e-3, rtol=1e-6)


def test_scalar_and_empty_parameters():
    opt = ac.Adam(lr=0.5)
    p = np.array(2.0)
    s = opt.step_(p, np.array(-4.0), opt.init(p))
    assert p.shape == () and abs(float(p) - 2.5) < 1e-8 and s.t == 1
    empty = np.zeros(0)
    assert opt.step_(empty, np.zeros(0), opt.init(empty)).t == 1


def test_no_full_size_temporaries():
    n = 2_000_000
    p, g = np.ones(n, dtype=np.float32), np.full(n, 0.5, dtype=np.float32)
    opt = ac.Adam(amsgrad=True, weight_decay=0.01)
    state = [opt.init(p)]
    state[0] = opt.step_(p, g, state[0])

    def in_place():
        state[0] = opt.step_(p, g, state[0])
    peak = peak_allocation(in_place)
    scratch = 3 * _inplace.BLOCK * 4                    # three scratch buffers of one block
    assert scratch <= peak <= scratch + 16384           # plus a few small Python objects
    assert peak < 0.1 * p.nbytes
    pure = opt.init(p)
    assert peak_allocation(lambda: opt.step(p, g, pure)) >= 4 * p.nbytes


def test_invalid_arguments_raise_naming_them():
    opt = ac.Adam()
    p = np.zeros(6, dtype=np.float32)
    s = opt.init(p)
    g = np.ones(6, dtype=np.float32)
    readonly = p.copy()
    readonly.setflags(write=False)
    cases = [
        (lambda: opt.step_([0.0] * 6, g, s), "Invalid params: type=list"),
        (lambda: opt.step_(np.zeros(6, dtype=int), g, s), "Invalid params: dtype=int64"),
        (lambda: opt.step_(readonly, g, s), "Invalid params: the array is read-only"),
        (lambda: opt.step_(np.zeros(12, np.float32)[::2], g, s), "Invalid params: the array is not C-contiguous"),
        (lambda: opt.step_(p, np.ones(5), s), "Invalid grads: grads.shape=(5,)"),
        (lambda: opt.step_(p, np.ones(12)[::2], s), "Invalid grads: the array is not C-contiguous"),
        (lambda: opt.step_(p, p, s), "Invalid grads: grads shares memory with params"),
        (lambda: opt.step_(p, g, s._replace(m=np.zeros(6))), "state.m.dtype=float64"),
        (lambda: opt.step_(p, g, s._replace(v=s.m)), "state.v shares memory with state.m"),
        (lambda: opt.step_(p, g, s._replace(m=np.zeros(5, np.float32))), "state.m.shape=(5,)"),
        (lambda: ac.Adam(amsgrad=True).step_(p, g, s), "state.v_max is None, but amsgrad=True needs it"),
        (lambda: opt.step_(p, g, ac.Lion().init(p)), "has no field 'v'"),
        (lambda: opt.step_(p, g, s, block=0), "Invalid block: block=0"),
        (lambda: ac.Momentum().step_(p, g, ac.Momentum().init(p)._replace(m=p)), "state.m shares memory with params"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError) as info:
            call()
        assert message in str(info.value), (message, str(info.value))
    assert np.array_equal(p, np.zeros(6)) and np.array_equal(s.m, np.zeros(6))   # nothing was written
