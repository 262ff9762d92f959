"""Record torch.optim.Adafactor and torch.optim.Muon trajectories for tests/test_adafactor_muon.py.

Run it in a separate environment that has torch (never add torch to requirements.txt)::

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tests/reference/make_torch_reference_adafactor_muon.py

Problem: for a parameter of shape ``(n1, ...)`` the gradient at step ``k`` (1-based) is
``A @ theta - B + noise[k-1]`` with ``A`` a seeded symmetric positive definite ``n1 x n1`` matrix
(eigenvalues from 0.1 to 10) acting on the first axis, ``B`` a seeded target and Gaussian noise
drawn once and stored, so adamcode replays the same gradient sequence from its own parameters.
Every case runs ``STEPS`` steps in float64 with torch's default dtype float64; ``params[k]`` after
``k`` steps and torch's optimizer state after the last step (``state_<case>_<key>``) are stored.

Muon without bfloat16. torch.optim.Muon runs its Newton-Schulz iteration in bfloat16: the first
line of ``torch.optim._muon._zeropower_via_newtonschulz`` is ``ortho_grad = grad.bfloat16()``.
adamcode.Muon runs it in the parameters' dtype. To record torch's own algorithm without that
cast, this script takes the source of ``_zeropower_via_newtonschulz`` from the installed torch
(``inspect.getsource``), replaces exactly that one expression by ``grad.clone()`` (a copy in the
input's dtype; the copy matters because the next line divides in place), executes the result in
the namespace of ``torch.optim._muon`` and installs it there, so that ``_single_tensor_muon``
calls it. Everything else (momentum, Nesterov, normalization, transposition, the quintic, the
learning-rate adjustment, weight decay) is torch's code, unchanged.

bfloat16 emulation (chapter beyond-adam). The script also stores (a) float32 numbers and what
torch's ``.bfloat16()`` rounds them to, including exact ties, so the test can check the book's
NumPy emulation (round float32 to 8 significant bits, round-to-nearest-even), and (b) a matrix
and the singular values of torch's *unpatched* bfloat16 Newton-Schulz output for it, to compare
with the emulated iteration.
"""
from __future__ import annotations

import inspect
import json
import pathlib

import numpy as np
import torch
import torch.optim._muon as torch_muon

STEPS, SEED, NOISE = 100, 20261206, 0.05
OUT = pathlib.Path(__file__).with_name("torch_adafactor_muon.npz")
SHAPES = {"vector": (8,), "matrix": (6, 4), "wide": (3, 7), "tensor3": (2, 3, 4)}

# (name, torch class, shape key, kwargs); adamcode's class and kwargs are torch's.
CASES = [
    ("Adafactor vector", "Adafactor", "vector", dict()),
    ("Adafactor matrix", "Adafactor", "matrix", dict()),
    ("Adafactor wide", "Adafactor", "wide", dict()),
    ("Adafactor tensor3", "Adafactor", "tensor3", dict()),
    ("Adafactor vector lr weight_decay", "Adafactor", "vector", dict(lr=0.05, weight_decay=0.1)),
    ("Adafactor matrix lr weight_decay", "Adafactor", "matrix", dict(lr=0.05, weight_decay=0.1)),
    ("Adafactor matrix beta2_decay eps d", "Adafactor", "matrix",
     dict(lr=0.03, beta2_decay=-0.5, eps=(1e-3, 1e-2), d=2.0)),
    ("Adafactor vector beta2_decay eps d", "Adafactor", "vector",
     dict(lr=0.03, beta2_decay=-0.5, eps=(1e-3, 1e-2), d=2.0)),
    ("Muon matrix", "Muon", "matrix", dict(lr=0.02)),
    ("Muon wide", "Muon", "wide", dict(lr=0.02)),
    ("Muon defaults", "Muon", "matrix", dict()),
    ("Muon no nesterov weight_decay 0", "Muon", "matrix", dict(lr=0.02, nesterov=False, weight_decay=0.0)),
    ("Muon match_rms_adamw", "Muon", "wide", dict(lr=0.01, adjust_lr_fn="match_rms_adamw")),
    ("Muon original momentum", "Muon", "matrix", dict(lr=0.02, adjust_lr_fn="original", momentum=0.9)),
    ("Muon ns_steps ns_coefficients eps", "Muon", "wide",
     dict(lr=0.02, ns_steps=8, ns_coefficients=(1.875, -1.25, 0.375), eps=1e-3)),
]


def problem(shape, rng):
    n1 = shape[0]
    Q, _ = np.linalg.qr(rng.standard_normal((n1, n1)))
    A = Q @ np.diag(np.logspace(-1, 1, n1)) @ Q.T
    A = (A + A.T) / 2
    B = np.tensordot(A, rng.standard_normal(shape), axes=1)   # minimiser O(1)
    theta0 = 2 * rng.standard_normal(shape)
    noise = NOISE * rng.standard_normal((STEPS,) + shape)
    return A, B, theta0, noise


