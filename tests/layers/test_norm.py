"""BatchNorm (batch statistics in training, running averages in evaluation) and LayerNorm."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.layers import BatchNorm, LayerNorm
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol


def _batch(key, shape, dtype=jnp.float32):
    return 3.0 + 2.0 * jax.random.normal(key, shape, dtype)


@pytest.mark.parametrize("shape", [(8, 3), (4, 5, 5, 2)])
def test_batchnorm_train_uses_batch_statistics(x64, shape):
    x = _batch(jax.random.key(0), shape, jnp.float64)
    bn = BatchNorm(epsilon=1e-5)
    variables = bn.init(jax.random.key(1), x)
    y, _ = bn.apply(variables, x, train=True, mutable=["batch_stats"])
    xn = np.asarray(x).reshape(-1, shape[-1])
    expected = (xn - xn.mean(0)) / np.sqrt(xn.var(0) + 1e-5)
    np.testing.assert_allclose(
        np.asarray(y).reshape(-1, shape[-1]), expected, rtol=tol("float64", "identity")
    )


def test_batchnorm_eval_uses_running_averages_and_ignores_the_batch(x64):
    x = _batch(jax.random.key(0), (6, 3), jnp.float64)
    bn = BatchNorm(momentum=0.5, epsilon=1e-5)
    variables = bn.init(jax.random.key(1), x)
    # Fresh statistics are mean 0, variance 1: evaluation is x / sqrt(1 + eps).
    y = bn.apply(variables, x, train=False)
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-5), rtol=tol("float64", "exact"))
    _, updates = bn.apply(variables, x, train=True, mutable=["batch_stats"])
    variables = {**variables, **updates}
    stats = updates["batch_stats"]
    y = bn.apply(variables, x, train=False)
    expected = (x - stats["mean"]) / np.sqrt(stats["var"] + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=tol("float64", "exact"))
    # One example alone gets the same output as inside its batch (train mode would not).
    alone = bn.apply(variables, x[:1], train=False)
    np.testing.assert_allclose(alone, y[:1], rtol=tol("float64", "exact"))
    alone_train, _ = bn.apply(variables, x[:2], train=True, mutable=["batch_stats"])
    assert not np.allclose(
        alone_train, bn.apply(variables, x, train=True, mutable=["batch_stats"])[0][:2]
    )


def test_init_does_not_update_running_averages():
    x = _batch(jax.random.key(0), (6, 3))
    stats = BatchNorm().init(jax.random.key(1), x, train=True)["batch_stats"]
    np.testing.assert_array_equal(stats["mean"], np.zeros(3))
    np.testing.assert_array_equal(stats["var"], np.ones(3))


@pytest.mark.parametrize("momentum", [0.9, 0.5])
def test_running_averages_after_n_steps_match_closed_form(x64, momentum):
    # r_N = m^N r_0 + (1 - m) sum_{k=1..N} m^(N-k) mu_k, with r_0 = 0 (mean), 1 (variance).
    n_steps = 5
    bn = BatchNorm(momentum=momentum)
    xs = [_batch(jax.random.key(k), (8, 3), jnp.float64) for k in range(n_steps)]
    variables = bn.init(jax.random.key(99), xs[0])
    step = jax.jit(lambda v, x: bn.apply(v, x, train=True, mutable=["batch_stats"])[1])
    for x in xs:
        variables = {**variables, **step(variables, x)}
    m = momentum
    means = [np.asarray(x).mean(0) for x in xs]
    variances = [np.asarray(x).var(0) for x in xs]
    want_mean = (1 - m) * sum(m ** (n_steps - k) * mu for k, mu in enumerate(means, 1))
    want_var = m**n_steps * 1.0 + (1 - m) * sum(
        m ** (n_steps - k) * v for k, v in enumerate(variances, 1)
    )
    stats = variables["batch_stats"]
    np.testing.assert_allclose(stats["mean"], want_mean, rtol=tol("float64", "identity"))
    np.testing.assert_allclose(stats["var"], want_var, rtol=tol("float64", "identity"))


def test_batchnorm_axis_name_averages_statistics_across_devices():
    devices = jax.local_device_count()
    if devices < 2:
        pytest.skip("needs several (fake) devices")
    x = _batch(jax.random.key(0), (devices * 4, 3))
    bn = BatchNorm(axis_name="batch")
    variables = bn.init(jax.random.key(1), x)
    # Reference: the same layer without axis_name, on the whole batch at once.
    whole, whole_stats = BatchNorm().apply(variables, x, train=True, mutable=["batch_stats"])

    def apply(v, shard):
        return bn.apply(v, shard, train=True, mutable=["batch_stats"])

    sharded, sharded_stats = jax.pmap(apply, axis_name="batch", in_axes=(None, 0))(
        variables, x.reshape(devices, 4, 3)
    )
    np.testing.assert_allclose(
        sharded.reshape(x.shape),
        whole,
        rtol=tol("float32", "values"),
        atol=tol("float32", "values"),
    )
    for d in range(devices):  # every device holds the same, global, running averages
        got = jax.tree.map(lambda a, d=d: a[d], sharded_stats)
        assert_tree_close(got, whole_stats, rtol=tol("float32", "values"))


def test_layernorm_normalises_each_example_and_ignores_train(x64):
    x = _batch(jax.random.key(0), (4, 6), jnp.float64)
    ln = LayerNorm(epsilon=1e-5)
    variables = ln.init(jax.random.key(1), x)
    y = ln.apply(variables, x, train=True)
    xn = np.asarray(x)
    mu, var = xn.mean(-1, keepdims=True), xn.var(-1, keepdims=True)
    np.testing.assert_allclose(y, (xn - mu) / np.sqrt(var + 1e-5), rtol=tol("float64", "exact"))
    np.testing.assert_array_equal(y, ln.apply(variables, x, train=False))
    np.testing.assert_allclose(ln.apply(variables, x[1:2]), y[1:2], rtol=tol("float64", "exact"))


@pytest.mark.parametrize("layer", [BatchNorm(), LayerNorm()], ids=["batchnorm", "layernorm"])
def test_norm_gradients_match_finite_differences(x64, layer):
    key_x, key_w, key_p = jax.random.split(jax.random.key(0), 3)
    x = _batch(key_x, (4, 3), jnp.float64)
    weights = jax.random.normal(key_w, (4, 3), jnp.float64)
    variables = layer.init(key_p, x)
    params = jax.tree.map(
        lambda p: p + 0.1 * jax.random.normal(key_p, p.shape, p.dtype), variables["params"]
    )
    rest = {k: v for k, v in variables.items() if k != "params"}

    @jax.jit
    def loss(tree):
        y = layer.apply(
            {"params": tree["params"], **rest}, tree["x"], train=True, mutable=list(rest)
        )[0]
        return jnp.sum(weights * jnp.tanh(y))

    tree = {"params": params, "x": x}
    expected = fd_grad(loss, tree, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(tree), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )
