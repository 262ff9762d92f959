"""Chapter adam: the gradient sequences that make Adam's longest step."""
import math

import numpy as np
import pytest

from adamcode.chapters.adam import growing_gradients, last_step


def supremum_limit(beta1, beta2):
    """Closed form (1-b1)/sqrt((1-b2)(1-b1^2/b2)), derived by hand from Cauchy-Schwarz."""
    return (1 - beta1) / math.sqrt((1 - beta2) * (1 - beta1**2 / beta2))


def test_single_spike_gives_the_hand_computed_ratio():
    # zeros, then g_T = 1: m_T = 1 - b1, v_T = 1 - b2, so the ratio is (1-b1)/sqrt(1-b2) * sqrt(1-b2^T)/(1-b1^T)
    T = 50
    g = np.zeros(T)
    g[-1] = 1.0
    expected = 0.1 / math.sqrt(0.001) * math.sqrt(1 - 0.999**T) / (1 - 0.9**T)
    assert last_step(g) == pytest.approx(expected, rel=1e-12)


def test_constant_gradient_gives_a_step_of_one():
    assert last_step(np.full(30, -2.5)) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("beta1, beta2", [(0.9, 0.999), (0.9, 0.99), (0.5, 0.6)])
def test_growing_gradients_attain_the_cauchy_schwarz_bound(beta1, beta2):
    T, ramp = 3000, 400
    step = last_step(growing_gradients(beta1, beta2, T, ramp), beta1, beta2)
    # equality in Cauchy-Schwarz over the last `ramp` terms: sum_k omega_k^2 / nu_k, k = 0..ramp-1
    r = beta1**2 / beta2
    ratio = (math.sqrt(1 - beta2**T) / (1 - beta1**T) * (1 - beta1) / math.sqrt(1 - beta2)
             * math.sqrt((1 - r**ramp) / (1 - r)))
    assert step == pytest.approx(ratio, rel=1e-9)
    assert step > 1.0                       # also beats Kingma & Ba's "|step| <= lr otherwise"


def test_the_limit_for_beta2_0_99_is_2_345():
    step = last_step(growing_gradients(0.9, 0.99, 2000, 200), 0.9, 0.99)
    assert step == pytest.approx(supremum_limit(0.9, 0.99), rel=1e-9)
    assert round(step, 3) == 2.345


def test_growing_gradients_shape_and_ratio():
    g = growing_gradients(0.9, 0.99, 10, 4)
    assert np.all(g[:6] == 0) and g[-1] == 1.0
    np.testing.assert_allclose(g[7:] / g[6:-1], 0.99 / 0.9, rtol=1e-14)


@pytest.mark.parametrize("kwargs, name", [(dict(beta1=0.0, beta2=0.9, steps=5, ramp=2), "beta1"),
                                          (dict(beta1=0.9, beta2=1.0, steps=5, ramp=2), "beta2"),
                                          (dict(beta1=0.9, beta2=0.9, steps=5, ramp=6), "ramp"),
                                          (dict(beta1=0.9, beta2=0.9, steps=0, ramp=0), "steps")])
def test_growing_gradients_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        growing_gradients(**kwargs)


def test_last_step_rejects_empty_input():
    with pytest.raises(ValueError, match="gradients"):
        last_step([])
