"""Hand-derived layer backprops against jax.vjp of independent JAX references, and against
centered finite differences (numpy only).

The table ``CASES`` (one entry per layer configuration) is shared with the bridge tests.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.autodiff import layers as L
from tests.tolerances import tol

F64 = np.float64

# ----------------------------------------------------------------- independent references
# Written with jax.nn / lax primitives, not with the formulas under test.

_JAX_ACT = {
    "sigmoid": jax.nn.sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "identity": lambda z: z,
}


def ref_dense(activation):
    return lambda x, W, b: _JAX_ACT[activation](x @ W.T + b)


def ref_mlp(activation):
    f = _JAX_ACT[activation]
    return lambda x, W1, b1, W2, b2: f(f(x @ W1.T + b1) @ W2.T + b2)


def ref_softmax_cross_entropy(logits, targets):
    per_example = -jnp.sum(targets * jax.nn.log_softmax(logits), axis=-1)
    return jnp.mean(per_example)


def ref_conv2d(stride, padding):
    def conv(x, kernel, b):
        y = jax.lax.conv_general_dilated(
            x,
            kernel,
            window_strides=(stride, stride),
            padding=[(padding, padding), (padding, padding)],
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
        )
        return y + b

    return conv


def ref_max_pool(window, stride):
    def pool(x):
        dims, steps = (1, window, window, 1), (1, stride, stride, 1)
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, dims, steps, "VALID")

    return pool


def ref_rnn(xs, targets, U, W, V, s0):
    # A plain loop rather than lax.scan: eager and small, it avoids one compile per shape.
    s, loss = s0, 0.0
    for t in range(xs.shape[-2]):
        s = jnp.tanh(xs[..., t, :] @ U.T + s @ W.T)
        loss = loss - jnp.sum(targets[..., t, :] * jax.nn.log_softmax(s @ V.T))
    return loss / math.prod(xs.shape[:-2])


# ------------------------------------------------------------------------------- cases


@dataclasses.dataclass(frozen=True)
class Case:
    """One layer configuration: numpy rule pair, JAX reference, bridge adapters, inputs."""

    id: str
    make: Callable[[np.random.Generator], tuple]  # the differentiable array inputs
    forward: Callable[..., tuple]  # numpy (*arrays) -> (out, cache)
    backward: Callable[[Any, Any], Any]  # numpy (cache, out_bar) -> grads
    reference: Callable[..., Any]  # jax (*arrays) -> out
    custom_vjp: Callable[..., Any]  # jax (*arrays) -> out, hand-written backward
    custom_jvp: Callable[..., Any]  # jax (*arrays) -> out, hand-written tangent rule


def _normal(rng, *shape):
    return rng.normal(size=shape)


def _distributions(rng, *shape):
    z = rng.normal(size=shape)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def dense_case(activation, batch, d, h):
    return Case(
        id=f"dense-{activation}-x{(*batch, d)}-h{h}",
        make=lambda rng: (_normal(rng, *batch, d), _normal(rng, h, d), _normal(rng, h)),
        forward=lambda x, W, b: L.dense_forward(x, W, b, activation),
        backward=L.dense_backward,
        reference=ref_dense(activation),
        custom_vjp=lambda x, W, b: L.dense_vjp(x, W, b, activation),
        custom_jvp=lambda x, W, b: L.dense_jvp(x, W, b, activation),
    )


def mlp_case(activation, batch, d, h, k):
    def make(rng):
        return (
            _normal(rng, *batch, d),
            _normal(rng, h, d),
            _normal(rng, h),
            _normal(rng, k, h),
            _normal(rng, k),
        )

    return Case(
        id=f"mlp-{activation}-x{(*batch, d)}-h{h}-k{k}",
        make=make,
        forward=lambda *a: L.mlp_forward(*a, activation),
        backward=L.mlp_backward,
        reference=ref_mlp(activation),
        custom_vjp=lambda *a: L.mlp_vjp(*a, activation),
        custom_jvp=lambda *a: L.mlp_jvp(*a, activation),
    )


def softmax_case(batch, c, mass=1.0):
    # mass != 1: targets that are not distributions (weighted examples), where the gradient
    # is p Σ_k y_k - y rather than the textbook p - y.
    return Case(
        id=f"softmax_xent-z{(*batch, c)}-mass{mass}",
        make=lambda rng: (3 * _normal(rng, *batch, c), mass * _distributions(rng, *batch, c)),
        forward=L.softmax_cross_entropy_forward,
        backward=L.softmax_cross_entropy_backward,
        reference=ref_softmax_cross_entropy,
        custom_vjp=L.softmax_cross_entropy_vjp,
        custom_jvp=L.softmax_cross_entropy_jvp,
    )


def conv_case(b, h, w, c, f, g, d, stride, padding):
    return Case(
        id=f"conv-x{(b, h, w, c)}-k{(f, g, c, d)}-S{stride}-P{padding}",
        make=lambda rng: (_normal(rng, b, h, w, c), _normal(rng, f, g, c, d), _normal(rng, d)),
        forward=lambda *a: L.conv2d_forward(*a, stride=stride, padding=padding),
        backward=L.conv2d_backward,
        reference=ref_conv2d(stride, padding),
        custom_vjp=lambda *a: L.conv2d_vjp(*a, stride=stride, padding=padding),
        custom_jvp=lambda *a: L.conv2d_jvp(*a, stride=stride, padding=padding),
    )


def pool_case(b, h, w, c, window, stride):
    return Case(
        id=f"maxpool-x{(b, h, w, c)}-F{window}-S{stride}",
        make=lambda rng: (_normal(rng, b, h, w, c),),
        forward=lambda x: L.max_pool_forward(x, window=window, stride=stride),
        backward=L.max_pool_backward,
        reference=ref_max_pool(window, stride),
        custom_vjp=lambda x: L.max_pool_vjp(x, window=window, stride=stride),
        custom_jvp=lambda x: L.max_pool_jvp(x, window=window, stride=stride),
    )


def rnn_case(batch, t, d, h, c):
    def make(rng):
        return (
            _normal(rng, *batch, t, d),
            _distributions(rng, *batch, t, c),
            0.5 * _normal(rng, h, d),
            0.5 * _normal(rng, h, h),
            _normal(rng, c, h),
            0.5 * _normal(rng, *batch, h),
        )

    return Case(
        id=f"rnn-xs{(*batch, t, d)}-h{h}-c{c}",
        make=make,
        forward=L.rnn_forward,
        backward=L.rnn_backward,
        reference=jax.jit(ref_rnn),  # one compile instead of one per time-step slice
        custom_vjp=L.rnn_vjp,
        custom_jvp=L.rnn_jvp,
    )


def _fitting_size(f: int, stride: int, padding: int, k: int) -> int:
    """An input size n with (n - f + 2 padding) / stride = k - 1 or more: the stride fits."""
    n = f - 2 * padding + (k - 1) * stride
    while n < 1:
        n += stride
    return n


def _conv_cases():
    for stride, padding, f, g in [(1, 0, 3, 3), (1, 1, 3, 2), (2, 0, 2, 2), (2, 1, 3, 3),
                                  (3, 2, 3, 1), (2, 2, 1, 3)]:  # fmt: skip
        h, w = _fitting_size(f, stride, padding, 2), _fitting_size(g, stride, padding, 3)
        yield conv_case(2, h, w, 3, f, g, 4, stride, padding)


CASES: list[Case] = [
    *(dense_case(a, (4,), 3, 5) for a in L.ACTIVATIONS),
    dense_case("tanh", (), 6, 2),  # one example
    dense_case("sigmoid", (2, 3), 4, 3),  # two batch axes
    dense_case("relu", (1,), 1, 1),
    *(mlp_case(a, (5,), 3, 4, 2) for a in ("sigmoid", "tanh", "relu")),
    mlp_case("tanh", (), 2, 7, 3),
    softmax_case((6,), 4),
    softmax_case((), 3),
    softmax_case((2, 3), 5),
    softmax_case((4,), 3, mass=2.5),
    *_conv_cases(),
    conv_case(1, 1, 1, 2, 1, 1, 3, 1, 0),  # 1x1 image, 1x1 kernel
    pool_case(2, 4, 6, 3, 2, 2),
    pool_case(1, 5, 5, 2, 3, 1),  # overlapping windows: a winner can collect several ȳ
    pool_case(2, 7, 5, 1, 3, 2),
    pool_case(1, 3, 4, 2, 1, 1),
    rnn_case((3,), 4, 2, 5, 3),
    rnn_case((), 3, 4, 3, 2),
    rnn_case((2, 2), 2, 3, 2, 4),
]
CASE_IDS = [case.id for case in CASES]


# ------------------------------------------------------------------------------ helpers


def as_tuple(grads: Any) -> tuple:
    return tuple(grads) if isinstance(grads, tuple) else (grads,)


def assert_close(actual, desired, rtol: float, atol_scale: float | None = None) -> None:
    """Elementwise relative check; entries near zero are judged against the array's scale.

    Two correct implementations sum in different orders, so an entry that is zero
    analytically comes out as ~1e-17 in either; ``atol = rtol * max|desired|`` absorbs that
    without loosening the check on the entries that carry the gradient.
    """
    desired = np.asarray(desired)
    scale = float(np.max(np.abs(desired), initial=0.0))
    atol = rtol * scale if atol_scale is None else atol_scale
    np.testing.assert_allclose(np.asarray(actual), desired, rtol=rtol, atol=atol)


def random_cotangent(rng, out) -> np.ndarray:
    return rng.normal(size=np.shape(out))


def centered_fd(case: Case, args: tuple, out_bar, eps: float) -> list[np.ndarray]:
    """∂/∂args of φ = <forward(args), ȳ> by (φ(a + ε e_i) - φ(a - ε e_i)) / 2ε, numpy only."""

    def phi(*a):
        return float(np.sum(case.forward(*a)[0] * out_bar))

    grads = []
    for k, arg in enumerate(args):
        g = np.zeros_like(arg)
        for idx in np.ndindex(arg.shape):
            plus, minus = arg.copy(), arg.copy()
            plus[idx] += eps
            minus[idx] -= eps
            g[idx] = phi(*args[:k], plus, *args[k + 1 :]) - phi(*args[:k], minus, *args[k + 1 :])
            g[idx] /= 2 * eps
        grads.append(g)
    return grads


# -------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("seed", [0, 1])
def test_backward_matches_jax_vjp(case, seed, x64):
    rng = np.random.default_rng(seed)
    args = case.make(rng)
    out, cache = case.forward(*args)
    out_bar = random_cotangent(rng, out)
    ref_out, ref_vjp = jax.vjp(case.reference, *args)
    assert_close(out, ref_out, tol(F64, "values"))
    grads = as_tuple(case.backward(cache, out_bar))
    ref_grads = ref_vjp(jnp.asarray(out_bar))
    assert len(grads) == len(ref_grads) == len(args)
    for arg, grad, ref in zip(args, grads, ref_grads, strict=True):
        assert grad.shape == arg.shape
        assert grad.dtype == np.float64  # numpy rules stay in float64
        assert_close(grad, ref, tol(F64, "backprop"))


# Finite differences cost two forwards per input entry: only the smaller cases.
FD_CASES = [case for case in CASES if sum(a.size for a in case.make(np.random.default_rng(0))) < 90]


@pytest.mark.parametrize("case", FD_CASES, ids=[c.id for c in FD_CASES])
def test_backward_matches_centered_finite_differences(case):
    rng = np.random.default_rng(7)
    args = case.make(rng)
    out, cache = case.forward(*args)
    out_bar = random_cotangent(rng, out)
    grads = as_tuple(case.backward(cache, out_bar))
    fd = centered_fd(case, args, out_bar, eps=tol(F64, "fd_eps"))
    for grad, approx in zip(grads, fd, strict=True):
        assert_close(grad, approx, tol(F64, "fd"), atol_scale=tol(F64, "fd_atol"))


def test_fd_cases_cover_every_layer():
    # Guard against the size filter above silently dropping a layer from the FD check.
    kinds = {case.id.split("-")[0] for case in FD_CASES}
    assert kinds == {case.id.split("-")[0] for case in CASES}


def test_forward_values_match_lecture_numbers():
    # A hand-worked example: x = (1, 2), W = [[1, -1]], b = 0.5 gives z = -0.5 and with
    # the sigmoid y = σ(-0.5), δ = ȳ σ(-0.5)(1 - σ(-0.5)), W̄ = δ xᵀ = δ (1, 2).
    sig = 1 / (1 + math.exp(0.5))
    y, cache = L.dense_forward(np.array([1.0, 2.0]), np.array([[1.0, -1.0]]), np.array([0.5]))
    assert y == pytest.approx([sig], rel=tol(F64, "lecture"))
    grads = L.dense_backward(cache, np.array([1.0]))
    delta = sig * (1 - sig)
    np.testing.assert_allclose(grads.W, [[delta, 2 * delta]], rtol=tol(F64, "lecture"))
    np.testing.assert_allclose(grads.x, [delta, -delta], rtol=tol(F64, "lecture"))
    np.testing.assert_allclose(grads.b, [delta], rtol=tol(F64, "lecture"))


def test_softmax_cross_entropy_gradient_is_p_minus_y():
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    onehot = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    _, cache = L.softmax_cross_entropy_forward(logits, onehot)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        L.softmax_cross_entropy_backward(cache).logits, (p - onehot) / 2, rtol=tol(F64, "exact")
    )


def test_max_pool_routes_gradient_to_argmax_only():
    x = np.array([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 1.0]]).reshape(1, 2, 4, 1)
    y, cache = L.max_pool_forward(x, window=2)
    np.testing.assert_array_equal(y.ravel(), [5.0, 8.0])
    x_bar = L.max_pool_backward(cache, np.array([10.0, 20.0]).reshape(1, 1, 2, 1))
    expected = np.zeros_like(x)
    expected[0, 0, 1, 0], expected[0, 1, 2, 0] = 10.0, 20.0
    np.testing.assert_array_equal(x_bar, expected)


def test_integer_inputs_are_promoted_to_float64():
    y, cache = L.dense_forward(np.ones((2, 3), dtype=int), np.ones((4, 3), dtype=int), [0, 0, 0, 0])
    assert y.dtype == np.float64 and cache.x.dtype == np.float64
