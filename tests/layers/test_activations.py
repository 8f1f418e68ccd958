import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import layers
from tests.fd import fd_grad
from tests.tolerances import tol

X = jnp.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("relu", [0, 0, 0, 0.5, 3]),
        ("leaky_relu", [-0.02, -0.005, 0, 0.5, 3]),
        ("tanh", np.tanh([-2, -0.5, 0, 0.5, 3])),
        ("sigmoid", 1 / (1 + np.exp(-np.array([-2, -0.5, 0, 0.5, 3])))),
        ("linear", [-2, -0.5, 0, 0.5, 3]),
    ],
)
def test_activation_values(name, expected):
    np.testing.assert_allclose(layers.activation(name)(X)[0], expected, rtol=1e-6, atol=1e-7)


def test_softmax_rows_sum_to_one():
    p = layers.activation("softmax")(jnp.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1000.0]]))
    np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-6)
    assert np.isfinite(np.asarray(p)).all()


def test_prelu_learns_its_slope(x64):
    module = layers.PReLU()
    x = jnp.array([[-2.0, 1.0], [-1.0, -3.0]])
    params = module.init(jax.random.key(0), x)
    np.testing.assert_allclose(params["params"]["alpha"], [0.25, 0.25])
    np.testing.assert_allclose(module.apply(params, x), [[-0.5, 1.0], [-0.25, -0.75]])
    f = lambda p: jnp.sum(module.apply(p, x) ** 2)
    # d/da sum (a x)^2 over negative x = 2 a sum x^2: column 0 has x = -2, -1; column 1 has -3.
    g = jax.grad(f)(params)["params"]["alpha"]
    np.testing.assert_allclose(g, [2 * 0.25 * 5, 2 * 0.25 * 9])
    expected = fd_grad(f, params, tol("float64", "fd_eps"))["params"]["alpha"]
    np.testing.assert_allclose(g, expected, rtol=tol("float64", "fd"))


def test_unknown_activation():
    with pytest.raises(ValueError, match="prelu"):
        layers.activation("swishy")
