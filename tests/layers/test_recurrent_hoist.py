"""Recurrent's loop options (issue 13): the input map hoisted out of the scan, and unrolling.

``Recurrent(cell, hoist_input=True)`` computes U x_t + b for every step as one matmul before
the scan and scans only the recurrent part; ``unroll`` sets lax.scan's steps per iteration.
Both must give what a Python loop of single ``cell.apply`` steps gives, with the parameter
tree the cells have always had (checkpoints rely on it).

The comparisons run in float64 with the table's float64 tolerances: in float32 the paths
differ by rounding of the O(1) pre-activations (9e-8 absolute), which an element-wise 1e-5
relative test rejects on outputs near zero (|h| = 0.009), and float32 has no "exact" atol.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import layers
from tests.fd import assert_tree_close
from tests.tolerances import tol

B, T, D, H = 2, 5, 3, 4  # T = 5: unroll 2 and 4 leave a remainder of steps
CELLS = ["rnn", "lstm", "gru"]
DTYPE = jnp.float64
RTOL, GRAD_RTOL = tol(DTYPE, "exact"), tol(DTYPE, "backprop")

pytestmark = pytest.mark.usefixtures("fast_compiles", "x64")

# The parameters (path -> shape) of the cells before the loop options existed, for D = 3,
# H = 4: U (D, G·H) with its bias, W (H, G·H); the GRU's W_s (H, H) is its own matrix.
EXPECTED = {
    "rnn": {
        ("input", "kernel"): (3, 4),
        ("input", "bias"): (4,),
        ("recurrent", "kernel"): (4, 4),
    },
    "lstm": {
        ("input", "kernel"): (3, 16),
        ("input", "bias"): (16,),
        ("recurrent", "kernel"): (4, 16),
    },
    "gru": {
        ("input", "kernel"): (3, 12),
        ("input", "bias"): (12,),
        ("recurrent", "kernel"): (4, 8),
        ("candidate", "kernel"): (4, 4),
    },
}
# layer_norm=True adds a gain and a bias per normalised pre-activation.
EXPECTED_NORM = {
    "rnn": {("norm", "scale"): (4,), ("norm", "bias"): (4,)},
    "lstm": {("norm", "scale"): (16,), ("norm", "bias"): (16,)},
    "gru": {
        ("norm", "scale"): (8,),
        ("norm", "bias"): (8,),
        ("candidate_norm", "scale"): (4,),
        ("candidate_norm", "bias"): (4,),
    },
}


def _shapes(params) -> dict[tuple[str, ...], tuple[int, ...]]:
    flat = jax.tree_util.tree_flatten_with_path(params)[0]
    return {tuple(k.key for k in path): tuple(leaf.shape) for path, leaf in flat}


def _inputs():
    xs = jax.random.normal(jax.random.key(1), (B, T, D), DTYPE)
    weights = jax.random.normal(jax.random.key(2), (B, T, H), DTYPE)  # every h_t matters
    return xs, weights


def _params(name, layer_norm):
    """Parameters from the per-step layout (hoist_input=False), every leaf moved off its
    initial value so that gains of one and biases of zero hide nothing; float64 like the
    inputs (Dense creates float32 parameters whatever the input)."""
    cell = layers.make_cell(name, H, layer_norm=layer_norm)
    xs, _ = _inputs()
    params = layers.Recurrent(cell).init(jax.random.key(0), xs)["params"]
    leaves, treedef = jax.tree.flatten(params)
    keys = jax.random.split(jax.random.key(3), len(leaves))
    leaves = [
        p.astype(DTYPE) + 0.3 * jax.random.normal(k, p.shape, DTYPE)
        for p, k in zip(leaves, keys, strict=True)
    ]
    return cell, jax.tree.unflatten(treedef, leaves)


def _loop_loss(cell):
    """The textbook unroll: one ``cell.apply`` per time step, in Python."""

    def loss(params, xs, weights):
        carry, total = cell.initial_carry(B, DTYPE), 0.0
        for t in range(T):
            carry, h = cell.apply({"params": params["cell"]}, carry, xs[:, t])
            total = total + jnp.sum(h * weights[:, t])
        return total

    return loss


def _module_loss(cell, **options):
    def loss(params, xs, weights):
        return jnp.sum(layers.Recurrent(cell, **options).apply({"params": params}, xs) * weights)

    return loss


def _value_and_grads(loss, params, xs, weights):
    """The loss and its gradients with respect to the parameters and to the inputs."""
    return jax.jit(jax.value_and_grad(loss, argnums=(0, 1)))(params, xs, weights)


@pytest.mark.parametrize("layer_norm", [False, True])
@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("hoist_input", [False, True])
def test_recurrent_equals_a_loop_of_single_steps(name, layer_norm, hoist_input):
    cell, params = _params(name, layer_norm)
    xs, weights = _inputs()
    value, (grad_params, grad_xs) = _value_and_grads(
        _module_loss(cell, hoist_input=hoist_input), params, xs, weights
    )
    loop_value, (loop_params, loop_xs) = _value_and_grads(_loop_loss(cell), params, xs, weights)
    np.testing.assert_allclose(value, loop_value, rtol=RTOL)
    assert_tree_close(grad_params, loop_params, rtol=GRAD_RTOL)
    np.testing.assert_allclose(grad_xs, loop_xs, rtol=GRAD_RTOL)
    # The outputs themselves, not only their weighted sum.
    hs = layers.Recurrent(cell, hoist_input=hoist_input).apply({"params": params}, xs)
    carry, loop_hs = cell.initial_carry(B, DTYPE), []
    for t in range(T):
        carry, h = cell.apply({"params": params["cell"]}, carry, xs[:, t])
        loop_hs.append(h)
    np.testing.assert_allclose(hs, jnp.stack(loop_hs, axis=1), rtol=RTOL)


@pytest.mark.parametrize("layer_norm", [False, True])
@pytest.mark.parametrize("name", CELLS)
def test_parameter_tree_is_the_per_step_layout(name, layer_norm):
    cell = layers.make_cell(name, H, layer_norm=layer_norm)
    xs, _ = _inputs()
    expected = EXPECTED[name] | (EXPECTED_NORM[name] if layer_norm else {})
    inits = {
        hoist: layers.Recurrent(cell, hoist_input=hoist).init(jax.random.key(0), xs)["params"]
        for hoist in (False, True)
    }
    for params in inits.values():
        assert set(params) == {"cell"}
        assert _shapes(params["cell"]) == expected
    # U is created outside the scan when hoisted, W inside: same values from the same key.
    assert_tree_close(inits[True], inits[False], rtol=0.0)
    # One step outside any loop reads the same tree.
    _, h = cell.apply({"params": inits[True]["cell"]}, cell.initial_carry(B), xs[:, 0])
    assert h.shape == (B, H)


@pytest.mark.parametrize("hoist_input", [False, True])
@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("steps", [2, 4])
def test_unrolled_scan_equals_the_rolled_one(name, steps, hoist_input):
    cell, params = _params(name, layer_norm=False)
    xs, weights = _inputs()
    rolled = _value_and_grads(_module_loss(cell, hoist_input=hoist_input), params, xs, weights)
    unrolled = _value_and_grads(
        _module_loss(cell, hoist_input=hoist_input, unroll=steps), params, xs, weights
    )
    assert_tree_close(unrolled, rolled, rtol=GRAD_RTOL)
    carry, hs = layers.Recurrent(cell, unroll=steps, hoist_input=hoist_input).apply(
        {"params": params}, xs, return_carry=True
    )
    loop_carry, loop_hs = layers.unroll(cell, params["cell"], cell.initial_carry(B, DTYPE), xs)
    np.testing.assert_allclose(hs, loop_hs, rtol=RTOL)
    assert_tree_close(carry, loop_carry, rtol=RTOL)


@pytest.mark.parametrize("layer_norm", [False, True])
@pytest.mark.parametrize("name", CELLS)
def test_unroll_function_hoisted_equals_per_step(name, layer_norm):
    cell, params = _params(name, layer_norm)
    xs, _ = _inputs()
    carry0 = cell.initial_carry(B, DTYPE)
    carry, hs = layers.unroll(cell, params["cell"], carry0, xs)
    hoisted_carry, hoisted_hs = layers.unroll(cell, params["cell"], carry0, xs, hoist_input=True)
    np.testing.assert_allclose(hoisted_hs, hs, rtol=RTOL)
    assert_tree_close(hoisted_carry, carry, rtol=RTOL)


@pytest.mark.parametrize("name", CELLS)
def test_project_then_step_is_one_call(name):
    cell, params = _params(name, layer_norm=True)
    xs, _ = _inputs()
    variables = {"params": params["cell"]}
    ux = cell.apply(variables, xs[:, 0], method="project")
    assert ux.shape == (B, cell.gates * H)
    # project accepts any leading axes: the whole sequence at once, row by row the same.
    uxs = cell.apply(variables, xs, method="project")
    np.testing.assert_allclose(uxs[:, 0], ux, rtol=RTOL)
    carry0 = cell.initial_carry(B, DTYPE)
    stepped = cell.apply(variables, carry0, ux, method="step")
    called = cell.apply(variables, carry0, xs[:, 0])
    assert_tree_close(stepped, called, rtol=0.0)
