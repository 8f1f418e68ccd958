"""Weight initializers selectable by name, as ``(key, shape, dtype) -> array`` functions.

The lectures' schemes: ``normal`` (N(0, 1)), ``small_random`` (0.01 N(0, 1)), ``uniform``
(U(-a, a)), ``fan_in_normal`` (randn / sqrt(fan_in), lecture 000's "Xavier"), ``xavier``
(Glorot uniform), ``he``, ``orthogonal``, ``identity`` and ``zeros``.

The lectures compare these schemes; each is a plain function with the same signature as
``flax.linen.initializers`` so any Flax layer accepts it as ``kernel_init``.

>>> import jax
>>> w = get("xavier")(jax.random.key(0), (3, 4))
>>> w.shape
(3, 4)
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
from flax.linen import initializers as flax_init

Initializer = Callable[..., jax.Array]


def small_random(stddev: float = 0.01) -> Initializer:
    """N(0, stddev^2) weights: the lectures' "small random numbers" (fine for shallow nets)."""
    return flax_init.normal(stddev)


def normal(stddev: float = 1.0) -> Initializer:
    """N(0, stddev^2) weights; the default is the lectures' ``np.random.randn(fan_in, fan_out)``
    (``* 1.0``), which saturates deep tanh nets."""
    return flax_init.normal(stddev)


def uniform(scale: float = 0.05) -> Initializer:
    """U(-scale, scale) weights: lecture 004's classical "sample from U(-a, a)".

    Var(w) = scale^2 / 3. (Flax's ``initializers.uniform(scale)`` is U[0, scale) instead.)

    >>> import jax
    >>> w = uniform(0.5)(jax.random.key(0), (100, 100))
    >>> bool(w.min() >= -0.5) and bool(w.max() < 0.5) and bool(w.min() < 0)
    True
    """

    def init(key, shape, dtype=jnp.float32):
        return jax.random.uniform(key, shape, dtype, minval=-scale, maxval=scale)

    return init


def fan_in_normal() -> Initializer:
    """The lecture's "Xavier": ``np.random.randn(fan_in, fan_out) / np.sqrt(fan_in)``.

    Plain (untruncated) N(0, 1 / fan_in), where fan_in counts a kernel's inputs (for a conv
    kernel (H, W, C_in, C_out): H W C_in). It differs from :func:`xavier`, Glorot and
    Bengio's uniform scheme with Var(w) = 2 / (fan_in + fan_out); the two agree in variance
    only for square layers.
    """
    return flax_init.variance_scaling(1.0, "fan_in", "normal")


def xavier() -> Initializer:
    """Glorot/Xavier uniform: Var(w) = 2 / (fan_in + fan_out), suited to tanh/sigmoid."""
    return flax_init.glorot_uniform()


def he() -> Initializer:
    """He/Kaiming normal: Var(w) = 2 / fan_in, compensating ReLU zeroing half the inputs."""
    return flax_init.he_normal()


def orthogonal(scale: float = 1.0) -> Initializer:
    """Orthogonal matrix (QR of a Gaussian), keeping gradient norms through deep/recurrent nets."""
    return flax_init.orthogonal(scale)


def identity(scale: float = 1.0) -> Initializer:
    """Scaled identity for square weights (the IRNN trick for recurrent matrices).

    For a kernel of shape ``(..., D_in, D_out)`` the last two axes get ``scale * I``; the
    matrix must be square because an identity map needs D_in == D_out.
    """

    def init(key, shape, dtype=jnp.float32):
        del key  # deterministic by design
        if len(shape) < 2 or shape[-1] != shape[-2]:
            raise ValueError(
                f"identity init needs a square kernel (..., D, D); got shape {tuple(shape)}. "
                "Use it for recurrent (hidden-to-hidden) weights, or pick another initializer."
            )
        eye = jnp.eye(shape[-1], dtype=dtype) * scale
        return jnp.broadcast_to(eye, shape)

    return init


def zeros() -> Initializer:
    """All zeros (biases; for weights it makes every unit in a layer identical)."""
    return flax_init.zeros_init()


_FACTORIES: dict[str, Callable[..., Initializer]] = {
    "small_random": small_random,
    "normal": normal,
    "uniform": uniform,
    "fan_in_normal": fan_in_normal,
    "xavier": xavier,
    "glorot": xavier,
    "he": he,
    "orthogonal": orthogonal,
    "identity": identity,
    "zeros": zeros,
}

INITIALIZERS: tuple[str, ...] = tuple(_FACTORIES)


def get(name: str, **options) -> Initializer:
    """The initializer called ``name`` (one of ``INITIALIZERS``), with its factory's options.

    >>> get("uniform", scale=0.1) is not None and get("normal", stddev=2.0) is not None
    True
    """
    if name not in _FACTORIES:
        raise ValueError(f"unknown initializer {name!r}; choose one of: {', '.join(INITIALIZERS)}")
    return _FACTORIES[name](**options)
