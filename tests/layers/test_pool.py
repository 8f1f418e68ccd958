"""Max and average pooling: the lecture's example, shapes, errors and gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.layers import AvgPool2D, MaxPool2D, avg_pool, max_pool
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol

LECTURE_INPUT = [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]


def test_lecture_max_pool_example(x64):
    x = jnp.array(LECTURE_INPUT, jnp.float64)[None, :, :, None]
    y = max_pool(x, 2, 2)
    np.testing.assert_allclose(y[0, :, :, 0], [[4, 5], [3, 4]], rtol=tol("float64", "lecture"))
    np.testing.assert_array_equal(MaxPool2D(2).apply({}, x), y)


def test_avg_pool_is_window_mean(x64):
    x = jnp.array(LECTURE_INPUT, jnp.float64)[None, :, :, None]
    y = avg_pool(x, 2)
    # (1+3+4+2)/4, (5+3+3+1)/4, (3+1+0+1)/4, (1+3+0+4)/4
    np.testing.assert_allclose(
        y[0, :, :, 0], [[2.5, 3.0], [1.25, 2.0]], rtol=tol("float64", "lecture")
    )
    np.testing.assert_array_equal(AvgPool2D(2).apply({}, x), y)


@pytest.mark.parametrize(
    ("size", "window", "stride", "out"), [(4, 2, 2, 2), (5, 3, 1, 3), (7, 3, 2, 3), (28, 2, 2, 14)]
)
@pytest.mark.parametrize("pool", [max_pool, avg_pool])
def test_shapes_keep_channels(pool, size, window, stride, out):
    x = jnp.ones((2, size, size, 3))
    assert pool(x, window, stride).shape == (2, out, out, 3)


@pytest.mark.parametrize("pool", [max_pool, avg_pool])
def test_stride_that_does_not_fit_is_a_clear_error(pool):
    with pytest.raises(ValueError, match="stride does not fit"):
        pool(jnp.ones((1, 5, 5, 1)), 2, 2)  # (5 - 2) / 2
    with pytest.raises(ValueError, match=r"\(B, H, W, C\)"):
        pool(jnp.ones((5, 5)), 2, 1)


@pytest.mark.parametrize("pool", [max_pool, avg_pool])
def test_pool_gradient_matches_finite_differences(x64, pool):
    # Distinct values, so every window has a unique maximum and max is differentiable there.
    x = jax.random.permutation(jax.random.key(0), jnp.arange(36.0, dtype=jnp.float64))
    x = (x / 10).reshape(1, 6, 6, 1)
    w = jax.random.normal(jax.random.key(1), (1, 3, 3, 1), jnp.float64)
    loss = jax.jit(lambda x: jnp.sum(w * pool(x, 2, 2)))
    expected = fd_grad(loss, x, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(loss)(x), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )
    if pool is max_pool:  # the gradient reaches exactly one entry per window
        assert int(np.count_nonzero(jax.grad(loss)(x))) == 9


@pytest.mark.parametrize("relu", [False, True], ids=["distinct", "ties-after-relu"])
def test_fast_max_pool_equals_reduce_window_forward_and_backward(relu):
    # The non-overlapping path (reshape + max, one-hot backward) must give XLA's
    # select_and_scatter gradient exactly, also for windows with tied maxima (ReLU zeros).
    x = jax.random.normal(jax.random.key(0), (3, 8, 6, 4))
    x = jax.nn.relu(x) if relu else x
    ct = jax.random.normal(jax.random.key(1), (3, 4, 3, 4))

    def reference(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    out, pull = jax.vjp(lambda x: max_pool(x, 2), x)
    want, pull_want = jax.vjp(reference, x)
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(pull(ct)[0], pull_want(ct)[0])
    if relu:
        assert int((np.asarray(pull(ct)[0]) != 0).sum()) == ct.size  # one element per window
