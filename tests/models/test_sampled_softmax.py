import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import models
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol

V, D = 50, 6


pytestmark = pytest.mark.usefixtures("fast_compiles")


def _model_and_params(hidden=(8,)):
    model = models.SampledSoftmaxClassifier(num_classes=V, hidden=hidden)
    params = model.init(jax.random.key(0), jnp.ones((1, D)))["params"]
    return model, params


def test_param_count_and_full_logits_agree_with_gathered_rows():
    model, params = _model_and_params()
    # hidden Dense 6·8 + 8 = 56; head W (V, H) + b (V,) = 50·8 + 50 = 450.
    assert sum(p.size for p in jax.tree.leaves(params)) == 56 + 450
    x = jax.random.normal(jax.random.key(1), (3, D))
    classes = jnp.array([[4, 0, 49], [7, 7, 1], [2, 30, 31]])
    full = model.apply({"params": params}, x)
    assert full.shape == (3, V)
    np.testing.assert_allclose(
        model.apply({"params": params}, x, classes),
        jnp.take_along_axis(full, classes, axis=1),
        rtol=tol("float32", "values"),
    )


def test_loss_is_the_sampled_logistic_formula_without_accidental_hits():
    logits = jnp.array([[2.0, -1.0, 0.5, 3.0]])
    classes = jnp.array([[5, 8, 5, 9]])  # the second "negative" is the true class: dropped
    sig = lambda z: 1 / (1 + np.exp(-z))
    expected = -np.log(sig(2.0)) - np.log(sig(1.0)) - np.log(sig(-3.0))
    np.testing.assert_allclose(
        models.negative_sampling_loss(logits, classes), [expected], rtol=tol("float32", "values")
    )


@pytest.mark.parametrize("batch", [1, 3])
def test_gradient_only_touches_the_sampled_rows(batch):
    model, params = _model_and_params()
    k = 4
    x = jax.random.normal(jax.random.key(1), (batch, D))
    labels = jnp.arange(batch) + 10
    classes = models.candidates(jax.random.key(2), labels, k, num_classes=V)

    def loss(params):
        logits = model.apply({"params": params}, x, classes)
        return models.negative_sampling_loss(logits, classes).mean()

    grads = jax.grad(loss)(params)["head"]
    touched = set(np.flatnonzero(np.abs(np.asarray(grads["kernel"])).sum(axis=1)).tolist())
    assert touched == set(np.asarray(classes).ravel().tolist())
    assert len(touched) <= batch * (k + 1)
    assert set(np.flatnonzero(np.asarray(grads["bias"])).tolist()) == touched


def test_gradients_match_finite_differences(x64):
    model, params = _model_and_params(hidden=(3,))
    params = jax.tree.map(lambda p: p.astype(jnp.float64), params)
    x = jax.random.normal(jax.random.key(1), (2, D), jnp.float64)
    classes = models.candidates(jax.random.key(2), jnp.array([1, 2]), 3, num_classes=V)
    loss = jax.jit(
        lambda p: models.negative_sampling_loss(
            model.apply({"params": p}, x, classes), classes
        ).sum()
    )
    # Only the sampled rows matter; finite differences over the hidden layer and those rows.
    rows = jnp.unique(classes)
    small = {
        "dense_0": params["dense_0"],
        "w": params["head"]["kernel"][rows],
        "b": params["head"]["bias"][rows],
    }

    def on_rows(p):
        head = {
            "kernel": params["head"]["kernel"].at[rows].set(p["w"]),
            "bias": params["head"]["bias"].at[rows].set(p["b"]),
        }
        return loss({"dense_0": p["dense_0"], "head": head})

    expected = fd_grad(on_rows, small, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(on_rows)(small),
        expected,
        rtol=tol("float64", "fd"),
        atol=tol("float64", "fd_atol"),
    )


def test_unigram_distribution_and_sampled_frequencies():
    counts = jnp.array([1.0, 16.0, 81.0, 0.0])
    probs = models.unigram_distribution(counts)  # counts^0.75 = 1, 8, 27, 0
    np.testing.assert_allclose(probs, np.array([1, 8, 27, 0]) / 36, rtol=tol("float32", "exact"))
    np.testing.assert_allclose(models.unigram_distribution(counts[:3], power=0.0), [1 / 3] * 3)
    classes = models.candidates(jax.random.key(0), jnp.zeros(2000, jnp.int32), 5, probs=probs)
    assert classes.shape == (2000, 6)
    assert (classes[:, 0] == 0).all()
    freq = np.bincount(np.asarray(classes[:, 1:]).ravel(), minlength=4) / 10_000
    # 10,000 draws: the standard error of each frequency is below 0.005.
    np.testing.assert_allclose(freq, probs, atol=0.02)
    again = models.candidates(jax.random.key(0), jnp.zeros(2000, jnp.int32), 5, probs=probs)
    np.testing.assert_array_equal(classes, again)
    with pytest.raises(ValueError, match="needs probs"):
        models.candidates(jax.random.key(0), jnp.zeros(2, jnp.int32), 5)


def test_training_with_negatives_reduces_the_full_softmax_loss():
    # A teacher: the class is the argmax of a fixed random linear map of x.
    x = jax.random.normal(jax.random.key(1), (256, D))
    teacher = jax.random.normal(jax.random.key(2), (D, V))
    labels = jnp.argmax(x @ teacher, axis=1)
    model, params = _model_and_params(hidden=(32,))
    probs = models.unigram_distribution(jnp.bincount(labels, length=V) + 1.0)
    tx = optax.adam(0.02)

    @jax.jit
    def step(params, opt_state, key):
        def loss(params):
            classes = models.candidates(key, labels, 8, probs=probs)
            logits = model.apply({"params": params}, x, classes)
            return models.negative_sampling_loss(logits, classes).mean()

        updates, opt_state = tx.update(jax.grad(loss)(params), opt_state)
        return optax.apply_updates(params, updates), opt_state

    def full_loss(params):
        logits = model.apply({"params": params}, x)  # evaluation: softmax over all V
        return float(optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean())

    before, opt_state = full_loss(params), tx.init(params)
    for i in range(200):
        params, opt_state = step(params, opt_state, jax.random.fold_in(jax.random.key(3), i))
    after = full_loss(params)
    assert after < 0.6 * before, (before, after)  # log(50) = 3.9 at the start
