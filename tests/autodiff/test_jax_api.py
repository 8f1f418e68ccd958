"""The same calls through ``jax`` and ``jaxnets.autodiff``, compared in float64.

Every function here is written once against ``anp``/``nn`` and run by both libraries'
transformations with the same ``argnums``/``has_aux``; values and derivatives must agree
to the ``exact`` tolerance (``identity`` for second derivatives, which add a sweep).
"""

import ast
import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxnets.autodiff as ad
from jaxnets.autodiff import _core, nn
from jaxnets.autodiff import numpy as anp
from tests.tolerances import tol

pytestmark = pytest.mark.usefixtures("x64", "fast_compiles")
EXACT = tol(np.float64, "exact")
SECOND = tol(np.float64, "identity")

RNG = np.random.default_rng(0)
X = RNG.normal(size=3)
Y = RNG.uniform(0.5, 2.0, size=3)
A = RNG.normal(size=(2, 3))


def _close(ours, theirs, rtol=EXACT):
    a, a_def = jax.tree.flatten(ours)
    b, b_def = jax.tree.flatten(theirs)
    assert a_def == b_def, (a_def, b_def)
    for u, v in zip(a, b, strict=True):
        v = np.asarray(v)
        assert np.shape(u) == v.shape
        np.testing.assert_allclose(u, v, rtol=rtol, atol=rtol * np.max(np.abs(v), initial=0))


def scalar_f(x, y):
    """(3,), (3,) -> scalar, with auxiliary metrics."""
    out = anp.sum(anp.sin(x) * y**2) + anp.max(x) * anp.mean(y)
    return out, {"max": anp.max(x), "first": x[0]}


def vector_f(x, y):
    """(3,), (3,) -> (2, 3)."""
    return anp.tanh(A * x + y[::-1]) * anp.exp(-(x**2)), {"n": anp.sum(y)}


ARGNUMS = [0, 1, -1, -2, (0, 1), (1, 0), (-1,)]


@pytest.mark.parametrize("argnums", ARGNUMS, ids=str)
@pytest.mark.parametrize("has_aux", [False, True])
@pytest.mark.parametrize("name", ["grad", "value_and_grad"])
def test_grad_and_value_and_grad(name, argnums, has_aux):
    f = scalar_f if has_aux else lambda x, y: scalar_f(x, y)[0]
    ours = getattr(ad, name)(f, argnums, has_aux=has_aux)(X, Y)
    theirs = getattr(jax, name)(f, argnums, has_aux=has_aux)(X, Y)
    _close(ours, theirs)


@pytest.mark.parametrize("argnums", ARGNUMS, ids=str)
@pytest.mark.parametrize("has_aux", [False, True])
@pytest.mark.parametrize("name", ["jacfwd", "jacrev"])
def test_jacobians(name, argnums, has_aux):
    f = vector_f if has_aux else lambda x, y: vector_f(x, y)[0]
    ours = getattr(ad, name)(f, argnums, has_aux=has_aux)(X, Y)
    theirs = getattr(jax, name)(f, argnums, has_aux=has_aux)(X, Y)
    _close(ours, theirs)


@pytest.mark.parametrize("argnums", [0, -1, (0, 1)], ids=str)
@pytest.mark.parametrize("has_aux", [False, True])
def test_hessian(argnums, has_aux):
    f = scalar_f if has_aux else lambda x, y: scalar_f(x, y)[0]
    ours = ad.hessian(f, argnums, has_aux=has_aux)(X, Y)
    _close(ours, jax.hessian(f, argnums, has_aux=has_aux)(X, Y), SECOND)


@pytest.mark.parametrize("outer", ["jacfwd", "jacrev"])
@pytest.mark.parametrize("inner", ["jacfwd", "jacrev"])
def test_all_four_nestings_of_jacobians(outer, inner):
    f = lambda x: anp.sin(x) * anp.sum(x**3)  # (3,) -> (3,): second derivative (3, 3, 3)
    ours = getattr(ad, outer)(getattr(ad, inner)(f))(X)
    _close(ours, getattr(jax, outer)(getattr(jax, inner)(f))(X), SECOND)


