"""adamcode.compare: the split, the standardisation, the lr search and first_step (chapter comparison)."""
import numpy as np
import pytest

import adamcode as ac
from adamcode import datasets, problems
from adamcode.chapters import comparison as compare


def test_stratified_split_on_iris_keeps_ten_test_flowers_per_class():
    _, y = datasets.iris()
    train, test = compare.stratified_split(y, test_fraction=0.2, seed=0)
    assert len(train) == 120 and len(test) == 30
    assert np.bincount(y[test]).tolist() == [10, 10, 10]
    assert np.bincount(y[train]).tolist() == [40, 40, 40]
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(150))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)


def test_stratified_split_is_reproducible_and_depends_on_the_seed():
    _, y = datasets.iris()
    a = compare.stratified_split(y, 0.2, seed=0)
    b = compare.stratified_split(y, 0.2, seed=0)
    c = compare.stratified_split(y, 0.2, seed=1)
    assert np.array_equal(a[1], b[1]) and not np.array_equal(a[1], c[1])
    # the first class's test indices are the first 10 of default_rng(0).permutation(range(50))
    expected = np.sort(np.random.default_rng(0).permutation(np.arange(50))[:10])
    assert np.array_equal(a[1][:10], expected)


def test_stratified_split_rounds_per_class():
    y = np.array([0] * 7 + [1] * 3)
    train, test = compare.stratified_split(y, test_fraction=0.3, seed=5)
    # round(0.3 * 7) = 2 and round(0.3 * 3) = 1
    assert np.bincount(y[test]).tolist() == [2, 1] and np.bincount(y[train]).tolist() == [5, 2]


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, float("nan"), True])
def test_stratified_split_rejects_bad_fractions(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        compare.stratified_split(np.array([0, 0, 1, 1]), test_fraction=fraction)


def test_stratified_split_rejects_classes_too_small_and_bad_inputs():
    with pytest.raises(ValueError, match="class 1"):
        compare.stratified_split(np.array([0, 0, 0, 0, 1]), test_fraction=0.2)   # round(0.2) = 0 test samples
    with pytest.raises(ValueError, match="y.shape"):
        compare.stratified_split(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="seed"):
        compare.stratified_split(np.array([0, 0, 1, 1]), 0.5, seed=0.5)


def test_standardize_uses_training_statistics_only():
    X_train = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0]])
    X_test = np.array([[3.0, 20.0]])
    Z_train, Z_test, mu, sigma = compare.standardize(X_train, X_test)
    np.testing.assert_allclose(mu, [3.0, 20.0])
    np.testing.assert_allclose(sigma, [np.sqrt(8 / 3), np.sqrt(200)])     # population std (ddof=0)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(Z_train.std(axis=0), 1)
    np.testing.assert_allclose(Z_test, [[0.0, 0.0]], atol=1e-15)


def test_standardize_on_the_iris_split_of_the_chapter():
    X, y = datasets.iris()
    train, test = compare.stratified_split(y, 0.2, seed=0)
    _, Z_test, mu, sigma = compare.standardize(X[train], X[test])
    np.testing.assert_allclose(mu, [5.848, 3.048, 3.751, 1.193], atol=6e-4)
    np.testing.assert_allclose(sigma, [0.82, 0.452, 1.773, 0.759], atol=6e-4)
    assert not np.allclose(Z_test.mean(axis=0), 0, atol=1e-3)          # the test set is not centred


