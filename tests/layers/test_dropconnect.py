"""DropConnect: random masks on weights, per batch or per example (5-SE statistical bound)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.layers import DropConnectDense
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol

NUM_SE = 5.0


def _setup(per_example=False, rate=0.5, dtype=jnp.float32):
    layer = DropConnectDense(3, rate=rate, per_example=per_example)
    x = jax.random.normal(jax.random.key(0), (4, 5), dtype)
    variables = layer.init(jax.random.key(1), x)
    return layer, x, variables


def test_param_count_and_eval_is_plain_dense():
    layer, x, variables = _setup()
    params = variables["params"]
    assert sum(p.size for p in jax.tree.leaves(params)) == 5 * 3 + 3  # D*H + H
    y = layer.apply(variables, x, train=False)
    np.testing.assert_allclose(
        y, x @ params["kernel"] + params["bias"], rtol=tol("float32", "exact")
    )


@pytest.mark.parametrize("per_example", [False, True])
def test_expected_train_output_equals_eval_output(per_example):
    layer, x, variables = _setup(per_example)
    n = 4000
    keys = jax.random.split(jax.random.key(2), n)
    samples = jax.vmap(lambda k: layer.apply(variables, x, train=True, rngs={"dropout": k}))(keys)
    samples = np.asarray(samples)
    se = samples.std(0) / np.sqrt(n)
    assert np.all(np.abs(samples.mean(0) - layer.apply(variables, x)) < NUM_SE * se)


@pytest.mark.parametrize("per_example", [False, True])
def test_mask_granularity(per_example):
    layer, x, variables = _setup(per_example)
    same_rows = jnp.broadcast_to(x[:1], x.shape)
    y = layer.apply(variables, same_rows, train=True, rngs={"dropout": jax.random.key(3)})
    rows_equal = np.allclose(y, y[:1])
    # One shared mask gives identical rows for identical inputs; per-example masks do not.
    assert rows_equal != per_example


def test_bias_is_not_dropped():
    layer, x, _ = _setup(rate=0.9)
    params = {"kernel": jnp.zeros((5, 3)), "bias": jnp.arange(1.0, 4.0)}
    y = layer.apply({"params": params}, x, train=True, rngs={"dropout": jax.random.key(0)})
    np.testing.assert_array_equal(y, np.broadcast_to(np.arange(1.0, 4.0), (4, 3)))


@pytest.mark.parametrize("per_example", [False, True])
def test_gradient_matches_finite_differences(x64, per_example):
    layer, x, variables = _setup(per_example, dtype=jnp.float64)

    @jax.jit
    def loss(tree):
        y = layer.apply(
            {"params": tree["params"]}, tree["x"], train=True, rngs={"dropout": jax.random.key(7)}
        )
        return jnp.sum(jnp.tanh(y))

    tree = {"params": variables["params"], "x": x}
    expected = fd_grad(loss, tree, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(tree), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )
