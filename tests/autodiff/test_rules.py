"""Every registered primitive's jvp and vjp rule, checked five independent ways.

One parametrized test per check runs over the rule table itself, and the sample table below
must cover every registered primitive, so a new primitive cannot land unchecked.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.autodiff import ALL_PRIMITIVES, bind, jvp_rules, vjp_rules
from tests.tolerances import tol

F64 = np.float64


def _normal(rng, shape):
    return rng.normal(size=shape)


def _positive(rng, shape):
    return rng.uniform(0.5, 2.0, size=shape)


def _away_from_zero(rng, shape):
    # Kinks (relu at 0) and poles (1/y at 0) are kept at least 0.2 away.
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 2.0, size=shape)


SHAPES = [(), (3,), (2, 3)]


def _unary(draw):
    return lambda rng: [((draw(rng, s),), {}) for s in SHAPES]


def _binary(draw_x, draw_y):
    return lambda rng: [((draw_x(rng, s), draw_y(rng, s)), {}) for s in SHAPES]


def _spread_out(rng, shape):
    # Distinct entries at least 0.5 apart: the max never switches within a test's steps.
    return 0.5 * rng.permutation(int(np.prod(shape))).reshape(shape) - 1.0


def _unary_with(draw, **params):
    return lambda rng: [((draw(rng, s),), params) for s in SHAPES]


# Normalised indices (as anp.getitem passes them): slices, ints, None, ..., and an integer
# array that picks entry 0 twice, so the scatter-add must accumulate.
INDICES = [
    (slice(1, 3),),
    (np.array([0, 2, 0]),),
    (slice(None), 1),
    (None, Ellipsis, np.array([1, 3, 1])),
    (np.array([2, 0]), np.array([1, 1])),
]


def _maximum_cases(rng):
    cases = []
    for s in SHAPES:
        x = _normal(rng, s)
        cases.append(((x, x + _away_from_zero(rng, s)), {}))  # no ties: the kink is avoided
    return cases


# name -> rng -> [(args, params)]: several shapes per primitive, inputs in its domain.
SAMPLES = {
    "add": _binary(_normal, _normal),
    "sub": _binary(_normal, _normal),
    "mul": _binary(_normal, _normal),
    "div": _binary(_normal, _away_from_zero),
    "neg": _unary(_normal),
    "pow": lambda rng: [
        *_binary(_positive, _normal)(rng),
        *(((_positive(rng, (3,)), np.full(3, y)), {}) for y in (2.0, 0.5, -1.5, 0.0)),
    ],
    "exp": _unary(_normal),
    "log": _unary(_positive),
    "expm1": _unary(_normal),
    "log1p": _unary(lambda rng, s: rng.uniform(-0.5, 2.0, size=s)),
    "abs": _unary(_away_from_zero),
    "softplus": _unary(_normal),
    "select": lambda rng: [
        ((_normal(rng, s), _normal(rng, s)), {"mask": rng.uniform(size=s) < 0.5}) for s in SHAPES
    ],
    "max": lambda rng: [
        ((_spread_out(rng, (2, 3, 4)),), {"axis": (1,)}),
        ((_spread_out(rng, (2, 3, 4)),), {"axis": (0, 2)}),
        ((_spread_out(rng, (3,)),), {"axis": (0,)}),
        ((_normal(rng, ()),), {"axis": ()}),
    ],
    "concatenate": lambda rng: [
        ((_normal(rng, (2, 3)), _normal(rng, (2, 1))), {"axis": 1}),
        ((_normal(rng, (1,)), _normal(rng, (3,)), _normal(rng, (2,))), {"axis": 0}),
    ],
    "gather": lambda rng: [((_normal(rng, (3, 4)),), {"index": i}) for i in INDICES],
    "scatter_add": lambda rng: [
        ((_normal(rng, np.zeros((3, 4))[i].shape),), {"index": i, "shape": (3, 4)}) for i in INDICES
    ],
    "convert": _unary_with(_normal, dtype=np.dtype(np.float64)),
    "sin": _unary(_normal),
    "cos": _unary(_normal),
    "tanh": _unary(_normal),
    "sigmoid": _unary(_normal),
    "relu": _unary(_away_from_zero),
    "maximum": _maximum_cases,
    "matmul": lambda rng: [
        ((_normal(rng, (2, 3)), _normal(rng, (3, 4))), {}),
        ((_normal(rng, (1, 3)), _normal(rng, (3, 1))), {}),
        ((_normal(rng, (2, 2, 3)), _normal(rng, (2, 3, 4))), {}),
    ],
    "sum": lambda rng: [
        ((_normal(rng, (2, 3, 4)),), {"axis": (1,)}),
        ((_normal(rng, (2, 3, 4)),), {"axis": (0, 2)}),
        ((_normal(rng, (3,)),), {"axis": (0,)}),
        ((_normal(rng, ()),), {"axis": ()}),
    ],
    "broadcast": lambda rng: [
        ((_normal(rng, ()),), {"shape": (3,)}),
        ((_normal(rng, (3, 1)),), {"shape": (2, 3, 4)}),
        ((_normal(rng, (4,)),), {"shape": (3, 4)}),
        ((_normal(rng, (1, 4)),), {"shape": (1, 4)}),
    ],
    "reshape": lambda rng: [
        ((_normal(rng, (2, 3)),), {"shape": (6,)}),
        ((_normal(rng, (6,)),), {"shape": (3, 1, 2)}),
        ((_normal(rng, ()),), {"shape": (1, 1)}),
    ],
    "transpose": lambda rng: [
        ((_normal(rng, (2, 3)),), {"axes": (1, 0)}),
        ((_normal(rng, (2, 3, 4)),), {"axes": (2, 0, 1)}),
    ],
}

# The same operation in jax, the reference for the rules.
JAX_FUNCTIONS = {
    "add": jnp.add,
    "sub": jnp.subtract,
    "mul": jnp.multiply,
    "div": jnp.divide,
    "neg": jnp.negative,
    "pow": jnp.power,
    "exp": jnp.exp,
    "log": jnp.log,
    "expm1": jnp.expm1,
    "log1p": jnp.log1p,
    "abs": jnp.abs,
    "softplus": jax.nn.softplus,
    "select": lambda x, y, *, mask: jnp.where(mask, x, y),
    "max": lambda x, *, axis: jnp.max(x, axis=axis),
    "concatenate": lambda *xs, axis: jnp.concatenate(xs, axis),
    "gather": lambda x, *, index: x[index],
    "scatter_add": lambda u, *, index, shape: jnp.zeros(shape, u.dtype).at[index].add(u),
    "convert": lambda x, *, dtype: x.astype(dtype),
    "sin": jnp.sin,
    "cos": jnp.cos,
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "relu": jax.nn.relu,
    "maximum": jnp.maximum,
    "matmul": jnp.matmul,
    "sum": lambda x, *, axis: jnp.sum(x, axis=axis),
    "broadcast": lambda x, *, shape: jnp.broadcast_to(x, shape),
    "reshape": lambda x, *, shape: jnp.reshape(x, shape),
    "transpose": lambda x, *, axes: jnp.transpose(x, axes),
}

# Left out of the complex-step test: kinks (not analytic), a cast (drops the imaginary part),
# and softplus, which is analytic but numpy's logaddexp takes no complex input.
NOT_ANALYTIC = {"relu", "maximum", "abs", "max", "convert", "softplus"}

RULES = sorted((p for p in jvp_rules if not p.user_defined), key=lambda p: p.name)


def _cases(prim, seed=0):
    rng = np.random.default_rng([seed, sum(map(ord, prim.name))])
    return SAMPLES[prim.name](rng)


def _tangents(rng, args):
    return tuple(rng.normal(size=np.shape(a)) for a in args)


def _assert_close(actual, desired, rtol, atol=0.0):
    # Norm-wise relative: a sum of terms that cancels to ~0 is judged against the scale of
    # the whole result, not against its own (tiny) size.
    desired = np.asarray(desired)
    scale = np.max(np.abs(desired), initial=0.0)
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol + rtol * scale)


def test_sample_table_covers_every_primitive():
    # Primitives a user adds with define_primitive (a doctest, the docs) are checked by
    # tests/autodiff/test_define_primitive.py; every other one must be in the tables below.
    names = {p.name for p in ALL_PRIMITIVES}
    assert {p.name for p in jvp_rules if not p.user_defined} == names
    assert {p.name for p in vjp_rules if not p.user_defined} == names
    assert set(SAMPLES) == names
    assert set(JAX_FUNCTIONS) == names


def _jax_reference(jax_fn, args, params, tangents, ct):
    """(out, J v, J^T ct) from jax for the primitive's jax counterpart."""
    fn = functools.partial(jax_fn, **params)
    out, tangent = jax.jvp(fn, args, tangents)
    return out, tangent, jax.vjp(fn, *args)[1](ct)


