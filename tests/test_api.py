"""The shared API: validation as torch.optim does it, purity, any shape, dtype kept, state records."""
import inspect
import math

import numpy as np
import pytest

import adamcode as ac

ALL = [ac.SGD, ac.Momentum, ac.Adagrad, ac.RMSprop, ac.Adam, ac.AdamW, ac.Adamax, ac.NAdam, ac.Lion]
# every option switched on, so every state buffer exists
FULL = [ac.SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1), ac.Momentum(weight_decay=0.1),
        ac.Adagrad(lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.1),
        ac.RMSprop(momentum=0.5, centered=True, weight_decay=0.1), ac.Adam(amsgrad=True, weight_decay=0.1),
        ac.AdamW(amsgrad=True), ac.Adamax(weight_decay=0.1), ac.NAdam(weight_decay=0.1), ac.Lion(weight_decay=0.1)]
IDS = [type(o).__name__ for o in FULL]


@pytest.mark.parametrize("cls, kwargs, message", [
    (ac.SGD, dict(lr=-1), "Invalid learning rate: lr=-1"),
    (ac.SGD, dict(lr=math.nan), "lr=nan"),
    (ac.SGD, dict(momentum=-0.1), "Invalid momentum value: momentum=-0.1"),
    (ac.SGD, dict(weight_decay=-1e-4), "Invalid weight_decay value: weight_decay=-0.0001"),
    (ac.SGD, dict(dampening=math.nan), "dampening=nan"),
    (ac.SGD, dict(momentum=0.0, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (ac.SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "dampening=0.1"),
    (ac.Momentum, dict(beta=1.0), "Invalid beta parameter: beta=1.0"),
    (ac.Momentum, dict(lr=math.inf), "lr=inf"),
    (ac.Adagrad, dict(lr_decay=-1), "Invalid lr_decay value: lr_decay=-1"),
    (ac.Adagrad, dict(initial_accumulator_value=-0.5), "initial_accumulator_value=-0.5"),
    (ac.Adagrad, dict(eps=-1e-10), "Invalid epsilon value: eps=-1e-10"),
    (ac.RMSprop, dict(alpha=-0.1), "Invalid alpha value: alpha=-0.1"),
    (ac.RMSprop, dict(alpha=math.nan), "alpha=nan"),
    (ac.RMSprop, dict(momentum=-1), "Invalid momentum value: momentum=-1"),
    (ac.Adam, dict(betas=(1.0, 0.999)), "betas[0]=1.0"),
    (ac.Adam, dict(betas=(0.9, math.nan)), "betas[1]=nan"),
    (ac.Adam, dict(betas=0.9), "Invalid betas: betas=0.9"),
    (ac.Adam, dict(eps_placement="keras"), "eps_placement='keras'"),
    (ac.AdamW, dict(weight_decay=-0.01), "weight_decay=-0.01"),
    (ac.Adamax, dict(betas=(0.9, -0.1)), "betas[1]=-0.1"),
    (ac.NAdam, dict(momentum_decay=-4e-3), "Invalid momentum_decay value: momentum_decay=-0.004"),
    (ac.NAdam, dict(momentum_decay=math.nan), "momentum_decay=nan"),
    (ac.Lion, dict(betas=(0.9, 1.0)), "betas[1]=1.0"),
    (ac.Lion, dict(lr="0.1"), "lr='0.1'"),
])
def test_invalid_hyperparameters_raise_naming_the_argument(cls, kwargs, message):
    with pytest.raises(ValueError) as info:
        cls(**kwargs)
    assert message in str(info.value)


def test_torch_accepts_what_torch_accepts():
    """torch does not bound RMSprop's alpha or SGD's momentum and dampening from above."""
    assert ac.RMSprop(alpha=1.5).alpha == 1.5
    assert ac.SGD(momentum=1.2, dampening=-0.5).dampening == -0.5
    assert ac.Adam(lr=0.0, eps=0.0).lr == 0.0


@pytest.mark.parametrize("opt", FULL, ids=IDS)
def test_wrong_gradient_shape_or_state_raises(opt):
    params = np.ones((2, 3))
    state = opt.init(params)
    with pytest.raises(ValueError, match=r"grads.shape=\(3, 2\) does not match params.shape=\(2, 3\)"):
        opt.step(params, np.ones((3, 2)), state)
    with pytest.raises(ValueError, match="does not match params.shape"):
        opt.step(np.ones(4), np.ones(4), state)
    with pytest.raises(ValueError, match="Invalid params: dtype=int64"):
        opt.init(np.ones(3, dtype=np.int64))
    other = ac.Lion() if not isinstance(opt, ac.Lion) else ac.Adagrad()
    with pytest.raises(ValueError, match="Invalid state: .* (has no field|is not a)"):
        opt.step(params, np.ones((2, 3)), other.init(params))


@pytest.mark.parametrize("opt", FULL, ids=IDS)
def test_step_is_pure(opt):
    params = np.array([[1.0, -2.0], [0.5, 3.0]])
    grads = np.array([[0.1, -0.4], [2.0, -1.0]])
    state = opt.init(params)
    p1, s1 = opt.step(params, grads, state)
    p1, s1 = opt.step(p1, grads, s1)
    snapshot = (params.copy(), grads.copy(), p1.copy(), [np.copy(x) for x in s1])
    p2a, s2a = opt.step(p1, grads, s1)
    p2b, s2b = opt.step(p1, grads, s1)  # the same inputs give the same outputs
    np.testing.assert_array_equal(params, snapshot[0])
    np.testing.assert_array_equal(grads, snapshot[1])
    np.testing.assert_array_equal(p1, snapshot[2])
    for before, after in zip(snapshot[3], s1):
        np.testing.assert_array_equal(before, np.asarray(after))
    np.testing.assert_array_equal(p2a, p2b)
    assert not np.array_equal(p2a, p1)
    assert s2a.t == 3 and s1.t == 2
    for field in type(opt).buffers:
        buffer = getattr(s2a, field)
        assert buffer is None or not np.shares_memory(buffer, getattr(s1, field))


@pytest.mark.parametrize("opt", FULL, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_shape_kept(opt, dtype):
    params = np.arange(24, dtype=dtype).reshape(2, 3, 4) / 10 - 1
    state = opt.init(params)
    for _ in range(3):
        params, state = opt.step(params, (2 * params + 0.1).astype(np.float64), state)
    assert params.dtype == dtype and params.shape == (2, 3, 4)
    for field in type(opt).buffers:
        buffer = getattr(state, field)
        if buffer is not None:
            assert buffer.dtype == dtype and buffer.shape == (2, 3, 4), field


def test_float32_matches_float64_to_single_precision():
    p64 = np.array([1.0, -2.0, 0.5])
    p32 = p64.astype(np.float32)
    opt = ac.Adam(lr=0.1)
    s64, s32 = opt.init(p64), opt.init(p32)
    for _ in range(5):
        p64, s64 = opt.step(p64, 2 * p64, s64)
        p32, s32 = opt.step(p32, 2 * p32, s32)
    np.testing.assert_allclose(p32, p64, rtol=1e-5)


@pytest.mark.parametrize("opt", FULL, ids=IDS)
def test_scalar_parameters(opt):
    params, state = opt.step(np.float64(1.0), 0.5, opt.init(np.float64(1.0)))
    assert np.shape(params) == () and params < 1.0


def test_state_records_are_immutable_named_tuples_with_the_books_names():
    fields = {ac.SGD: ("t", "momentum_buffer"), ac.Momentum: ("t", "m"), ac.Adagrad: ("t", "sum_sq"),
              ac.RMSprop: ("t", "v", "g_avg", "momentum_buffer"), ac.Adam: ("t", "m", "v", "v_max"),
              ac.AdamW: ("t", "m", "v", "v_max"), ac.Adamax: ("t", "m", "u"),
              ac.NAdam: ("t", "m", "v", "mu_product"), ac.Lion: ("t", "m")}
    for cls in ALL:
        state = cls().init(np.zeros(2))
        assert state._fields == fields[cls]
        assert state.t == 0
        with pytest.raises(AttributeError):
            state.t = 1
    assert ac.SGD().init(np.zeros(2)).momentum_buffer is None
    assert ac.Adam().init(np.zeros(2)).v_max is None
    assert isinstance(ac.AdamW().init(np.zeros(2)), ac.AdamState)


def test_repr_shows_the_hyperparameters():
    assert repr(ac.Lion(lr=0.001)) == "Lion(lr=0.001, betas=(0.9, 0.99), weight_decay=0.0)"
    assert repr(ac.Momentum()) == "Momentum(lr=0.01, beta=0.9, weight_decay=0.0)"


def test_every_class_docstring_states_its_rule_and_chapter():
    chapters = {ac.SGD: "momentum", ac.Momentum: "momentum", ac.Adagrad: "rmsprop", ac.RMSprop: "rmsprop",
                ac.Adam: "adam", ac.AdamW: "adamw", ac.Adamax: "beyond-adam", ac.NAdam: "beyond-adam",
                ac.Lion: "beyond-adam"}
    for cls, chapter in chapters.items():
        doc = inspect.getdoc(cls)   # dedented: Python 3.13 dedents __doc__ itself, 3.11 does not
        assert f"chapter {chapter}" in doc or "chapters gradient-descent" in doc.lower(), cls
        assert "Parameters\n----------" in doc and "theta" in doc and "<-" in doc, cls
