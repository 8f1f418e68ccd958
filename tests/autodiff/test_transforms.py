"""jvp, vjp, grad, jacfwd, jacrev, hvp on pytrees and broadcasting, against jax."""

import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.autodiff import (
    grad,
    hessian,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    nn,
    tree_flatten,
    tree_map,
    tree_unflatten,
    value_and_grad,
    vjp,
)
from jaxnets.autodiff import numpy as anp
from tests.tolerances import tol

EXACT = tol(np.float64, "exact")


pytestmark = pytest.mark.usefixtures("fast_compiles")


def jax_grad(f, argnums=0):
    return jax.jit(jax.grad(f, argnums))


def _assert_trees_close(ours, theirs, rtol=EXACT):
    a, a_def = tree_flatten(ours)
    b, b_def = tree_flatten(tree_map(np.asarray, theirs))
    assert a_def == b_def
    for x, y in zip(a, b, strict=True):
        assert np.shape(x) == np.shape(y)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=rtol * np.max(np.abs(y), initial=0.0))


def mlp_loss(params, x, y):
    """A 2-layer network written once against anp: (B, D) -> (B, 1) -> scalar."""
    h = anp.tanh(x @ params["layers"][0]["w"] + params["layers"][0]["b"])  # (B, H)
    out = nn.sigmoid(h @ params["layers"][1]["w"] + params["layers"][1]["b"])  # (B, 1)
    return anp.mean((out - y) ** 2) + 1e-3 * anp.sum(params["layers"][0]["w"] ** 2)


@pytest.fixture
def mlp():
    rng = np.random.default_rng(0)
    params = {
        "layers": [
            {"w": rng.normal(size=(3, 4)), "b": rng.normal(size=(4,))},
            {"w": rng.normal(size=(4, 1)), "b": rng.normal(size=(1,))},
        ]
    }
    return params, rng.normal(size=(5, 3)), rng.uniform(size=(5, 1))


def test_pytree_round_trip():
    tree = {"b": [1.0, (2.0, None)], "a": np.ones(3)}
    leaves, treedef = tree_flatten(tree)
    assert [np.shape(v) for v in leaves] == [(3,), (), ()]  # dict keys sorted, as jax
    rebuilt = tree_unflatten(treedef, leaves)
    assert rebuilt["b"][1] == (2.0, None) and isinstance(rebuilt["b"], list)
    with pytest.raises(ValueError, match="needs 3 leaves, got 2"):
        tree_unflatten(treedef, leaves[:2])


def test_grad_of_network_params_matches_jax(mlp, x64):
    params, x, y = mlp
    value, ours = value_and_grad(mlp_loss)(params, x, y)
    theirs = jax_grad(mlp_loss)(tree_map(jnp.asarray, params), jnp.asarray(x), jnp.asarray(y))
    _assert_trees_close(ours, theirs)
    np.testing.assert_allclose(value, mlp_loss(params, x, y), rtol=EXACT)
    assert isinstance(ours["layers"], list) and set(ours["layers"][0]) == {"w", "b"}


def test_grad_with_several_argnums(mlp, x64):
    params, x, y = mlp
    ours = grad(mlp_loss, argnums=(0, 1))(params, x, y)
    theirs = jax_grad(mlp_loss, argnums=(0, 1))(params, jnp.asarray(x), jnp.asarray(y))
    _assert_trees_close(ours, theirs)


def test_jvp_and_vjp_on_pytrees_match_jax(mlp, x64):
    params, x, y = mlp
    rng = np.random.default_rng(1)
    tangent = tree_map(lambda v: rng.normal(size=np.shape(v)), params)
    f = lambda p: {"loss": mlp_loss(p, x, y), "w0": p["layers"][0]["w"] * 2.0}
    out, out_t = jvp(f, (params,), (tangent,))
    ref_out, ref_t = jax.jit(lambda p, t: jax.jvp(f, (p,), (t,)))(params, tangent)
    _assert_trees_close(out, ref_out)
    _assert_trees_close(out_t, ref_t)
    ct = {"loss": np.array(0.7), "w0": rng.normal(size=(3, 4))}
    _, vjp_fn = vjp(f, params)
    ref_vjp = jax.jit(lambda p, c: jax.vjp(f, p)[1](c))(params, ct)
    _assert_trees_close(vjp_fn(ct), ref_vjp)


BROADCASTING = [
    ((3, 1), (4,)),
    ((), (2, 3)),
    ((2, 1, 3), (4, 1)),
    ((1,), (1,)),
]


@pytest.mark.parametrize(("x_shape", "y_shape"), BROADCASTING)
@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "divide", "maximum"])
def test_broadcasting_binary_ops_match_jax(op, x_shape, y_shape, x64):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=x_shape), rng.uniform(0.5, 2.0, size=y_shape)
    f = lambda a, b: anp.sum(anp.sin(getattr(anp, op)(a, b)))
    _assert_trees_close(grad(f, (0, 1))(x, y), jax_grad(f, (0, 1))(jnp.asarray(x), jnp.asarray(y)))


@pytest.mark.parametrize(
    ("x_shape", "y_shape"),
    [((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3, 4)), ((4, 3), (2, 3, 1))],
)
def test_matmul_shapes_match_jax(x_shape, y_shape, x64):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=x_shape), rng.normal(size=y_shape)
    f = lambda a, b: anp.sum(anp.tanh(anp.matmul(a, b)))
    _assert_trees_close(f(x, y), jax.jit(f)(x, y))
    _assert_trees_close(grad(f, (0, 1))(x, y), jax_grad(f, (0, 1))(jnp.asarray(x), jnp.asarray(y)))


