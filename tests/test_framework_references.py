"""The conventions adamcode copies from Optax, Keras and torch's schedulers, pinned to trajectories those frameworks recorded.

``adamcode.variants.OptaxAMSGrad`` (maximum of the bias-corrected ``v_hat``, book beyond-adam
Eq. (9)) replays ``optax.amsgrad``, and ``Adam(eps_placement="eps_hat")`` (eps on the square root
of the uncorrected ``v``, step size ``alpha_t``, book adam Eq. (15)) replays Keras 3's Adam. The
``.npz`` files were made by ``make_optax_reference.py`` and ``make_keras_reference.py`` beside them
(in float64, on the noisy quadratic of ``torch_trajectories.npz``); neither framework is needed
here. ``torch_schedules.npz`` (``make_torch_schedule_reference.py``) pins the meaning of a schedule
``lr(t)``: step ``t`` runs with the lr torch's scheduler set after ``t - 1`` scheduler steps,
including in AdamW's decoupled decay and Adagrad's ``lr_decay``. Each test also checks that the *other* convention misses the reference by far more than
the tolerance, so the reference really tells the conventions apart.
"""
import json
import pathlib

import numpy as np
import pytest

import adamcode
from adamcode.variants import OptaxAMSGrad

HERE = pathlib.Path(__file__).parent / "reference"
OPTAX = np.load(HERE / "optax_amsgrad.npz")
KERAS = np.load(HERE / "keras_adam.npz")
OPTAX_CASES = json.loads(str(OPTAX["cases"]))
KERAS_CASES = json.loads(str(KERAS["cases"]))
SCHEDULES = np.load(HERE / "torch_schedules.npz")
SCHEDULE_CASES = json.loads(str(SCHEDULES["cases"]))
TOLERANCE = 1e-12   # normwise relative; observed <= 1e-15


def replay(opt, reference):
    theta = reference["theta0"].copy()
    state = opt.init(theta)
    out = [theta]
    for noise in reference["noise"]:
        theta, state = opt.step(theta, reference["A"] @ theta - reference["b"] + noise, state)
        out.append(theta)
    return np.array(out), state


def relative_error(ours, reference):
    """``||ours - reference||_2 / ||reference||_2``, largest over the steps (rows)."""
    return float(np.max(np.linalg.norm(ours - reference, axis=1) / np.linalg.norm(reference, axis=1)))


def kwargs(case):
    out = dict(case["adamcode_kwargs"])
    if "betas" in out:
        out["betas"] = tuple(out["betas"])
    return out


def test_the_references_were_made_by_the_frameworks_in_float64():
    assert json.loads(str(OPTAX["versions"]))["optax"] and json.loads(str(KERAS["versions"]))["keras"]
    for reference, cases in ((OPTAX, OPTAX_CASES), (KERAS, KERAS_CASES)):
        assert reference["noise"].shape == (300, 8)
        for index in range(len(cases)):
            traj = reference[f"traj_{index}"]
            assert traj.dtype == np.float64 and traj.shape == (301, 8)
            assert np.max(np.abs(traj[-1] - traj[0])) > 0.5          # the runs move


@pytest.mark.parametrize("index", range(len(OPTAX_CASES)), ids=[c["name"] for c in OPTAX_CASES])
def test_optax_amsgrad_is_optaxs(index):
    reference = OPTAX[f"traj_{index}"]
    ours, state = replay(OptaxAMSGrad(**kwargs(OPTAX_CASES[index])), OPTAX)
    assert relative_error(ours, reference) <= TOLERANCE
    nu_max = OPTAX[f"nu_max_{index}"]                                   # Optax's state, same meaning
    assert np.linalg.norm(state.v_max - nu_max) <= TOLERANCE * np.linalg.norm(nu_max)
    torch_form, _ = replay(adamcode.Adam(amsgrad=True, **kwargs(OPTAX_CASES[index])), OPTAX)
    assert relative_error(torch_form, reference) > 1e-3                 # PyTorch's AMSGrad is another method


@pytest.mark.parametrize("index", range(len(KERAS_CASES)), ids=[c["name"] for c in KERAS_CASES])
def test_eps_hat_is_keras_adam(index):
    case = KERAS_CASES[index]
    assert case["adamcode_kwargs"]["eps_placement"] == "eps_hat"
    reference = KERAS[f"traj_{index}"]
    cls = getattr(adamcode, case["adamcode"])
    ours, _ = replay(cls(**kwargs(case)), KERAS)
    assert relative_error(ours, reference) <= TOLERANCE
    algorithm1, _ = replay(cls(**{**kwargs(case), "eps_placement": "algorithm1"}), KERAS)
    assert relative_error(algorithm1, reference) > 1e-8                 # eps on sqrt(v_hat) is not Keras's


@pytest.mark.parametrize("index", range(len(SCHEDULE_CASES)), ids=[c["name"] for c in SCHEDULE_CASES])
def test_a_schedule_lr_of_t_is_torchs_scheduler(index):
    case = SCHEDULE_CASES[index]
    lrs = SCHEDULES[f"lr_{index}"]                      # torch's group lr during its t-th step()
    kw = {k: v for k, v in case["kwargs"].items() if k != "lr"}
    assert lrs[0] < lrs[9] and lrs[-1] < 1e-3 * lrs[9]    # warm-up, then decay to almost 0
    opt = getattr(adamcode, case["torch"])(lr=lambda t: float(lrs[t - 1]), **kw)
    reference = SCHEDULES[f"traj_{index}"]
    ours, _ = replay(opt, SCHEDULES)
    assert relative_error(ours, reference) <= TOLERANCE
    shifted = getattr(adamcode, case["torch"])(lr=lambda t: float(lrs[min(t, len(lrs) - 1)]), **kw)
    assert relative_error(replay(shifted, SCHEDULES)[0], reference) > 1e-6   # off by one step: far off
