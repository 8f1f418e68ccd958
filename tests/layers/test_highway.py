"""Highway layer: the gate formula, its negative bias initialisation, counts and gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.layers import Highway
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol


@pytest.mark.parametrize("d", [3, 8])
def test_param_count_and_gate_bias_init(d):
    params = Highway(gate_bias=-2.0).init(jax.random.key(0), jnp.ones((1, d)))["params"]
    assert sum(p.size for p in jax.tree.leaves(params)) == 2 * (d * d + d)
    np.testing.assert_array_equal(params["gate"]["bias"], np.full(d, -2.0))


def test_output_is_gated_mix_of_transform_and_carry(x64):
    x = jax.random.normal(jax.random.key(0), (4, 3), jnp.float64)
    layer = Highway(activation="tanh")
    params = layer.init(jax.random.key(1), x)["params"]
    y = layer.apply({"params": params}, x)
    xn = np.asarray(x)
    h = np.tanh(xn @ params["transform"]["kernel"] + params["transform"]["bias"])
    t = 1 / (1 + np.exp(-(xn @ params["gate"]["kernel"] + params["gate"]["bias"])))
    np.testing.assert_allclose(y, t * h + (1 - t) * xn, rtol=tol("float64", "exact"))
    # A closed gate (very negative bias, zero gate weights) carries the input through.
    closed = {**params, "gate": {"kernel": jnp.zeros((3, 3)), "bias": jnp.full(3, -50.0)}}
    np.testing.assert_allclose(layer.apply({"params": closed}, x), x, rtol=tol("float64", "exact"))


def test_highway_gradient_matches_finite_differences(x64):
    x = jax.random.normal(jax.random.key(0), (2, 3), jnp.float64)
    layer = Highway(activation="tanh")
    params = layer.init(jax.random.key(1), x)["params"]

    @jax.jit
    def loss(tree):
        return jnp.sum(jnp.sin(layer.apply({"params": tree["params"]}, tree["x"])))

    tree = {"params": params, "x": x}
    expected = fd_grad(loss, tree, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(tree), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )
