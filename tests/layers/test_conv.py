"""Conv2D (stride and zero padding arithmetic, the lecture's worked example) and TableConv2D."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.layers import Conv2D, TableConv2D, conv_output_size
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol

LECTURE_INPUT = [
    [3, 3, 2, 1, 0],
    [0, 0, 1, 3, 1],
    [3, 1, 2, 2, 3],
    [2, 0, 0, 2, 2],
    [2, 0, 0, 0, 1],
]
LECTURE_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
LECTURE_OUTPUT = [[12, 12, 17], [10, 17, 19], [9, 6, 14]]


def test_lecture_worked_example(x64):
    x = jnp.array(LECTURE_INPUT, jnp.float64)[None, :, :, None]  # (1, 5, 5, 1)
    kernel = jnp.array(LECTURE_KERNEL, jnp.float64)[:, :, None, None]  # (3, 3, 1, 1)
    conv = Conv2D(1, kernel_size=3, stride=1, padding=0, use_bias=False)
    y = conv.apply({"params": {"kernel": kernel}}, x)
    np.testing.assert_allclose(y[0, :, :, 0], LECTURE_OUTPUT, rtol=tol("float64", "lecture"))


@pytest.mark.parametrize(
    ("w", "f", "p", "s", "out"),
    [
        (5, 3, 0, 1, 3),  # the worked example
        (7, 3, 0, 1, 5),  # lecture: 7x7 input, 3x3 filter, stride 1
        (7, 3, 0, 2, 3),  # ... stride 2
        (5, 3, 1, 2, 3),  # (5 - 3 + 2) / 2 + 1
        (32, 5, 2, 1, 32),  # "same" padding P = (F - 1) / 2
        (84, 8, 0, 4, 20),  # DQN conv1
        (227, 11, 0, 4, 55),  # AlexNet conv1
    ],
)
def test_output_size_formula(w, f, p, s, out):
    assert conv_output_size(w, f, p, s) == out
    conv = Conv2D(2, kernel_size=f, stride=s, padding=p)
    x = jax.ShapeDtypeStruct((1, w, w, 1), jnp.float32)
    shape = jax.eval_shape(lambda x: conv.init_with_output(jax.random.key(0), x)[0], x).shape
    assert shape == (1, out, out, 2)


def test_stride_that_does_not_fit_is_a_clear_error():
    # The lecture's W=5, F=3, P=1, S=3: (5 - 3 + 2) / 3 = 4/3.
    with pytest.raises(ValueError, match=r"stride does not fit.*4/3"):
        conv_output_size(5, 3, 1, 3)
    with pytest.raises(ValueError, match="stride does not fit"):
        Conv2D(1, kernel_size=3, stride=3, padding=1).init(
            jax.random.key(0), jnp.ones((1, 5, 5, 1))
        )
    with pytest.raises(ValueError, match="does not fit"):
        conv_output_size(2, 3)


@pytest.mark.parametrize(("f", "s", "p"), [(3, 1, 1), (3, 2, 0), (5, 1, 2)])
def test_matches_flax_conv(x64, f, s, p):
    x = jax.random.normal(jax.random.key(0), (2, 7, 7, 3), jnp.float64)
    ours = Conv2D(4, kernel_size=f, stride=s, padding=p)
    variables = ours.init(jax.random.key(1), x)
    params = variables["params"]
    # Param count F*F*C_in*C + C.
    assert sum(a.size for a in jax.tree.leaves(params)) == f * f * 3 * 4 + 4
    theirs = nn.Conv(4, (f, f), (s, s), padding=((p, p), (p, p)), param_dtype=jnp.float64)
    np.testing.assert_allclose(
        ours.apply(variables, x),
        theirs.apply(variables, x),
        rtol=tol("float64", "exact"),
        atol=tol("float64", "exact"),
    )


def test_conv_gradient_matches_finite_differences(x64):
    x = jax.random.normal(jax.random.key(0), (1, 5, 5, 2), jnp.float64)
    conv = Conv2D(2, kernel_size=3, stride=2, padding=1)
    params = conv.init(jax.random.key(1), x)["params"]
    params["bias"] = params["bias"] + 0.1

    @jax.jit
    def loss(tree):
        return jnp.sum(jnp.tanh(conv.apply({"params": tree["params"]}, tree["x"])) ** 2)

    tree = {"params": params, "x": x}
    expected = fd_grad(loss, tree, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(tree), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )


TABLE = ((True, False, True), (True, True, False))  # (C_in=2, C_out=3), 4 connections


def test_table_conv_is_a_masked_dense_conv(x64):
    x = jax.random.normal(jax.random.key(0), (2, 6, 6, 2), jnp.float64)
    conv = TableConv2D(TABLE, kernel_size=3)
    params = conv.init(jax.random.key(1), x)["params"]
    assert params["kernel"].shape == (3, 3, 4)  # only the 4 connected 3x3 kernels
    assert sum(a.size for a in jax.tree.leaves(params)) == 9 * 4 + 3
    rows, cols = np.nonzero(np.array(TABLE))
    dense = np.zeros((3, 3, 2, 3))
    dense[:, :, rows, cols] = params["kernel"]
    want = (
        jax.lax.conv_general_dilated(
            x, dense, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")
        )
        + params["bias"]
    )
    y = conv.apply({"params": params}, x)
    np.testing.assert_allclose(y, want, rtol=tol("float64", "exact"), atol=tol("float64", "exact"))
    # Output map 1 does not see input map 0: changing it leaves that output unchanged.
    x2 = x.at[..., 0].add(1.0)
    y2 = conv.apply({"params": params}, x2)
    np.testing.assert_array_equal(y2[..., 1], y[..., 1])
    assert not np.allclose(y2[..., 0], y[..., 0])


def test_table_conv_gradient_matches_finite_differences(x64):
    x = jax.random.normal(jax.random.key(0), (1, 4, 4, 2), jnp.float64)
    conv = TableConv2D(TABLE, kernel_size=3)
    params = conv.init(jax.random.key(1), x)["params"]

    @jax.jit
    def loss(tree):
        return jnp.sum(jnp.sin(conv.apply({"params": tree["params"]}, tree["x"])))

    tree = {"params": params, "x": x}
    expected = fd_grad(loss, tree, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(tree), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )
