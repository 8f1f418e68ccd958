"""Residual blocks: the formula, identity at zero init, counts, projections and gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.layers import ResidualConv, ResidualDense
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol


def _count(params):
    return sum(p.size for p in jax.tree.leaves(params))


def test_residual_dense_formula_and_count(x64):
    x = jax.random.normal(jax.random.key(0), (4, 3), jnp.float64)
    block = ResidualDense(activation="tanh")
    params = block.init(jax.random.key(1), x)["params"]
    assert _count(params) == 2 * (3 * 3 + 3)
    xn = np.asarray(x)
    f = np.tanh(xn @ params["dense_0"]["kernel"] + params["dense_0"]["bias"])
    f = f @ params["dense_1"]["kernel"] + params["dense_1"]["bias"]
    np.testing.assert_allclose(
        block.apply({"params": params}, x), np.tanh(xn + f), rtol=tol("float64", "exact")
    )


def test_zero_init_last_starts_as_activation_of_identity():
    x = jax.random.normal(jax.random.key(0), (4, 5))
    block = ResidualDense(zero_init_last=True)
    variables = block.init(jax.random.key(1), x)
    np.testing.assert_array_equal(block.apply(variables, x), jax.nn.relu(x))


@pytest.mark.parametrize(
    ("c_in", "features", "strides", "out_hw", "count"),
    [
        (4, 4, 1, 8, 2 * (9 * 4 * 4 + 4)),  # identity shortcut
        (2, 4, 1, 8, (9 * 2 * 4 + 4) + (9 * 4 * 4 + 4) + (2 * 4 + 4)),  # 1x1 projection
        (4, 4, 2, 4, 2 * (9 * 4 * 4 + 4) + (4 * 4 + 4)),  # strided: projection too
    ],
)
def test_residual_conv_shapes_and_counts(c_in, features, strides, out_hw, count):
    x = jnp.ones((2, 8, 8, c_in))
    block = ResidualConv(features, strides=strides)
    y, variables = block.init_with_output(jax.random.key(0), x)
    assert y.shape == (2, out_hw, out_hw, features)
    assert _count(variables["params"]) == count
    assert ("projection" in variables["params"]) == (c_in != features or strides != 1)


@pytest.mark.parametrize(
    "block",
    [ResidualDense(activation="tanh"), ResidualConv(2, activation="tanh")],
    ids=["dense", "conv"],
)
def test_residual_gradient_matches_finite_differences(x64, block):
    shape = (2, 3) if isinstance(block, ResidualDense) else (1, 3, 3, 2)
    x = jax.random.normal(jax.random.key(0), shape, jnp.float64)
    params = block.init(jax.random.key(1), x)["params"]

    @jax.jit
    def loss(tree):
        return jnp.sum(jnp.sin(block.apply({"params": tree["params"]}, tree["x"])))

    tree = {"params": params, "x": x}
    expected = fd_grad(loss, tree, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(tree), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )
