"""Closed-form first (and some second) steps of every optimizer, computed by hand."""
import math

import numpy as np
import pytest

import adamcode as ac

THETA = np.array([1.0, -2.0, 0.5])
G = np.array([0.3, -4.0, 2.0])
SIGN = np.sign(G)


def first_step(opt, theta=THETA, g=G):
    params, state = opt.step(theta, g, opt.init(theta))
    return params, state


def two_steps(opt, g1, g2, theta=THETA):
    state = opt.init(theta)
    p1, state = opt.step(theta, g1, state)
    p2, state = opt.step(p1, g2, state)
    return p1, p2, state


def test_sgd_plain_and_weight_decay():
    np.testing.assert_allclose(first_step(ac.SGD(lr=0.1))[0], [0.97, -1.6, 0.3], rtol=1e-15)
    # g + 0.5 * theta = [0.8, -5.0, 2.25]
    np.testing.assert_allclose(first_step(ac.SGD(lr=0.1, weight_decay=0.5))[0], [0.92, -1.5, 0.275], rtol=1e-15)


def test_sgd_momentum_first_step_is_undampened_then_dampened():
    g2 = np.array([1.0, 1.0, 1.0])
    p1, p2, state = two_steps(ac.SGD(lr=0.1, momentum=0.9, dampening=0.5), G, g2)
    np.testing.assert_allclose(p1, THETA - 0.1 * G)  # buffer = g_1, dampening not applied
    buf2 = 0.9 * G + 0.5 * g2
    np.testing.assert_allclose(state.momentum_buffer, buf2)
    np.testing.assert_allclose(p2, p1 - 0.1 * buf2)
    assert state.t == 2


def test_sgd_nesterov_first_two_steps():
    g2 = np.array([-1.0, 2.0, 0.5])
    p1, p2, _ = two_steps(ac.SGD(lr=0.1, momentum=0.9, nesterov=True), G, g2)
    np.testing.assert_allclose(p1, THETA - 0.1 * 1.9 * G)
    buf2 = 0.9 * G + g2
    np.testing.assert_allclose(p2, p1 - 0.1 * (g2 + 0.9 * buf2))


def test_momentum_ema_first_two_steps():
    g2 = np.array([-1.0, 2.0, 0.5])
    p1, p2, state = two_steps(ac.Momentum(lr=0.1, beta=0.9), G, g2)
    np.testing.assert_allclose(p1, THETA - 0.1 * 0.1 * G)
    v2 = 0.9 * 0.1 * G + 0.1 * g2
    np.testing.assert_allclose(state.v, v2)
    np.testing.assert_allclose(p2, p1 - 0.1 * v2)


def test_momentum_equals_sgd_with_scaled_lr_but_not_dampened_sgd():
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((20, 3))
    beta, lr = 0.9, 0.1
    runs = {}
    for name, opt in {"ema": ac.Momentum(lr=lr, beta=beta),
                      "sgd": ac.SGD(lr=lr * (1 - beta), momentum=beta),
                      "damp": ac.SGD(lr=lr, momentum=beta, dampening=beta)}.items():
        theta, state, path, bufs = THETA, opt.init(THETA), [], []
        for g in grads:
            theta, state = opt.step(theta, g, state)
            path.append(theta)
            bufs.append(getattr(state, "v", None) if name == "ema" else state.momentum_buffer)
        runs[name] = (np.array(path), np.array(bufs))
    np.testing.assert_allclose(runs["ema"][0], runs["sgd"][0], rtol=1e-13)
    # dampened torch SGD: b_t = v_t + beta**t g_1 at every step, so the paths differ from step 1 on
    t = np.arange(1, 21)[:, None]
    np.testing.assert_allclose(runs["damp"][1], runs["ema"][1] + beta**t * grads[0], rtol=1e-12, atol=1e-15)
    assert not np.allclose(runs["damp"][0][0], runs["ema"][0][0])


