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


# --- Convolution algorithms (impl=...): equal to lax.conv_general_dilated and its gradients.

from jaxnets.errors import InvalidArgumentError  # noqa: E402
from jaxnets.layers import _conv_impl  # noqa: E402

NEW_IMPLS = ("im2col", "taps", "toeplitz")
# (x shape, kernel shape, stride, padding (anything Conv2D takes), dilation)
GEOMETRIES = [
    ((2, 5, 5, 1), (3, 3, 1, 2), 1, 0, 1),  # the lecture's worked example's shape
    ((2, 7, 7, 3), (3, 3, 3, 4), 2, 1, 1),  # stride 2, symmetric padding
    ((2, 6, 6, 2), (3, 3, 2, 3), 2, "VALID", 1),  # stride leaves a remainder (floored)
    ((2, 7, 6, 2), (3, 3, 2, 3), 2, "SAME", 1),  # SAME with a stride: asymmetric pads
    ((1, 6, 7, 2), (2, 3, 2, 3), 1, ((1, 2), (0, 3)), 1),  # explicit pairs, batch 1
    ((2, 9, 9, 2), (3, 3, 2, 2), 1, 2, 2),  # dilation 2
    ((1, 11, 10, 3), (3, 2, 3, 2), (2, 3), ((2, 1), (1, 0)), (2, 1)),  # everything at once
    ((2, 28, 28, 1), (5, 5, 1, 6), 1, "SAME", 1),  # LeNet's C1
    ((2, 14, 14, 6), (5, 5, 6, 16), 1, "VALID", 1),  # LeNet's C3
]


def _reference_and_impl(geometry, impl, dtype):
    x_shape, w_shape, stride, padding, dilation = geometry
    x = jax.random.normal(jax.random.key(0), x_shape, dtype)
    w = jax.random.normal(jax.random.key(1), w_shape, dtype)
    s, d = _pair(stride), _pair(dilation)
    pads = _conv_impl.resolve_padding(padding, x_shape[1:3], w_shape[:2], s, d)

    def make(name):
        def loss(x, w):
            y = _conv_impl.conv2d(x, w, stride=s, padding=pads, dilation=d, impl=name)
            return jnp.sum(jnp.sin(y)), y  # a non-linear loss: dY varies over the output

        return jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))

    return make("xla")(x, w), make(impl)(x, w)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _assert_close(actual, expected, dtype):
    # Relative to the array's scale: summation order differs between algorithms, so entries
    # near zero differ by rounding of the largest terms, not of themselves.
    expected = np.asarray(expected)
    scale = float(np.max(np.abs(expected)))
    eps = tol(dtype, "exact")
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=eps, atol=eps * scale)


@pytest.mark.parametrize("impl", NEW_IMPLS)
@pytest.mark.parametrize(
    "geometry", GEOMETRIES, ids=lambda g: f"{g[0]}*{g[1]}s{g[2]}p{g[3]}d{g[4]}"
)
def test_impl_matches_xla_forward_and_gradients_float64(x64, geometry, impl):
    ((_, y_ref), (dx_ref, dw_ref)), ((_, y), (dx, dw)) = _reference_and_impl(
        geometry, impl, jnp.float64
    )
    assert y.shape == y_ref.shape
    _assert_close(y, y_ref, "float64")  # forward
    _assert_close(dw, dw_ref, "float64")  # weight gradient
    _assert_close(dx, dx_ref, "float64")  # input gradient


@pytest.mark.parametrize("impl", NEW_IMPLS)
@pytest.mark.parametrize("geometry", [GEOMETRIES[1], GEOMETRIES[-2], GEOMETRIES[-1]])
def test_impl_matches_xla_float32(geometry, impl):
    ((_, y_ref), grads_ref), ((_, y), grads) = _reference_and_impl(geometry, impl, jnp.float32)
    assert y.dtype == jnp.float32 and all(g.dtype == jnp.float32 for g in grads)
    _assert_close(y, y_ref, "float32")
    for g, g_ref in zip(grads, grads_ref, strict=True):
        _assert_close(g, g_ref, "float32")


