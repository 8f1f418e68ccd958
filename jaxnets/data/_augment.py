"""Random image distortions on device: affine (rotation, scale, shift) and elastic.

Both take a typed key and float images (B, H, W, C) and return distorted images of the same
shape and dtype. Each image gets its own random distortion from ``key``; the output pixel at
``(i, j)`` is the input sampled bilinearly (``jax.scipy.ndimage.map_coordinates``, order 1)
at a displaced position, with zeros outside the image. They are pure jax functions: jit them,
vmap them over keys (one augmentation stream per population member), and derive a fresh key
per training step with ``jax.random.fold_in(key, step)``. With every magnitude 0 they return
the input exactly (the sampling grid is then the integer pixel grid).

The elastic distortion is Simard, Steinkraus & Platt (2003): a displacement field of
independent uniform(-1, 1) values per pixel and axis, smoothed by a Gaussian of standard
deviation ``sigma`` pixels and scaled by ``alpha``; sigma ~ 4-6 and alpha ~ 34-38 suit 28x28
digits (the MCDNN of Ciresan et al. 2012 used sigma 5-6, alpha 36-38).

>>> import jax, jax.numpy as jnp
>>> images = jnp.zeros((2, 28, 28, 1)).at[:, 10:18, 12:16].set(1.0)
>>> key = jax.random.key(0)
>>> out = elastic_distortion(key, random_affine(key, images, max_rotation=15.0), 34.0, 4.0)
>>> out.shape, out.dtype.name
((2, 28, 28, 1), 'float32')
"""

import math
import numbers

import jax
import jax.numpy as jnp
from jax.scipy.ndimage import map_coordinates

from jaxnets.errors import InvalidArgumentError, InvalidTypeError


def _check_images(images) -> None:
    if getattr(images, "ndim", None) != 4:
        raise InvalidArgumentError(
            f"images must be (B, H, W, C); got shape {getattr(images, 'shape', None)}. "
            "Add a channel axis to grayscale images: images[..., None]"
        )
    if not jnp.issubdtype(images.dtype, jnp.floating):
        raise InvalidTypeError(
            f"images must be floating point, got {images.dtype}; convert them first "
            "(e.g. images.astype(jnp.float32) / 255)"
        )


