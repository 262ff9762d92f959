"""Lion is not in torch.optim: check it against Algorithm 2 of Chen et al. (2023), written out here."""
import pathlib

import numpy as np

import adamcode as ac

REFERENCE = np.load(pathlib.Path(__file__).parent / "reference" / "torch_trajectories.npz")


def lion_algorithm2(theta, grads_fn, steps, lr, beta1, beta2, lam):
    """The paper's Algorithm 2, line by line (interp(a, b, beta) = beta * b + (1 - beta) * a)."""
    m = np.zeros_like(theta)
    path = [theta]
    for t in range(steps):
        g = grads_fn(theta, t)
        update = beta1 * m + (1 - beta1) * g          # update = interp(g, m, beta1)
        update = np.sign(update)                      # update = sign(update)
        m = beta2 * m + (1 - beta2) * g               # m = interp(g, m, beta2)
        update = update + lam * theta                 # update = update + lambda * theta
        theta = theta - lr * update                   # theta = theta - lr * update
        path.append(theta)
    return np.array(path)


def test_lion_follows_algorithm_2_on_the_noisy_quadratic():
    A, b, noise, theta0 = REFERENCE["A"], REFERENCE["b"], REFERENCE["noise"], REFERENCE["theta0"]

    def grad(theta, t):
        return A @ theta - b + noise[t]

    for lr, betas, lam in [(1e-2, (0.9, 0.99), 0.0), (3e-3, (0.95, 0.98), 0.1), (1e-2, (0.0, 0.5), 1.0)]:
        expected = lion_algorithm2(theta0, grad, len(noise), lr, *betas, lam)
        tr = ac.run(ac.Lion(lr=lr, betas=betas, weight_decay=lam), lambda p, t: grad(p, t - 1), theta0,
                    len(noise))
        assert np.max(np.abs(tr.params[-1] - tr.params[0])) > 0.5
        scale = np.max(np.abs(expected), axis=1, keepdims=True)
        assert np.max(np.abs(tr.params - expected) / scale) <= 1e-12
        # without weight decay every coordinate moves by exactly lr or 0 each step
        if lam == 0.0:
            steps = np.abs(np.diff(tr.params, axis=0))
            assert np.all(np.isclose(steps, lr, rtol=1e-9, atol=0) | (steps == 0))