def test_adagrad_first_step_and_lr_decay():
    p1 = first_step(ac.Adagrad(lr=0.1, eps=0.0))[0]
    np.testing.assert_allclose(p1, THETA - 0.1 * SIGN, rtol=1e-15)
    p1 = first_step(ac.Adagrad(lr=0.1, initial_accumulator_value=0.5, eps=1e-3))[0]
    np.testing.assert_allclose(p1, THETA - 0.1 * G / (np.sqrt(0.5 + G**2) + 1e-3), rtol=1e-15)
    g2 = np.array([1.0, 1.0, 1.0])
    p1, p2, state = two_steps(ac.Adagrad(lr=0.1, lr_decay=0.5, eps=0.0), G, g2)
    np.testing.assert_allclose(state.sum_sq, G**2 + 1.0)
    np.testing.assert_allclose(p2, p1 - 0.1 / 1.5 * g2 / np.sqrt(G**2 + 1.0), rtol=1e-15)


def test_rmsprop_first_steps():
    np.testing.assert_allclose(first_step(ac.RMSprop(lr=0.01, alpha=0.99, eps=0.0))[0],
                               THETA - 0.01 * SIGN / math.sqrt(0.01), rtol=1e-14)
    # centered: v - g_avg**2 = (1-a) g^2 - (1-a)^2 g^2 = a (1-a) g^2
    np.testing.assert_allclose(first_step(ac.RMSprop(lr=0.01, alpha=0.9, eps=0.0, centered=True))[0],
                               THETA - 0.01 * SIGN / math.sqrt(0.9 * 0.1), rtol=1e-13)
    g2 = np.array([1.0, 1.0, 1.0])
    p1, p2, state = two_steps(ac.RMSprop(lr=0.01, alpha=0.9, eps=0.0, momentum=0.5), G, g2)
    s1 = np.sqrt(0.1) * np.abs(G)
    np.testing.assert_allclose(p1, THETA - 0.01 * G / s1, rtol=1e-14)
    s2 = np.sqrt(0.9 * 0.1 * G**2 + 0.1)
    np.testing.assert_allclose(state.momentum_buffer, 0.5 * G / s1 + g2 / s2, rtol=1e-14)
    np.testing.assert_allclose(p2, p1 - 0.01 * (0.5 * G / s1 + g2 / s2), rtol=1e-14)


def test_adam_first_step_is_lr_times_sign():
    np.testing.assert_allclose(first_step(ac.Adam(lr=0.1, eps=0.0))[0], THETA - 0.1 * SIGN, rtol=1e-15)
    np.testing.assert_allclose(first_step(ac.Adam(lr=0.1, eps=0.0, amsgrad=True))[0], THETA - 0.1 * SIGN)
    np.testing.assert_allclose(first_step(ac.Adam(lr=0.1, eps=0.0, eps_placement="eps_hat"))[0],
                               THETA - 0.1 * SIGN, rtol=1e-14)
    p, state = first_step(ac.Adam(lr=0.1))
    np.testing.assert_allclose(p, THETA - 0.1 * G / (np.abs(G) + 1e-8), rtol=1e-15)
    np.testing.assert_allclose(state.m, 0.1 * G)
    np.testing.assert_allclose(state.v, 0.001 * G**2)


def test_adam_l2_versus_adamw_decoupled_first_step():
    # L2: g' = g + 0.5 theta is what Adam normalises, so the decay disappears into sign(g').
    g_l2 = G + 0.5 * THETA
    np.testing.assert_allclose(first_step(ac.Adam(lr=0.1, eps=0.0, weight_decay=0.5))[0],
                               THETA - 0.1 * np.sign(g_l2))
    expected = THETA * (1 - 0.1 * 0.5) - 0.1 * SIGN
    np.testing.assert_allclose(first_step(ac.AdamW(lr=0.1, eps=0.0, weight_decay=0.5))[0], expected)
    np.testing.assert_allclose(
        first_step(ac.Adam(lr=0.1, eps=0.0, weight_decay=0.5, decoupled_weight_decay=True))[0], expected)
    assert ac.AdamW().weight_decay == 1e-2


