import jax
import jax.numpy as jnp
import pytest

from jaxnets import models
from jaxnets.errors import InvalidArgumentError

VAE = models.VAE(hidden=(3,), latent=2, image_shape=(2, 2, 1))


@pytest.mark.parametrize(
    ("model", "x", "kwargs", "match"),
    [
        (models.MLP((3, 2)), jnp.zeros((1, 4)), {"num": 2}, "cannot sample from a MLP"),
        (models.MLPDiscriminator((3,)), jnp.zeros((1, 4)), {"num": 2}, "cannot sample"),
        (VAE, jnp.zeros((1, 2, 2, 1)), {}, "needs num >= 1"),
        (VAE, jnp.zeros((1, 2, 2, 1)), {"num": 0}, "needs num >= 1"),
        (VAE, jnp.zeros((1, 2, 2, 1)), {"num": 2, "temperature": 0.5}, "unexpected keywords"),
    ],
)
def test_sample_refuses_what_it_cannot_do(model, x, kwargs, match):
    variables = model.init(jax.random.key(0), x)
    with pytest.raises(InvalidArgumentError, match=match):
        models.sample(model, variables, key=jax.random.key(1), **kwargs)


def test_one_sampling_name():
    assert not hasattr(models, "vae_sample")
    assert "sample" in models.__all__
