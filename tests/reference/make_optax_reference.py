"""Record Optax's AMSGrad trajectories that tests/test_framework_references.py replays without Optax.

``adamcode.variants.OptaxAMSGrad`` claims to be ``optax.amsgrad``: the running maximum of the
*bias-corrected* ``v_hat`` (book, beyond-adam, Eq. (9)). This script records what Optax itself
computes, so that the claim is pinned to Optax and not only to our SymPy twin. Run it in a
separate environment (never add jax or optax to requirements.txt)::

    python3 -m venv /tmp/optaxvenv && /tmp/optaxvenv/bin/pip install optax jax jaxlib numpy
    /tmp/optaxvenv/bin/python tests/reference/make_optax_reference.py

The problem and the gradient noise are those of ``torch_trajectories.npz`` (read from it): a noisy
quadratic in 8 dimensions with condition number 1e4, gradient ``A theta - b + noise[k-1]`` at
step ``k``. Optax runs in float64 (``jax_enable_x64``); ``params[k]`` after ``k`` steps and the
final ``nu_max`` of Optax's state are stored, with the versions used.
"""
from __future__ import annotations

import json
import pathlib

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

HERE = pathlib.Path(__file__).parent
PROBLEM = np.load(HERE / "torch_trajectories.npz")
OUT = HERE / "optax_amsgrad.npz"

# (name, optax.amsgrad kwargs, adamcode OptaxAMSGrad kwargs)
CASES = [
    ("amsgrad", dict(learning_rate=0.05), dict(lr=0.05)),
    ("amsgrad betas eps", dict(learning_rate=0.02, b1=0.8, b2=0.99, eps=1e-6),
     dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
    ("amsgrad small beta2", dict(learning_rate=0.01, b1=0.0, b2=0.5, eps=1e-8),
     dict(lr=0.01, betas=(0.0, 0.5), eps=1e-8)),
]


def find_nu_max(state):
    """The ``nu_max`` field of Optax's ScaleByAmsgradState inside the chained state."""
    for leaf in jax.tree_util.tree_leaves(state, is_leaf=lambda x: hasattr(x, "nu_max")):
        if hasattr(leaf, "nu_max"):
            return np.asarray(leaf.nu_max)
    raise RuntimeError("no nu_max in Optax's state")


def main():
    A, b, noise, theta0 = (jnp.asarray(PROBLEM[k]) for k in ("A", "b", "noise", "theta0"))
    out = {"A": PROBLEM["A"], "b": PROBLEM["b"], "noise": PROBLEM["noise"], "theta0": PROBLEM["theta0"]}
    for index, (name, optax_kwargs, _) in enumerate(CASES):
        opt = optax.amsgrad(**optax_kwargs)
        theta = theta0
        state = opt.init(theta)
        traj = [np.asarray(theta)]
        for k in range(noise.shape[0]):
            g = A @ theta - b + noise[k]
            updates, state = opt.update(g, state, theta)
            theta = optax.apply_updates(theta, updates)
            traj.append(np.asarray(theta))
        out[f"traj_{index}"] = np.array(traj)
        out[f"nu_max_{index}"] = find_nu_max(state)
        assert out[f"traj_{index}"].dtype == np.float64
    out["cases"] = json.dumps([dict(name=n, optax_kwargs=o, adamcode_kwargs=a) for n, o, a in CASES])
    out["versions"] = json.dumps({"optax": optax.__version__, "jax": jax.__version__, "numpy": np.__version__})
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({len(CASES)} cases, {noise.shape[0]} steps)")


if __name__ == "__main__":
    main()
