"""Record torch.optim trajectories that tests/test_torch_agreement.py replays without torch.

Run it in a separate environment that has torch (never add torch to requirements.txt)::

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tests/reference/make_torch_reference.py      # both files
    /tmp/torchvenv/bin/python tests/reference/make_torch_reference.py 2    # torch_trajectories_radam_adadelta.npz only

The problem is a noisy, ill-conditioned quadratic in ``DIM`` dimensions: Hessian
``A = Q diag(eigenvalues) Q^T`` with eigenvalues from 1e-2 to 1e2 (condition number 1e4) and a
seeded random rotation ``Q``; the gradient at step ``k`` (1-based) is
``A theta - b + noise[k-1]`` (minimiser ``A^-1 b`` of size O(1)) with Gaussian noise drawn once and stored, so adamcode can replay
exactly the same gradient sequence from its own parameters. Every optimizer and option runs
``STEPS`` steps in float64 (torch's single-tensor code path, default dtype float64 so that the
step counter and NAdam's mu_product are float64 too); ``params[k]`` after ``k`` steps is stored,
and torch's optimizer state after the last step under torch's names (``state_<case>_<key>``).

Note: with torch's default dtype float32, NAdam keeps ``mu_product`` in float32 even for float64
parameters, and its trajectory then differs from the float64 one by ~3e-10 relative after 300
steps here; the reference therefore sets the default dtype to float64.
"""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import torch

DIM, STEPS, SEED, NOISE = 8, 300, 20260101, 0.1
OUT = pathlib.Path(__file__).with_name("torch_trajectories.npz")

