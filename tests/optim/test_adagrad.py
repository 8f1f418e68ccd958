"""AdaGrad and RMSprop in the lectures' form against numpy transcriptions of their updates,
and how they differ from optax's (accumulator init 0.1, eps inside the root)."""

import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import optim

GRADS = np.array([[0.5, -2.0, 0.0], [1.5, 0.1, 0.0], [-0.2, 3.0, 1e-3], [0.7, -0.4, 2.0]])


def _lecture_numpy(lr: float, eps: float) -> list[np.ndarray]:
    # cs231n / lecture 004: cache += dx**2; x += -learning_rate * dx / (np.sqrt(cache) + eps)
    x, cache, path = np.zeros(3), np.zeros(3), []
    for dx in GRADS:
        cache += dx**2
        x += -lr * dx / (np.sqrt(cache) + eps)
        path.append(x.copy())
    return path


@pytest.mark.parametrize("eps", [1e-8, 0.5])
def test_matches_the_lecture_update_step_by_step(x64, eps):
    tx = optim.from_config(optim.OptimizerConfig("adagrad_lecture", learning_rate=0.1, eps=eps))
    params = jnp.zeros(3, jnp.float64)
    state = tx.init(params)
    for grad, expected in zip(GRADS, _lecture_numpy(0.1, eps), strict=True):
        updates, state = tx.update(jnp.asarray(grad), state, params)
        params = optax.apply_updates(params, updates)
        np.testing.assert_allclose(params, expected, rtol=1e-12, atol=1e-15)


def test_zero_gradient_stays_put_and_the_accumulator_starts_at_zero():
    tx = optim.scale_by_adagrad()
    state = tx.init(jnp.ones(2))
    assert jnp.all(state.sum_of_squares == 0)
    updates, state = tx.update(jnp.zeros(2), state)
    assert jnp.all(updates == 0) and jnp.all(state.sum_of_squares == 0)


def test_optax_adagrad_is_a_different_update(x64):
    # First step on g = 0.5: the lecture moves lr * g / |g| = lr; optax's accumulator
    # starts at 0.1, so it moves lr * 0.5 / sqrt(0.1 + 0.25 + eps), about 0.845 lr.
    g = jnp.array([0.5])
    lecture = optim.from_config(optim.OptimizerConfig("adagrad_lecture", 1.0, eps=1e-10))
    optax_form = optim.from_config(optim.OptimizerConfig("adagrad", 1.0, eps=1e-10))
    ours, _ = lecture.update(g, lecture.init(jnp.zeros(1)))
    theirs, _ = optax_form.update(g, optax_form.init(jnp.zeros(1)))
    assert float(ours[0]) == pytest.approx(-1.0, rel=1e-8)
    assert float(theirs[0]) == pytest.approx(-0.5 / np.sqrt(0.35), rel=1e-6)


def test_rmsprop_lecture_matches_the_cs231n_update(x64):
    # cache = decay * cache + (1 - decay) * dx**2; x += -lr * dx / (np.sqrt(cache) + eps)
    lr, decay, eps = 0.01, 0.9, 0.1
    tx = optim.from_config(
        optim.OptimizerConfig("rmsprop_lecture", learning_rate=lr, decay=decay, eps=eps)
    )
    params = jnp.zeros(3, jnp.float64)
    state = tx.init(params)
    x, cache = np.zeros(3), np.zeros(3)
    for dx in GRADS:
        cache = decay * cache + (1 - decay) * dx**2
        x += -lr * dx / (np.sqrt(cache) + eps)
        updates, state = tx.update(jnp.asarray(dx), state, params)
        params = optax.apply_updates(params, updates)
        np.testing.assert_allclose(params, x, rtol=1e-12, atol=1e-15)
