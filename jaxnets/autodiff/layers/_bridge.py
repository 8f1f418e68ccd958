"""The hand-derived rules as JAX functions: ``jax.custom_vjp`` and ``jax.custom_jvp`` adapters.

The layer modules write every formula against an array namespace ``xp``. Here the same
code runs with ``xp = jax.numpy``, so the results are ordinary traceable JAX functions:
``jax.jit``, ``jax.vmap`` and ``jax.grad`` work natively, no callback to numpy involved.

Two adapters, two trade-offs:

``*_vjp`` (``jax.custom_vjp``)
    ``jax.grad`` calls our hand-written *backward* pass (``*_backward``) with the cached
    forward values. Reverse mode only: ``jax.jvp``, ``jax.jacfwd`` and so ``jax.hessian``
    raise ``TypeError`` ("can't apply forward-mode autodiff (jvp) to a custom_vjp
    function"), since a backward rule says nothing about how tangents move forward.

``*_jvp`` (``jax.custom_jvp``)
    We hand-write the *forward-mode* rule (``*_tangent``: linear in the tangents) and JAX
    derives reverse mode by transposing it. Forward, reverse and higher order (Hessians)
    all work, but the backward pass that runs is JAX's transpose, not ``*_backward``.

Static settings (activation, stride, padding, window) are closed over: one custom function
is built and cached per setting, so they never become traced values.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ._conv import conv2d_backward, conv2d_forward, conv2d_tangent
from ._dense import dense_backward, dense_forward, dense_tangent
from ._mlp import mlp_backward, mlp_forward, mlp_tangent
from ._pool import max_pool_backward, max_pool_forward, max_pool_tangent
from ._rnn import rnn_backward, rnn_forward, rnn_tangent
from ._softmax import (
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
    softmax_cross_entropy_tangent,
)

_STATIC = ("activation", "stride", "padding", "window")


def make_custom_vjp(forward: Callable, backward: Callable) -> Callable:
    """A JAX function whose value is ``forward``'s and whose gradient is ``backward``'s.

    The layers' ``*_vjp`` functions are built with it, and so can a user's own layer:

    - ``forward(*arrays) -> (out, cache)``: the forward pass written with ``jax.numpy``,
      returning the output and a ``NamedTuple`` of what the backward pass needs;
    - ``backward(cache, out_bar) -> grads``: the hand-written backward pass, one gradient
      per input array of ``forward`` in order (a tuple, a ``NamedTuple``, or a single
      array when there is one input). ``cache`` may be any pytree of arrays.

    The result is ``jax.custom_vjp``: ``jax.grad``, ``jax.vjp``, ``jit`` and ``vmap`` work
    and run ``backward``; forward mode (``jax.jvp``, ``jacfwd``, ``hessian``) raises
    ``TypeError``, as for every ``custom_vjp`` (see :func:`make_custom_jvp`). Residuals must
    be JAX values, so cache fields named ``activation``, ``stride``, ``padding`` or
    ``window`` (static settings) are replaced by ``None`` on the way out of the forward
    pass; a ``backward`` that needs them closes over them.

    >>> import jax, jax.numpy as jnp
    >>> from typing import NamedTuple
    >>> class Cache(NamedTuple):
    ...     x: jax.Array
    >>> square = make_custom_vjp(lambda x: (x * x, Cache(x)), lambda c, g: 2 * c.x * g)
    >>> float(jax.grad(square)(3.0))
    6.0
    """

    @jax.custom_vjp
    def f(*args: Any) -> Any:
        return forward(*args)[0]

    def fwd(*args: Any) -> tuple[Any, Any]:
        out, cache = forward(*args)
        if not hasattr(cache, "_fields"):  # any pytree of arrays; NamedTuples may hold statics
            return out, cache
        static = {k: None for k in _STATIC if k in cache._fields}
        return out, cache._replace(**static)

    def bwd(cache: Any, out_bar: Any) -> tuple[Any, ...]:
        grads = backward(cache, out_bar)
        return tuple(grads) if isinstance(grads, tuple) else (grads,)

    f.defvjp(fwd, bwd)
    return f


def make_custom_jvp(forward: Callable, tangent: Callable) -> Callable:
    """A JAX function whose value is ``forward``'s and whose derivative is ``tangent``'s.

    ``forward(*arrays) -> (out, cache)`` as for :func:`make_custom_vjp`;
    ``tangent(cache, *dots) -> out_dot`` is the forward-mode rule, linear in the input
    tangents ``dots`` (one per input). The result is ``jax.custom_jvp``: forward mode,
    reverse mode (JAX transposes the linear rule) and higher orders all work, but the
    backward pass that runs is JAX's transpose of ``tangent``.

    >>> import jax
    >>> cube = make_custom_jvp(lambda x: (x**3, (x,)), lambda c, dx: 3 * c[0] ** 2 * dx)
    >>> float(jax.grad(cube)(2.0)), float(jax.hessian(cube)(2.0))
    (12.0, 12.0)
    """

    @jax.custom_jvp
    def f(*args: Any) -> Any:
        return forward(*args)[0]

    @f.defjvp
    def rule(primals: tuple, tangents: tuple) -> tuple[Any, Any]:
        out, cache = forward(*primals)
        return out, tangent(cache, *tangents)

    return f


# One custom function per static setting; the caches make repeated calls reuse them, so jit
# sees the same function object and does not retrace.
@functools.cache
def _dense(activation: str, mode: str) -> Callable:
    forward = functools.partial(dense_forward, activation=activation, xp=jnp)
    if mode == "vjp":
        return make_custom_vjp(forward, functools.partial(dense_backward, xp=jnp))
    return make_custom_jvp(forward, dense_tangent)


@functools.cache
def _mlp(activation: str, mode: str) -> Callable:
    forward = functools.partial(mlp_forward, activation=activation, xp=jnp)
    if mode == "vjp":
        return make_custom_vjp(forward, functools.partial(mlp_backward, xp=jnp))
    return make_custom_jvp(forward, mlp_tangent)


@functools.cache
def _softmax_cross_entropy(mode: str) -> Callable:
    forward = functools.partial(softmax_cross_entropy_forward, xp=jnp)
    if mode == "vjp":
        return make_custom_vjp(forward, functools.partial(softmax_cross_entropy_backward, xp=jnp))
    return make_custom_jvp(forward, functools.partial(softmax_cross_entropy_tangent, xp=jnp))


@functools.cache
def _conv2d(stride: int, padding: int, mode: str) -> Callable:
    forward = functools.partial(conv2d_forward, stride=stride, padding=padding, xp=jnp)
    if mode == "vjp":

        def backward(cache: Any, y_bar: Any) -> Any:
            cache = cache._replace(stride=stride, padding=padding)
            return conv2d_backward(cache, y_bar, xp=jnp)

        return make_custom_vjp(forward, backward)
    return make_custom_jvp(forward, functools.partial(conv2d_tangent, xp=jnp))


@functools.cache
def _max_pool(window: int, stride: int, mode: str) -> Callable:
    forward = functools.partial(max_pool_forward, window=window, stride=stride, xp=jnp)
    if mode == "vjp":

        def backward(cache: Any, y_bar: Any) -> Any:
            cache = cache._replace(window=window, stride=stride)
            return max_pool_backward(cache, y_bar, xp=jnp)

        return make_custom_vjp(forward, backward)
    return make_custom_jvp(forward, functools.partial(max_pool_tangent, xp=jnp))


@functools.cache
def _rnn(mode: str) -> Callable:
    forward = functools.partial(rnn_forward, xp=jnp)
    if mode == "vjp":
        return make_custom_vjp(forward, functools.partial(rnn_backward, xp=jnp))
    return make_custom_jvp(forward, functools.partial(rnn_tangent, xp=jnp))


def _zeros_state(xs: Any, U: Any) -> Any:
    xs = jnp.asarray(xs)
    return jnp.zeros((*xs.shape[:-2], jnp.shape(U)[0]), dtype=xs.dtype)


# ----------------------------------------------------------------------------- custom_vjp


def dense_vjp(x: Any, W: Any, b: Any, activation: str = "sigmoid") -> jax.Array:
    """``f(x Wᵀ + b)`` whose gradient is :func:`dense_backward`. ``x`` (..., D), ``W`` (H, D).

    >>> import jax, jax.numpy as jnp
    >>> x, W, b = jnp.ones((2, 3)), jnp.ones((4, 3)), jnp.zeros(4)
    >>> jax.grad(lambda W: dense_vjp(x, W, b, "relu").sum())(W)[0]
    Array([2., 2., 2.], dtype=float32)
    """
    return _dense(activation, "vjp")(x, W, b)


def mlp_vjp(x: Any, W1: Any, b1: Any, W2: Any, b2: Any, activation: str = "sigmoid") -> jax.Array:
    """``f(W2 f(W1 x + b1) + b2)`` whose gradient is :func:`mlp_backward`; ``y`` (..., K)."""
    return _mlp(activation, "vjp")(x, W1, b1, W2, b2)


def softmax_cross_entropy_vjp(logits: Any, targets: Any) -> jax.Array:
    """Mean softmax cross-entropy (scalar) whose gradient is ``(p - y) / B``; both (..., C)."""
    return _softmax_cross_entropy("vjp")(logits, targets)


def conv2d_vjp(x: Any, kernel: Any, b: Any, *, stride: int = 1, padding: int = 0) -> jax.Array:
    """NHWC/HWIO convolution whose gradient is :func:`conv2d_backward`; (B, Ho, Wo, D)."""
    return _conv2d(stride, padding, "vjp")(x, kernel, b)


def max_pool_vjp(x: Any, *, window: int = 2, stride: int | None = None) -> jax.Array:
    """Max pooling of ``x`` (B, H, W, C) whose gradient is routed to each window's argmax."""
    return _max_pool(window, window if stride is None else stride, "vjp")(x)


