"""check_grads, compare_with_jax and the measured costs of forward versus reverse mode."""

import numpy as np
import pytest

from jaxnets.autodiff import (
    check_grads,
    compare_with_jax,
    jacfwd,
    jacobian_costs,
    lecture_example,
    trace,
)
from jaxnets.autodiff import numpy as anp
from tests.tolerances import tol

F64 = np.float64


def loss(params, x):
    return anp.sum(anp.tanh(x @ params["w"] + params["b"]) ** 2)


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    return {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}, rng.normal(size=(4, 3))


FD = {"eps": tol(F64, "fd_eps"), "rtol": tol(F64, "fd"), "atol": tol(F64, "fd_atol")}


@pytest.mark.parametrize("modes", [("fwd",), ("rev",), ("fwd", "rev")])
def test_check_grads_passes_on_correct_derivatives(problem, modes):
    assert check_grads(loss, problem, order=2, modes=modes, **FD) is None


def test_check_grads_has_jax_test_util_signature_and_defaults(problem):
    import inspect

    from jax.test_util import check_grads as jax_check_grads

    ours = inspect.signature(check_grads).parameters
    theirs = inspect.signature(jax_check_grads).parameters
    assert list(ours) == list(theirs)
    assert {k: v.default for k, v in ours.items()} == {k: v.default for k, v in theirs.items()}
    check_grads(loss, problem, order=1)  # jax's defaults: eps 1e-4, tolerance 1e-5


@pytest.mark.parametrize(("modes", "check"), [(("fwd",), "jvp"), (("rev",), "vjp")])
def test_check_grads_catches_a_wrong_rule(problem, monkeypatch, modes, check):
    from jaxnets.autodiff import jvp_rules, tanh_p, vjp_rules

    # A classic bug: tanh' = 1 - tanh instead of 1 - tanh².
    monkeypatch.setitem(vjp_rules, tanh_p, lambda ct, out, x: (ct * (1 - out),))
    monkeypatch.setitem(
        jvp_rules, tanh_p, lambda p, t: (lambda o: (o, (1 - o) * t[0]))(anp.tanh(p[0]))
    )
    with pytest.raises(AssertionError, match=f"check_grads \\(order 1\\) {check}"):
        check_grads(loss, problem, order=1, modes=modes, **FD)


def test_check_grads_catches_a_wrong_second_derivative(monkeypatch):
    from jaxnets.autodiff import cos_p, jvp_rules, sin_p, vjp_rules

    # sin' = cos is right, but cos' = +sin is wrong: only order 2 can see it.
    monkeypatch.setitem(vjp_rules, cos_p, lambda ct, out, x: (ct * anp.sin(x),))
    monkeypatch.setitem(jvp_rules, cos_p, lambda p, t: (anp.cos(p[0]), anp.sin(p[0]) * t[0]))
    f = lambda x: anp.sum(anp.sin(x))
    x = np.array([0.3, -1.2])
    check_grads(f, (x,), order=1, **FD)
    assert jvp_rules[sin_p] and vjp_rules[sin_p]
    for modes in (("fwd",), ("rev",)):
        with pytest.raises(AssertionError):
            check_grads(f, (x,), order=2, modes=modes, **FD)


def test_compare_with_jax_on_a_pytree(problem, x64):
    result = compare_with_jax(loss, *problem, argnums=(0, 1))
    assert set(result.ours[0]) == set(result.theirs[0]) == {"w", "b"}
    assert result.max_rel_difference <= tol(F64, "exact")
    assert result.max_abs_difference <= tol(F64, "exact") * np.max(np.abs(result.theirs[1]))


def test_compare_with_jax_restores_x64_flag():
    import jax

    before = jax.config.jax_enable_x64
    compare_with_jax(lambda x: anp.sum(anp.sin(x)), np.array([0.1, 0.2]))
    assert jax.config.jax_enable_x64 == before


def test_costs_of_a_wide_and_a_tall_jacobian():
    rng = np.random.default_rng(1)
    w = rng.normal(size=(2, 5))
    f = lambda x: anp.sin(w @ x) * anp.exp(anp.sum(x))  # R^5 -> R^2
    x = rng.normal(size=5)
    costs = jacobian_costs(f, x)
    k = len(trace(f, x).rows) - 1  # the trace lists 1 input, then k primitives
    assert (costs.n_inputs, costs.n_outputs, costs.forward_primitives) == (5, 2, k)
    assert costs.jvp_rule_applications == 5 * k  # n jvps, each one jvp rule per primitive
    assert costs.tape_records == k  # reverse mode records the forward pass once...
    assert costs.vjp_rule_applications == 2 * k  # ...then sweeps it once per output
    assert costs.tape_nodes == k
    intermediates = [row[2] for row in trace(f, x).rows[1:]]
    assert costs.tape_bytes == sum(np.asarray(v).nbytes for v in intermediates)
    assert costs.max_abs_difference <= tol(F64, "exact") * np.max(np.abs(jacfwd(f)(x)))
    text = str(costs)
    assert "forward (jacfwd)  5" in text and "reverse (jacrev)  2" in text


def test_scalar_loss_needs_one_reverse_sweep_but_n_forward_ones():
    f = lambda x: anp.sum(anp.tanh(x) * x)  # R^8 -> R
    costs = jacobian_costs(f, np.linspace(-1, 1, 8))
    assert costs.vjp_rule_applications * 8 == costs.jvp_rule_applications
    assert costs.tape_bytes > 0


def test_lecture_example_costs_through_a_vector_wrapper():
    # jacobian_costs takes f of one array; the lecture example takes three scalars, so the
    # wrapper computes it elementwise on 1-element pieces of a vector via broadcasting.
    f = lambda x: lecture_example(x, 2.0 * x, x + 1.0)
    costs = jacobian_costs(f, np.array([0.5, 1.0]))
    assert costs.n_inputs == costs.n_outputs == 2
    assert costs.vjp_rule_applications == costs.jvp_rule_applications
