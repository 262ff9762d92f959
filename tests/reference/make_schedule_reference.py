"""Record torch.optim.lr_scheduler's learning rates that tests/test_schedules.py replays without torch.

Run it in a separate environment that has torch (never add torch to requirements.txt)::

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tests/reference/make_schedule_reference.py

For every case an optimizer (SGD with momentum, so that OneCycleLR may cycle it) gets the base
learning rate ``LR``; the scheduler is built with the case's arguments and, for ``t = 1 .. T``,
``param_groups[0]["lr"]`` is recorded, then ``optimizer.step()`` and ``scheduler.step()`` run,
in torch's recommended order. ``lr_t[t - 1]`` is the rate the ``t``-th optimizer step used,
which ``adamcode.schedules`` must return as ``sched(t)``. ``LambdaLR``'s function is named
by a key of ``LAMBDAS`` (the test defines the same functions).
"""
from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import torch

LR, T = 0.1, 250
OUT = pathlib.Path(__file__).with_name("schedule_lrs.npz")

LAMBDAS = {
    "warmup10": lambda e: min(1.0, (e + 1) / 10),
    "inverse_sqrt": lambda e: 1 / math.sqrt(max(e, 1)),
}

# (name, torch class, kwargs); SequentialLR's kwargs hold [class, kwargs] pairs under "schedulers".
CASES = [
    ("StepLR", "StepLR", dict(step_size=30)),
    ("StepLR gamma", "StepLR", dict(step_size=7, gamma=0.7)),
    ("MultiStepLR", "MultiStepLR", dict(milestones=[50, 120, 200])),
    ("MultiStepLR repeated", "MultiStepLR", dict(milestones=[0, 40, 40, 90], gamma=0.5)),
    ("ExponentialLR", "ExponentialLR", dict(gamma=0.99)),
    ("ExponentialLR 0.9", "ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", "CosineAnnealingLR", dict(T_max=100)),
    ("CosineAnnealingLR eta_min", "CosineAnnealingLR", dict(T_max=60, eta_min=0.003)),
    ("CosineAnnealingLR T_max=T", "CosineAnnealingLR", dict(T_max=250)),
    ("LinearLR", "LinearLR", dict()),
    ("LinearLR warmup", "LinearLR", dict(start_factor=0.01, total_iters=50)),
    ("LinearLR decay", "LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=200)),
    ("PolynomialLR", "PolynomialLR", dict(total_iters=200)),
    ("PolynomialLR power", "PolynomialLR", dict(total_iters=150, power=2.0)),
    ("PolynomialLR sqrt", "PolynomialLR", dict(total_iters=100, power=0.5)),
    ("OneCycleLR", "OneCycleLR", dict(max_lr=1.0, total_steps=249)),
    ("OneCycleLR linear", "OneCycleLR", dict(max_lr=0.5, total_steps=300, pct_start=0.25, anneal_strategy="linear")),
    ("OneCycleLR three_phase", "OneCycleLR",
     dict(max_lr=0.8, epochs=10, steps_per_epoch=30, three_phase=True, div_factor=10.0, final_div_factor=100.0)),
    ("LambdaLR warmup10", "LambdaLR", dict(lr_lambda="warmup10")),
    ("LambdaLR inverse_sqrt", "LambdaLR", dict(lr_lambda="inverse_sqrt")),
    ("SequentialLR warmup cosine", "SequentialLR",
     dict(schedulers=[["LinearLR", dict(start_factor=0.01, total_iters=20)],
                      ["CosineAnnealingLR", dict(T_max=230)]], milestones=[20])),
    ("SequentialLR warmup cosine eta_min", "SequentialLR",
     dict(schedulers=[["LinearLR", dict(start_factor=0.1, total_iters=25)],
                      ["CosineAnnealingLR", dict(T_max=200, eta_min=0.001)]], milestones=[25])),
    ("SequentialLR three", "SequentialLR",
     dict(schedulers=[["LambdaLR", dict(lr_lambda="warmup10")], ["ExponentialLR", dict(gamma=0.98)],
                      ["StepLR", dict(step_size=20, gamma=0.5)]], milestones=[10, 100])),
    ("SequentialLR warmup polynomial", "SequentialLR",
     dict(schedulers=[["LinearLR", dict(start_factor=0.2, total_iters=30)],
                      ["PolynomialLR", dict(total_iters=180, power=1.0)]], milestones=[30])),
]


def build(opt, cls, kwargs):
    kwargs = dict(kwargs)
    if cls == "LambdaLR":
        kwargs["lr_lambda"] = LAMBDAS[kwargs["lr_lambda"]]
    if cls == "OneCycleLR":
        kwargs["cycle_momentum"] = False
    if cls == "SequentialLR":
        kwargs["schedulers"] = [build(opt, c, k) for c, k in kwargs["schedulers"]]
    return getattr(torch.optim.lr_scheduler, cls)(opt, **kwargs)


def record(cls, kwargs):
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=LR, momentum=0.9)
    sched = build(opt, cls, kwargs)
    lrs = []
    for _ in range(T):
        lrs.append(float(opt.param_groups[0]["lr"]))
        p.grad = torch.ones_like(p)
        opt.step()
        try:
            sched.step()
        except ValueError:  # OneCycleLR beyond total_steps + 1
            break
    return np.array(lrs)


# Optimizers driven by a scheduler: (name, torch optimizer, kwargs, scheduler case index). The
# trajectory on a small noisy quadratic (gradient A theta - b + noise[k]) is stored as
# ``opt_traj_<i>``; adamcode must reproduce it with the schedule passed as ``lr``.
OPT_CASES = [
    ("AdamW warmup cosine", "AdamW", dict(lr=LR, weight_decay=0.1), 20),
    ("RAdam cosine", "RAdam", dict(lr=LR), 6),
    ("SGD momentum step", "SGD", dict(lr=LR, momentum=0.9), 0),
    ("Adam one-cycle", "Adam", dict(lr=LR), 15),
]


def quadratic():
    rng = np.random.default_rng(20261206)
    A = np.diag([0.5, 2.0, 8.0])
    b = rng.standard_normal(3)
    theta0 = rng.standard_normal(3)
    noise = 0.1 * rng.standard_normal((T, 3))
    return A, b, theta0, noise


def optimizer_trajectory(opt_cls, opt_kwargs, cls, kwargs, A, b, theta0, noise):
    torch.set_default_dtype(torch.float64)
    p = torch.nn.Parameter(torch.tensor(theta0))
    opt = getattr(torch.optim, opt_cls)([p], foreach=False, **opt_kwargs)
    sched = build(opt, cls, kwargs)
    out = [theta0.copy()]
    steps = T if cls != "OneCycleLR" else kwargs["total_steps"] + 1
    for k in range(steps):
        p.grad = torch.tensor(A @ p.detach().numpy() - b + noise[k])
        opt.step()
        if k < steps - 1:
            sched.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def main():
    arrays, cases = {}, []
    A, b, theta0, noise = quadratic()
    arrays.update(A=A, b=b, theta0=theta0, noise=noise)
    for i, (name, opt_cls, opt_kwargs, index) in enumerate(OPT_CASES):
        _, cls, kwargs = CASES[index]
        arrays[f"opt_traj_{i}"] = optimizer_trajectory(opt_cls, opt_kwargs, cls, kwargs, A, b, theta0, noise)
    arrays["opt_cases"] = np.array(json.dumps(OPT_CASES))
    for i, (name, cls, kwargs) in enumerate(CASES):
        arrays[f"lr_{i}"] = record(cls, kwargs)
        cases.append(dict(name=name, cls=cls, kwargs=kwargs))
        print(f"{name:40s} {len(arrays[f'lr_{i}'])} rates, last {arrays[f'lr_{i}'][-1]:.3g}")
    arrays["cases"] = np.array(json.dumps(cases))
    arrays["base_lr"] = np.array(LR)
    arrays["torch_version"] = np.array(torch.__version__)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes), torch {torch.__version__}")


if __name__ == "__main__":
    main()
