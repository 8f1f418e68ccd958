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
