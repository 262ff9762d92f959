"""The contract every optimizer keeps, checked for every class (including ones added later).

* ``step_`` used the torch way (return value dropped) is a correct step, bit for bit ``step``;
* a state from another configuration, shape or dtype is refused with ``ValueError`` naming the
  option and the buffer, by ``step`` and ``step_`` alike;
* hyperparameters are read-only; ``replace``, ``repr`` and ``hyperparameters()`` agree;
* ``lr`` may be a schedule ``lr(t)``;
* ``import adamcode`` is light (no SymPy).
"""
import math
import re
import subprocess
import sys

import numpy as np
import pytest

import adamcode as ac
from adamcode import variants
from adamcode.base import Optimizer, State


def all_classes():
    """Every concrete optimizer class that adamcode exports (new modules are picked up here)."""
    found = []
    for module in (ac, variants):
        for name in dir(module):
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, Optimizer) and obj is not Optimizer and obj not in found:
                found.append(obj)
    return found


CLASSES = all_classes()


def switched_on(cls):
    """``cls`` with every option of ``option_buffers`` switched on (a value that needs the buffer)."""
    on = {}
    for option in cls.option_buffers:
        default = cls().hyperparameters()[option]
        on[option] = True if isinstance(default, bool) else 0.5
    return cls(**on)


CONFIGS = [cls() for cls in CLASSES] + [switched_on(cls) for cls in CLASSES if cls.option_buffers] + [
    ac.SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1), ac.SGD(momentum=0.9, dampening=0.3),
    ac.Momentum(weight_decay=0.1), ac.Adagrad(lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.1),
    ac.RMSprop(momentum=0.5, centered=True, weight_decay=0.1, eps_in_sqrt=True),
    ac.Adam(amsgrad=True, weight_decay=0.1, eps_placement="eps_hat"), ac.AdamW(amsgrad=True),
    ac.Adamax(weight_decay=0.1), ac.NAdam(weight_decay=0.1, decoupled_weight_decay=True),
    ac.Lion(weight_decay=0.1), variants.AdamWPaper(weight_decay=0.1, schedule=lambda t: 1 / t),
]


def test_every_class_is_covered():
    names = {cls.__name__ for cls in CLASSES}
    assert {"SGD", "Momentum", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "Lion",
            "OptaxAMSGrad", "AdamWPaper"} <= names


def shaped(opt, x):
    """``x`` as the optimizer takes it: Muon (``matrix_only``) takes matrices, so a vector becomes a column."""
    return np.asarray(x).reshape(-1, 1) if getattr(opt, "matrix_only", False) else x


def gradients(steps, shape, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) * 10.0 ** rng.uniform(-2, 2, shape) for _ in range(steps)]


def assert_same_state(a, b):
    assert type(a) is type(b)
    for name in a._fields:
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            assert x is None and y is None, name
        else:
            assert np.array_equal(x, y), name


# --- 1. step_ used the torch way ---------------------------------------------------------------