def test_amsgrad_keeps_the_larger_raw_v():
    g2 = np.array([0.0, 0.1, 0.05])  # g2**2 < (1 - beta2) g1**2: v decreases
    _, p2, state = two_steps(ac.Adam(lr=0.1, eps=0.0, amsgrad=True), G, g2)
    v1, v2 = 0.001 * G**2, 0.999 * 0.001 * G**2 + 0.001 * g2**2
    np.testing.assert_allclose(state.v, v2)
    np.testing.assert_allclose(state.v_max, np.maximum(v1, v2))
    np.testing.assert_allclose(state.v_max, v1, rtol=1e-14)  # all three coordinates: v shrank
    assert np.all(state.v < state.v_max)


def test_adamax_first_step():
    p, state = first_step(ac.Adamax(lr=0.01, eps=1e-3))
    np.testing.assert_allclose(state.u, np.abs(G) + 1e-3)
    np.testing.assert_allclose(p, THETA - 0.01 * G / (np.abs(G) + 1e-3), rtol=1e-15)
    g2 = np.array([0.0, 0.0, 5.0])
    _, _, state = two_steps(ac.Adamax(eps=0.0), G, g2)
    np.testing.assert_allclose(state.u, [0.999 * 0.3, 0.999 * 4.0, 5.0])


def test_nadam_first_step():
    beta1, psi = 0.9, 4e-3
    mu1 = beta1 * (1 - 0.5 * 0.96 ** (1 * psi))
    mu2 = beta1 * (1 - 0.5 * 0.96 ** (2 * psi))
    factor = 1 + mu2 * (1 - beta1) / (1 - mu1 * mu2)
    p, state = first_step(ac.NAdam(lr=0.01, eps=0.0))
    np.testing.assert_allclose(p, THETA - 0.01 * factor * SIGN, rtol=1e-14)
    assert state.mu_product == pytest.approx(mu1, rel=1e-15)
    assert mu1 == pytest.approx(0.4500735, abs=1e-7)  # 0.9 * (1 - 0.5 * 0.96**0.004)


def test_lion_first_step_moves_every_coordinate_by_lr():
    p, state = first_step(ac.Lion(lr=0.01))
    np.testing.assert_allclose(p, THETA - 0.01 * SIGN, rtol=1e-15)
    np.testing.assert_allclose(state.m, 0.01 * G)  # (1 - beta2) g, beta2 = 0.99
    p, _ = first_step(ac.Lion(lr=0.01, weight_decay=0.5))
    np.testing.assert_allclose(p, THETA * (1 - 0.005) - 0.01 * SIGN, rtol=1e-15)
    # a coordinate with c = 0 does not move: sign(0) = 0
    p, _ = first_step(ac.Lion(lr=0.01), g=np.array([0.0, 1.0, -1.0]))
    assert p[0] == THETA[0]


@pytest.mark.parametrize("opt, expected", [
    (ac.SGD(), dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)),
    (ac.Adagrad(), dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)),
    # eps_in_sqrt and decoupled_weight_decay are adamcode's additions (off: torch's behaviour)
    (ac.RMSprop(), dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                        eps_in_sqrt=False)),
    (ac.Adam(), dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                     eps_placement="algorithm1", decoupled_weight_decay=False)),
    (ac.AdamW(), dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                      eps_placement="algorithm1")),
    (ac.Adamax(), dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)),
    (ac.NAdam(), dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
                      decoupled_weight_decay=False)),
    (ac.Lion(), dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0)),
    (ac.Momentum(), dict(lr=1e-2, beta=0.9, weight_decay=0.0)),
], ids=lambda x: type(x).__name__ if isinstance(x, ac.Optimizer) else "")
def test_defaults_are_torchs(opt, expected):
    assert opt.hyperparameters() == expected


def test_adam_repr_is_stable_and_shows_decoupling_only_when_set():
    # the chapter "adam" prints Adam(): its stored output must not change
    assert repr(ac.Adam()) == ("Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, "
                               "amsgrad=False, eps_placement='algorithm1')")
    assert repr(ac.Adam(decoupled_weight_decay=True)).endswith("decoupled_weight_decay=True)")
    assert ac.Adam(decoupled_weight_decay=True).decoupled_weight_decay is True