def rnn_vjp(xs: Any, targets: Any, U: Any, W: Any, V: Any, s0: Any = None) -> jax.Array:
    """Sequence loss of the simple RNN (scalar) whose gradient is BPTT, :func:`rnn_backward`."""
    s0 = _zeros_state(xs, U) if s0 is None else s0
    return _rnn("vjp")(xs, targets, U, W, V, s0)


# ----------------------------------------------------------------------------- custom_jvp


def dense_jvp(x: Any, W: Any, b: Any, activation: str = "sigmoid") -> jax.Array:
    """As :func:`dense_vjp`, differentiated through :func:`dense_tangent` (all modes)."""
    return _dense(activation, "jvp")(x, W, b)


def mlp_jvp(x: Any, W1: Any, b1: Any, W2: Any, b2: Any, activation: str = "sigmoid") -> jax.Array:
    """As :func:`mlp_vjp`, differentiated through :func:`mlp_tangent` (all modes)."""
    return _mlp(activation, "jvp")(x, W1, b1, W2, b2)


def softmax_cross_entropy_jvp(logits: Any, targets: Any) -> jax.Array:
    """As :func:`softmax_cross_entropy_vjp`, through its tangent rule (all modes)."""
    return _softmax_cross_entropy("jvp")(logits, targets)


def conv2d_jvp(x: Any, kernel: Any, b: Any, *, stride: int = 1, padding: int = 0) -> jax.Array:
    """As :func:`conv2d_vjp`, differentiated through :func:`conv2d_tangent` (all modes)."""
    return _conv2d(stride, padding, "jvp")(x, kernel, b)


def max_pool_jvp(x: Any, *, window: int = 2, stride: int | None = None) -> jax.Array:
    """As :func:`max_pool_vjp`, differentiated through :func:`max_pool_tangent` (all modes)."""
    return _max_pool(window, window if stride is None else stride, "jvp")(x)


def rnn_jvp(xs: Any, targets: Any, U: Any, W: Any, V: Any, s0: Any = None) -> jax.Array:
    """As :func:`rnn_vjp`, differentiated through :func:`rnn_tangent` (all modes)."""
    s0 = _zeros_state(xs, U) if s0 is None else s0
    return _rnn("jvp")(xs, targets, U, W, V, s0)
