"""The JAX Gaussian process: interpolation, uncertainty, log-EI, and its maximiser."""

import jax
import numpy as np
import pytest
from scipy.stats import norm

from jaxnets.tune import _bayes, _gp


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(12, 2))
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2
    return x, y


def test_posterior_mean_interpolates_and_is_certain_at_the_data(data):
    x, y = data
    with jax.enable_x64(True):
        post = _gp.fit(x, y)
        mean, std = (np.asarray(a) for a in _gp.predict(post, x))
        far_std = np.asarray(_gp.predict(post, x + 0.15)[1])
    np.testing.assert_allclose(mean, y, atol=0.05 * y.std())
    assert std.max() < 0.1 * far_std.mean()


def test_padding_does_not_change_the_posterior(data):
    x, y = data
    with jax.enable_x64(True):
        post = _gp.fit(x, y)
        small = _gp.condition(post.params, x, y, post.y_mean, post.y_std)
        assert small.x.shape[0] == 32
        # the same data padded to 64 rows: same predictions
        yp = (y - float(post.y_mean)) / float(post.y_std)
        big = np.zeros((64, 2))
        big[:12] = x
        bigy = np.zeros(64)
        bigy[:12] = yp
        chol, alpha = _gp._solve(post.params, big, bigy, np.arange(64) < 12)
        padded = small._replace(x=big, mask=np.arange(64) < 12, chol=chol, alpha=alpha)
        q = np.random.default_rng(1).uniform(size=(20, 2))
        for a, b in zip(_gp.predict(small, q), _gp.predict(padded, q), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_log_ei_matches_the_closed_form_and_stays_finite():
    with jax.enable_x64(True):
        mean = np.array([0.0, 0.5, 1.0, 3.0, 10.0, 40.0])
        std = np.ones_like(mean)
        got = np.asarray(_gp.log_expected_improvement(mean, std, 0.0))
    z = -mean
    exact = z * norm.cdf(z) + norm.pdf(z)
    np.testing.assert_allclose(got[:5], np.log(exact[:5]), rtol=1e-6)
    assert np.isfinite(got).all() and np.all(np.diff(got) < 0)  # no underflow to -inf at z=-40


def test_ei_is_zero_where_the_gp_is_certain_and_above_the_best(data):
    x, y = data
    with jax.enable_x64(True):
        post = _gp.fit(x, y)
        mean, std = _gp.predict(post, x)
        ei = np.exp(np.asarray(_gp.log_expected_improvement(mean, std, y.min())))
        worst = int(np.argmax(y))
        gap_ei = np.exp(
            np.asarray(
                _gp.log_expected_improvement(*_gp.predict(post, np.array([[0.5, 0.5]])), y.min())
            )
        )
    assert ei[worst] < 1e-6 * (y.max() - y.min())
    assert gap_ei[0] > 100 * ei[worst]


def test_maximizer_finds_the_minimum_of_a_quadratic():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(20, 2))
    y = np.sum((x - np.array([0.3, 0.7])) ** 2, axis=1)
    with jax.enable_x64(True):
        post = _gp.fit(x, y)
        point, value = _bayes.propose(post, float(y.min()), 2, rng)
    assert np.linalg.norm(point - np.array([0.3, 0.7])) < 0.15
    assert np.isfinite(value)
