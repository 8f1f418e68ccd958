"""The JAX adapters: custom_vjp runs the hand-written backward inside jit and vmap; the
custom_jvp version supports forward mode, reverse mode and Hessians; custom_vjp refuses jvp.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.autodiff import layers as L
from tests.autodiff.test_layers_backprop import (
    CASES,
    Case,
    as_tuple,
    assert_close,
    conv_case,
    dense_case,
    mlp_case,
    pool_case,
    rnn_case,
    softmax_case,
)
from tests.tolerances import tol

F64 = np.float64


pytestmark = pytest.mark.usefixtures("fast_compiles")


def _pick() -> list[Case]:
    # One configuration per layer (each costs compiles): the first of each kind, except the
    # strided-and-padded conv and overlapping pooling, whose backward passes are the most
    # intricate. The numpy tests cover the full table.
    preferred = {"conv": "S2-P1", "maxpool": "F3-S1"}
    chosen: dict[str, Case] = {}
    for case in CASES:
        kind = case.id.split("-")[0]
        if kind not in chosen or preferred.get(kind, "?") in case.id:
            chosen[kind] = case
    return list(chosen.values())


BRIDGE_CASES = _pick()
IDS = [case.id for case in BRIDGE_CASES]


def _pairing(fn, out_bar):
    """Scalar φ(args) = <fn(args), ȳ>, whose gradient is the VJP of fn at ȳ."""
    return lambda *args: jnp.sum(fn(*args) * out_bar)


def _inputs(case: Case, seed: int = 0):
    rng = np.random.default_rng(seed)
    args = case.make(rng)
    out_bar = rng.normal(size=np.shape(case.forward(*args)[0]))
    return args, out_bar


def _all(args) -> tuple[int, ...]:
    return tuple(range(len(args)))


@pytest.mark.parametrize("case", BRIDGE_CASES, ids=IDS)
def test_custom_vjp_under_jit_matches_numpy_and_jax_grad(case, x64):
    args, out_bar = _inputs(case)
    grad = jax.jit(jax.grad(_pairing(case.custom_vjp, out_bar), argnums=_all(args)))
    got = grad(*args)
    want = jax.grad(_pairing(case.reference, out_bar), argnums=_all(args))(*args)
    numpy_grads = as_tuple(case.backward(case.forward(*args)[1], out_bar))
    for g, w, n in zip(got, want, numpy_grads, strict=True):
        assert g.dtype == jnp.float64
        assert_close(g, w, tol(F64, "backprop"))
        assert_close(g, n, tol(F64, "backprop"))
    assert_close(jax.jit(case.custom_vjp)(*args), case.forward(*args)[0], tol(F64, "values"))


@pytest.mark.parametrize("case", BRIDGE_CASES, ids=IDS)
def test_custom_vjp_under_vmap_gives_per_example_gradients(case, x64):
    # Two independent input sets stacked on a new leading axis; vmap batches both the
    # forward and the hand-written backward rule.
    (args0, bar0), (args1, bar1) = _inputs(case, 0), _inputs(case, 1)
    stacked = tuple(np.stack(pair) for pair in zip(args0, args1, strict=True))
    bars = np.stack([bar0, bar1])

    def per_example(bar, *args):
        return jax.grad(_pairing(case.custom_vjp, bar), argnums=_all(args))(*args)

    got = jax.jit(jax.vmap(per_example))(bars, *stacked)
    for n, (args, bar) in enumerate([(args0, bar0), (args1, bar1)]):
        want = as_tuple(case.backward(case.forward(*args)[1], bar))
        for g, w in zip(got, want, strict=True):
            assert_close(g[n], w, tol(F64, "backprop"))


@pytest.mark.parametrize("case", BRIDGE_CASES, ids=IDS)
def test_forward_mode_through_custom_vjp_raises(case, x64):
    args, _ = _inputs(case)
    with pytest.raises(TypeError, match="custom_vjp"):
        jax.jvp(case.custom_vjp, args, args)


@pytest.mark.parametrize("case", BRIDGE_CASES, ids=IDS)
def test_custom_jvp_forward_mode_matches_reference(case, x64):
    args, _ = _inputs(case)
    rng = np.random.default_rng(3)
    tangents = tuple(rng.normal(size=a.shape) for a in args)
    out, out_dot = jax.jit(lambda a, t: jax.jvp(case.custom_jvp, a, t))(args, tangents)
    ref_out, ref_dot = jax.jvp(case.reference, args, tangents)
    assert_close(out, ref_out, tol(F64, "values"))
    assert_close(out_dot, ref_dot, tol(F64, "backprop"))


@pytest.mark.parametrize("case", BRIDGE_CASES, ids=IDS)
def test_custom_jvp_reverse_mode_transposes_the_tangent_rule(case, x64):
    args, out_bar = _inputs(case)
    got = jax.jit(jax.grad(_pairing(case.custom_jvp, out_bar), argnums=_all(args)))(*args)
    want = as_tuple(case.backward(case.forward(*args)[1], out_bar))
    for g, w in zip(got, want, strict=True):
        assert_close(g, w, tol(F64, "backprop"))


# Hessians are (number of inputs)² in size and slow to build: tiny configurations only.
HESSIAN_CASES = [
    dense_case("sigmoid", (2,), 2, 2),
    mlp_case("tanh", (2,), 2, 2, 2),
    softmax_case((2,), 3),
    conv_case(1, 3, 3, 1, 3, 3, 1, stride=2, padding=1),
    rnn_case((), 2, 2, 2, 2),
]
HESSIAN_POOL = pool_case(1, 4, 6, 2, 2, 2)


@pytest.mark.parametrize("case", HESSIAN_CASES, ids=[c.id for c in HESSIAN_CASES])
def test_custom_jvp_hessian_matches_reference(case, x64):
    args, out_bar = _inputs(case)
    hessian = jax.hessian(_pairing(case.custom_jvp, out_bar), argnums=_all(args))
    got = jax.tree.leaves(jax.jit(hessian)(*args))
    reference = jax.hessian(_pairing(case.reference, out_bar), argnums=_all(args))
    want = jax.tree.leaves(jax.jit(reference)(*args))
    assert len(got) == len(want) == len(args) ** 2
    for g, w in zip(got, want, strict=True):
        assert_close(g, w, tol(F64, "backprop"))


def test_custom_jvp_hessian_of_squared_max_pool_matches_reference(x64):
    # <pool(x), ȳ> is piecewise linear (zero Hessian); squaring the output makes the
    # second derivative non-trivial: 2 on the diagonal at each window's winner.
    x = np.random.default_rng(0).normal(size=(1, 4, 6, 2))
    ref_pool = HESSIAN_POOL.reference

    def ours(x):
        return jnp.sum(L.max_pool_jvp(x, window=2, stride=2) ** 2)

    h = jax.jit(jax.hessian(ours))(x).reshape(48, 48)
    want = jax.jit(jax.hessian(lambda x: jnp.sum(ref_pool(x) ** 2)))(x).reshape(48, 48)
    np.testing.assert_array_equal(h, want)
    assert np.count_nonzero(h) == 12 and set(np.diag(h)[np.diag(h) != 0]) == {2.0}


def test_shape_errors_surface_at_trace_time_under_jit():
    x, kernel, b = jnp.ones((1, 5, 5, 1)), jnp.ones((3, 3, 1, 1)), jnp.zeros(1)
    with pytest.raises(ValueError, match="stride does not fit"):
        jax.jit(lambda x: L.conv2d_vjp(x, kernel, b, stride=3, padding=1))(x)
    with pytest.raises(ValueError, match="x must have rank 4"):
        jax.grad(lambda x: L.conv2d_jvp(x, kernel, b).sum())(x[0])


def test_adapters_work_in_float32_without_x64():
    x = jnp.ones((2, 3), dtype=jnp.float32)
    W, b = jnp.full((4, 3), 0.1, dtype=jnp.float32), jnp.zeros(4, dtype=jnp.float32)
    g = jax.jit(jax.grad(lambda W: L.dense_vjp(x, W, b, "tanh").sum()))(W)
    assert g.dtype == jnp.float32
    expected = 2 * (1 - np.tanh(0.3) ** 2)  # two examples, each δ = tanh'(0.3) times x = 1
    np.testing.assert_allclose(g, np.full((4, 3), expected), rtol=tol(np.float32, "exact"))
