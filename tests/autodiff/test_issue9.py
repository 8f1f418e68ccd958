"""The six reproductions of issue 9, each checked against jax (float64).

1-2: Jacobians of 0-d and empty arrays; 3: ``==`` on tracers; 4-5: negative and tuple
``argnums``; 6: a negative base under a traced or array exponent.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxnets.autodiff as ad
from jaxnets.autodiff import numpy as anp
from tests.tolerances import tol

EXACT = tol(np.float64, "exact")


def _close(ours, theirs):
    for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(theirs), strict=True):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=EXACT, atol=EXACT * np.max(np.abs(b), initial=0))


@pytest.mark.parametrize("name", ["jacfwd", "jacrev", "hessian"])
def test_1_jacobians_of_a_scalar_function_of_a_scalar(name, x64):
    ours = getattr(ad, name)(anp.sin)(0.5)
    assert np.shape(ours) == ()
    _close(ours, getattr(jax, name)(jnp.sin)(0.5))


@pytest.mark.parametrize("name", ["jacfwd", "jacrev"])
def test_2_jacobian_of_an_empty_array(name, x64):
    ours = getattr(ad, name)(anp.sin)(np.zeros(0))
    assert np.shape(ours) == (0, 0)
    _close(ours, getattr(jax, name)(jnp.sin)(jnp.zeros(0)))


def test_3_equality_on_tracers_compares_values(x64):
    f = lambda x: x * x if x == 2.0 else -x
    g = lambda x: x * x if x != 2.0 else -x
    for fn in (f, g):
        for x in (2.0, 3.0):
            assert ad.grad(fn)(x) == jax.grad(fn)(x)
    assert ad.grad(f)(2.0) == 4.0
    assert ad.jvp(f, (2.0,), (1.0,)) == (4.0, 4.0)


@pytest.mark.parametrize("name", ["jacfwd", "jacrev"])
def test_4_negative_argnums(name, x64):
    f = lambda *xs: xs[0] * xs[-1] ** 2
    args = (np.array([2.0]), np.array([3.0]))
    _close(getattr(ad, name)(f, argnums=-1)(*args), getattr(jax, name)(f, argnums=-1)(*args))
    np.testing.assert_array_equal(getattr(ad, name)(f, argnums=-1)(*args), [[12.0]])
    h = lambda x, y: x * y**2  # a fixed arity: no misleading "4 were given"
    _close(getattr(ad, name)(h, argnums=-2)(*args), getattr(jax, name)(h, argnums=-2)(*args))
    with pytest.raises(ValueError, match="argnums"):
        getattr(ad, name)(h, argnums=-3)(*args)


@pytest.mark.parametrize("name", ["jacfwd", "jacrev"])
def test_5_tuple_argnums(name, x64):
    f = lambda x, y: anp.sin(x) * anp.reshape(y, (3, 1))  # (2,), (3,) -> (3, 2)
    x, y = np.array([0.3, -1.2]), np.array([1.0, 2.0, -0.5])
    ours = getattr(ad, name)(f, argnums=(0, 1))(x, y)
    theirs = getattr(jax, name)(f, argnums=(0, 1))(x, y)
    assert isinstance(ours, tuple) and [a.shape for a in ours] == [(3, 2, 2), (3, 2, 3)]
    _close(ours, theirs)


def test_6_negative_base_with_an_array_exponent(x64):
    f = lambda x: anp.sum(x ** np.array([2.0, 3.0]))
    x = np.array([-2.0, -1.5])
    value, g = ad.value_and_grad(f)(x)
    ref_value, ref_g = jax.value_and_grad(f)(jnp.asarray(x))
    _close((value, g), (ref_value, ref_g))
    np.testing.assert_allclose(g, [-4.0, 6.75], rtol=EXACT)


def test_6_negative_base_with_a_traced_exponent():
    # d(x^y) = y x^(y-1) dx + x^y log(x) dy: along dy = 0 the log term is not needed, and
    # it is dropped (jax 0.10 multiplies 0 by log(-2) = nan and returns nan here).
    out, tangent = ad.jvp(lambda x, y: x**y, (-2.0, 3.0), (1.0, 0.0))
    assert (out, tangent) == (-8.0, 12.0)
    jax_out, _ = jax.jvp(lambda x, y: x**y, (-2.0, 3.0), (1.0, 0.0))
    assert jax_out == out
    # Only x is differentiated: the exponent's partial derivative is never formed.
    np.testing.assert_allclose(ad.grad(lambda x, y: x**y)(-2.0, 3.0), 12.0, rtol=EXACT)
    # With respect to y at x < 0 the derivative does not exist: nan, as in jax.
    assert np.isnan(ad.grad(lambda x, y: x**y, argnums=1)(-2.0, 3.0))
    assert np.isnan(jax.grad(lambda x, y: x**y, argnums=1)(-2.0, 3.0))