def test_hessian_of_pytree_argument_has_jax_layout():
    f = lambda p: anp.sum(anp.tanh(p["w"] @ p["b"]) ** 2)
    p = {"w": A, "b": X}
    _close(ad.hessian(f)(p), jax.hessian(f)(p), SECOND)


def test_jvp_and_vjp_with_aux():
    f = lambda x, y: vector_f(x, y)
    ours = ad.jvp(f, (X, Y), (Y, X), has_aux=True)
    _close(ours, jax.jvp(f, (X, Y), (Y, X), has_aux=True))
    out, vjp_fn, aux = ad.vjp(f, X, Y, has_aux=True)
    j_out, j_vjp_fn, j_aux = jax.vjp(f, X, Y, has_aux=True)
    _close((out, aux, vjp_fn(A)), (j_out, j_aux, j_vjp_fn(A)))


# name -> f(x) written against anp (x: (3,) from X), each reduced to a scalar below.
FUNCTIONS = {
    "where": lambda x: anp.where(x > 0, x**2, anp.sin(x)),
    "where_scalar": lambda x: anp.where(x > 0, x, 0.0),
    "concatenate": lambda x: anp.concatenate([x, x[:2] * 2.0, anp.ones(1)]),
    "stack": lambda x: anp.stack([x, anp.sin(x)], axis=1),
    "dot_vv": lambda x: anp.dot(x, Y),
    "dot_mv": lambda x: anp.dot(A, x),
    "dot_nd": lambda x: anp.dot(A * x, anp.reshape(anp.concatenate([x] * 6), (2, 3, 3))),
    "max_axis": lambda x: anp.max(A * x, axis=1),
    "min_keepdims": lambda x: anp.min(A * x, axis=0, keepdims=True),
    "abs": lambda x: anp.abs(x - 0.1),
    "log1p": lambda x: anp.log1p(x**2),
    "expm1": lambda x: anp.expm1(x),
    "logsumexp": lambda x: anp.logsumexp(A * x, axis=1),
    "clip": lambda x: anp.clip(x, -0.5, 0.5),
    "minimum": lambda x: anp.minimum(x, 0.2),
    "zeros_like": lambda x: x + anp.zeros_like(x) + anp.ones_like(x) * 2.0 + anp.zeros(3),
    "stop_gradient": lambda x: x * anp.stop_gradient(x),
    "astype": lambda x: x.astype(anp.float64) * 2.0,
    "index_slice": lambda x: x[1:] * x[::-1][:2],
    "index_ints": lambda x: x[np.array([0, 0, 2])] * x[-1],
    "index_mask": lambda x: x[np.array([True, False, True])],
    "index_none_ellipsis": lambda x: (A * x)[None, ..., 1],
    "index_2d": lambda x: (A * x)[:, 0] + (A * x)[1, np.array([2, 2])],
    "methods": lambda x: x.mean() * x.dot(Y) + (A * x).T.sum(axis=0) + (A * x).max(axis=1)[0],
    "len_and_iter": lambda x: anp.stack([v * i for i, v in enumerate(x)]) * len(x),
    "abs_builtin": lambda x: abs(x) + x.min(),
    "reshape_methods": lambda x: (A * x).reshape(3, 2).transpose(1, 0).reshape(-1),
    "argmax_mask": lambda x: anp.where(np.arange(3) == x.argmax(), x, -x),
    "argmin_index": lambda x: x[anp.argmin(x)] * x + anp.sum(x[anp.argmax(A * x, axis=1)]),
    "ndarray_comparisons": lambda x: (
        anp.where((np.array([X[0], 0.0, 0.0]) == x), x, 0.5 * x)
        + anp.where(np.zeros(3) < x, x, 0.0)
    ),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_anp_functions_match_jnp(name):
    f = FUNCTIONS[name]
    weights = np.linspace(0.5, 1.5, np.size(f(X)))
    scalar = lambda x: anp.sum(anp.reshape(f(x), (-1,)) * weights)
    _close(f(X), f(jnp.asarray(X)))
    _close(ad.value_and_grad(scalar)(X), jax.value_and_grad(scalar)(X))
    _close(ad.jvp(f, (X,), (Y,)), jax.jvp(f, (X,), (Y,)))
    _close(ad.jacrev(f)(X), jax.jacrev(f)(X))
    _close(ad.jacfwd(f)(X), jax.jacfwd(f)(X))


# Kinks, evaluated exactly at the tie: the conventions are jax's (see the rule modules).
TIES = {
    "max_of_ties": (lambda x: anp.max(x), np.array([1.0, 3.0, 3.0])),  # 1/2, 1/2
    "min_of_ties": (lambda x: anp.min(x, axis=0), np.array([1.0, 1.0, 1.0])),  # 1/3 each
    "abs_at_0": (lambda x: anp.sum(anp.abs(x)), np.array([0.0, -1.0, 2.0])),  # |x|'(0) = 1
    "clip_at_bounds": (lambda x: anp.sum(anp.clip(x, -1.0, 1.0)), np.array([-1.0, 1.0, 0.0])),
    "maximum_tie": (lambda x: anp.sum(anp.maximum(x, 0.0)), np.array([0.0, 1.0, -1.0])),
    "minimum_tie": (lambda x: anp.sum(anp.minimum(x, 0.0)), np.array([0.0, 1.0, -1.0])),
    "relu_at_0": (lambda x: anp.sum(nn.relu(x)), np.array([0.0, 1.0, -1.0])),
    "softplus_at_0": (lambda x: anp.sum(nn.softplus(x)), np.array([0.0, 1.0, -1.0])),
}


@pytest.mark.parametrize("name", sorted(TIES))
def test_ties_follow_jax(name):
    f, x = TIES[name]
    _close(ad.grad(f)(x), jax.grad(f)(x))
    _close(ad.jvp(f, (x,), (Y,)), jax.jvp(f, (x,), (Y,)))


# name -> (call, kwargs): nn.<call>(z, **kwargs) against jax.nn.<call>(z, **kwargs).
NN = {
    "sigmoid": ("sigmoid", {}),
    "relu": ("relu", {}),
    "softplus": ("softplus", {}),
    "softmax": ("softmax", {}),
    "softmax_axis0": ("softmax", {"axis": 0}),
    "log_softmax": ("log_softmax", {}),
    "log_softmax_axis0": ("log_softmax", {"axis": 0}),
    "logsumexp": ("logsumexp", {}),
    "logsumexp_axis_keepdims": ("logsumexp", {"axis": -1, "keepdims": True}),
    "logsumexp_axis0": ("logsumexp", {"axis": 0}),
}


@pytest.mark.parametrize("name", sorted(NN))
def test_nn_matches_jax_nn(name):
    call, kwargs = NN[name]
    f = lambda z: getattr(nn, call)(z, **kwargs)
    z = 3.0 * A
    _close(f(z), getattr(jax.nn, call)(z, **kwargs))
    _close(ad.jacrev(f)(z), jax.jacrev(f)(z))
    _close(ad.jacfwd(f)(z), jax.jacfwd(f)(z))
    g = lambda z: anp.sum(f(z) ** 2)
    _close(ad.hessian(g)(z), jax.hessian(g)(z), SECOND)


@pytest.mark.parametrize("name", ["logsumexp", "log_softmax", "softmax"])
def test_nn_is_stable_for_large_logits(name):
    z = np.array([[1000.0, 0.0, -1000.0], [-800.0, -800.0, -801.0]])
    f = lambda z: anp.sum(getattr(nn, name)(z) * A)
    assert np.all(np.isfinite(getattr(nn, name)(z)))
    _close(getattr(nn, name)(z), getattr(jax.nn, name)(z))
    _close(ad.grad(f)(z), jax.grad(f)(z))


# ------------------------------------------------------------------ "done when", verbatim jnp


def cross_entropy(logits, labels):
    """Stable softmax cross-entropy, written as one would in jnp: max, logsumexp, indexing."""
    shifted = logits - anp.max(logits, axis=-1, keepdims=True)
    log_p = shifted - anp.logsumexp(shifted, axis=-1, keepdims=True)  # (B, C)
    return -anp.mean(log_p[np.arange(len(labels)), labels])


def test_stable_softmax_cross_entropy_matches_jax():
    logits = np.array([[1000.0, 0.0, -3.0], [2.0, 2.0, 2.0], [-50.0, 0.5, 3.0]])
    labels = np.array([0, 2, 1])
    _close(cross_entropy(logits, labels), cross_entropy(jnp.asarray(logits), labels))
    _close(ad.grad(cross_entropy)(logits, labels), jax.grad(cross_entropy)(logits, labels))
    _close(
        ad.hessian(cross_entropy)(logits, labels),
        jax.hessian(cross_entropy)(logits, labels),
        SECOND,
    )


def mlp(params, x):
    h = nn.relu(x @ params["w1"] + params["b1"])  # (B, H)
    return h @ params["w2"] + params["b2"]  # (B, C)


def loss_with_metrics(params, x, labels):
    logits = mlp(params, x)
    loss = -anp.mean(nn.log_softmax(logits)[np.arange(len(labels)), labels])
    hits = anp.max(logits, axis=-1) == logits[np.arange(len(labels)), labels]  # (B,) bool
    metrics = {"accuracy": anp.mean(hits.astype(np.float64)), "loss": loss}
    return loss, metrics | {"logits": anp.stop_gradient(logits)}


def _mlp_problem():
    rng = np.random.default_rng(1)
    params = {
        "w1": rng.normal(size=(4, 5)),
        "b1": rng.normal(size=5),
        "w2": rng.normal(size=(5, 3)),
        "b2": rng.normal(size=3),
    }
    return params, rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)


