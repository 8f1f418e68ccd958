"""define_primitive: a primitive added from outside the package is checked like the built-ins.

Its rules go through the same checks as every built-in rule (tests/autodiff/test_rules.py:
against jax, centered finite differences, ``<u, J v> = <J^T u, v>``, a second-order Taylor
remainder), and then the transformations, second derivatives and the jax bridge use it.
A primitive with a wrong rule fails those checks. The rule tables are restored after each
test, so nothing leaks into the built-in coverage test.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.autodiff import (
    ALL_PRIMITIVES,
    check_grads,
    compare_with_jax,
    define_primitive,
    grad,
    hessian,
    jvp_rules,
    nn,
    trace,
    vjp_rules,
)
from jaxnets.autodiff import numpy as anp
from tests.autodiff import test_rules as rules
from tests.tolerances import tol

F64 = np.float64


@pytest.fixture(autouse=True)
def _restore_rule_tables():
    jvp, vjp = dict(jvp_rules), dict(vjp_rules)
    yield
    for table, saved in ((jvp_rules, jvp), (vjp_rules, vjp)):
        table.clear()
        table.update(saved)


def _softplus(vjp_derivative=nn.sigmoid):
    """softplus(x) = log(1 + e^x), softplus' = sigmoid, as a user would add it."""

    def jvp_rule(primals, tangents):
        (x,), (t,) = primals, tangents
        return softplus_p(x), nn.sigmoid(x) * t  # the value through the primitive itself

    softplus_p = define_primitive(
        "softplus",
        lambda x: np.logaddexp(x, 0.0),
        jvp_rule,
        lambda ct, out, x: (ct * vjp_derivative(x),),
        jax_impl=jax.nn.softplus,
    )
    return softplus_p


def _hypot():
    """A binary primitive: sqrt(x² + y²), both partials reusing the output."""
    return define_primitive(
        "hypot",
        np.hypot,
        lambda p, t: (lambda out: (out, (p[0] * t[0] + p[1] * t[1]) / out))(
            anp.sqrt(p[0] * p[0] + p[1] * p[1])
        ),
        lambda ct, out, x, y: (ct * x / out, ct * y / out),
        jax_impl=jnp.hypot,
        fmt="hypot({0}, {1})",
    )


def _scale():
    """A primitive with a keyword param, as sum_p has its axis."""
    return define_primitive(
        "scale",
        lambda x, *, factor: factor * x,
        lambda p, t, *, factor: (factor * p[0], factor * t[0]),
        lambda ct, out, x, *, factor: (factor * ct,),
        jax_impl=lambda x, *, factor: factor * x,
    )


SHAPES = [(), (3,), (2, 3)]


def _cases(prim):
    rng = np.random.default_rng(sum(map(ord, prim.name)))
    if prim.name == "hypot":
        return [((rng.normal(size=s) + 3.0, rng.normal(size=s)), {}) for s in SHAPES]
    params = {"factor": 2.5} if prim.name == "scale" else {}
    return [((rng.normal(size=s),), params) for s in SHAPES]


JAX = {
    "softplus": jax.nn.softplus,
    "hypot": jnp.hypot,
    "scale": lambda x, *, factor: factor * x,
}


@pytest.mark.parametrize("make", [_softplus, _hypot, _scale], ids=["softplus", "hypot", "scale"])
def test_defined_primitive_passes_the_built_in_rule_checks(make, x64):
    prim = make()
    assert prim.user_defined and prim not in ALL_PRIMITIVES
    assert jvp_rules[prim] is not None and vjp_rules[prim] is not None
    cases = _cases(prim)
    rules.check_rules_match_jax(prim, cases, JAX[prim.name])
    rules.check_inner_product_identity(prim, cases)
    rules.check_jvp_matches_centered_finite_differences(prim, cases)
    rules.check_taylor_remainder_is_second_order(prim, cases)


def test_a_wrong_vjp_rule_fails_the_checks(x64):
    prim = _softplus(vjp_derivative=lambda x: nn.sigmoid(x) + 0.01)  # off by 0.01
    cases = _cases(prim)
    with pytest.raises(AssertionError):
        rules.check_rules_match_jax(prim, cases, jax.nn.softplus)
    with pytest.raises(AssertionError):
        rules.check_inner_product_identity(prim, cases)


def test_transformations_use_the_new_primitive(x64):
    softplus = _softplus()
    hypot = _hypot()
    f = lambda x, y: anp.sum(hypot(softplus(x), y) * x)
    x, y = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.5, -0.7])
    check_grads(f, (x, y), order=2)  # forward and reverse, first and second order
    comparison = compare_with_jax(f, x, y, argnums=(0, 1))  # the same f under jax.grad
    assert comparison.max_rel_difference <= tol(F64, "exact")
    g = lambda x: anp.sum(softplus(x))
    np.testing.assert_allclose(
        hessian(g)(x), np.diag(jax.vmap(jax.grad(jax.grad(jax.nn.softplus)))(x)), rtol=1e-12
    )
    assert any("softplus(" in line for line in map(str, trace(g, x).rows))


def test_calling_a_primitive_binds_it_or_runs_jax_impl(x64):
    softplus = _softplus()
    np.testing.assert_allclose(softplus(np.array([0.0, 1.0])), np.logaddexp([0.0, 1.0], 0.0))
    assert float(grad(lambda x: softplus(x))(2.0)) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert isinstance(softplus(jnp.ones(2)), jax.Array)
    no_jax = define_primitive(
        "twice", lambda x: 2 * x, lambda p, t: (2 * p[0], 2 * t[0]), lambda ct, out, x: (2 * ct,)
    )
    with pytest.raises(TypeError, match="no jax_impl"):
        no_jax(jnp.ones(2))


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("", np.exp, lambda p, t: p, lambda *a: a), ValueError, "identifier"),
        (("f", "np.exp", lambda p, t: p, lambda *a: a), TypeError, "impl must be callable"),
        (("f", np.exp, None, lambda *a: a), TypeError, "jvp_rule must be callable"),
        (("f", np.exp, lambda p, t: p, 1.0), TypeError, "vjp_rule must be callable"),
    ],
)
def test_bad_definitions_are_refused(args, error, match):
    before = len(jvp_rules)
    with pytest.raises(error, match=match):
        define_primitive(*args)
    assert len(jvp_rules) == before