def test_standardize_rejects_constant_columns_and_shape_mismatch():
    with pytest.raises(ValueError, match="constant"):
        compare.standardize(np.array([[1.0, 2.0], [1.0, 3.0]]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="X_test.shape"):
        compare.standardize(np.array([[1.0, 2.0], [2.0, 3.0]]), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="X_train.shape"):
        compare.standardize(np.array([1.0, 2.0]), np.zeros((1, 1)))


def test_tune_lr_on_a_quadratic_picks_the_contraction_closest_to_zero():
    # gradient descent on lam/2 x^2 multiplies x by (1 - lr*lam): with lam = 4 the best lr is 1/4
    q = problems.quadratic([4.0])
    s = compare.tune_lr(lambda lr: ac.SGD(lr=lr), q.grad, q.loss, q.theta0, [0.05, 0.25, 0.4, 0.6], 3)
    assert s.best_lr == 0.25 and s.scores[1] == 0.0 and not s.at_edge
    np.testing.assert_allclose(s.scores[0], 2 * (1 - 0.2) ** 6)          # 1/2 * 4 * (0.8^3)^2
    np.testing.assert_allclose(s.scores[2], 2 * 0.6 ** 6)
    assert s.trajectory.steps == 3 and s.trajectory.params[-1, 0] == 0.0


def test_tune_lr_scores_diverged_runs_as_inf_and_breaks_ties_towards_the_smaller_lr():
    q = problems.quadratic([1.0, 100.0])
    s = compare.tune_lr(lambda lr: ac.SGD(lr=lr), q.grad, q.loss, q.theta0, [0.001, 0.01, 0.05], 2000)
    assert s.scores[2] == np.inf and s.best_lr == 0.01                   # 0.05 > 2/100 diverges
    flat = compare.tune_lr(lambda lr: ac.SGD(lr=lr), lambda p: np.zeros_like(p), lambda p: 1.0,
                           np.ones(1), [0.1, 0.2], 5)
    assert flat.best_lr == 0.1 and flat.at_edge


def test_tune_lr_accepts_a_separate_score():
    q = problems.quadratic([1.0])
    s = compare.tune_lr(lambda lr: ac.SGD(lr=lr), q.grad, q.loss, q.theta0, [0.1, 0.5, 1.0], 1,
                        score=lambda p: abs(p[0] - 0.5))          # after one step x = 1 - lr
    assert s.best_lr == 0.5


def test_tune_lr_rejects_bad_grids():
    q = problems.quadratic([1.0])
    for bad in ([], [0.1, 0.1], [0.2, 0.1], [-0.1, 0.1], [float("inf")]):
        with pytest.raises(ValueError, match="lrs"):
            compare.tune_lr(lambda lr: ac.SGD(lr=lr), q.grad, q.loss, q.theta0, bad, 3)
    q = problems.quadratic([100.0])
    with pytest.raises(ValueError, match="diverged"):
        compare.tune_lr(lambda lr: ac.SGD(lr=lr), q.grad, q.loss, q.theta0, [1.0, 2.0], 2000)


def test_first_step_on_the_saddle_matches_the_closed_form():
    # gradient descent on x^2 - y^2: y_t = (1 + 2 lr)^t y_0 leaves |y| <= 1 after ln(1/y0)/ln(1+2lr) = 348.83 steps
    saddle = problems.Saddle()
    traj = ac.run(ac.SGD(lr=0.01), saddle.grad, saddle.theta0, 400)
    assert compare.first_step(np.abs(traj.params[:, 1]), 1.0) == 349
    assert compare.first_step([3.0, 2.0, 0.5], 1.0, above=False) == 2
    assert compare.first_step([0.1, 0.2], 1.0) is None
    with pytest.raises(ValueError, match="values.shape"):
        compare.first_step(np.zeros((2, 2)), 1.0)


def test_adam_escapes_the_saddle_with_steps_of_about_lr():
    saddle = problems.Saddle()
    traj = ac.run(ac.Adam(lr=0.01), saddle.grad, saddle.theta0, 500)
    # regression pin, copied from adamcode's output (the chapter prints it); derived below: the
    # first step is lr (so escaping takes at most ~1/lr = 100 steps of size >= lr)
    assert compare.first_step(np.abs(traj.params[:, 1]), 1.0) == 77
    # first step lr * |g| / (|g| + eps) with g_y = -2e-3: lr up to a relative 5e-6
    np.testing.assert_allclose(traj.params[1, 1] - 1e-3, 0.01 * 2e-3 / (2e-3 + 1e-8), rtol=1e-12)
    rms = ac.run(ac.RMSprop(lr=0.01), saddle.grad, saddle.theta0, 1)
    # no bias correction: divided by sqrt((1 - alpha) g^2) + eps, i.e. lr / sqrt(1 - alpha) = 10 lr
    np.testing.assert_allclose(rms.params[1, 1] - 1e-3, 0.01 * 2e-3 / (np.sqrt(0.01) * 2e-3 + 1e-8), rtol=1e-12)


def test_the_chapter_iris_protocol_reaches_the_minimum():
    X, y = datasets.iris()
    train, _ = compare.stratified_split(y, 0.2, seed=0)
    Z, _, _, _ = compare.standardize(X[train], X[train][:1])
    task = problems.softmax_regression(Z, y[train], l2=0.01, standardize=False)
    ref = ac.run(ac.SGD(lr=1.0, momentum=0.9), task.grad, task.theta0, 1000).params[-1]
    L_star = task.loss(ref)
    assert np.linalg.norm(task.grad(ref)) < 1e-10                   # derived: a stationary point
    np.testing.assert_allclose(L_star, 0.2314460253, atol=1e-10)       # regression pin (adamcode's output)
    s = compare.tune_lr(lambda lr: ac.Adam(lr=lr), task.grad, task.loss, task.theta0,
                        10.0 ** np.arange(-3, 1.01, 0.5), 200)
    assert 0 < s.scores.min() - L_star < 1e-9                           # derived: L_star is the minimum
    assert np.isclose(s.best_lr, 10 ** -0.5)                            # regression pin (the chapter's grid result)
