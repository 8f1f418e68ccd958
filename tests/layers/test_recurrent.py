import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import layers
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