@pytest.mark.parametrize("impl", NEW_IMPLS)
def test_conv2d_module_impls_agree(x64, impl):
    x = jax.random.normal(jax.random.key(0), (3, 9, 9, 2), jnp.float64)
    xla = Conv2D(4, kernel_size=3, stride=2, padding="SAME", dilation=1, impl="xla")
    ours = Conv2D(4, kernel_size=3, stride=2, padding="SAME", dilation=1, impl=impl)
    params = xla.init(jax.random.key(1), x)["params"]
    params["bias"] = params["bias"] + 0.3

    def loss(conv):
        return lambda p, x: jnp.sum(jnp.tanh(conv.apply({"params": p}, x)) ** 2)

    want = jax.grad(loss(xla), argnums=(0, 1))(params, x)
    got = jax.grad(loss(ours), argnums=(0, 1))(params, x)
    _assert_close(ours.apply({"params": params}, x), xla.apply({"params": params}, x), "float64")
    for g, g_ref in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        _assert_close(g, g_ref, "float64")


@pytest.mark.parametrize("impl", NEW_IMPLS)
def test_table_conv_impls_agree_on_the_lenet_table(x64, impl):
    from jaxnets.models import LENET_C3_TABLE

    x = jax.random.normal(jax.random.key(0), (2, 14, 14, 6), jnp.float64)
    xla = TableConv2D(LENET_C3_TABLE, 5, impl="xla")
    ours = TableConv2D(LENET_C3_TABLE, 5, impl=impl)
    params = xla.init(jax.random.key(1), x)["params"]

    def loss(conv):
        return lambda p, x: jnp.sum(jnp.sin(conv.apply({"params": p}, x)))

    _assert_close(ours.apply({"params": params}, x), xla.apply({"params": params}, x), "float64")
    want = jax.grad(loss(xla), argnums=(0, 1))(params, x)
    got = jax.grad(loss(ours), argnums=(0, 1))(params, x)
    assert got[0]["kernel"].shape == (5, 5, 60)  # only the connected kernels get gradients
    for g, g_ref in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        _assert_close(g, g_ref, "float64")


@pytest.mark.parametrize("impl", NEW_IMPLS)
def test_impl_under_vmap_over_kernels(x64, impl):
    # Populations vmap a model over stacked parameters: the custom backward must batch.
    x = jax.random.normal(jax.random.key(0), (2, 6, 6, 2), jnp.float64)
    ws = jax.random.normal(jax.random.key(1), (3, 3, 3, 2, 4), jnp.float64)

    def grads(name):
        def loss(w):
            return jnp.sum(jnp.sin(_conv_impl.conv2d(x, w, padding=((1, 1), (1, 1)), impl=name)))

        return jax.vmap(jax.grad(loss))(ws)

    _assert_close(grads(impl), grads("xla"), "float64")


def test_unknown_impl_and_bad_padding_are_clear_errors():
    x = jnp.ones((1, 5, 5, 1))
    with pytest.raises(InvalidArgumentError, match="impl must be one of"):
        Conv2D(1, impl="fft").init(jax.random.key(0), x)
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        Conv2D(1, padding=((-1, 0), (0, 0)), impl="im2col").init(jax.random.key(0), x)
    with pytest.raises(InvalidArgumentError, match="'SAME', 'VALID'"):
        Conv2D(1, padding="FULL").init(jax.random.key(0), x)
    with pytest.raises(InvalidArgumentError, match="does not fit"):
        _conv_impl.conv2d(x, jnp.ones((3, 3, 1, 1)), dilation=(3, 3), impl="im2col")


def _choice(impl, x_shape, w_shape, padding=((0, 0), (0, 0)), stride=(1, 1)):
    geometry = _conv_impl._geometry(x_shape, w_shape, stride, padding, (1, 1))
    return _conv_impl.choose_impl(impl, x_shape, w_shape, geometry)