def _check_magnitude(name: str, value, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise InvalidArgumentError(f"{name} must be a finite number, got {value!r}")
    if value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise InvalidArgumentError(f"{name} must be {bound}, got {value!r}")
    return float(value)


def _check_key(key) -> None:
    if not (isinstance(key, jax.Array) and jnp.issubdtype(key.dtype, jax.dtypes.prng_key)):
        raise InvalidTypeError(
            f"key must be a typed PRNG key (jax.random.key(seed)), got {type(key).__name__} "
            f"{getattr(key, 'dtype', '')}"
        )
    if key.shape != ():
        raise InvalidArgumentError(
            f"key must be a single key, got shape {key.shape}; vmap over a batch of keys"
        )


def _resample(images: jax.Array, rows: jax.Array, cols: jax.Array) -> jax.Array:
    """``images`` (B, H, W, C) sampled bilinearly at ``rows``, ``cols`` (B, H, W); 0 outside."""

    def one_channel(image, r, c):  # (H, W), (H, W), (H, W)
        return map_coordinates(image, [r, c], order=1, mode="constant", cval=0.0)

    per_channel = jax.vmap(one_channel, in_axes=(2, None, None), out_axes=2)  # over C
    out = jax.vmap(per_channel)(images, rows, cols)  # over B
    return out.astype(images.dtype)


def _grid(shape: tuple[int, int], dtype) -> tuple[jax.Array, jax.Array]:
    h, w = shape
    rows, cols = jnp.meshgrid(jnp.arange(h, dtype=dtype), jnp.arange(w, dtype=dtype), indexing="ij")
    return rows, cols  # (H, W) each


def random_affine(
    key: jax.Array,
    images: jax.Array,
    *,
    max_rotation: float = 0.0,
    max_scale: float = 0.0,
    max_shift: float = 0.0,
) -> jax.Array:
    """Rotate, scale and shift each image by its own random amounts about the image centre.

    Args:
      key: a typed PRNG key (one draw per image follows from it).
      images: float (B, H, W, C).
      max_rotation: angles are uniform in [-max_rotation, max_rotation] degrees.
      max_scale: the horizontal and vertical scale factors are independently uniform in
        [1 - max_scale, 1 + max_scale] (MCDNN: 0.15); must be < 1.
      max_shift: the row and column shifts are uniform in [-max_shift, max_shift] pixels.

    Returns:
      float (B, H, W, C) of ``images``' dtype: output pixel ``p`` is the input at
      ``c + R^-1 S^-1 (p - c - shift)`` (c the centre), i.e. the content is rotated by
      theta about the centre (counter-clockwise as displayed), scaled by S = diag(row
      factor, column factor) and then shifted, resampled bilinearly with zeros outside.
      All magnitudes 0 give ``images``.
    """
    _check_key(key)
    _check_images(images)
    max_rotation = _check_magnitude("max_rotation", max_rotation)
    max_scale = _check_magnitude("max_scale", max_scale)
    max_shift = _check_magnitude("max_shift", max_shift)
    if max_scale >= 1:
        raise InvalidArgumentError(
            f"max_scale must be < 1 (a factor 1 +- max_scale), got {max_scale}"
        )
    b, dtype = images.shape[0], images.dtype
    rot_key, scale_key, shift_key = jax.random.split(key, 3)
    theta = jnp.deg2rad(
        jax.random.uniform(rot_key, (b,), dtype, -max_rotation, max_rotation)
    )  # (B,)
    scale = jax.random.uniform(scale_key, (b, 2), dtype, 1 - max_scale, 1 + max_scale)  # (B, 2)
    shift = jax.random.uniform(shift_key, (b, 2), dtype, -max_shift, max_shift)  # (B, 2)

    return _affine(images, theta, scale, shift)


def _affine(images: jax.Array, theta: jax.Array, scale: jax.Array, shift: jax.Array):
    """``images`` (B, H, W, C) rotated by ``theta`` (B,) radians, scaled by ``scale`` (B, 2)
    (row, column factors) and shifted by ``shift`` (B, 2) pixels, as in random_affine."""
    _, h, w, _ = images.shape
    rows, cols = _grid((h, w), images.dtype)
    centre_r, centre_c = (h - 1) / 2, (w - 1) / 2
    # Offsets of each output pixel from the centre, minus the shift: (B, H, W).
    dr = rows[None] - centre_r - shift[:, 0, None, None]
    dc = cols[None] - centre_c - shift[:, 1, None, None]
    dr, dc = dr / scale[:, 0, None, None], dc / scale[:, 1, None, None]  # undo the scale
    # Undo the rotation. Turning content counter-clockwise on screen by theta maps (r, c)
    # (rows down) to (r cos - c sin, r sin + c cos); its inverse is the transpose.
    cos, sin = jnp.cos(theta)[:, None, None], jnp.sin(theta)[:, None, None]
    src_r = cos * dr + sin * dc + centre_r
    src_c = -sin * dr + cos * dc + centre_c
    return _resample(images, src_r, src_c)


def _gaussian_matrix(size: int, sigma: float, dtype) -> jax.Array:
    """(size, size) matrix ``G`` with ``G @ v`` = ``v`` convolved with a normalised Gaussian.

    The kernel is truncated at 4 sigma and zero outside the array (``mode="constant"``).
    """
    radius = math.ceil(4 * sigma)
    offsets = jnp.arange(-radius, radius + 1, dtype=dtype)
    kernel = jnp.exp(-0.5 * (offsets / sigma) ** 2)
    kernel = kernel / jnp.sum(kernel)  # (2r + 1,)
    index = jnp.arange(size)
    diff = index[None, :] - index[:, None]  # (size, size): column minus row
    return jnp.where(jnp.abs(diff) <= radius, kernel[jnp.clip(diff + radius, 0, 2 * radius)], 0.0)


def elastic_distortion(key: jax.Array, images: jax.Array, alpha: float, sigma: float) -> jax.Array:
    """Simard et al.'s elastic distortion: each image displaced by its own smooth random field.

    Args:
      key: a typed PRNG key.
      images: float (B, H, W, C).
      alpha: the displacement scale in pixels (>= 0; 0 returns ``images``).
      sigma: the Gaussian's standard deviation in pixels (> 0): larger is smoother (and,
        for a fixed alpha, smaller: the smoothing averages the uniform noise away).

    Returns:
      float (B, H, W, C) of ``images``' dtype: output pixel ``(i, j)`` is the input at
      ``(i + alpha * dy[i, j], j + alpha * dx[i, j])``, with ``dx``, ``dy`` uniform(-1, 1)
      fields convolved with the Gaussian, sampled bilinearly, zeros outside.
    """
    _check_key(key)
    _check_images(images)
    alpha = _check_magnitude("alpha", alpha)
    sigma = _check_magnitude("sigma", sigma, positive=True)
    b, h, w, _ = images.shape
    dtype = images.dtype
    field = jax.random.uniform(key, (b, 2, h, w), dtype, -1.0, 1.0)  # (B, 2, H, W)
    g_rows, g_cols = _gaussian_matrix(h, sigma, dtype), _gaussian_matrix(w, sigma, dtype)
    smooth = jnp.einsum("ij,bcjk,lk->bcil", g_rows, field, g_cols)  # separable blur
    rows, cols = _grid((h, w), dtype)
    return _resample(images, rows + alpha * smooth[:, 0], cols + alpha * smooth[:, 1])
