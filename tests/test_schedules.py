"""adamcode.schedules: torch's learning rates (recorded), closed forms, hand-computed values, bad input."""
import json
import math
import pathlib
import platform

import numpy as np
import pytest

from adamcode import schedules

REFERENCE = np.load(pathlib.Path(__file__).parent / "reference" / "schedule_lrs.npz")
CASES = json.loads(str(REFERENCE["cases"]))
LR = float(REFERENCE["base_lr"])
# the same functions as tests/reference/make_schedule_reference.py's LAMBDAS
LAMBDAS = {
    "warmup10": lambda e: min(1.0, (e + 1) / 10),
    "inverse_sqrt": lambda e: 1 / math.sqrt(max(e, 1)),
}


def build(cls, kwargs):
    kwargs = dict(kwargs)
    if cls == "LambdaLR":
        kwargs["lr_lambda"] = LAMBDAS[kwargs["lr_lambda"]]
    if cls == "SequentialLR":
        kwargs["schedulers"] = [build(c, k) for c, k in kwargs["schedulers"]]
        return schedules.SequentialLR(**kwargs)
    if cls == "OneCycleLR":
        return schedules.OneCycleLR(**kwargs)
    return getattr(schedules, cls)(lr=LR, **kwargs)


def test_reference_covers_every_schedule():
    covered = {case["cls"] for case in CASES}
    assert covered == set(schedules.__all__) - {"Schedule"}
    assert str(REFERENCE["torch_version"]).startswith("2.13.0")


# The references were recorded on Linux (glibc). The recursions use only IEEE arithmetic, math.cos
# and **, so on glibc they agree bit for bit; another C library may round cos/pow differently in
# the last place, so elsewhere a relative 1e-13 is allowed.
EXACT = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_equals_torch_bit_for_bit(index):
    """sched(t) is torch's param_groups[0]['lr'] at the t-th optimizer.step(), exactly."""
    case = CASES[index]
    reference = REFERENCE[f"lr_{index}"]
    sched = build(case["cls"], case["kwargs"])
    ours = np.array([sched(t) for t in range(1, len(reference) + 1)])
    assert len(np.unique(reference)) > 1  # the schedule changes the rate: a constant would agree trivially
    if EXACT:
        np.testing.assert_array_equal(ours, reference)
        np.testing.assert_array_equal(sched.values(len(reference)), reference)
    else:  # pragma: no cover - other C libraries
        np.testing.assert_allclose(ours, reference, rtol=1e-13, atol=0)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_closed_form_agrees_with_torchs_recursion(index):
    """The documented formula and torch's recursion differ only by rounding (CosineAnnealingLR's 0/0 aside)."""
    case = CASES[index]
    reference = REFERENCE[f"lr_{index}"]
    sched = build(case["cls"], case["kwargs"])
    closed = np.array([sched.closed_form(t) for t in range(1, len(reference) + 1)])
    np.testing.assert_allclose(closed, reference, rtol=1e-13, atol=1e-15 * LR)


def test_hand_computed_values():
    assert [schedules.StepLR(1.0, step_size=2, gamma=0.5)(t) for t in range(1, 7)] == [1, 1, 0.5, 0.5, 0.25, 0.25]
    assert [schedules.MultiStepLR(1.0, milestones=[1, 3], gamma=0.5)(t) for t in range(1, 6)] == [1, 0.5, 0.5, 0.25, 0.25]
    assert [schedules.ExponentialLR(1.0, gamma=0.5)(t) for t in range(1, 4)] == [1, 0.5, 0.25]
    cos = schedules.CosineAnnealingLR(1.0, T_max=4)
    assert [cos(t) for t in (1, 3, 5)] == pytest.approx([1.0, 0.5, 0.0], abs=1e-15)
    assert cos(2) == pytest.approx((1 + math.cos(math.pi / 4)) / 2, rel=1e-15)
    assert cos(7) == pytest.approx(0.5, rel=1e-14)  # after T_max the cosine rises again, as torch's does
    warm = schedules.LinearLR(1.0, start_factor=0.25, total_iters=3)
    assert [warm(t) for t in range(1, 6)] == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0], rel=1e-15)
    poly = schedules.PolynomialLR(1.0, total_iters=4, power=2.0)
    assert [poly(t) for t in range(1, 7)] == pytest.approx([1, 9 / 16, 1 / 4, 1 / 16, 0, 0], rel=1e-14, abs=1e-16)
    one = schedules.OneCycleLR(max_lr=1.0, total_steps=10, pct_start=0.5, div_factor=4.0, final_div_factor=2.0,
                               anneal_strategy="linear")
    # phase 1 ends at e = 4 (max_lr), phase 2 at e = 9 (max_lr / 8)
    assert one(1) == 0.25 and one(5) == 1.0 and one(10) == pytest.approx(0.125, rel=1e-15)
    lam = schedules.LambdaLR(2.0, lambda e: e + 1)
    assert [lam(t) for t in (1, 2, 5)] == [2.0, 4.0, 10.0]
    seq = schedules.SequentialLR([schedules.LinearLR(1.0, start_factor=0.5, total_iters=2),
                                  schedules.ExponentialLR(1.0, gamma=0.5)], milestones=[2])
    assert [seq(t) for t in range(1, 6)] == pytest.approx([0.5, 0.75, 1.0, 0.5, 0.25], rel=1e-15)


