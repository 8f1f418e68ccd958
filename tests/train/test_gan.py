import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import data, models, train
from jaxnets.train import gan_train_step, init_gan_state
from jaxnets.train._gan import discriminator_half_step, generator_half_step
from tests.tolerances import tol

IMAGE = (4, 4, 1)
LATENT = 3
LR = 0.1


pytestmark = pytest.mark.usefixtures("fast_compiles")


def _players():
    generator = models.MLPGenerator(hidden=(5,), image_shape=IMAGE)
    discriminator = models.MLPDiscriminator(hidden=(6,))
    return generator, discriminator


def _state(seed=0, tx=None):
    generator, discriminator = _players()
    tx = tx or optax.sgd(LR)
    return init_gan_state(
        generator,
        discriminator,
        tx,
        tx,
        image_shape=IMAGE,
        latent_dim=LATENT,
        key=jax.random.key(seed),
    )


def _real(n=8, dtype=jnp.float32):
    return jax.random.uniform(jax.random.key(42), (n, *IMAGE), dtype)


def _host(tree):
    return jax.tree.map(np.array, tree)


def _assert_same(a, b):
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        np.testing.assert_array_equal(x, y)


def _assert_all_changed(a, b):
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        assert not np.array_equal(x, y)


def test_step_updates_both_players_and_counts():
    state = _state(tx=optax.adam(1e-2))
    before = _host((state.g_params, state.d_params))
    _, discriminator = _players()
    d_before = jax.nn.sigmoid(discriminator.apply({"params": state.d_params}, _real()))
    old = state
    state, metrics = gan_train_step(state, {"image": _real()})
    assert int(state.step) == 1
    # The input state is donated: its buffers now hold the new state.
    assert all(leaf.is_deleted() for leaf in jax.tree.leaves((old.g_params, old.d_opt_state)))
    _assert_all_changed(before[0], _host(state.g_params))
    _assert_all_changed(before[1], _host(state.d_params))
    assert set(metrics) == {"d_loss", "g_loss", "d_real", "d_fake", "count"}
    assert all(np.isfinite(float(v)) for v in metrics.values())
    # d_real is D's mean output on the real batch before its update.
    np.testing.assert_allclose(metrics["d_real"], jnp.mean(d_before), rtol=tol("float32", "values"))
    # A second step draws new codes (fold_in(key, step)): a different generator update.
    step_1 = _host(state.g_params)
    state, _ = gan_train_step(state, {"image": _real()})
    _assert_all_changed(step_1, _host(state.g_params))


def test_discriminator_half_step_is_sgd_on_its_loss_and_leaves_the_generator(x64):
    state = _state()
    real = _real(dtype=jnp.float64)
    key = jax.random.key(7)
    new, metrics = jax.jit(discriminator_half_step)(state, real, key)
    _assert_same(new.g_params, state.g_params)
    _assert_same(new.g_opt_state, state.g_opt_state)
    generator, discriminator = _players()
    z = jax.random.normal(key, (real.shape[0], LATENT), jnp.float64)
    fake = generator.apply({"params": state.g_params}, z)

    def loss(d_params):  # -log sigmoid(D(x)) - log(1 - sigmoid(D(G(z))))
        d_real = discriminator.apply({"params": d_params}, real)
        d_fake = discriminator.apply({"params": d_params}, fake)
        return jnp.mean(jax.nn.softplus(-d_real)) + jnp.mean(jax.nn.softplus(d_fake))

    value, grads = jax.jit(jax.value_and_grad(loss))(state.d_params)
    expected = jax.tree.map(lambda p, g: p - LR * g, state.d_params, grads)
    np.testing.assert_allclose(metrics["d_loss"], value, rtol=tol("float64", "exact"))
    for a, e in zip(jax.tree.leaves(new.d_params), jax.tree.leaves(expected), strict=True):
        np.testing.assert_allclose(a, e, rtol=tol("float64", "exact"))
    _assert_all_changed(state.d_params, new.d_params)


def test_generator_half_step_is_non_saturating_and_leaves_the_discriminator(x64):
    state = _state()
    key = jax.random.key(8)
    new, metrics = jax.jit(generator_half_step, static_argnums=(1, 3))(state, 8, key, jnp.float64)
    _assert_same(new.d_params, state.d_params)
    _assert_same(new.d_opt_state, state.d_opt_state)
    generator, discriminator = _players()
    z = jax.random.normal(key, (8, LATENT), jnp.float64)

    def loss(g_params):  # non-saturating: -log sigmoid(D(G(z))), not log(1 - sigmoid(...))
        fake = generator.apply({"params": g_params}, z)
        return jnp.mean(jax.nn.softplus(-discriminator.apply({"params": state.d_params}, fake)))

    value, grads = jax.jit(jax.value_and_grad(loss))(state.g_params)
    expected = jax.tree.map(lambda p, g: p - LR * g, state.g_params, grads)
    np.testing.assert_allclose(metrics["g_loss"], value, rtol=tol("float64", "exact"))
    for a, e in zip(jax.tree.leaves(new.g_params), jax.tree.leaves(expected), strict=True):
        np.testing.assert_allclose(a, e, rtol=tol("float64", "exact"))
    _assert_all_changed(state.g_params, new.g_params)


def test_runs_are_pure_functions_of_the_seed():
    batch = {"image": _real()}
    a, _ = gan_train_step(_state(seed=1), batch)
    b, _ = gan_train_step(_state(seed=1), batch)
    c, _ = gan_train_step(_state(seed=2), batch)
    _assert_same(_host(a.g_params), _host(b.g_params))
    assert not np.array_equal(
        jax.tree.leaves(_host(a.d_params))[0], jax.tree.leaves(_host(c.d_params))[0]
    )


def test_generator_shape_must_match_the_data():
    generator, discriminator = _players()
    with pytest.raises(ValueError, match="generator makes images"):
        init_gan_state(
            generator,
            discriminator,
            optax.sgd(1.0),
            optax.sgd(1.0),
            image_shape=(5, 5, 1),
            latent_dim=LATENT,
            key=jax.random.key(0),
        )


@pytest.mark.parametrize("scan", [False, True], ids=["stepped", "scanned"])
def test_fit_trains_a_gan_through_its_step_like_a_hand_loop(scan):
    split = {"image": np.asarray(_real(32)), "label": np.zeros(32, np.int32)}
    config = train.FitConfig(epochs=2, batch_size=8, progress=False, check_every=3, scan=scan)
    result = train.fit(_state(tx=optax.adam(1e-2)), split, config=config, step=gan_train_step)
    assert [row["epoch"] for row in result.history] == [1, 2]
    assert int(result.state.step) == 2 * 32 // 8
    by_hand = _state(tx=optax.adam(1e-2))
    for epoch in range(2):
        for batch in data.batches(split, 8, seed=0, epoch=epoch):
            by_hand, _ = gan_train_step(by_hand, batch)
    for a, b in zip(
        jax.tree.leaves(result.state.g_params), jax.tree.leaves(by_hand.g_params), strict=True
    ):
        np.testing.assert_allclose(
            a, b, rtol=tol("float32", "params"), atol=tol("float32", "params")
        )
    generator, _ = _players()
    params = {"params": result.state.g_params}
    images = models.sample(generator, params, key=jax.random.key(0), num=5)
    assert images.shape == (5, *IMAGE)


def test_fit_refuses_a_gan_state_without_its_step():
    with pytest.raises(TypeError, match="gan_train_step"):
        train.fit(_state(), {"image": np.asarray(_real(8))})
