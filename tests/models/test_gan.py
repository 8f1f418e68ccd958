import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import models


@pytest.mark.parametrize(
    ("name", "input_shape", "output_shape", "expected"),
    [
        # 64-256-784: (64*256 + 256) + (256*784 + 784) = 16,640 + 201,488
        ("gan_generator", (64,), (28, 28, 1), 218_128),
        # 784-256-1: (784*256 + 256) + (256*1 + 1) = 200,960 + 257
        ("gan_discriminator", (28, 28, 1), (), 201_217),
        # project 64 -> 7*7*32 = 1,568: 64*1,568 + 1,568 = 101,920; conv^T 4x4 32->16:
        # 16*32*16 + 16 = 8,208; conv^T 4x4 16->1: 16*16 + 1 = 257
        ("dcgan_generator", (64,), (28, 28, 1), 110_385),
        # conv 4x4 1->16: 16*16 + 16 = 272; conv 4x4 16->32: 16*16*32 + 32 = 8,224;
        # dense 7*7*32 = 1,568 -> 1: 1,569
        ("dcgan_discriminator", (28, 28, 1), (), 10_065),
    ],
)
def test_registered_players(name, input_shape, output_shape, expected):
    model = models.create(name)
    assert models.get_architecture(name).example_input == input_shape
    assert name in models.architecture_names()
    assert models.summary(model, input_shape).total_params == expected
    x = jax.ShapeDtypeStruct((3, *input_shape), jnp.float32)
    variables = jax.eval_shape(model.init, jax.random.key(0), x)
    assert sum(p.size for p in jax.tree.leaves(variables["params"])) == expected
    assert jax.eval_shape(model.apply, variables, x).shape == (3, *output_shape)


@pytest.mark.parametrize(
    "generator",
    [
        models.MLPGenerator(hidden=(4,), image_shape=(4, 4, 1)),
        models.DCGANGenerator(features=(4, 2), base=1),
    ],
)
def test_generators_output_pixels_in_unit_interval(generator):
    z = 3.0 * jax.random.normal(jax.random.key(0), (5, 3))
    variables = jax.jit(generator.init)(jax.random.key(1), z)
    images = jax.jit(generator.apply)(variables, z)
    assert images.shape == (5, 4, 4, 1)
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0


@pytest.mark.parametrize(
    ("discriminator", "expected"),
    [
        # 4x4x1 = 16 -> 5 -> 1: (16*5 + 5) + (5 + 1)
        (models.MLPDiscriminator(hidden=(5,)), 91),
        # conv 4x4 1->2: 16*2+2 = 34 -> (2, 2, 2); conv 4x4 2->3: 32*3+3 = 99 -> (1, 1, 3);
        # dense 3 -> 1: 4
        (models.DCGANDiscriminator(features=(2, 3)), 137),
    ],
)
def test_discriminators_give_one_logit_per_image(discriminator, expected):
    x = jax.random.uniform(jax.random.key(0), (5, 4, 4, 1))
    variables = jax.jit(discriminator.init)(jax.random.key(1), x)
    assert sum(p.size for p in jax.tree.leaves(variables["params"])) == expected
    assert jax.jit(discriminator.apply)(variables, x).shape == (5,)


@pytest.mark.parametrize(
    ("generator", "latent"),
    [
        (models.MLPGenerator(hidden=(4,), image_shape=(4, 4, 1)), 3),
        (models.MLPGenerator(hidden=(), image_shape=(4, 4, 1)), 5),
        (models.DCGANGenerator(features=(4, 2), base=1), 7),
    ],
)
def test_sample_decodes_standard_normal_codes_of_the_generators_size(generator, latent):
    variables = jax.jit(generator.init)(jax.random.key(1), jnp.zeros((1, latent)))
    images = models.sample(generator, variables, key=jax.random.key(2), num=6)
    z = jax.random.normal(jax.random.key(2), (6, latent))
    assert images.shape == (6, 4, 4, 1)
    np.testing.assert_allclose(images, generator.apply(variables, z), rtol=1e-6, atol=1e-7)