def test_calls_in_any_order_give_the_same_rates():
    a = schedules.CosineAnnealingLR(0.3, T_max=50, eta_min=0.01)
    b = a.replace()
    forward = [a(t) for t in range(1, 80)]
    backward = [b(t) for t in range(79, 0, -1)][::-1]
    assert forward == backward
    assert repr(a) == "CosineAnnealingLR(lr=0.3, T_max=50, eta_min=0.01)"
    assert a.replace(T_max=10).T_max == 10


@pytest.mark.parametrize("make, name, value", [
    (lambda: schedules.StepLR(0.1, step_size=0), "step_size", "0"),
    (lambda: schedules.StepLR(0.1, step_size=2.5), "step_size", "2.5"),
    (lambda: schedules.StepLR(-0.1, step_size=3), "lr", "-0.1"),
    (lambda: schedules.StepLR(0.1, step_size=3, gamma=0.0), "gamma", "0.0"),
    (lambda: schedules.MultiStepLR(0.1, milestones=[10, -1]), "milestones", "-1"),
    (lambda: schedules.MultiStepLR(0.1, milestones=5), "milestones", "5"),
    (lambda: schedules.ExponentialLR(0.1, gamma=float("nan")), "gamma", "nan"),
    (lambda: schedules.CosineAnnealingLR(0.1, T_max=0), "T_max", "0"),
    (lambda: schedules.CosineAnnealingLR(0.1, T_max=10, eta_min=-1.0), "eta_min", "-1.0"),
    (lambda: schedules.LinearLR(0.1, start_factor=0.0), "start_factor", "0.0"),
    (lambda: schedules.LinearLR(0.1, end_factor=1.5), "end_factor", "1.5"),
    (lambda: schedules.LinearLR(0.1, total_iters=0), "total_iters", "0"),
    (lambda: schedules.PolynomialLR(0.1, power=-1.0), "power", "-1.0"),
    (lambda: schedules.OneCycleLR(max_lr=0.1), "total_steps", "None"),
    (lambda: schedules.OneCycleLR(max_lr=0.1, total_steps=10, pct_start=1.5), "pct_start", "1.5"),
    (lambda: schedules.OneCycleLR(max_lr=0.1, total_steps=10, anneal_strategy="exp"), "anneal_strategy", "exp"),
    (lambda: schedules.OneCycleLR(max_lr=0.1, epochs=0, steps_per_epoch=3), "epochs", "0"),
    (lambda: schedules.LambdaLR(0.1, lr_lambda=0.5), "lr_lambda", "0.5"),
    (lambda: schedules.SequentialLR([], milestones=[]), "schedulers", "[]"),
    (lambda: schedules.SequentialLR([schedules.StepLR(0.1, 2), schedules.StepLR(0.1, 3)], milestones=[]),
     "milestones", "[]"),
    (lambda: schedules.SequentialLR([schedules.StepLR(0.1, 2), schedules.StepLR(0.2, 3)], milestones=[5]),
     "schedulers", "differ"),
    (lambda: schedules.StepLR(0.1, step_size=2)(0), "t", "0"),
    (lambda: schedules.OneCycleLR(max_lr=0.1, total_steps=10)(12), "t", "12"),
])
def test_bad_arguments_raise_valueerror_naming_them(make, name, value):
    with pytest.raises(ValueError) as info:
        make()
    assert name in str(info.value) and value in str(info.value)


OPT_CASES = json.loads(str(REFERENCE["opt_cases"]))


@pytest.mark.parametrize("i", range(len(OPT_CASES)), ids=[c[0] for c in OPT_CASES])
def test_optimizer_with_a_schedule_as_lr_follows_torch(i):
    """``Opt(lr=sched)`` is torch's optimizer driven by the scheduler (scheduler.step() after each step)."""
    import adamcode

    name, opt_cls, opt_kwargs, index = OPT_CASES[i]
    case = CASES[index]
    sched = build(case["cls"], case["kwargs"])
    kwargs = dict(opt_kwargs, lr=sched)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    opt = getattr(adamcode, opt_cls)(**kwargs)
    reference = REFERENCE[f"opt_traj_{i}"]
    A, b, noise = REFERENCE["A"], REFERENCE["b"], REFERENCE["noise"]
    theta = REFERENCE["theta0"].copy()
    state = opt.init(theta)
    ours = [theta]
    for k in range(len(reference) - 1):
        theta, state = opt.step(theta, A @ theta - b + noise[k], state)
        ours.append(theta)
    ours = np.array(ours)
    assert np.max(np.abs(reference[-1] - reference[0])) > 0.1
    worst = max(np.linalg.norm(a - r) / np.linalg.norm(r) for a, r in zip(ours, reference))
    assert worst <= 1e-12
