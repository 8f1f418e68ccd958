"""Random affine and elastic distortions: identity at zero, shapes, keys, a known rotation,
jit/vmap, and argument checks."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.data import elastic_distortion, random_affine
from jaxnets.data._augment import _affine, _gaussian_matrix
from jaxnets.errors import InvalidArgumentError, InvalidTypeError
from tests.tolerances import tol

KEY = jax.random.key(0)
AFFINE = {"max_rotation": 15.0, "max_scale": 0.1, "max_shift": 1.5}


def _images(b=3, h=11, w=9, c=1, seed=0, dtype=np.float32):
    return jnp.asarray(np.random.default_rng(seed).random((b, h, w, c)).astype(dtype))


def _affine_fn(key, images):
    return random_affine(key, images, **AFFINE)


def _elastic_fn(key, images):
    return elastic_distortion(key, images, 4.0, 1.5)


DISTORTIONS = [_affine_fn, _elastic_fn]
IDS = ["affine", "elastic"]


@pytest.mark.parametrize(
    "identity",
    [
        lambda k, x: random_affine(k, x),
        lambda k, x: random_affine(k, x, max_rotation=0.0, max_scale=0.0, max_shift=0.0),
        lambda k, x: elastic_distortion(k, x, 0.0, 3.0),
    ],
    ids=["affine-defaults", "affine-zeros", "elastic-alpha0"],
)
def test_zero_magnitude_is_the_identity(identity):
    images = _images(c=2)
    np.testing.assert_array_equal(np.asarray(identity(KEY, images)), np.asarray(images))


@pytest.mark.parametrize("fn", DISTORTIONS, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_shape_and_dtype_kept_and_values_change(fn, dtype):
    images = _images(c=3, dtype=dtype)
    out = fn(KEY, images)
    assert out.shape == images.shape and out.dtype == images.dtype
    assert np.all(np.isfinite(np.asarray(out, np.float32)))
    assert not np.allclose(np.asarray(out, np.float32), np.asarray(images, np.float32))


@pytest.mark.parametrize("fn", DISTORTIONS, ids=IDS)
def test_keys_and_images_get_their_own_distortion(fn):
    images = jnp.repeat(_images(b=1), 3, axis=0)  # three copies of one image
    a, b = np.asarray(fn(jax.random.key(1), images)), np.asarray(fn(jax.random.key(2), images))
    assert not np.allclose(a, b)  # different keys differ
    np.testing.assert_array_equal(a, np.asarray(fn(jax.random.key(1), images)))  # same key same
    assert not np.allclose(a[0], a[1]) and not np.allclose(a[1], a[2])  # per image


def test_known_rotation_by_90_degrees_is_rot90():
    # An odd-sized square rotated a quarter turn maps the pixel grid onto itself, so
    # bilinear sampling is exact; counter-clockwise on screen is np.rot90.
    images = _images(b=2, h=7, w=7, c=2)
    theta = jnp.array([np.pi / 2, -np.pi / 2], jnp.float32)
    out = np.asarray(_affine(images, theta, jnp.ones((2, 2)), jnp.zeros((2, 2))))
    atol = tol(np.float32, "values")
    np.testing.assert_allclose(out[0], np.rot90(images[0], k=1), atol=atol)
    np.testing.assert_allclose(out[1], np.rot90(images[1], k=-1), atol=atol)


def test_shift_by_whole_pixels_moves_content_and_fills_zeros():
    images = _images(b=1, h=6, w=6)
    out = np.asarray(_affine(images, jnp.zeros(1), jnp.ones((1, 2)), jnp.array([[2.0, -1.0]])))
    expected = np.zeros_like(np.asarray(images))
    expected[:, 2:, :5] = np.asarray(images)[:, :4, 1:]  # down 2 rows, left 1 column
    np.testing.assert_allclose(out, expected, atol=tol(np.float32, "values"))


def test_random_rotation_keeps_a_pixel_on_its_circle():
    # Rotation only: a single bright pixel's centre of mass stays at its distance from the
    # image centre, at a random angle within the bound.
    image = np.zeros((1, 21, 21, 1), np.float32)
    image[0, 10, 16, 0] = 1.0  # 6 pixels right of the centre (10, 10)
    for seed in range(4):
        out = np.asarray(random_affine(jax.random.key(seed), jnp.asarray(image), max_rotation=40))
        rows, cols = np.mgrid[:21, :21]
        mass = out[0, ..., 0].sum()
        r, c = (rows * out[0, ..., 0]).sum() / mass, (cols * out[0, ..., 0]).sum() / mass
        assert abs(np.hypot(r - 10, c - 10) - 6) < 0.3
        assert abs(np.degrees(np.arctan2(-(r - 10), c - 10))) <= 40 + 2


def test_elastic_displacement_grows_with_alpha():
    images = _images(b=4, h=16, w=16)
    change = [
        float(jnp.abs(elastic_distortion(KEY, images, alpha, 2.0) - images).mean())
        for alpha in (1.0, 4.0, 16.0)
    ]
    assert change[0] < change[1] < change[2]


def test_gaussian_matrix_is_a_normalised_symmetric_blur():
    g = np.asarray(_gaussian_matrix(30, 2.0, jnp.float32))
    np.testing.assert_allclose(g, g.T, atol=1e-7)
    np.testing.assert_allclose(g[10:20].sum(axis=1), 1.0, atol=tol(np.float32, "values"))
    assert g[15, 15] > g[15, 16] > g[15, 18] > 0 and g[15, 0] == 0  # truncated at 4 sigma


@pytest.mark.parametrize("fn", DISTORTIONS, ids=IDS)
def test_jit_and_vmap_over_keys(fn):
    images = _images()
    keys = jax.random.split(KEY, 4)
    eager = np.stack([np.asarray(fn(k, images)) for k in keys])
    batched = np.asarray(jax.jit(jax.vmap(fn, in_axes=(0, None)))(keys, images))  # (K, B, ...)
    np.testing.assert_allclose(batched, eager, atol=tol(np.float32, "values"))
    assert not np.allclose(batched[0], batched[1])
    # Inside a jitted step, fold_in(key, step) gives every step a fresh distortion.
    step_fn = jax.jit(lambda step: fn(jax.random.fold_in(KEY, step), images))
    assert not np.allclose(np.asarray(step_fn(0)), np.asarray(step_fn(1)))


BAD = [
    (lambda: random_affine(KEY, _images(), max_rotation=-1.0), InvalidArgumentError, "max_rot"),
    (lambda: random_affine(KEY, _images(), max_scale=1.0), InvalidArgumentError, "< 1"),
    (lambda: random_affine(KEY, _images(), max_shift=float("nan")), InvalidArgumentError, "finite"),
    (lambda: random_affine(KEY, _images(), max_shift="2"), InvalidArgumentError, "number"),
    (lambda: random_affine(KEY, _images()[0]), InvalidArgumentError, "B, H, W, C"),
    (lambda: random_affine(KEY, jnp.ones((1, 4, 4, 1), jnp.int32)), InvalidTypeError, "float"),
    (lambda: random_affine(jax.random.PRNGKey(0), _images()), InvalidTypeError, "typed"),
    (lambda: random_affine(jax.random.split(KEY, 2), _images()), InvalidArgumentError, "vmap"),
    (lambda: elastic_distortion(KEY, _images(), -1.0, 2.0), InvalidArgumentError, "alpha"),
    (lambda: elastic_distortion(KEY, _images(), 1.0, 0.0), InvalidArgumentError, "sigma"),
    (
        lambda: elastic_distortion(KEY, np.ones((2, 4, 4)), 1.0, 1.0),
        InvalidArgumentError,
        "B, H, W",
    ),
]


@pytest.mark.parametrize(("call", "error", "match"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_arguments_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()
