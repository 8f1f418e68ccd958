import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import losses, models
from jaxnets.train import Objective, eval_step, init_state, train_step
from tests.fd import assert_tree_close, fd_grad
from tests.tolerances import tol

pytestmark = pytest.mark.usefixtures("fast_compiles")


@pytest.mark.parametrize(
    ("name", "input_shape", "expected"),
    [
        # 784-64-784: (784*64 + 64) + (64*784 + 784) = 50,240 + 50,960
        ("sparse_autoencoder", (784,), 101_200),
        # the dense 784-32-784 plus corruption (no parameters): 25,120 + 25,872
        ("denoising_autoencoder", (784,), 50_992),
        # conv 3x3 1->16: 9*16+16 = 160; conv 3x3 16->32: 9*16*32+32 = 4,640;
        # code 7*7*32=1,568 -> 32: 1,568*32+32 = 50,208; expand 32 -> 1,568: 32*1,568+1,568
        # = 51,744; conv^T 3x3 32->16: 9*32*16+16 = 4,624; conv^T 3x3 16->1: 9*16+1 = 145
        ("conv_autoencoder", (28, 28, 1), 111_521),
    ],
)
def test_registered_parameter_counts(name, input_shape, expected):
    spec = models.get_spec(name)
    assert spec.target == "input" and spec.example_input == input_shape
    model = models.create(name)
    assert models.summary(model, input_shape).total_params == expected
    # Shapes only: counting needs no FLOPs.
    variables = jax.eval_shape(model.init, jax.random.key(0), jnp.zeros((1, *input_shape)))
    assert sum(p.size for p in jax.tree.leaves(variables["params"])) == expected
    assert list(variables) == ["params"]  # nothing sown while initialising


@pytest.mark.parametrize(
    ("model", "input_shape", "expected"),
    [
        # 6-(4, 3)-4-6: encoder 6*4+4 + 4*3+3 = 43; decoder 3*4+4 + 4*6+6 = 46
        (models.SparseAutoencoder(encoder=(4, 3)), (6,), 89),
        # 2x2x2 = 8 inputs, 8-5-8: 8*5+5 + 5*8+8 = 93
        (models.DenoisingAutoencoder(encoder=(5,)), (2, 2, 2), 93),
        # 8x8x2 -> conv 3x3 2->3: 18*3+3 = 57 -> (4, 4, 3); code 48->4: 196; expand 4->48:
        # 240; conv^T 3x3 3->2: 27*2+2 = 56
        (models.ConvAutoencoder(features=(3,), latent=4), (8, 8, 2), 549),
    ],
)
def test_small_parameter_counts_and_shapes(model, input_shape, expected):
    x = jnp.ones((3, *input_shape))
    variables = jax.jit(model.init)(jax.random.key(0), x)
    assert sum(p.size for p in jax.tree.leaves(variables["params"])) == expected
    out = model.apply(variables, x, train=True, rngs={"noise": jax.random.key(1)}, mutable=True)
    assert out[0].shape == x.shape


def test_conv_autoencoder_rejects_sizes_that_do_not_halve():
    model = models.ConvAutoencoder(features=(4, 4))
    with pytest.raises(ValueError, match="divisible by 4"):
        jax.jit(model.init)(jax.random.key(0), jnp.ones((1, 6, 6, 1)))


@pytest.mark.parametrize("corruption", ["mask", "gaussian"])
def test_denoising_corrupts_only_in_training(corruption):
    model = models.DenoisingAutoencoder(encoder=(8,), corruption=corruption, rate=0.5)
    x = jax.random.uniform(jax.random.key(0), (4, 16))
    variables = jax.jit(model.init)(jax.random.key(1), x)

    def run(train, key):
        return model.apply(variables, x, train=train, rngs={"noise": jax.random.key(key)})

    clean = models.DenseAutoencoder((8,)).apply({"params": variables["params"]["autoencoder"]}, x)
    # Evaluation: no corruption, whatever the key: exactly the plain autoencoder.
    np.testing.assert_array_equal(run(False, 2), run(False, 3))
    np.testing.assert_array_equal(run(False, 2), clean)
    # Training: the output depends on the noise draw.
    assert not np.allclose(run(True, 2), clean)
    assert not np.allclose(run(True, 2), run(True, 3))
    with pytest.raises(Exception, match="noise"):
        model.apply(variables, x, train=True)  # training needs the "noise" stream


def test_mask_corruption_rate():
    # n = 100,000 Bernoulli(0.3) zeros: the std of the zero fraction is sqrt(0.21/n) = 0.00145;
    # 5 standard deviations is 0.0072.
    x = jnp.ones((100, 1000))
    out = models.corrupt(x, jax.random.key(0), "mask", 0.3)
    frac = float(jnp.mean(out == 0))
    assert abs(frac - 0.3) < 5 * np.sqrt(0.3 * 0.7 / x.size)
    assert set(np.unique(np.asarray(out))) == {0.0, 1.0}  # kept values are unchanged
    noisy = models.corrupt(x, jax.random.key(0), "gaussian", 0.3)
    # Sample std of 100,000 N(0, 0.09) draws: relative std error 1/sqrt(2n) = 0.0022.
    assert abs(float(jnp.std(noisy - x)) / 0.3 - 1.0) < 5 / np.sqrt(2 * x.size)


def _state(name, input_shape, lr=1e-2, **overrides):
    model = models.create(name, **overrides)
    objective = Objective(models.get_spec(name).loss, "input", "image")
    return init_state(model, optax.adam(lr), objective, input_shape, key=jax.random.key(0))


def test_sparse_penalty_is_part_of_the_loss():
    state = _state("sparse_autoencoder", (3, 3, 1), encoder=(5,), sparsity=0.1)
    x = jax.random.uniform(jax.random.key(1), (4, 3, 3, 1))
    enc = state.params["encoder"]["dense_0"]
    h = jax.nn.relu(x.reshape(4, -1) @ enc["kernel"] + enc["bias"])  # (B, 5)
    penalty = 0.1 * jnp.mean(jnp.sum(jnp.abs(h), axis=-1))
    outputs = state.apply_fn({"params": state.params}, x)
    recon = jnp.mean(losses.logistic_per_example(outputs, x))
    metrics = eval_step(state, {"image": x})
    np.testing.assert_allclose(metrics["aux_loss"], penalty, rtol=tol("float32", "values"))
    np.testing.assert_allclose(metrics["loss"], recon + penalty, rtol=tol("float32", "values"))
    assert float(penalty) > 0
    _, train_metrics = train_step(state, {"image": x})
    np.testing.assert_allclose(train_metrics["aux_loss"], penalty, rtol=tol("float32", "values"))


def test_sparse_objective_gradient_matches_finite_differences(x64):
    # Sigmoid code: |h| = h is smooth there, so finite differences apply everywhere.
    model = models.SparseAutoencoder(encoder=(3,), sparsity=0.5, activation="sigmoid")
    x = jax.random.uniform(jax.random.key(0), (4, 5), jnp.float64)
    params = jax.jit(model.init)(jax.random.key(1), x)["params"]

    @jax.jit  # one compile, then each of the 2 x 38 finite-difference calls is cheap
    def objective(p):
        out, aux = model.apply({"params": p}, x, mutable=["losses"])
        return jnp.mean(losses.logistic_per_example(out, x)) + aux["losses"]["code_l1"][0]

    fd = fd_grad(objective, params, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.jit(jax.grad(objective))(params), fd, tol("float64", "fd"), tol("float64", "fd_atol")
    )


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        ("autoencoder", {"encoder": (8,)}),
        ("deep_autoencoder", {"encoder": (16, 8)}),
        ("sparse_autoencoder", {"encoder": (8,)}),
        ("denoising_autoencoder", {"encoder": (8,)}),
        ("conv_autoencoder", {"features": (4, 8), "latent": 8}),
    ],
)
def test_two_steps_reduce_the_loss(name, overrides):
    state = _state(name, (8, 8, 1), **overrides)
    x = jax.random.uniform(jax.random.key(1), (16, 8, 8, 1))
    batch = {"image": x}
    before = float(eval_step(state, batch)["loss"])
    state, first = train_step(state, batch)
    state, second = train_step(state, batch)
    after = float(eval_step(state, batch)["loss"])
    assert int(state.step) == 2
    assert np.isfinite(float(first["loss"]))
    assert float(second["loss"]) < float(first["loss"])
    assert after < before
