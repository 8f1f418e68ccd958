"""Random compositions of primitives: our gradients agree with jax's on every one.

Expressions are drawn by hypothesis over three vector inputs; the operations are chosen to
stay away from poles and kinks (divisors are 1 + b², logs take 1 + a², no relu), so that
both sides are smooth and agreement to rounding is the only correct outcome.
"""

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaxnets.autodiff import grad, jvp
from jaxnets.autodiff import numpy as anp
from tests.tolerances import tol

UNARY = {
    "sin": anp.sin,
    "cos": anp.cos,
    "tanh": anp.tanh,
    "sigmoid": anp.sigmoid,
    "neg": anp.negative,
    "exp_tanh": lambda a: anp.exp(anp.tanh(a)),
    "log1p_sq": lambda a: anp.log(1.0 + a * a),
    "square": lambda a: a**2,
    "sqrt1p_sq": lambda a: anp.sqrt(1.0 + a * a),
    "mean_keep": lambda a: anp.mean(a, keepdims=True),  # broadcasts back in the next op
}
BINARY = {
    "add": anp.add,
    "sub": anp.subtract,
    "mul": anp.multiply,
    "safe_div": lambda a, b: a / (1.0 + b * b),
    "sum_then_add": lambda a, b: anp.sum(a * b) + a,
}

leaves = st.sampled_from(["x1", "x2", "x3"]) | st.floats(-2, 2, allow_subnormal=False).map(
    lambda c: ("const", c)
)
expressions = st.recursive(
    leaves,
    lambda children: (
        st.tuples(st.sampled_from(sorted(UNARY)), children)
        | st.tuples(st.sampled_from(sorted(BINARY)), children, children)
    ),
    max_leaves=8,
)


def evaluate(expr, xs):
    if isinstance(expr, str):
        return xs[int(expr[1]) - 1]
    if expr[0] == "const":
        return expr[1]
    if len(expr) == 2:
        return UNARY[expr[0]](evaluate(expr[1], xs))
    return BINARY[expr[0]](evaluate(expr[1], xs), evaluate(expr[2], xs))


# No subnormal inputs: XLA on CPU flushes them to zero (jax's cos'(2e-311) is -0.0, the
# exact -2e-311 here), which is a property of the platform, not of either derivative.
vectors = st.lists(st.floats(-2, 2, allow_subnormal=False), min_size=3, max_size=3).map(np.array)


# x64 only toggles a flag for the whole test, so sharing it across examples is safe.
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(expr=expressions, x1=vectors, x2=vectors, x3=vectors, v=vectors)
def test_random_expressions_match_jax(x64, expr, x1, x2, x3, v):
    f = lambda a, b, c: anp.sum(evaluate(expr, (a, b, c)) * anp.asarray([1.0, -0.5, 2.0]))
    ours = grad(f, (0, 1, 2))(x1, x2, x3)
    theirs = jax.grad(f, (0, 1, 2))(jnp.asarray(x1), jnp.asarray(x2), jnp.asarray(x3))
    rtol = tol(np.float64, "exact")
    scale = max(np.max(np.abs(t)) for t in theirs)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)
    # forward mode along v agrees with the gradient: D_v f = <∇_x1 f, v>
    _, d_v = jvp(lambda a: f(a, x2, x3), (x1,), (v,))
    assert abs(d_v - np.dot(ours[0], v)) <= rtol * (1 + scale) * (1 + np.max(np.abs(v)))