def test_mlp_value_and_grad_with_aux_metrics():
    params, x, labels = _mlp_problem()
    ours = ad.value_and_grad(loss_with_metrics, has_aux=True)(params, x, labels)
    theirs = jax.value_and_grad(loss_with_metrics, has_aux=True)(params, x, labels)
    _close(ours, theirs)
    (loss, metrics), _ = ours
    assert metrics["loss"] == loss and isinstance(metrics["logits"], np.ndarray)
    assert 0 < metrics["accuracy"] < 1


def test_per_example_jacobian_matches_jax():
    """Per-example gradients: the Jacobian of the vector of per-example losses."""
    params, x, labels = _mlp_problem()

    def per_example_losses(params):  # (B,)
        log_p = nn.log_softmax(mlp(params, x))
        return -log_p[np.arange(len(labels)), labels]

    ours = ad.jacrev(per_example_losses)(params)
    _close(ours, jax.jacrev(per_example_losses)(params))
    assert ours["w1"].shape == (6, 4, 5)
    _close(ad.jacfwd(per_example_losses)(params), jax.jacfwd(per_example_losses)(params))


# ------------------------------------------------------------------ the module's surface


def test_signatures_match_jax():
    for name in ("grad", "value_and_grad", "jacfwd", "jacrev", "hessian"):
        ours = inspect.signature(getattr(ad, name)).parameters
        assert list(ours)[:3] == ["f", "argnums", "has_aux"], name
        theirs = inspect.signature(getattr(jax, name)).parameters
        assert [p.default for p in ours.values()] == [
            p.default for p in list(theirs.values())[:3]
        ], name