# (name, torch class, torch kwargs, adamcode class, adamcode kwargs); adamcode kwargs default to torch's.
CASES = [
    ("SGD", "SGD", dict(lr=0.01), None, None),
    ("SGD weight_decay", "SGD", dict(lr=0.01, weight_decay=0.1), None, None),
    ("SGD momentum", "SGD", dict(lr=0.01, momentum=0.9), None, None),
    ("SGD momentum dampening", "SGD", dict(lr=0.01, momentum=0.9, dampening=0.5), None, None),
    ("SGD momentum dampening weight_decay", "SGD",
     dict(lr=0.01, momentum=0.8, dampening=0.3, weight_decay=0.05), None, None),
    ("SGD nesterov", "SGD", dict(lr=0.01, momentum=0.9, nesterov=True), None, None),
    ("SGD nesterov weight_decay", "SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1),
     None, None),
    ("Momentum (EMA) = SGD(lr*(1-beta), momentum=beta)", "SGD", dict(lr=0.1 * (1 - 0.9), momentum=0.9),
     "Momentum", dict(lr=0.1, beta=0.9)),
    ("Adagrad", "Adagrad", dict(lr=0.5), None, None),
    ("Adagrad lr_decay", "Adagrad", dict(lr=0.5, lr_decay=0.01), None, None),
    ("Adagrad weight_decay", "Adagrad", dict(lr=0.5, weight_decay=0.1), None, None),
    ("Adagrad initial_accumulator_value eps", "Adagrad",
     dict(lr=0.5, initial_accumulator_value=0.5, eps=1e-3), None, None),
    ("Adagrad all options", "Adagrad",
     dict(lr=0.5, lr_decay=0.05, weight_decay=0.02, initial_accumulator_value=0.1, eps=1e-6), None, None),
    ("RMSprop", "RMSprop", dict(lr=0.03), None, None),
    ("RMSprop alpha", "RMSprop", dict(lr=0.01, alpha=0.9), None, None),
    ("RMSprop centered", "RMSprop", dict(lr=0.03, centered=True), None, None),
    ("RMSprop momentum", "RMSprop", dict(lr=0.01, momentum=0.9), None, None),
    ("RMSprop centered momentum weight_decay eps", "RMSprop",
     dict(lr=0.01, alpha=0.95, eps=1e-4, weight_decay=0.1, momentum=0.5, centered=True), None, None),
    ("Adam", "Adam", dict(lr=0.05), None, None),
    ("Adam betas eps", "Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6), None, None),
    ("Adam weight_decay", "Adam", dict(lr=0.05, weight_decay=0.1), None, None),
    ("Adam amsgrad", "Adam", dict(lr=0.05, amsgrad=True), None, None),
    ("Adam amsgrad weight_decay", "Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1), None, None),
    ("Adam decoupled_weight_decay", "Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
     None, None),
    ("AdamW", "AdamW", dict(lr=0.05), None, None),
    ("AdamW weight_decay", "AdamW", dict(lr=0.05, weight_decay=0.5), None, None),
    ("AdamW amsgrad", "AdamW", dict(lr=0.05, weight_decay=0.1, amsgrad=True), None, None),
    ("Adamax", "Adamax", dict(lr=0.05), None, None),
    ("Adamax betas eps", "Adamax", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3), None, None),
    ("Adamax weight_decay", "Adamax", dict(lr=0.05, weight_decay=0.1), None, None),
    ("NAdam", "NAdam", dict(lr=0.05), None, None),
    ("NAdam momentum_decay", "NAdam", dict(lr=0.05, momentum_decay=0.1), None, None),
    ("NAdam betas eps", "NAdam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), None, None),
    ("NAdam weight_decay", "NAdam", dict(lr=0.05, weight_decay=0.1), None, None),
    ("NAdam decoupled_weight_decay", "NAdam",
     dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), None, None),
]

# Issue 14 (chapter schedules): RAdam and Adadelta. They are stored in a second file, because
# regenerating torch_trajectories.npz on another machine does not reproduce its problem bit for
# bit (A = Q diag Q^T goes through the BLAS), and the cases above must stay as recorded.
CASES_2 = [
    ("RAdam", "RAdam", dict(lr=0.05), None, None),
    ("RAdam betas eps", "RAdam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), None, None),
    ("RAdam beta2 0.9", "RAdam", dict(lr=0.02, betas=(0.9, 0.9)), None, None),
    ("RAdam weight_decay", "RAdam", dict(lr=0.05, weight_decay=0.1), None, None),
    ("RAdam decoupled_weight_decay", "RAdam",
     dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), None, None),
    ("Adadelta", "Adadelta", dict(), None, None),
    ("Adadelta rho eps", "Adadelta", dict(rho=0.95, eps=1e-4), None, None),
    ("Adadelta lr weight_decay", "Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1), None, None),
]
OUT_2 = OUT.with_name("torch_trajectories_radam_adadelta.npz")


def problem():
    rng = np.random.default_rng(SEED)
    eigenvalues = np.logspace(-2, 2, DIM)
    Q, _ = np.linalg.qr(rng.standard_normal((DIM, DIM)))
    A = Q @ np.diag(eigenvalues) @ Q.T
    A = (A + A.T) / 2
    b = A @ rng.standard_normal(DIM)  # the minimiser A^-1 b is O(1) in every direction
    theta0 = 3 * rng.standard_normal(DIM)
    noise = NOISE * rng.standard_normal((STEPS, DIM))
    return A, b, theta0, noise


def torch_trajectory(cls_name, kwargs, A, b, theta0, noise):
    p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    kwargs = dict(kwargs)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    opt = getattr(torch.optim, cls_name)([p], foreach=False, **kwargs)
    out = [theta0.copy()]
    for k in range(STEPS):
        theta = p.detach().numpy()
        p.grad = torch.tensor(A @ theta - b + noise[k], dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    final_state = {key: np.array(value.detach().numpy() if torch.is_tensor(value) else value, dtype=float)
                   for key, value in opt.state[p].items() if value is not None}
    return np.array(out), final_state


def main():
    """``python make_torch_reference.py [all|1|2]``: write both files (default), or only the first/second."""
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which in ("all", "1"):
        write(CASES, OUT)
    if which in ("all", "2"):
        write(CASES_2, OUT_2)


def write(CASES, OUT):
    torch.set_default_dtype(torch.float64)
    A, b, theta0, noise = problem()
    arrays = dict(A=A, b=b, theta0=theta0, noise=noise)
    cases = []
    for i, (name, torch_cls, torch_kwargs, ac_cls, ac_kwargs) in enumerate(CASES):
        traj, final_state = torch_trajectory(torch_cls, torch_kwargs, A, b, theta0, noise)
        if not np.all(np.isfinite(traj)):
            raise SystemExit(f"{name}: torch diverged; choose a smaller lr")
        arrays[f"traj_{i}"] = traj
        for key, value in final_state.items():  # torch's state after the last step, by torch's names
            arrays[f"state_{i}_{key}"] = value
        cases.append(dict(name=name, torch=torch_cls, torch_kwargs=torch_kwargs,
                          adamcode=ac_cls or torch_cls, adamcode_kwargs=ac_kwargs or torch_kwargs))
        gap = np.linalg.norm(traj[-1] - np.linalg.solve(A, b)) / np.linalg.norm(theta0 - np.linalg.solve(A, b))
        print(f"{name:55s} |theta_T - theta*| / |theta_0 - theta*| = {gap:.3g}")
    arrays["cases"] = np.array(json.dumps(cases))
    arrays["torch_version"] = np.array(torch.__version__)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes), torch {torch.__version__}")


if __name__ == "__main__":
    main()
