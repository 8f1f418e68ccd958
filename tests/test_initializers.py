import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import initializers

SHAPE = (256, 128)


def _sample(name, shape=SHAPE):
    return np.asarray(initializers.get(name)(jax.random.key(0), shape, jnp.float32))


@pytest.mark.parametrize(
    ("name", "expected_var"),
    [
        ("small_random", 0.01**2),
        ("xavier", 2.0 / (SHAPE[0] + SHAPE[1])),
        ("he", 2.0 / SHAPE[0]),
    ],
)
def test_variance_follows_the_scheme(name, expected_var):
    w = _sample(name)
    # 32,768 samples: the sample variance's relative standard error is sqrt(2/n) < 1%.
    assert abs(w.var() / expected_var - 1) < 5 * np.sqrt(2 / w.size)
    assert abs(w.mean()) < 5 * np.sqrt(expected_var / w.size)


def test_orthogonal_columns_are_orthonormal():
    w = _sample("orthogonal", (64, 64))
    np.testing.assert_allclose(w.T @ w, np.eye(64), atol=1e-5)


def test_identity_and_zeros():
    np.testing.assert_array_equal(_sample("identity", (5, 5)), np.eye(5))
    assert not _sample("zeros", (3, 2)).any()
    with pytest.raises(ValueError, match="square"):
        _sample("identity", (4, 5))


def test_unknown_name_lists_choices():
    with pytest.raises(ValueError, match="xavier"):
        initializers.get("glorious")


@pytest.mark.parametrize(
    ("name", "options", "expected_var"),
    [
        ("normal", {}, 1.0),
        ("normal", {"stddev": 0.5}, 0.25),
        ("fan_in_normal", {}, 1.0 / SHAPE[0]),  # randn(fan_in, fan_out) / sqrt(fan_in)
        ("uniform", {}, 0.05**2 / 3),
        ("uniform", {"scale": 0.3}, 0.3**2 / 3),
    ],
)
def test_lecture_schemes_have_their_variance(name, options, expected_var):
    w = np.asarray(initializers.get(name, **options)(jax.random.key(1), SHAPE, jnp.float32))
    assert abs(w.var() / expected_var - 1) < 5 * np.sqrt(2 / w.size), (w.var(), expected_var)
    assert abs(w.mean()) < 5 * np.sqrt(expected_var / w.size)


def test_fan_in_normal_is_the_lecture_form_not_glorot():
    # Not truncated (a truncated normal has no values beyond 2 sigma), and scaled by fan_in
    # only: on a (256, 16) kernel its variance is 1/256, Glorot's 2/272.
    w = np.asarray(initializers.get("fan_in_normal")(jax.random.key(2), (256, 16)))
    beyond = np.mean(np.abs(w) > 2 / np.sqrt(256))
    assert 0.03 < beyond < 0.065  # P(|z| > 2) = 0.0455 for a normal
    assert abs(w.var() * 256 - 1) < 0.1


def test_uniform_is_symmetric_and_bounded():
    w = np.asarray(initializers.get("uniform", scale=0.2)(jax.random.key(3), SHAPE))
    assert w.min() >= -0.2 and w.max() < 0.2
    assert w.min() < -0.19 and w.max() > 0.19


def test_unknown_option_is_an_error():
    with pytest.raises(TypeError):
        initializers.get("xavier", scale=2.0)
