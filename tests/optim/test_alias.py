import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import optim
from jaxnets.errors import InvalidArgumentError, InvalidTypeError

REFERENCE = {
    "sgd": lambda lr: optax.sgd(lr),
    "momentum": lambda lr: optax.sgd(lr, momentum=0.9),
    "nesterov": lambda lr: optax.sgd(lr, momentum=0.9, nesterov=True),
    "adagrad": lambda lr: optax.adagrad(lr, eps=1e-8),
    "rmsprop": lambda lr: optax.rmsprop(lr, decay=0.9, eps=1e-8),
    "rmsprop_lecture": lambda lr: optax.rmsprop(lr, decay=0.9, eps=1e-8, eps_in_sqrt=False),
    "adam": lambda lr: optax.adam(lr),
}


# adagrad_lecture has no optax alias: tests/optim/test_adagrad.py checks it against the
# lectures' update written out in numpy.
@pytest.mark.parametrize("name", [n for n in optim.OPTIMIZERS if n != "adagrad_lecture"])
def test_matches_optax_alias(name, x64):
    ours = optim.from_config(optim.OptimizerConfig(name, learning_rate=0.05))
    ref = REFERENCE[name](0.05)
    p = jnp.array([1.0, -2.0, 3.0])
    s1, s2 = ours.init(p), ref.init(p)
    for i in range(4):
        g = jnp.sin(p + i)
        u1, s1 = ours.update(g, s1, p)
        u2, s2 = ref.update(g, s2, p)
        np.testing.assert_allclose(u1, u2, rtol=1e-12)


@pytest.mark.parametrize("name", optim.OPTIMIZERS)
def test_minimises_a_quadratic(name):
    lr = {
        "sgd": 0.1,
        "momentum": 0.05,
        "nesterov": 0.05,
        "adagrad": 0.5,
        "adagrad_lecture": 0.5,
    }.get(name, 0.05)
    tx = optim.from_config(optim.OptimizerConfig(name, learning_rate=lr))
    p = jnp.array([3.0, -2.0])
    state = tx.init(p)
    loss = lambda p: jnp.sum((p - 1.0) ** 2)
    for _ in range(200):
        updates, state = tx.update(jax.grad(loss)(p), state, p)
        p = optax.apply_updates(p, updates)
    assert loss(p) < 1e-2


def test_weight_decay_and_clipping():
    tx = optim.from_config(optim.OptimizerConfig("sgd", 0.1, weight_decay=0.5, clip_norm=1.0))
    p = jnp.array([2.0])
    updates, _ = tx.update(jnp.array([10.0]), tx.init(p), p)
    # clipped gradient 1.0, plus decay 0.5 * 2.0, times -lr
    np.testing.assert_allclose(updates, [-0.1 * (1.0 + 1.0)], rtol=1e-6)


@pytest.mark.parametrize(
    ("config", "match"),
    [
        (optim.OptimizerConfig("adamant"), "choose one of: sgd"),
        (optim.OptimizerConfig("sgd", learning_rate=0.0), "learning_rate must be positive"),
        (optim.OptimizerConfig("sgd", weight_decay=-0.1), "weight_decay must be >= 0"),
        (optim.OptimizerConfig("sgd", clip_norm=0.0), "clip_norm must be positive"),
    ],
)
def test_errors(config, match):
    with pytest.raises(InvalidArgumentError, match=match):
        optim.from_config(config)


def test_from_config_takes_a_config_and_create_is_gone():
    with pytest.raises(InvalidTypeError, match="OptimizerConfig"):
        optim.from_config("adam")
    assert not hasattr(optim, "create")
