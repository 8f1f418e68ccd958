import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import models
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol


def _params(model, shape, dtype=jnp.float32):
    return model.init(jax.random.key(0), jnp.zeros((2, *shape), dtype))


@pytest.mark.parametrize(
    ("model", "input_shape", "expected"),
    [
        # 3-4-4-1: (3*4 + 4) + (4*4 + 4) + (4*1 + 1) = 16 + 20 + 5
        (models.MLP((4, 4, 1)), (3,), 41),
        # 3-4-2: (3*4 + 4) + (4*2 + 2) = 16 + 10
        (models.MLP((4, 2)), (3,), 26),
        # PReLU adds one slope per hidden unit: 26 + 4
        (models.MLP((4, 2), activation="prelu"), (3,), 30),
        # 784-32-784: (784*32 + 32) + (32*784 + 784) = 25,120 + 25,872
        (models.DenseAutoencoder((32,)), (784,), 50_992),
        # 784-128-64-32-64-128-784: 100,480 + 8,256 + 2,080 + 2,112 + 8,320 + 101,136
        (models.DenseAutoencoder((128, 64, 32)), (784,), 222_384),
        # softmax regression on 8x8 digits: 64*10 + 10
        (models.LinearClassifier(10), (8, 8, 1), 650),
        # LeNet-5: c1 5*5*1*6+6=156, c3 5*5*6*16+16=2,416, 400*120+120=48,120, 120*84+84=10,164,
        # 84*10+10=850
        (models.LeNet5(), (28, 28, 1), 61_706),
    ],
)
def test_parameter_counts(model, input_shape, expected):
    assert models.summary(model, input_shape).total_params == expected
    params = _params(model, input_shape)["params"]
    assert sum(p.size for p in jax.tree.leaves(params)) == expected


@pytest.mark.parametrize(
    ("model", "input_shape", "output_shape"),
    [
        (models.MLP((5, 3)), (4,), (2, 3)),
        (models.MLP((5, 3)), (2, 2), (2, 3)),
        (models.LinearClassifier(7), (3, 3, 1), (2, 7)),
        (models.LeNet5(num_classes=4), (28, 28, 1), (2, 4)),
        (models.DenseAutoencoder((8,)), (6, 6, 1), (2, 6, 6, 1)),
    ],
)
def test_output_shapes(model, input_shape, output_shape):
    x = jnp.ones((2, *input_shape))
    assert model.apply(_params(model, input_shape), x).shape == output_shape


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "prelu"])
def test_mlp_gradient_matches_finite_differences(activation, x64):
    model = models.MLP((3, 2), activation=activation)
    x = jax.random.normal(jax.random.key(1), (4, 3), jnp.float64)
    variables = model.init(jax.random.key(2), x)
    f = lambda v: jnp.sum(jnp.sin(model.apply(v, x)))
    expected = fd_grad(f, variables, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.grad(f)(variables), expected, tol("float64", "fd"), tol("float64", "fd_atol")
    )


def test_lenet_gradient_matches_finite_differences_on_a_slice(x64):
    model = models.LeNet5(num_classes=3, activation="tanh")
    x = jax.random.uniform(jax.random.key(3), (1, 28, 28, 1), jnp.float64)
    variables = model.init(jax.random.key(4), x)
    # Check the output layer fully and c1's bias: cheap, and both ends of the network.
    sub = {"out": variables["params"]["output"], "c1b": variables["params"]["c1"]["bias"]}

    def f(s):
        p = jax.tree.map(lambda a: a, variables["params"])
        p = {**p, "output": s["out"], "c1": {**p["c1"], "bias": s["c1b"]}}
        return jnp.sum(jax.nn.log_softmax(model.apply({"params": p}, x)) * jnp.arange(3.0))

    assert_tree_close(
        jax.grad(f)(sub),
        fd_grad(f, sub, tol("float64", "fd_eps")),
        tol("float64", "fd"),
        tol("float64", "fd_atol"),
    )


def test_softmax_output_gives_probabilities():
    model = models.MLP((4, 3), output_activation="softmax")
    x = jnp.ones((5, 2))
    out = model.apply(_params(model, (2,)), x)
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-6)


@pytest.mark.parametrize(
    ("model", "x", "match"),
    [
        (models.MLP((3,)), jnp.ones((4,)), "batch"),
        (models.LeNet5(), jnp.ones((2, 28, 28, 3)), r"\(B, H, W, 1\)"),
        (models.MLP(()), jnp.ones((2, 3)), "at least one layer"),
    ],
)
def test_bad_input_is_explained(model, x, match):
    with pytest.raises(ValueError, match=match):
        model.init(jax.random.key(0), x)
