import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import layers, models
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol

B, T, D, H = 2, 4, 3, 5
CELLS = ["rnn", "lstm", "gru"]


pytestmark = pytest.mark.usefixtures("fast_compiles")


def _setup(name, dtype=jnp.float32, **kwargs):
    cell = layers.make_cell(name, H, **kwargs)
    xs = jax.random.normal(jax.random.key(1), (B, T, D), dtype)
    params = layers.Recurrent(cell).init(jax.random.key(0), xs)["params"]["cell"]
    # Dense creates float32 parameters whatever the input; the float64 checks need float64.
    return cell, jax.tree.map(lambda p: p.astype(dtype), params), xs


def _num(tree) -> int:
    return sum(x.size for x in jax.tree.leaves(tree))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rnn", 1 * (H * (D + H) + H)),  # U (3, 5) + W (5, 5) + b (5,) = 45
        ("lstm", 4 * (H * (D + H) + H)),  # four gates: 180
        ("gru", 3 * (H * (D + H) + H)),  # reset, update, candidate: 135
    ],
)
def test_param_counts(name, expected):
    _, params, _ = _setup(name)
    assert _num(params) == expected


@pytest.mark.parametrize("name", CELLS)
def test_shapes_and_final_carry(name):
    cell, params, xs = _setup(name)
    carry, hs = layers.unroll(cell, params, cell.initial_carry(B), xs)
    assert hs.shape == (B, T, H)
    # The final carry's hidden state is the last output (for the LSTM, the h of (c, h)).
    last = carry[1] if name == "lstm" else carry
    np.testing.assert_array_equal(last, hs[:, -1])


def test_simple_rnn_is_the_lecture_equation(x64):
    cell, params, xs = _setup("rnn", jnp.float64)
    u, b = np.asarray(params["input"]["kernel"]), np.asarray(params["input"]["bias"])
    w = np.asarray(params["recurrent"]["kernel"])
    s = np.zeros((B, H))
    expected = []
    for t in range(T):  # s_t = tanh(U x_t + W s_{t-1} + b), row-vector convention
        s = np.tanh(np.asarray(xs[:, t]) @ u + s @ w + b)
        expected.append(s)
    _, hs = layers.unroll(cell, params, cell.initial_carry(B, jnp.float64), xs)
    np.testing.assert_allclose(hs, np.stack(expected, axis=1), rtol=tol("float64", "exact"))


def test_lstm_is_the_lecture_equation(x64):
    cell, params, xs = _setup(
        "lstm",
        jnp.float64,
    )
    u, b = np.asarray(params["input"]["kernel"]), np.asarray(params["input"]["bias"])
    w = np.asarray(params["recurrent"]["kernel"])
    sig = lambda z: 1 / (1 + np.exp(-z))
    c = h = np.zeros((B, H))
    for t in range(T):
        i, f, g, o = np.split(np.asarray(xs[:, t]) @ u + h @ w + b, 4, axis=-1)
        c = sig(f + 1.0) * c + sig(i) * np.tanh(g)  # forget_bias = 1
        h = sig(o) * np.tanh(c)
    (c_out, h_out), _ = layers.unroll(cell, params, cell.initial_carry(B, jnp.float64), xs)
    np.testing.assert_allclose(c_out, c, rtol=tol("float64", "exact"))
    np.testing.assert_allclose(h_out, h, rtol=tol("float64", "exact"))


def test_gru_interpolates_between_old_and_candidate_state(x64):
    cell, params, xs = _setup("gru", jnp.float64)
    u, b = np.asarray(params["input"]["kernel"]), np.asarray(params["input"]["bias"])
    w_rz = np.asarray(params["recurrent"]["kernel"])
    w_s = np.asarray(params["candidate"]["kernel"])
    sig = lambda z: 1 / (1 + np.exp(-z))
    s = np.zeros((B, H))
    for t in range(T):
        u_r, u_z, u_s = np.split(np.asarray(xs[:, t]) @ u + b, 3, axis=-1)
        w_r, w_z = np.split(s @ w_rz, 2, axis=-1)
        r, z = sig(u_r + w_r), sig(u_z + w_z)
        s = (1 - z) * np.tanh(u_s + (r * s) @ w_s) + z * s
    s_out, _ = layers.unroll(cell, params, cell.initial_carry(B, jnp.float64), xs)
    np.testing.assert_allclose(s_out, s, rtol=tol("float64", "exact"))


