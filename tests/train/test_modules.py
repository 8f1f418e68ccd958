"""Any Flax module trains: a user's own Linen module (with or without a ``train`` keyword)
and an NNX module through ``flax.nnx.bridge``."""

import flax.linen as nn
import jax
import pytest
from flax import nnx
from flax.nnx import bridge

from jaxnets import models, optim, train
from jaxnets.data import load_dataset

DIGITS = load_dataset("digits", seed=0)
CONFIG = train.FitConfig(epochs=20, batch_size=32, progress=False)


class PlainLinen(nn.Module):
    """A user's module with no ``train`` keyword (it used to fail in init_state with
    "got an unexpected keyword argument 'train'")."""

    @nn.compact
    def __call__(self, x):
        x = x.reshape(x.shape[0], -1)
        return nn.Dense(10)(nn.relu(nn.Dense(128)(x)))


class NNXMLP(nnx.Module):
    def __init__(self, din: int, hidden: int, dout: int, *, rngs: nnx.Rngs):
        self.hidden = nnx.Linear(din, hidden, rngs=rngs)
        self.out = nnx.Linear(hidden, dout, rngs=rngs)

    def __call__(self, x):
        x = x.reshape(x.shape[0], -1)  # (B, 8, 8, 1) -> (B, 64)
        return self.out(jax.nn.relu(self.hidden(x)))


def _accuracy(model) -> float:
    tx = optim.from_config(optim.OptimizerConfig("adam", learning_rate=1e-3))
    state = train.init_state(
        model, tx, train.Objective(), DIGITS.input_shape, key=jax.random.key(0)
    )
    result = train.fit(state, DIGITS.train, DIGITS.test, CONFIG)
    return train.evaluate(result.state, DIGITS.test)["accuracy"]


@pytest.fixture(scope="module")
def linen_accuracy():
    return _accuracy(models.MLP((128, 10)))


@pytest.mark.parametrize(
    "model",
    [PlainLinen(), bridge.to_linen(NNXMLP, 64, 128, 10)],
    ids=["linen-without-train-flag", "nnx-through-bridge"],
)
def test_a_users_module_matches_the_linen_mlp_within_one_point(model, linen_accuracy):
    assert linen_accuracy >= 0.95
    assert abs(_accuracy(model) - linen_accuracy) <= 0.01
