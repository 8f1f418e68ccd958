import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import losses
from jaxnets.errors import InvalidArgumentError, InvalidTypeError
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


# Each row once broadcast silently (or failed deep inside optax): the (B, 1) logits against
# (B, 64) targets row is how the GAN discriminator "trained" on digits to test loss 39.70.
SHAPE_MISMATCHES = [
    ("logistic", (8, 1), (8, 64), jnp.float32),
    ("logistic", (8,), (8, 64), jnp.float32),
    ("logistic", (8, 64), (8, 1), jnp.float32),
    ("logistic", (8, 2), (8, 1), jnp.float32),
    ("squared", (8,), (8, 1), jnp.float32),
    ("squared", (8, 1), (8, 3), jnp.float32),
    ("squared", (8, 784), (8, 28, 28, 1), jnp.float32),
    ("softmax_cross_entropy", (8, 4), (8, 1), jnp.int32),
    ("softmax_cross_entropy", (8, 4), (6,), jnp.int32),
    ("softmax_cross_entropy", (8,), (8,), jnp.int32),
    ("hinge", (8, 4), (8, 1), jnp.int32),
    ("sequence_softmax_cross_entropy", (8, 5, 4), (8, 4), jnp.int32),
    ("sequence_softmax_cross_entropy", (8, 5, 4), (8,), jnp.int32),
]


@pytest.mark.parametrize(("name", "pred_shape", "target_shape", "dtype"), SHAPE_MISMATCHES)
def test_shape_mismatch_names_both_shapes(name, pred_shape, target_shape, dtype):
    pred, target = jnp.zeros(pred_shape), jnp.zeros(target_shape, dtype)
    with pytest.raises(InvalidArgumentError) as err:
        losses.get_per_example(name)(pred, target)
    assert str(pred_shape) in str(err.value) and str(target_shape) in str(err.value)


@pytest.mark.parametrize(("logits", "targets"), [((8,), (8, 1)), ((8, 1), (8,))])
def test_logistic_accepts_one_column_either_way(logits, targets):
    z = jnp.linspace(-2.0, 2.0, 8)
    y = (jnp.arange(8) % 2).astype(jnp.float32)
    got = losses.logistic_per_example(z.reshape(logits), y.reshape(targets))
    np.testing.assert_allclose(got, jax.nn.softplus(z) - y * z, rtol=1e-6)


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("softmax_cross_entropy", (8, 4)),
        ("hinge", (8, 4)),
        ("sequence_softmax_cross_entropy", (8, 5, 4)),
    ],
)
def test_float_labels_are_a_type_error(name, shape):
    with pytest.raises(InvalidTypeError, match="integer class ids"):
        losses.get_per_example(name)(jnp.zeros(shape), jnp.zeros(shape[:-1], jnp.float32))


def _padded_batch():
    logits = jax.random.normal(jax.random.key(3), (3, 5, 4))
    labels = jax.random.randint(jax.random.key(4), (3, 5), 0, 4)
    return logits, labels, jnp.array([2, 5, 1])


def test_sequence_loss_averages_real_steps_only():
    logits, labels, lengths = _padded_batch()
    got = np.asarray(losses.sequence_softmax_cross_entropy_per_example(logits, labels, lengths))
    p, t = np.asarray(logits, np.float64), np.asarray(labels)
    log_probs = p - np.log(np.exp(p).sum(-1, keepdims=True))
    expected = [
        -np.mean([log_probs[b, s, t[b, s]] for s in range(n)]) for b, n in enumerate([2, 5, 1])
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    unmasked = np.asarray(losses.sequence_softmax_cross_entropy_per_example(logits, labels))
    # Padded rows differ from the all-T mean; the full-length row (b = 1) does not.
    assert not np.allclose(got[[0, 2]], unmasked[[0, 2]], rtol=1e-3)
    np.testing.assert_allclose(got[1], unmasked[1], rtol=1e-6)


def test_sequence_loss_ignores_whatever_is_in_the_padding():
    logits, labels, lengths = _padded_batch()
    noisy = logits.at[0, 2:].set(100.0).at[2, 1:].set(-50.0)
    f = losses.sequence_softmax_cross_entropy_per_example
    np.testing.assert_allclose(f(noisy, labels, lengths), f(logits, labels, lengths), rtol=1e-6)


@pytest.mark.parametrize(
    ("lengths", "match"),
    [
        (jnp.array([2, 5]), "shape"),
        (jnp.array([2.0, 5.0, 1.0]), "integers"),
        (jnp.array([0, 5, 1]), r"\[1, 5\]"),
        (jnp.array([2, 6, 1]), r"\[1, 5\]"),
    ],
)
def test_sequence_loss_rejects_bad_lengths(lengths, match):
    logits, labels, _ = _padded_batch()
    with pytest.raises(InvalidArgumentError, match=match):
        losses.sequence_softmax_cross_entropy_per_example(logits, labels, lengths)


def test_unknown_loss_lists_choices():
    with pytest.raises(InvalidArgumentError, match="softmax_cross_entropy"):
        losses.get_per_example("nope")