def test_integer_inputs_raise_type_error_like_jax():
    f = lambda x: x * 2.0
    for name in ("grad", "jacfwd", "jacrev"):
        with pytest.raises(TypeError):
            getattr(jax, name)(f)(2)
        with pytest.raises(TypeError, match=f"{name} requires"):
            getattr(ad, name)(f)(2)


def test_star_import_does_not_rebind_numpy():
    namespace = {"numpy": np}
    exec("from jaxnets.autodiff import *", namespace)
    assert namespace["numpy"] is np and "nn" not in namespace
    assert "numpy" not in ad.__all__


def test_core_does_not_import_the_namespace():
    tree = ast.parse(inspect.getsource(_core))
    imported = {
        (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert imported <= {
        "__future__",
        "contextlib",
        "collections",
        "collections.abc",
        "typing",
        "numpy",
    }, imported


def test_sigmoid_and_relu_stay_importable_from_anp():
    assert anp.sigmoid is nn.sigmoid and anp.relu is nn.relu


def test_trace_shows_a_broadcast_scalar_as_its_value():
    rows = ad.trace(lambda x: anp.sum(x**2 * np.array([1.0, 2.0, 3.0])), X).rows
    assert [r[1] for r in rows[1:3]] == ["x1 ** 2", "x2 · const(3,)"]
