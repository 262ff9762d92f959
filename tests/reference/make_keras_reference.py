"""Record Keras's Adam trajectories (the "eps-hat" form) that tests/test_framework_references.py replays.

``adamcode.Adam(eps_placement="eps_hat")`` claims to be Keras's Adam, the form of section 2 of
Kingma and Ba with :math:`\\hat\\epsilon` added to :math:`\\sqrt{v_t}` of the *uncorrected*
second moment and the bias corrections folded into the step size
:math:`\\alpha_t = \\eta\\sqrt{1-\\beta_2^t}/(1-\\beta_1^t)` (book, adam, Eq. (16)). Keras 3's
``keras.optimizers.Adam.update_step`` (checked in keras 3.15: ``alpha = lr * sqrt(1 -
beta_2_power) / (1 - beta_1_power)``, ``variable -= m * alpha / (sqrt(v) + epsilon)``, AMSGrad
as the maximum of the raw ``v``) computes exactly that. Its ``weight_decay`` is decoupled
(``variable -= variable * weight_decay * lr`` before the step), i.e. ``adamcode.AdamW``.

This script records what Keras computes, so the claim is pinned to Keras and not only to our
SymPy twin. Run it in a separate environment, with the JAX backend (TensorFlow is not needed;
never add keras or jax to requirements.txt)::

    python3 -m venv /tmp/kerasvenv && /tmp/kerasvenv/bin/pip install keras jax jaxlib numpy
    KERAS_BACKEND=jax /tmp/kerasvenv/bin/python tests/reference/make_keras_reference.py

The problem and the gradient noise are those of ``torch_trajectories.npz`` (read from it).
Keras runs in float64 (``floatx`` float64, ``jax_enable_x64``); ``params[k]`` after ``k`` steps
is stored, with the versions used.
"""
from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import keras  # noqa: E402
import numpy as np  # noqa: E402

keras.config.set_floatx("float64")

HERE = pathlib.Path(__file__).parent
PROBLEM = np.load(HERE / "torch_trajectories.npz")
OUT = HERE / "keras_adam.npz"

# (name, keras.optimizers.Adam kwargs, adamcode class, adamcode kwargs)
CASES = [
    ("Adam (Keras defaults but lr)", dict(learning_rate=0.05), "Adam",
     dict(lr=0.05, eps=1e-7, eps_placement="eps_hat")),
    ("Adam beta epsilon", dict(learning_rate=0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-3), "Adam",
     dict(lr=0.02, betas=(0.8, 0.99), eps=1e-3, eps_placement="eps_hat")),
    ("Adam amsgrad", dict(learning_rate=0.05, epsilon=1e-4, amsgrad=True), "Adam",
     dict(lr=0.05, eps=1e-4, amsgrad=True, eps_placement="eps_hat")),
    ("Adam weight_decay (decoupled)", dict(learning_rate=0.05, epsilon=1e-4, weight_decay=0.1), "AdamW",
     dict(lr=0.05, eps=1e-4, weight_decay=0.1, eps_placement="eps_hat")),
]


def main():
    assert keras.backend.backend() == "jax", keras.backend.backend()
    A, b, noise, theta0 = (PROBLEM[k] for k in ("A", "b", "noise", "theta0"))
    out = {"A": A, "b": b, "noise": noise, "theta0": theta0}
    for index, (name, keras_kwargs, _, _) in enumerate(CASES):
        opt = keras.optimizers.Adam(**keras_kwargs)
        var = keras.Variable(theta0.copy(), dtype="float64")
        opt.build([var])
        traj = [np.array(var.numpy())]
        for k in range(noise.shape[0]):
            theta = np.asarray(var.numpy())
            g = A @ theta - b + noise[k]
            opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
            traj.append(np.array(var.numpy()))
        out[f"traj_{index}"] = np.array(traj)
        assert out[f"traj_{index}"].dtype == np.float64
    out["cases"] = json.dumps([dict(name=n, keras_kwargs=k, adamcode=c, adamcode_kwargs=a) for n, k, c, a in CASES])
    out["versions"] = json.dumps({"keras": keras.__version__, "backend": keras.backend.backend(),
                                  "jax": jax.__version__, "numpy": np.__version__})
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({len(CASES)} cases, {noise.shape[0]} steps)")


if __name__ == "__main__":
    main()