# The checks take the primitive, its sample cases [(args, params)] and (for the first) its
# jax counterpart, so that tests/autodiff/test_define_primitive.py runs the very same checks
# on primitives added with define_primitive. Each is parametrized over the rule table below.


def check_rules_match_jax(prim, cases, jax_fn):
    rng = np.random.default_rng(1)
    for args, params in cases:
        tangents = _tangents(rng, args)
        out, out_tangent = jvp_rules[prim](list(args), list(tangents), **params)
        ct = rng.normal(size=np.shape(out))
        ref_out, ref_tangent, ref_cts = _jax_reference(jax_fn, args, params, tangents, ct)
        _assert_close(bind(prim, *args, **params), ref_out, tol(F64, "exact"))
        _assert_close(out, ref_out, tol(F64, "exact"))
        _assert_close(out_tangent, ref_tangent, tol(F64, "exact"))
        ours = vjp_rules[prim](ct, out, *args, **params)
        assert len(ours) == len(args)
        for a, c, ref in zip(args, ours, ref_cts, strict=True):
            assert np.shape(c) == np.shape(a)
            _assert_close(c, ref, tol(F64, "exact"))


@pytest.mark.parametrize("prim", RULES, ids=lambda p: p.name)
def test_rules_match_jax(prim, x64):
    check_rules_match_jax(prim, _cases(prim), JAX_FUNCTIONS[prim.name])