LENET_C1 = ((256, 28, 28, 1), (5, 5, 1, 6), ((2, 2), (2, 2)))
LENET_C3 = ((256, 14, 14, 6), (5, 5, 6, 16))


@pytest.mark.parametrize("backend", ["gpu", "tpu"])
def test_auto_is_xla_off_cpu(monkeypatch, backend):
    monkeypatch.setattr(_conv_impl.jax, "default_backend", lambda: backend)
    assert _choice("auto", *LENET_C1) == "xla"  # GPU/TPU numerics unchanged
    assert _choice("auto", *LENET_C3) == "xla"
    assert _choice("im2col", *LENET_C3) == "im2col"  # an explicit choice is kept


@pytest.mark.parametrize(
    "x_shape, w_shape, padding, stride, want",
    [
        (*LENET_C1, (1, 1), "toeplitz"),
        (*LENET_C3, ((0, 0), (0, 0)), (1, 1), "toeplitz"),
        ((256, 14, 14, 16), (5, 5, 16, 16), ((0, 0), (0, 0)), (1, 1), "toeplitz"),
        ((128, 32, 32, 3), (5, 5, 3, 32), ((2, 2), (2, 2)), (1, 1), "xla"),  # RGB input
        ((32, 32, 32, 64), (3, 3, 64, 64), ((1, 1), (1, 1)), (1, 1), "xla"),  # many channels
        ((32, 20, 20, 32), (4, 4, 32, 64), ((0, 0), (0, 0)), (2, 2), "xla"),  # DQN conv2
        ((256, 28, 28, 1), (5, 5, 1, 6), ((2, 2), (2, 2)), (2, 2), "xla"),  # strided
    ],
)
def test_auto_on_cpu_follows_the_measured_rule(
    monkeypatch, x_shape, w_shape, padding, stride, want
):
    # benchmarks/README.md "conv.py", the shape table: toeplitz wins for few channels.
    monkeypatch.setattr(_conv_impl.jax, "default_backend", lambda: "cpu")
    assert _choice("auto", x_shape, w_shape, padding, stride) == want
    assert _choice("taps", x_shape, w_shape, padding, stride) == "taps"


@pytest.mark.parametrize(
    "wo, kernel, stride, want",
    [
        (28, 5, 1, (4, 11)),
        (10, 5, 1, (2, 9)),
        (7, 3, 1, (1, 9)),
        (5, 5, 1, (1, 9)),
        (8, 3, 2, (2, 9)),
    ],
)
def test_toeplitz_tiles_are_the_narrowest_at_least_the_kernel_wide(wo, kernel, stride, want):
    # (tiles, input width of a tile): 28 = 4 x 7 with 7 + 4 = 11 input columns; 7 is prime.
    geometry = ((1, stride), ((0, 0), (0, 0)), (1, 1), (wo, wo))
    assert _conv_impl.toeplitz_tiles((kernel, kernel, 1, 1), geometry) == want


def test_auto_conv2d_matches_xla_on_lenet_c1(x64):
    x = jax.random.normal(jax.random.key(0), (2, 28, 28, 1), jnp.float64)
    auto = Conv2D(6, kernel_size=5, padding="SAME")  # impl="auto" by default
    xla = Conv2D(6, kernel_size=5, padding="SAME", impl="xla")
    params = xla.init(jax.random.key(1), x)["params"]

    def loss(conv):
        return lambda p, x: jnp.sum(jnp.sin(conv.apply({"params": p}, x)))

    _assert_close(auto.apply({"params": params}, x), xla.apply({"params": params}, x), "float64")
    got = jax.grad(loss(auto), argnums=(0, 1))(params, x)
    want = jax.grad(loss(xla), argnums=(0, 1))(params, x)
    for g, g_ref in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        _assert_close(g, g_ref, "float64")