@pytest.mark.parametrize("name", CELLS)
def test_recurrent_module_matches_unroll(name):
    cell, params, xs = _setup(name)
    hs_module = layers.Recurrent(cell).apply({"params": {"cell": params}}, xs)
    _, hs = layers.unroll(cell, params, cell.initial_carry(B), xs)
    np.testing.assert_allclose(hs_module, hs, rtol=tol("float32", "exact"))


def test_identity_and_orthogonal_recurrent_init():
    _, params, _ = _setup("rnn", recurrent_init="identity", activation="relu")  # IRNN
    np.testing.assert_array_equal(params["recurrent"]["kernel"], np.eye(H))
    _, params, _ = _setup("lstm")  # orthogonal by default: columns orthonormal
    w = np.asarray(params["recurrent"]["kernel"])  # (H, 4H): rows orthonormal
    np.testing.assert_allclose(w @ w.T, np.eye(H), atol=tol("float32", "exact"))


def _loss(cell, xs, weights):
    def f(params):
        _, hs = layers.unroll(cell, params, cell.initial_carry(xs.shape[0], xs.dtype), xs)
        return jnp.sum(hs * weights)

    return f


@pytest.mark.parametrize("name", CELLS)
def test_gradients_match_finite_differences(x64, name):
    cell, params, xs = _setup(name, jnp.float64)
    weights = jax.random.normal(jax.random.key(2), (B, T, H), jnp.float64)
    f = jax.jit(_loss(cell, xs, weights))
    expected = fd_grad(f, params, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(f)(params), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )


@pytest.mark.parametrize("name", CELLS)
def test_bptt_through_scan_matches_a_python_loop(x64, name):
    cell, params, xs = _setup(name, jnp.float64)
    weights = jax.random.normal(jax.random.key(2), (B, T, H), jnp.float64)

    def loop_loss(params):  # the textbook unroll: one cell call per time step
        carry, total = cell.initial_carry(B, jnp.float64), 0.0
        for t in range(T):
            carry, h = cell.apply({"params": params}, carry, xs[:, t])
            total = total + jnp.sum(h * weights[:, t])
        return total

    # Both jitted (one compilation each, not hundreds of eager ops); the traces differ.
    scan_value, scan_grad = jax.jit(jax.value_and_grad(_loss(cell, xs, weights)))(params)
    loop_value, loop_grad = jax.jit(jax.value_and_grad(loop_loss))(params)
    np.testing.assert_allclose(scan_value, loop_value, rtol=tol("float64", "exact"))
    assert_tree_close(scan_grad, loop_grad, rtol=tol("float64", "backprop"))


def test_unknown_cell_and_bad_input_are_clear_errors():
    with pytest.raises(ValueError, match="unknown cell 'elman'"):
        layers.make_cell("elman", 4)
    with pytest.raises(ValueError, match=r"\(B, T, D\)"):
        layers.Recurrent(layers.SimpleRNNCell(4)).init(jax.random.key(0), jnp.ones((3, 2)))


# --- layer_norm=True: pre-activations normalised per gate group (Ba et al. 2016) -------------

GATES = {"rnn": 1, "lstm": 4, "gru": 3}
# The parameters of the cells before the option existed; checkpoints rely on these names.
DEFAULT_PARAMS = {
    "rnn": {("input", "kernel"), ("input", "bias"), ("recurrent", "kernel")},
    "lstm": {("input", "kernel"), ("input", "bias"), ("recurrent", "kernel")},
    "gru": {
        ("input", "kernel"),
        ("input", "bias"),
        ("recurrent", "kernel"),
        ("candidate", "kernel"),
    },
}


def _paths(params) -> set[tuple[str, ...]]:
    flat = jax.tree_util.tree_flatten_with_path(params)[0]
    return {tuple(k.key for k in path) for path, _ in flat}


@pytest.mark.parametrize("name", CELLS)
def test_layer_norm_off_by_default_keeps_names_and_outputs(name):
    cell, params, xs = _setup(name)
    assert cell.layer_norm is False
    assert _paths(params) == DEFAULT_PARAMS[name]
    explicit = layers.make_cell(name, H, layer_norm=False)
    _, hs = layers.unroll(cell, params, cell.initial_carry(B), xs)
    _, hs_off = layers.unroll(explicit, params, explicit.initial_carry(B), xs)
    np.testing.assert_array_equal(hs, hs_off)


