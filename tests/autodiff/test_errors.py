"""Clear errors: unsupported operations name themselves, wrong shapes name the argument."""

import numpy as np
import pytest

from jaxnets.autodiff import (
    NotDifferentiableError,
    forward_sweep_table,
    grad,
    jacfwd,
    jacrev,
    jvp,
    vjp,
)
from jaxnets.autodiff import numpy as anp

X = np.array([0.5, -1.0, 2.0])


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda x: anp.sum(np.arctan(x)), "numpy ufunc np.arctan"),
        (lambda x: anp.sum(np.arcsinh(x)), "numpy ufunc np.arcsinh"),
        (lambda x: np.cumsum(x)[-1], "numpy function np.cumsum"),
        (lambda x: anp.sum(round(x)), "the Python operation round(x)"),
        (lambda x: anp.sum(x % 2), "the Python operation x % y"),
        (lambda x: anp.sum(x // 2), "the Python operation x // y"),
        (lambda x: float(anp.sum(x)), "float(x)"),
        (lambda x: anp.sum(np.asarray(x)), "np.asarray(x)"),
    ],
)
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_unsupported_operations_name_the_op(f, op, mode):
    with pytest.raises(NotDifferentiableError, match="is not differentiable here") as info:
        if mode == "reverse":
            grad(f)(X)
        else:
            jvp(f, (X,), (np.ones(3),))
    assert op in str(info.value)


def test_supported_numpy_calls_on_tracers_are_routed():
    # np.sin(tracer), ndarray * tracer and np.sum(tracer) become primitives, not errors.
    f = lambda x: np.sum(np.sin(x) * np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(grad(f)(X), np.cos(X) * [1.0, 2.0, 3.0], rtol=1e-15)


def test_mismatched_tangent_shape_names_the_argument():
    f = lambda p, x: anp.sum(p["w"] * x)
    primals = ({"w": np.ones(3)}, np.ones(3))
    with pytest.raises(
        ValueError, match=r"tangent for argument primals\[0\]\['w'\] has shape \(2,\)"
    ):
        jvp(f, primals, ({"w": np.ones(2)}, np.ones(3)))
    with pytest.raises(TypeError, match="tangents have structure"):
        jvp(f, primals, (np.ones(3), np.ones(3)))
    with pytest.raises(TypeError, match="takes tuples"):
        jvp(f, np.ones(3), np.ones(3))


def test_vjp_cotangent_checks():
    _, vjp_fn = vjp(lambda x: (anp.sin(x), anp.sum(x)), X)
    with pytest.raises(ValueError, match=r"cotangent\[1\] has shape \(3,\)"):
        vjp_fn((np.ones(3), np.ones(3)))
    with pytest.raises(TypeError, match="cotangent has structure"):
        vjp_fn(np.ones(3))


def test_grad_of_non_scalar_and_bad_argnums():
    with pytest.raises(TypeError, match=r"grad needs a scalar output, got shape \(3,\)"):
        grad(anp.sin)(X)
    with pytest.raises(ValueError, match="argnums=2 but the function got 1 arguments"):
        grad(anp.sin, argnums=2)(1.0)


def test_forward_sweep_direction_shape():
    with pytest.raises(ValueError, match=r"p\[1\] has shape \(2,\) but x\[1\] has shape \(\)"):
        forward_sweep_table(lambda a, b: a * b, [1.0, 2.0], [np.ones(()), np.ones(2)])


def test_integer_inputs_to_grad_and_jacobians_raise_type_error_as_in_jax():
    for transform in (grad, jacfwd, jacrev):
        with pytest.raises(TypeError, match="requires real- or complex-valued inputs"):
            transform(lambda x: anp.sum(x * x))(np.arange(3))
        with pytest.raises(TypeError, match="but got int"):
            transform(lambda x: x * x)(2)
    # jvp and vjp take integers, converted to float64, as before.
    assert jvp(lambda x: x * x, (2,), (1,)) == (4.0, 4.0)


def test_index_errors_and_traced_iteration():
    with pytest.raises(IndexError):
        grad(lambda x: x[3])(X)
    with pytest.raises(IndexError, match="only integers"):
        grad(lambda x: x[0.5])(X)
    with pytest.raises(TypeError, match="len"):
        grad(lambda x: len(x) * x)(1.0)
    np.testing.assert_array_equal(grad(lambda x: sum(v * v for v in x))(X), 2 * X)


def test_has_aux_needs_a_pair():
    with pytest.raises(TypeError, match="has_aux=True needs f to return a pair"):
        grad(lambda x: anp.sum(x), has_aux=True)(X)


def test_joining_nothing_or_scalars_says_so():
    with pytest.raises(ValueError, match="rank >= 1"):
        grad(lambda x: anp.sum(anp.concatenate([x, x])))(1.0)
    with pytest.raises(ValueError, match="at least one array"):
        anp.stack([])