def test_reductions_and_reshapes_match_jax(x64):
    x = np.random.default_rng(4).normal(size=(2, 3, 4))

    def f(a):
        b = anp.mean(a, axis=(0, 2), keepdims=True) * a  # (2, 3, 4)
        c = anp.transpose(anp.reshape(b, (6, -1)))  # (4, 6)
        return anp.sum(anp.exp(anp.sum(c, axis=-1)) + anp.sqrt(anp.square(a).sum() + 1.0))

    _assert_trees_close(grad(f)(x), jax_grad(f)(jnp.asarray(x)))


def test_jacfwd_jacrev_and_jax_jacobian_agree(x64):
    rng = np.random.default_rng(5)
    w = rng.normal(size=(2, 3))
    f = lambda x: anp.sin(w @ x) * anp.sum(x**2)  # R^3 -> R^2
    x = rng.normal(size=3)
    expected = jax.jit(jax.jacobian(f))(jnp.asarray(x))
    for jac in (jacfwd(f)(x), jacrev(f)(x)):
        assert jac.shape == (2, 3)
        _assert_trees_close(jac, expected)


def test_jacobians_of_pytrees_have_jax_layout(x64):
    f = lambda p: {"u": p["a"] * p["b"], "v": anp.sum(p["b"] ** 3)}  # (2, 2), ()
    p = {"a": np.array([1.0, 2.0]), "b": np.array([[0.5, -1.0], [2.0, 3.0]])}
    expected = jax.jit(jax.jacobian(f))(tree_map(jnp.asarray, p))
    _assert_trees_close(jacfwd(f)(p), expected)
    _assert_trees_close(jacrev(f)(p), expected)


def test_hvp_and_hessian_match_jax(mlp, x64):
    params, x, y = mlp
    rng = np.random.default_rng(6)
    v = tree_map(lambda a: rng.normal(size=np.shape(a)), params)
    loss = lambda p: mlp_loss(p, x, y)
    ours = hvp(loss, params, v)
    jparams, jv = tree_map(jnp.asarray, params), tree_map(jnp.asarray, v)
    theirs = jax.jit(lambda p, t: jax.jvp(jax.grad(loss), (p,), (t,))[1])(jparams, jv)
    _assert_trees_close(ours, theirs, rtol=tol(np.float64, "identity"))

    f = lambda z: anp.sum(anp.tanh(z) ** 3 * anp.exp(z))
    z = rng.normal(size=4)
    _assert_trees_close(
        hessian(f)(z), jax.jit(jax.hessian(f))(jnp.asarray(z)), rtol=tol(np.float64, "identity")
    )


def test_reverse_over_forward_gradient_of_a_jvp(x64):
    """grad of a directional derivative: the tape records the jvp rules' operations."""
    v = np.array([0.3, -1.0, 2.0])
    g = lambda x: jvp(lambda z: anp.sum(anp.sin(z) * z), (x,), (v,))[1]
    x = np.array([0.1, 0.5, -0.7])
    jg = lambda x: jax.jvp(lambda z: jnp.sum(jnp.sin(z) * z), (x,), (jnp.asarray(v),))[1]
    _assert_trees_close(grad(g)(x), jax_grad(jg)(jnp.asarray(x)))


def test_unused_input_and_constant_output_give_zero_gradients():
    f = lambda x, y: anp.sin(x) * 2.0
    gx, gy = grad(f, (0, 1))(np.array(0.5), np.array(3.0))
    assert gx == pytest.approx(2 * np.cos(0.5), rel=EXACT) and gy == 0.0
    assert grad(lambda x: 3.0)(np.array(1.0)) == 0.0


def test_float_dtypes_are_kept_and_ints_become_float64_in_vjp():
    x32 = np.ones(3, dtype=np.float32)
    assert grad(lambda x: anp.sum(x * 2.0))(x32).dtype == np.float32
    _, vjp_fn = vjp(lambda x: anp.sum(x * x), np.arange(3))
    assert vjp_fn(1.0)[0].dtype == np.float64


def test_importing_the_module_does_not_import_jax_flax_or_optax():
    code = (
        "import sys, jaxnets.autodiff as ad; from jaxnets.autodiff import numpy as anp;"
        "ad.grad(lambda x: anp.sin(x))(1.0);"
        "bad = [m for m in ('jax', 'flax', 'optax') if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_nested_transformations_keep_their_levels_apart():
    """Perturbation confusion: the inner derivative must not see the outer tangent."""
    f = lambda x: x * jvp(lambda y: x + y, (np.array(1.0),), (np.array(1.0),))[1]
    assert jvp(f, (np.array(2.0),), (np.array(1.0),)) == (2.0, 1.0)  # d/dx [x · 1] = 1
    g = lambda x: x * grad(lambda y: x * y)(np.array(1.0))
    assert grad(g)(np.array(3.0)) == 6.0  # d/dx [x · x] = 2x
    x = np.array(0.7)
    second = 6 * np.sin(x) * np.cos(x) ** 2 - 3 * np.sin(x) ** 3  # (sin³)''
    np.testing.assert_allclose(grad(grad(lambda z: anp.sin(z) ** 3))(x), second, rtol=EXACT)
