"""Inverted dropout and Monte Carlo dropout prediction.

Statistical checks use a fixed seed and a 5-standard-error bound: for a correct
implementation a deviation beyond 5 SE has probability < 6e-7 per statistic, so with the
fixed seed the test is deterministic and still fails for a wrong scale (off by 1/(1-p)).
"""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.layers import Dropout, mc_predict
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol

NUM_SE = 5.0


@pytest.mark.parametrize("rate", [0.0, 0.3, 0.8])
def test_eval_is_identity(rate):
    x = jax.random.normal(jax.random.key(0), (3, 4))
    np.testing.assert_array_equal(Dropout(rate).apply({}, x, train=False), x)


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_train_zeroes_a_fraction_rate_and_scales_survivors(rate):
    x = jnp.linspace(0.5, 2.0, 20_000).reshape(4, 5000)
    y = Dropout(rate).apply({}, x, train=True, rngs={"dropout": jax.random.key(0)})
    dropped = np.asarray(y == 0)
    se = np.sqrt(rate * (1 - rate) / x.size)  # SE of a Bernoulli fraction
    assert abs(dropped.mean() - rate) < NUM_SE * se
    np.testing.assert_allclose(y[~dropped], x[~dropped] / (1 - rate), rtol=tol("float32", "exact"))


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_expected_train_activation_equals_eval_activation(rate):
    # Per entry y = x B / q with B ~ Bernoulli(q = 1 - rate): E[y] = x, sd(y) = |x| sqrt(p/q).
    x = jnp.array([[-1.5, 0.25, 1.0, 3.0]])
    n = 20_000
    keys = jax.random.split(jax.random.key(1), n)
    layer = Dropout(rate)
    samples = jax.vmap(lambda k: layer.apply({}, x, train=True, rngs={"dropout": k}))(keys)
    mean = np.asarray(samples).mean(0)
    se = np.abs(np.asarray(x)) * np.sqrt(rate / (1 - rate)) / np.sqrt(n)
    assert np.all(np.abs(mean - layer.apply({}, x, train=False)) < NUM_SE * se)


def test_mc_predict_mean_and_variance_match_theory():
    rate, n = 0.3, 4000  # not 0.5: a symmetric two-point law has a degenerate 4th moment
    x = jnp.array([[0.5, 1.0, 2.0]])
    mean, var = mc_predict(Dropout(rate), {}, x, key=jax.random.key(2), num_samples=n)
    p, q = rate, 1 - rate
    xs = np.asarray(x)
    sigma2 = xs**2 * p / q  # variance of x B / q
    mu4 = (xs / q) ** 4 * q * p * (1 - 3 * p * q)  # 4th central moment of x B / q
    assert np.all(np.abs(mean - xs) < NUM_SE * np.sqrt(sigma2 / n))
    # Var(sample variance) ~ (mu4 - sigma^4) / n for large n.
    assert np.all(np.abs(var - sigma2) < NUM_SE * np.sqrt((mu4 - sigma2**2) / n))


class _DropoutNet(nn.Module):
    @nn.compact
    def __call__(self, x, *, train=False):
        x = nn.relu(nn.Dense(8)(x))
        x = Dropout(0.5)(x, train=train)
        return nn.Dense(2)(x)


def test_mc_predict_is_seeded_and_one_sample_has_zero_variance():
    model = _DropoutNet()
    x = jax.random.normal(jax.random.key(0), (5, 3))
    variables = model.init(jax.random.key(1), x)
    a = mc_predict(model, variables, x, key=jax.random.key(3), num_samples=16)
    b = mc_predict(model, variables, x, key=jax.random.key(3), num_samples=16)
    c = mc_predict(model, variables, x, key=jax.random.key(4), num_samples=16)
    assert a[0].shape == a[1].shape == (5, 2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.allclose(a[0], c[0])
    assert np.all(a[1] >= 0) and np.any(a[1] > 0)
    _, var1 = mc_predict(model, variables, x, key=jax.random.key(3), num_samples=1)
    np.testing.assert_array_equal(var1, np.zeros((5, 2)))


def test_bad_rate_is_rejected():
    with pytest.raises(ValueError, match="rate"):
        Dropout(1.0).apply({}, jnp.ones((1, 2)), train=True, rngs={"dropout": jax.random.key(0)})


def test_dropout_gradient_matches_finite_differences(x64):
    # With the key fixed the mask is fixed, so the map x -> y is linear: d y / d x = m / q.
    x = jax.random.normal(jax.random.key(0), (3, 4), jnp.float64)
    w = jax.random.normal(jax.random.key(1), (3, 4), jnp.float64)
    layer = Dropout(0.4)

    @jax.jit
    def loss(x):
        y = layer.apply({}, x, train=True, rngs={"dropout": jax.random.key(5)})
        return jnp.sum(w * jnp.sin(y))

    expected = fd_grad(loss, x, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(x), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )
