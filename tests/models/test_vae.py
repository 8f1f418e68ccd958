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


def _tiny(activation="tanh"):
    # 2x2x1 images, hidden 3, latent 2: small enough for finite differences everywhere.
    return models.VAE(hidden=(3,), latent=2, image_shape=(2, 2, 1), activation=activation)


@pytest.mark.parametrize(
    ("model", "input_shape", "expected"),
    [
        # enc 784*256+256 = 200,960; mean and logvar heads 256*16+16 = 4,112 each;
        # dec 16*256+256 = 4,352; out 256*784+784 = 201,488
        (models.create("vae"), (28, 28, 1), 415_024),
        # enc 4*3+3 = 15; heads 3*2+2 = 8 each; dec 2*3+3 = 9; out 3*4+4 = 16
        (_tiny(), (2, 2, 1), 56),
        # two hidden layers 8x8 -> 64: 64*10+10 = 650, 10*6+6 = 66; heads 6*3+3 = 21 each;
        # dec 3*6+6 = 24, 6*10+10 = 70, 10*64+64 = 704
        (models.VAE(hidden=(10, 6), latent=3, image_shape=(8, 8, 1)), (8, 8, 1), 1_556),
    ],
)
def test_parameter_counts(model, input_shape, expected):
    assert models.summary(model, input_shape).total_params == expected
    variables = jax.eval_shape(model.init, jax.random.key(0), jnp.zeros((1, *input_shape)))
    assert sum(p.size for p in jax.tree.leaves(variables["params"])) == expected
    assert list(variables) == ["params"]  # the KL is not stored at init


def test_registry_entry():
    spec = models.get_spec("vae")
    assert (spec.loss, spec.target, spec.example_input) == ("logistic", "input", (28, 28, 1))


def test_gaussian_kl_known_values():
    mean = jnp.array([[0.0, 0.0], [1.0, -2.0]])
    logvar = jnp.array([[0.0, 0.0], [jnp.log(4.0), 0.0]])
    # Row 0 is N(0, I) itself: 0. Row 1: 0.5 * ((4 + 1 - 1 - log 4) + (1 + 4 - 1 - 0)).
    expected = [0.0, 0.5 * (4.0 - np.log(4.0) + 4.0)]
    np.testing.assert_allclose(losses.gaussian_kl(mean, logvar), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="differ"):
        losses.gaussian_kl(mean, logvar[:, :1])


def test_gaussian_kl_gradient_matches_finite_differences(x64):
    key_m, key_v = jax.random.split(jax.random.key(0))
    tree = {
        "mean": jax.random.normal(key_m, (3, 4), jnp.float64),
        "logvar": 0.5 * jax.random.normal(key_v, (3, 4), jnp.float64),
    }

    def f(t):
        return jnp.sum(losses.gaussian_kl(t["mean"], t["logvar"]) * jnp.array([1.0, 2.0, 3.0]))

    fd = fd_grad(jax.jit(f), tree, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.jit(jax.grad(f))(tree), fd, tol("float64", "fd"), tol("float64", "fd_atol")
    )
    # And the analytic derivatives: d/dmean = mean, d/dlogvar = (exp(logvar) - 1) / 2.
    g = jax.grad(lambda t: jnp.sum(losses.gaussian_kl(t["mean"], t["logvar"])))(tree)
    np.testing.assert_allclose(g["mean"], tree["mean"], rtol=tol("float64", "exact"))
    np.testing.assert_allclose(
        g["logvar"], 0.5 * (jnp.exp(tree["logvar"]) - 1.0), rtol=tol("float64", "exact")
    )


def test_kl_closed_form_matches_monte_carlo(x64):
    # KL(q || p) = E_q[log q(z) - log p(z)]. With n samples the estimate's standard error is
    # std(log q - log p) / sqrt(n); we require agreement within 5 standard errors (a fixed key
    # makes the test deterministic; a fresh key would fail with probability < 1e-6).
    n = 200_000
    mean = jnp.array([[0.5, -1.0, 0.0], [2.0, 0.3, -0.7]], jnp.float64)
    logvar = jnp.array([[0.0, -1.0, 0.7], [-0.5, 0.2, 1.0]], jnp.float64)
    std = jnp.exp(0.5 * logvar)
    eps = jax.random.normal(jax.random.key(0), (n, *mean.shape), jnp.float64)
    z = mean + std * eps  # (n, B, L)
    log_q = jnp.sum(-0.5 * eps**2 - jnp.log(std) - 0.5 * jnp.log(2 * jnp.pi), axis=-1)
    log_p = jnp.sum(-0.5 * z**2 - 0.5 * jnp.log(2 * jnp.pi), axis=-1)
    samples = log_q - log_p  # (n, B)
    estimate = samples.mean(axis=0)
    stderr = samples.std(axis=0) / np.sqrt(n)
    exact = losses.gaussian_kl(mean, logvar)
    assert np.all(np.abs(estimate - exact) < 5 * stderr), (estimate, exact, stderr)


def _neg_elbo(model, params, x, key):
    """Mean negative ELBO with one reparameterised sample from ``key``, and its two parts."""
    logits, aux = model.apply(
        {"params": params}, x, train=True, rngs={"noise": key}, mutable=["losses"]
    )
    recon = jnp.mean(losses.logistic_per_example(logits, x))
    kl = aux["losses"]["kl"][0]
    return recon + kl, (recon, kl)


def test_elbo_gradient_matches_finite_differences(x64):
    model = _tiny()
    x = jax.random.uniform(jax.random.key(0), (5, 2, 2, 1), jnp.float64)
    params = jax.jit(model.init)(jax.random.key(1), x)["params"]
    key = jax.random.key(2)  # the same eps for every evaluation: a deterministic function

    def f(p):
        return _neg_elbo(model, p, x, key)[0]

    fd = fd_grad(jax.jit(f), params, tol("float64", "fd_eps"))
    assert_tree_close(
        jax.jit(jax.grad(f))(params), fd, tol("float64", "fd"), tol("float64", "fd_atol")
    )


def test_sown_kl_is_the_closed_form_on_the_encoder_outputs():
    model = _tiny()
    x = jax.random.uniform(jax.random.key(0), (5, 2, 2, 1))
    params = jax.jit(model.init)(jax.random.key(1), x)["params"]
    mean, logvar = model.apply({"params": params}, x, method=models.VAE.encode)
    _, (_, kl) = _neg_elbo(model, params, x, jax.random.key(2))
    expected = jnp.mean(losses.gaussian_kl(mean, logvar))
    np.testing.assert_allclose(kl, expected, rtol=tol("float32", "values"))


def test_reparameterization_gradient_reaches_the_encoder():
    model = _tiny()
    x = jax.random.uniform(jax.random.key(0), (5, 2, 2, 1))
    params = jax.jit(model.init)(jax.random.key(1), x)["params"]

    def recon(p, train):
        logits, _ = model.apply(
            {"params": p}, x, train=train, rngs={"noise": jax.random.key(3)}, mutable=["losses"]
        )
        return jnp.mean(losses.logistic_per_example(logits, x))

    def norm(tree):
        return float(optax.tree.norm(tree))

    g_train = jax.jit(jax.grad(recon), static_argnums=1)(params, True)
    # Sampling z = mean + exp(logvar/2) eps: the reconstruction term alone reaches both heads
    # and the shared encoder layer.
    for name in ("enc_0", "mean", "logvar"):
        assert norm(g_train[name]) > 0, name
    # At evaluation z = mean: the reconstruction does not depend on logvar at all.
    g_eval = jax.jit(jax.grad(recon), static_argnums=1)(params, False)
    assert norm(g_eval["logvar"]) == 0.0 and norm(g_eval["mean"]) > 0


def test_sampling_only_in_training():
    model = _tiny()
    x = jax.random.uniform(jax.random.key(0), (5, 2, 2, 1))
    variables = jax.jit(model.init)(jax.random.key(1), x)

    def run(train, key):
        return model.apply(variables, x, train=train, rngs={"noise": jax.random.key(key)})

    np.testing.assert_array_equal(run(False, 1), run(False, 2))
    mean, _ = model.apply(variables, x, method=models.VAE.encode)
    np.testing.assert_array_equal(
        run(False, 1), model.apply(variables, mean, method=models.VAE.decode)
    )
    assert not np.allclose(run(True, 1), run(True, 2))


def test_rejects_inputs_of_another_shape():
    model = _tiny()
    with pytest.raises(ValueError, match="image_shape"):
        jax.jit(model.init)(jax.random.key(0), jnp.ones((1, 3, 3, 1)))


def test_sample_decodes_standard_normal_codes():
    model = _tiny()
    variables = jax.jit(model.init)(jax.random.key(0), jnp.ones((1, 2, 2, 1)))
    a = models.sample(model, variables, key=jax.random.key(1), num=7)
    b = models.sample(model, variables, key=jax.random.key(2), num=7)
    assert a.shape == (7, 2, 2, 1)
    assert float(a.min()) >= 0.0 and float(a.max()) <= 1.0
    assert not np.allclose(a, b)
    # The Bernoulli means of the decoder at z ~ N(0, I), the same draws as the key gives.
    z = jax.random.normal(jax.random.key(1), (7, model.latent))
    logits = model.apply(variables, z, method=models.VAE.decode)
    np.testing.assert_allclose(a, jax.nn.sigmoid(logits), rtol=1e-6)


def test_train_step_loss_is_the_negative_elbo_and_falls():
    model = models.VAE(hidden=(16,), latent=4, image_shape=(8, 8, 1))
    objective = Objective("logistic", "input", "image")
    state = init_state(model, optax.adam(1e-2), objective, (8, 8, 1), key=jax.random.key(0))
    x = jax.random.uniform(jax.random.key(1), (16, 8, 8, 1))
    batch = {"image": x}
    # Evaluation (z = mean): "loss" = reconstruction + KL, each counted once.
    metrics = eval_step(state, batch)
    mean, logvar = model.apply({"params": state.params}, x, method=models.VAE.encode)
    kl = jnp.mean(losses.gaussian_kl(mean, logvar))
    recon = jnp.mean(losses.logistic_per_example(model.apply({"params": state.params}, x), x))
    np.testing.assert_allclose(metrics["aux_loss"], kl, rtol=tol("float32", "values"))
    np.testing.assert_allclose(metrics["loss"], recon + kl, rtol=tol("float32", "values"))
    # Training: the step's own noise; two steps on one batch lower the negative ELBO.
    before = float(metrics["loss"])
    state, first = train_step(state, batch)
    state, second = train_step(state, batch)
    assert float(second["loss"]) < float(first["loss"])
    assert float(eval_step(state, batch)["loss"]) < before
