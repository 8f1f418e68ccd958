import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import losses
from tests.fd import fd_grad
from tests.tolerances import tol


def _data(name, key, dtype=jnp.float64):
    k1, k2 = jax.random.split(key)
    if name in ("softmax_cross_entropy", "hinge"):
        return jax.random.normal(k1, (5, 4), dtype) * 2, jax.random.randint(k2, (5,), 0, 4)
    if name == "sequence_softmax_cross_entropy":
        return jax.random.normal(k1, (3, 6, 4), dtype), jax.random.randint(k2, (3, 6), 0, 4)
    if name == "logistic":
        return jax.random.normal(k1, (5, 1), dtype) * 3, jax.random.bernoulli(k2, 0.5, (5, 1))
    return jax.random.normal(k1, (5, 3), dtype), jax.random.normal(k2, (5, 3), dtype)


def _reference(name, pred, target):
    """Direct textbook formulas (numerically naive; fine at these magnitudes)."""
    p, t = np.asarray(pred), np.asarray(target)
    if name == "squared":
        return 0.5 * ((p - t) ** 2).sum(-1)
    if name == "logistic":
        s = 1 / (1 + np.exp(-p[:, 0]))
        return -(t[:, 0] * np.log(s) + (1 - t[:, 0]) * np.log(1 - s))
    if name == "softmax_cross_entropy":
        z = np.exp(p) / np.exp(p).sum(-1, keepdims=True)
        return -np.log(z[np.arange(len(t)), t])
    if name == "sequence_softmax_cross_entropy":
        z = np.exp(p) / np.exp(p).sum(-1, keepdims=True)
        picked = np.take_along_axis(z, t[..., None], -1)[..., 0]
        return -np.log(picked).mean(-1)
    if name == "hinge":
        out = []
        for s, y in zip(p, t, strict=True):
            out.append(sum(max(0.0, s[j] - s[y] + 1.0) for j in range(len(s)) if j != y))
        return np.array(out)
    raise AssertionError(name)


@pytest.mark.parametrize("name", losses.LOSSES)
def test_per_example_matches_formula(name, x64):
    pred, target = _data(name, jax.random.key(0))
    got = losses.get_per_example(name)(pred, target)
    np.testing.assert_allclose(got, _reference(name, pred, target), rtol=tol("float64", "exact"))


@pytest.mark.parametrize("name", losses.LOSSES)
def test_gradient_matches_finite_differences(name, x64):
    pred, target = _data(name, jax.random.key(1))
    f = lambda p: jnp.mean(losses.get_per_example(name)(p, target))
    g = jax.grad(f)(pred)
    expected = fd_grad(f, pred, tol("float64", "fd_eps"))
    np.testing.assert_allclose(
        g, expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )


def test_stable_on_large_logits():
    logits = jnp.array([[1000.0, -1000.0, 0.0]])
    assert np.isfinite(losses.softmax_cross_entropy(logits, jnp.array([1])))
    np.testing.assert_allclose(losses.softmax_cross_entropy(logits, jnp.array([1])), 2000.0)
    big = jnp.array([[800.0], [-800.0]])
    np.testing.assert_allclose(losses.logistic(big, jnp.array([[0], [1]])), 800.0)


def test_penalties_only_touch_kernels(x64):
    params = {"dense": {"kernel": jnp.array([[1.0, -2.0]]), "bias": jnp.array([5.0, 5.0])}}
    np.testing.assert_allclose(losses.l2_penalty(params, 0.1), 0.1 * 0.5 * 5.0)
    np.testing.assert_allclose(losses.l1_penalty(params, 0.1), 0.1 * 3.0)


@pytest.mark.parametrize(
    ("logits", "labels", "match"),
    [
        (jnp.zeros((3, 4)), jnp.zeros((2,), jnp.int32), "batch"),
        (jnp.zeros((3, 4)), jnp.zeros((3,), jnp.float32), "integer"),
        (jnp.zeros((3,)), jnp.zeros((3,), jnp.int32), "expected logits"),
    ],
)
def test_bad_shapes_and_dtypes_are_clear(logits, labels, match):
    with pytest.raises((ValueError, TypeError), match=match):
        losses.softmax_cross_entropy(logits, labels)


def test_unknown_loss_lists_choices():
    with pytest.raises(ValueError, match="softmax_cross_entropy"):
        losses.get_per_example("nope")
