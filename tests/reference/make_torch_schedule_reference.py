"""Record torch.optim trajectories under a learning-rate scheduler, replayed by tests/test_framework_references.py.

adamcode's ``lr`` may be a schedule ``lr(t)``: step ``t = 1, 2, ...`` uses the learning rate
``lr(t)`` everywhere torch uses the parameter group's ``lr`` (the step itself, decoupled weight
decay, Adagrad's ``lr_decay``). In torch, the ``t``-th ``optimizer.step()`` runs with the ``lr``
that the scheduler set after ``t - 1`` calls of ``scheduler.step()`` (``last_epoch = t - 1``).
This script records, with torch itself, the trajectories of several optimizers under a
``LambdaLR`` warm-up + cosine schedule, and the ``lr`` in effect at every step, so that the
semantics are pinned to torch. Run it in a separate environment that has torch (never add torch
to requirements.txt)::

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tests/reference/make_torch_schedule_reference.py

The problem and the gradient noise are those of ``torch_trajectories.npz`` (read from it), in
float64 (torch's default dtype set to float64, as there).
"""
from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

HERE = pathlib.Path(__file__).parent
PROBLEM = np.load(HERE / "torch_trajectories.npz")
OUT = HERE / "torch_schedules.npz"
WARMUP = 10


def factor(epoch: int) -> float:
    """LambdaLR's multiplier after ``epoch`` scheduler steps: linear warm-up, then cosine decay."""
    steps = PROBLEM["noise"].shape[0]
    return min(1.0, (epoch + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * epoch / steps))


# (name, torch class, kwargs); adamcode has the same class and arguments
CASES = [
    ("AdamW", "AdamW", dict(lr=0.05, weight_decay=0.1)),
    ("Adam amsgrad", "Adam", dict(lr=0.05, amsgrad=True)),
    ("SGD momentum nesterov", "SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adagrad lr_decay", "Adagrad", dict(lr=0.5, lr_decay=0.01)),
    ("RMSprop centered momentum", "RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adamax", "Adamax", dict(lr=0.05)),
    ("NAdam decoupled", "NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
]


def main():
    A, b, noise, theta0 = (torch.tensor(PROBLEM[k]) for k in ("A", "b", "noise", "theta0"))
    out = {"A": PROBLEM["A"], "b": PROBLEM["b"], "noise": PROBLEM["noise"], "theta0": PROBLEM["theta0"]}
    for index, (name, cls, kwargs) in enumerate(CASES):
        param = torch.nn.Parameter(theta0.clone())
        opt = getattr(torch.optim, cls)([param], **kwargs)
        scheduler = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        traj, lrs = [param.detach().numpy().copy()], []
        for k in range(noise.shape[0]):
            with torch.no_grad():
                param.grad = A @ param - b + noise[k]
            lrs.append(opt.param_groups[0]["lr"])     # the lr of step t = k + 1
            opt.step()
            scheduler.step()
            traj.append(param.detach().numpy().copy())
        out[f"traj_{index}"] = np.array(traj)
        out[f"lr_{index}"] = np.array(lrs)
    out["cases"] = json.dumps([dict(name=n, torch=c, kwargs=k) for n, c, k in CASES])
    out["versions"] = json.dumps({"torch": torch.__version__, "numpy": np.__version__})
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({len(CASES)} cases, {noise.shape[0]} steps)")


if __name__ == "__main__":
    main()