def gradient(A, B, theta, noise_k):
    return np.tensordot(A, theta, axes=1) - B + noise_k


def patch_muon_without_bfloat16():
    """Install a copy of torch's Newton-Schulz function with ``grad.bfloat16()`` -> ``grad.clone()``."""
    source = inspect.getsource(torch_muon._zeropower_via_newtonschulz)
    if source.count("grad.bfloat16()") != 1:
        raise SystemExit("torch's _zeropower_via_newtonschulz changed: the bfloat16 cast was not found once")
    namespace = dict(vars(torch_muon))
    exec(compile(source.replace("grad.bfloat16()", "grad.clone()"), "<patched _muon>", "exec"), namespace)
    original = torch_muon._zeropower_via_newtonschulz
    torch_muon._zeropower_via_newtonschulz = namespace["_zeropower_via_newtonschulz"]
    return original


def torch_trajectory(cls_name, kwargs, A, B, theta0, noise):
    p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    kwargs = dict(kwargs)
    for key in ("eps", "ns_coefficients"):
        if isinstance(kwargs.get(key), (list, tuple)):
            kwargs[key] = tuple(kwargs[key])
    extra = dict(foreach=False) if cls_name == "Adafactor" else {}
    opt = getattr(torch.optim, cls_name)([p], **extra, **kwargs)
    out = [theta0.copy()]
    for k in range(STEPS):
        theta = p.detach().numpy()
        p.grad = torch.tensor(gradient(A, B, theta, noise[k]), dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    state = {key: np.array(value.detach().numpy() if torch.is_tensor(value) else value, dtype=float)
             for key, value in opt.state[p].items() if value is not None}
    return np.array(out), state


def bfloat16_samples(rng):
    """float32 inputs (random, and exact ties between two bfloat16 numbers) and torch's rounding of them."""
    random = (rng.standard_normal(200) * np.exp(rng.uniform(-20, 20, 200))).astype(np.float32)
    base = rng.integers(0x3F00, 0x4100, 50).astype(np.uint32) << 16        # bfloat16 numbers near 1
    ties = (base | 0x8000).view(np.float32)                                  # exactly half-way
    near = np.concatenate([(base | 0x7FFF).view(np.float32), (base | 0x8001).view(np.float32)])
    x = np.concatenate([random, ties, -ties, near, np.float32([0.0, 1.0, -2.5, 3.0e38])])
    rounded = torch.tensor(x).bfloat16().float().numpy()
    return x, rounded


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(SEED)
    arrays = {}
    for key, shape in SHAPES.items():
        A, B, theta0, noise = problem(shape, rng)
        arrays.update({f"{key}_A": A, f"{key}_B": B, f"{key}_theta0": theta0, f"{key}_noise": noise})
    bf16_original = patch_muon_without_bfloat16()
    cases = []
    for i, (name, cls_name, shape_key, kwargs) in enumerate(CASES):
        A, B, theta0, noise = (arrays[f"{shape_key}_{x}"] for x in ("A", "B", "theta0", "noise"))
        traj, state = torch_trajectory(cls_name, kwargs, A, B, theta0, noise)
        if not np.all(np.isfinite(traj)):
            raise SystemExit(f"{name}: torch diverged")
        arrays[f"traj_{i}"] = traj
        for key, value in state.items():
            arrays[f"state_{i}_{key}"] = value
        cases.append(dict(name=name, torch=cls_name, shape=shape_key, kwargs=kwargs))
        moved = np.linalg.norm(traj[-1] - traj[0]) / np.linalg.norm(traj[0])
        print(f"{name:45s} |theta_T - theta_0| / |theta_0| = {moved:.3g}")

    # bfloat16: torch's rounding, and torch's own (unpatched) bfloat16 Newton-Schulz
    x, rounded = bfloat16_samples(rng)
    arrays["bf16_inputs"], arrays["bf16_torch"] = x, rounded
    U, _ = np.linalg.qr(rng.standard_normal((32, 32)))
    V, _ = np.linalg.qr(rng.standard_normal((48, 32)))
    G = U @ np.diag(np.logspace(0, -4, 32)) @ V.T          # 32 x 48, singular values 1 ... 1e-4
    arrays["ns_input"] = G
    for precision, fn in (("bf16", bf16_original), ("fp64", torch_muon._zeropower_via_newtonschulz)):
        out = fn(torch.tensor(G, dtype=torch.float64), (3.4445, -4.775, 2.0315), 5, 1e-7)
        arrays[f"ns_{precision}_singular_values"] = np.linalg.svd(out.double().numpy(), compute_uv=False)
        arrays[f"ns_{precision}_dtype"] = np.array(str(out.dtype))
    arrays["cases"] = np.array(json.dumps(cases))
    arrays["torch_version"] = np.array(torch.__version__)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes), torch {torch.__version__}")


if __name__ == "__main__":
    main()