def config_id(opt) -> str:
    """The optimizer's repr without memory addresses (of a schedule's function), so that test ids
    are the same in every process (pytest-xdist's workers must collect identical ids)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(opt))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("opt", CONFIGS, ids=config_id)
def test_step_in_place_with_the_return_dropped_is_step(opt, dtype):
    shape = (5, 3)
    p0 = np.linspace(-2, 2, 15).reshape(shape).astype(dtype)
    pure_p, pure_s = p0.copy(), opt.init(p0)
    p, s = p0.copy(), opt.init(p0)
    for g in gradients(7, shape):
        pure_p, pure_s = opt.step(pure_p, g.astype(dtype), pure_s)
        opt.step_(p, g, s)                       # as torch: the return value is not used
    assert s.t == pure_s.t == 7
    assert p.dtype == dtype and np.array_equal(p, pure_p)
    assert_same_state(s, pure_s)
    assert not np.array_equal(p, p0)


@pytest.mark.parametrize("opt", CONFIGS, ids=config_id)
def test_step_in_place_returns_the_state_it_was_given(opt):
    p = shaped(opt, np.ones(4))
    s = opt.init(p)
    arrays = {name: getattr(s, name) for name in opt.required_buffers()}
    assert opt.step_(p, np.full(p.shape, 0.5), s) is s and s.t == 1
    for name, array in arrays.items():
        assert getattr(s, name) is array, name  # the same arrays, overwritten


def test_state_fields_cannot_be_assigned_by_users():
    s = ac.Adam().init(np.zeros(3))
    with pytest.raises(AttributeError):
        s.t = 4
    with pytest.raises(AttributeError):
        s.m = np.ones(3)
    assert isinstance(s, State) and s._replace(t=2).t == 2 and s.t == 0
    assert s[0] == 0 and s[1] is s.m and s[1:] == (s.m, s.v, None) and len(s) == 4   # as a NamedTuple


def test_step_in_place_refuses_a_record_it_cannot_advance():
    from typing import NamedTuple

    class Plain(NamedTuple):
        t: int
        m: np.ndarray
    p = np.ones(3)
    for method in ("step", "step_"):
        with pytest.raises(ValueError, match="Invalid state: Plain is not a MomentumState"):
            getattr(ac.Momentum(), method)(p, p.copy(), Plain(0, np.zeros(3)))
    assert np.array_equal(p, np.ones(3))
    with pytest.raises(ValueError, match="Invalid state: LionState is not a MomentumState"):
        ac.Momentum().step(p, p, ac.Lion().init(p))          # the same field names, another method


# --- 2. states from another configuration -----------------------------------------------------

@pytest.mark.parametrize("cls", [cls for cls in CLASSES if cls.option_buffers], ids=lambda c: c.__name__)
@pytest.mark.parametrize("method", ["step", "step_"])
def test_a_state_without_the_buffer_an_option_needs_is_refused(cls, method):
    on = switched_on(cls)
    plain = cls().init(np.ones(3))
    for option, names in cls.option_buffers.items():
        value = on.hyperparameters()[option]
        opt = cls(**{option: value})
        for name in names:
            with pytest.raises(ValueError) as info:
                getattr(opt, method)(np.ones(3), np.ones(3), plain)
            message = str(info.value)
            assert f"state.{name} is None" in message and f"{option}={value!r}" in message, message


@pytest.mark.parametrize("call, message", [
    (lambda p, g: ac.Adam(amsgrad=True).step(p, g, ac.Adam().init(p)), "state.v_max is None, but amsgrad=True"),
    (lambda p, g: ac.RMSprop(centered=True).step(p, g, ac.RMSprop().init(p)), "state.g_avg is None, but centered=True"),
    (lambda p, g: ac.RMSprop(momentum=0.9).step(p, g, ac.RMSprop().init(p)), "state.momentum_buffer is None, but momentum=0.9"),
    (lambda p, g: ac.SGD(momentum=0.9).step(p, g, ac.SGD().step(p, g, ac.SGD().init(p))[1]),
     "state.momentum_buffer is None, but momentum=0.9"),
])
def test_the_review_cases_of_mismatched_states(call, message):
    with pytest.raises(ValueError, match=message):
        call(np.ones(2), np.ones(2))


@pytest.mark.parametrize("opt", CONFIGS, ids=config_id)
def test_init_makes_exactly_the_buffers_the_configuration_needs(opt):
    state = opt.init(shaped(opt, np.zeros(3)))
    arrays = {name for name in state._fields if isinstance(getattr(state, name), np.ndarray)}
    assert arrays == set(opt.required_buffers())
    assert set(opt.required_buffers()) <= set(opt.buffers)


@pytest.mark.parametrize("opt", [o for o in CONFIGS if o.required_buffers()], ids=config_id)
def test_step_and_step_in_place_apply_the_same_dtype_rule(opt):
    p32 = shaped(opt, np.ones(3, dtype=np.float32))
    s64 = opt.init(shaped(opt, np.ones(3)))
    for method in ("step", "step_"):
        with pytest.raises(ValueError, match="dtype=float64 does not match params.dtype=float32"):
            getattr(opt, method)(p32, np.ones(p32.shape, dtype=np.float32), s64)
    assert np.array_equal(p32, np.ones(p32.shape))


# --- 3. frozen hyperparameters -----------------------------------------------------------------

@pytest.mark.parametrize("opt", CONFIGS, ids=config_id)
def test_hyperparameters_are_read_only_and_agree_with_repr_and_replace(opt):
    hyper = opt.hyperparameters()
    for name, value in hyper.items():
        assert getattr(opt, name) == value or getattr(opt, name) is value
        with pytest.raises(AttributeError, match=f"{name} is read-only"):
            setattr(opt, name, value)
    with pytest.raises(AttributeError):
        opt.not_a_hyperparameter = 1
    copy = opt.replace()
    assert copy is not opt and copy.hyperparameters() == hyper and repr(copy) == repr(opt)
    if not any(callable(v) for v in hyper.values()):   # a repr with a function in it cannot be evaluated
        rebuilt = eval(repr(opt), {**vars(ac), **vars(variants)})
        assert rebuilt.hyperparameters() == hyper


def test_replace_validates_and_names_unknown_arguments():
    opt = ac.Adam(lr=0.1, amsgrad=True)
    assert opt.replace(lr=0.2).hyperparameters() == {**opt.hyperparameters(), "lr": 0.2}
    with pytest.raises(ValueError, match="betas\\[1\\]=1.0"):
        opt.replace(betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="'momentum' is not a hyperparameter of Adam"):
        opt.replace(momentum=0.9)
    assert "decoupled_weight_decay" not in ac.AdamW().hyperparameters()   # always on in AdamW
    assert ac.AdamW().decoupled_weight_decay is True


def test_default_reprs_are_those_the_chapters_print():
    assert repr(ac.Adam()) == ("Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, "
                               "amsgrad=False, eps_placement='algorithm1')")
    assert repr(ac.RMSprop()) == ("RMSprop(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0.0, "
                                  "momentum=0.0, centered=False)")
    assert repr(ac.RMSprop(eps_in_sqrt=True)).endswith("centered=False, eps_in_sqrt=True)")
    assert repr(ac.SGD(lr=0.1)) == "SGD(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)"


# --- 4. lr as a schedule -----------------------------------------------------------------------

def schedule(t):
    return 0.05 * (1 + math.cos(math.pi * min(t, 9) / 9)) / 2 + 1e-3


@pytest.mark.parametrize("opt", [o for o in CONFIGS if hasattr(o, "lr")], ids=config_id)
def test_a_schedule_gives_step_t_the_learning_rate_lr_of_t(opt):
    """Step t with lr=schedule is step t of the same optimizer with the number schedule(t), bit for bit."""
    scheduled = opt.replace(lr=schedule)
    p0 = shaped(opt, np.linspace(-1, 1, 6))
    p, s = p0.copy(), scheduled.init(p0)
    q, r = p0.copy(), opt.init(p0)
    p_, s_ = p0.copy(), scheduled.init(p0)
    for t, g in enumerate(gradients(12, p0.shape, seed=1), start=1):
        p, s = scheduled.step(p, g, s)
        q, r = opt.replace(lr=schedule(t)).step(q, g, r)
        scheduled.step_(p_, g, s_)
        assert scheduled.lr_at(t) == schedule(t)
    assert np.array_equal(p, q) and np.array_equal(p_, q)
    assert_same_state(s, r)
    assert opt.replace(lr=lambda t: opt.lr).step(p0, p0, opt.init(p0))[0].tolist() == \
        opt.step(p0, p0, opt.init(p0))[0].tolist()


def test_decoupled_weight_decay_uses_the_steps_learning_rate():
    # AdamW's first step with g = 0: theta <- theta * (1 - lr_1 * lambda), m = v = 0 so no Adam step
    opt = ac.AdamW(lr=lambda t: 0.5 / t, weight_decay=0.1)
    p, s = opt.step(np.array([2.0]), np.array([0.0]), opt.init(np.array([2.0])))
    assert p[0] == 2.0 * (1 - 0.5 * 0.1)
    p, s = opt.step(p, np.array([0.0]), s)
    assert p[0] == 2.0 * (1 - 0.5 * 0.1) * (1 - 0.25 * 0.1)


@pytest.mark.parametrize("bad", [math.nan, -0.1, math.inf, "0.1", None, True])
@pytest.mark.parametrize("method", ["step", "step_"])
def test_a_schedule_value_out_of_range_is_refused_naming_lr_t(bad, method):
    opt = ac.Adam(lr=lambda t: 0.1 if t < 3 else bad)
    p = np.ones(2)
    s = opt.init(p)
    for _ in range(2):
        p, s = opt.step(p, np.ones(2), s)
    before = p.copy()
    with pytest.raises(ValueError, match=re.escape(f"Invalid learning rate: lr(t)={bad!r} at step t=3")):
        getattr(opt, method)(p, np.ones(2), s)
    assert np.array_equal(p, before) and s.t == 2        # nothing was written


def test_a_schedule_is_accepted_by_every_optimizer_with_lr():
    for cls in CLASSES:
        if "lr" in cls().hyperparameters():
            opt = cls(lr=schedule)
            assert opt.lr is schedule


# --- 5. import adamcode is light ---------------------------------------------------------------

def test_import_adamcode_does_not_import_sympy_and_is_fast():
    code = ("import sys, time; import numpy; start = time.perf_counter(); import adamcode; "
            "elapsed = time.perf_counter() - start; "
            "print('sympy' in sys.modules, 'matplotlib' in sys.modules, elapsed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["False", "False"], out
    assert float(out[2]) < 0.3, f"import adamcode took {float(out[2]):.2f} s after numpy"
    code = "import adamcode, sys; adamcode.symbolic.adam_step; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"                          # loaded on first use


def test_the_runners_and_chapter_helpers_accept_a_schedule():
    from adamcode import problems
    from adamcode.chapters import rmsprop as chapter
    problem = problems.ReddiOnline(C=3.0)
    numeric = ac.run_online(ac.Adam(lr=0.5, betas=(0.0, 0.1)), problem, 6)
    scheduled = ac.run_online(ac.Adam(lr=lambda t: 0.5, betas=(0.0, 0.1)), problem, 6)
    assert np.array_equal(numeric.x, scheduled.x) and np.array_equal(numeric.lr, scheduled.lr)
    opt = ac.Adagrad(lr=lambda t: 0.1 / t)
    _, state = opt.step(np.ones(2), np.ones(2), opt.init(np.ones(2)))
    _, state = opt.step(np.ones(2), np.ones(2), state)
    # step 2: eta_2 = 0.05, G = 2: eta_2 / (sqrt(2) + eps)
    np.testing.assert_allclose(chapter.effective_lr(opt, state), 0.05 / (np.sqrt(2.0) + 1e-10), rtol=1e-15)
    traj = ac.run(ac.SGD(lr=lambda t: 0.5 ** t), lambda p: np.ones_like(p), np.zeros(1), 3)
    np.testing.assert_allclose(traj.params[:, 0], [0, -0.5, -0.75, -0.875], rtol=1e-15)


def test_integer_arguments_accept_numpy_integers():
    p = np.ones(10, dtype=np.float32)
    opt = ac.Adam()
    s = opt.init(p)
    opt.step_(p, np.ones(10, dtype=np.float32), s, block=np.int64(4))      # NumPy's integers are integers
    assert s.t == 1
    for bad in (0, 2.0, True):
        with pytest.raises(ValueError, match=f"Invalid block: block={bad!r}"):
            opt.step_(p, np.ones(10, dtype=np.float32), s, block=bad)
    from adamcode import bench
    with pytest.raises(ValueError, match="Invalid repeat: repeat=0"):
        bench.measure(sizes=(10,), repeat=0, with_torch=False)