def check_inner_product_identity(prim, cases):
    """<u, J v> from the jvp rule equals <J^T u, v> from the vjp rule."""
    rng = np.random.default_rng(2)
    for args, params in cases:
        v = _tangents(rng, args)
        out, jv = jvp_rules[prim](list(args), list(v), **params)
        u = rng.normal(size=np.shape(out))
        jtu = vjp_rules[prim](u, out, *args, **params)
        lhs = np.sum(u * jv)
        rhs = sum(np.sum(c * t) for c, t in zip(jtu, v, strict=True))
        scale = np.sqrt(np.sum(u * u) * sum(np.sum(t * t) for t in v)) * max(
            1.0, np.max(np.abs(jv))
        )
        assert abs(lhs - rhs) <= tol(F64, "identity") * scale


@pytest.mark.parametrize("prim", RULES, ids=lambda p: p.name)
def test_inner_product_identity(prim):
    check_inner_product_identity(prim, _cases(prim, seed=2))


def check_jvp_matches_centered_finite_differences(prim, cases):
    rng = np.random.default_rng(3)
    eps = tol(F64, "fd_eps")
    for args, params in cases:
        v = _tangents(rng, args)
        plus = bind(prim, *(a + eps * t for a, t in zip(args, v, strict=True)), **params)
        minus = bind(prim, *(a - eps * t for a, t in zip(args, v, strict=True)), **params)
        _, jv = jvp_rules[prim](list(args), list(v), **params)
        _assert_close(jv, (plus - minus) / (2 * eps), tol(F64, "fd"), tol(F64, "fd_atol"))


@pytest.mark.parametrize("prim", RULES, ids=lambda p: p.name)
def test_jvp_matches_centered_finite_differences(prim):
    check_jvp_matches_centered_finite_differences(prim, _cases(prim, seed=3))


@pytest.mark.parametrize("prim", [p for p in RULES if p.name not in NOT_ANALYTIC], ids=str)
def test_jvp_matches_complex_step(prim):
    """Im f(x + i h v) / h is J v up to O(h²) with no cancellation: h = 1e-30 is exact."""
    rng = np.random.default_rng(4)
    h = 1e-30
    for args, params in _cases(prim, seed=4):
        v = _tangents(rng, args)
        shifted = [a + 1j * h * t for a, t in zip(args, v, strict=True)]
        reference = np.imag(bind(prim, *shifted, **params)) / h
        _, jv = jvp_rules[prim](list(args), list(v), **params)
        _assert_close(jv, reference, tol(F64, "complex_step"))


@pytest.mark.parametrize("prim", RULES, ids=lambda p: p.name)
def test_taylor_remainder_is_second_order(prim):
    check_taylor_remainder_is_second_order(prim, _cases(prim, seed=5))


def check_taylor_remainder_is_second_order(prim, cases):
    """|f(x + h v) - f(x) - h J v| = O(h²): slope >= 1.9 in log-log, no step size to tune.

    A wrong jvp leaves an O(h) remainder (slope 1).

    For primitives that are linear along v (add, reshape, relu away from 0...) the
    remainder is rounding noise, and then it must be tiny instead.
    """
    rng = np.random.default_rng(5)
    hs = 2.0 ** -np.arange(2, 12)
    for args, params in cases:
        v = _tangents(rng, args)
        # Max-norm 1/4: steps h·v move x - y by at most 1/8 < 0.2, the samples' distance
        # from kinks, so relu and maximum stay on one linear piece.
        v = tuple(t / (4 * max(np.max(np.abs(u), initial=0.0) for u in v)) for t in v)
        f0 = bind(prim, *args, **params)
        _, jv = jvp_rules[prim](list(args), list(v), **params)
        remainders = np.stack(
            [
                np.ravel(
                    np.abs(
                        bind(prim, *(a + h * t for a, t in zip(args, v, strict=True)), **params)
                        - f0
                        - h * jv
                    )
                )
                for h in hs
            ]
        )  # (len(hs), number of outputs)
        scale = 1.0 + np.max(np.abs(f0), initial=0.0) + np.max(np.abs(jv), initial=0.0)
        noise = 1e-13 * scale  # float64 rounding of f(x + h v) - f(x), a few ulps of scale
        # Element-wise: the max over elements can switch between elements as h shrinks.
        for r in remainders.T:
            # Rounding noise means "no remainder left" (linear along v, or a kink that
            # small steps no longer cross): only steps from noise-free remainders count.
            informative = r[1:] > noise
            if not informative.any():
                continue
            # Observed order between successive halvings of h; the median ignores the
            # first, pre-asymptotic steps at h = 1/4 where h³ terms still compete.
            slope = np.median(np.log2(r[:-1] / r[1:])[informative])
            assert slope >= 1.9, (prim, params, r)