@pytest.mark.parametrize("name", CELLS)
def test_layer_norm_shapes_and_param_counts(name):
    g = GATES[name]
    cell, params, xs = _setup(name, layer_norm=True)
    # The cell's G·(H·(D + H) + H) plus a gain and a bias per pre-activation: 2·G·H.
    assert _num(params) == g * (H * (D + H) + H) + 2 * g * H
    assert _paths(params) - DEFAULT_PARAMS[name] == (
        {("norm", "scale"), ("norm", "bias")}
        | ({("candidate_norm", "scale"), ("candidate_norm", "bias")} if name == "gru" else set())
    )
    _, hs = layers.unroll(cell, params, cell.initial_carry(B), xs)
    assert hs.shape == (B, T, H)
    assert bool(jnp.all(jnp.isfinite(hs)))


def _with_random_gains(params, key):
    """Gains and biases away from their ones/zeros initialisation, so that tests see them."""
    leaves, treedef = jax.tree_util.tree_flatten_with_path(params)
    keys = jax.random.split(key, len(leaves))
    out = []
    for (path, leaf), k in zip(leaves, keys, strict=True):
        names = [p.key for p in path]
        if names[0].endswith("norm"):
            leaf = leaf + 0.5 * jax.random.normal(k, leaf.shape, leaf.dtype)
        out.append(leaf)
    return jax.tree.unflatten(treedef, out)


@pytest.mark.parametrize("name", CELLS)
def test_layer_norm_pre_activations_have_zero_mean_unit_variance_per_group(x64, name):
    g = GATES[name]
    cell, params, xs = _setup(name, jnp.float64, layer_norm=True)
    params = _with_random_gains(params, jax.random.key(3))
    carry, _ = layers.unroll(cell, params, cell.initial_carry(B, jnp.float64), xs[:, :1])

    @jax.jit  # one compiled step from a non-zero state, every module's output captured
    def step(params, carry, x):
        return cell.apply(
            {"params": params}, carry, x, capture_intermediates=True, mutable="intermediates"
        )[1]

    state = step(params, carry, xs[:, 1])
    # Every normalisation's output, with its gain and bias taken off again.
    for norm, groups in [("norm", 2 if name == "gru" else g), ("candidate_norm", 1)]:
        if norm not in params:
            continue
        out = state["intermediates"][norm]["__call__"][0]
        p = params[norm]
        normed = ((out - p["bias"]) / p["scale"]).reshape(B, groups, H)
        np.testing.assert_allclose(normed.mean(-1), 0.0, atol=1e-12)
        # var / (var + eps) with eps = 1e-5: one to within 1e-3 for these pre-activations.
        np.testing.assert_allclose(normed.var(-1), 1.0, atol=1e-3)


def test_layer_norm_rnn_is_the_equation(x64):
    cell, params, xs = _setup("rnn", jnp.float64, layer_norm=True)
    params = _with_random_gains(params, jax.random.key(4))
    u, b = np.asarray(params["input"]["kernel"]), np.asarray(params["input"]["bias"])
    w = np.asarray(params["recurrent"]["kernel"])
    gain, beta = np.asarray(params["norm"]["scale"]), np.asarray(params["norm"]["bias"])
    s = np.zeros((B, H))
    for t in range(T):  # s_t = tanh(LN(U x_t + W s_{t-1} + b)), LN over the H units
        a = np.asarray(xs[:, t]) @ u + s @ w + b
        mu, var = a.mean(-1, keepdims=True), a.var(-1, keepdims=True)
        s = np.tanh((a - mu) / np.sqrt(var + 1e-5) * gain + beta)
    s_out, _ = layers.unroll(cell, params, cell.initial_carry(B, jnp.float64), xs)
    np.testing.assert_allclose(s_out, s, rtol=tol("float64", "exact"))


@pytest.mark.parametrize("name", CELLS)
def test_layer_norm_gradients_match_finite_differences(x64, name):
    cell, params, xs = _setup(name, jnp.float64, layer_norm=True)
    params = _with_random_gains(params, jax.random.key(5))
    weights = jax.random.normal(jax.random.key(2), (B, T, H), jnp.float64)
    f = jax.jit(_loss(cell, xs, weights))
    expected = fd_grad(f, params, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(f)(params), expected, rtol=tol("float64", "fd"), atol=tol("float64", "fd_atol")
    )


@pytest.mark.parametrize("name", ["char_rnn", "char_lstm", "char_gru"])
def test_registered_char_models_pass_layer_norm_to_their_cell(name):
    g = GATES[name.removeprefix("char_")]
    tokens = jnp.zeros((1, 4), jnp.int32)
    counts = {}
    for layer_norm in (False, True):
        model = models.create(name, num_classes=6, hidden=H, layer_norm=layer_norm)
        counts[layer_norm] = _num(jax.eval_shape(model.init, jax.random.key(0), tokens))
    assert counts[True] - counts[False] == 2 * g * H
