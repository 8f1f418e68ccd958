"""GAN training: both players' state in one pytree and alternating updates in one compiled step.

One step of ``gan_train_step`` is two half-steps on the same batch of real images:

1. discriminator: minimise  -log D(x) - log(1 - D(G(z)))  over D's parameters (G fixed);
2. generator: minimise the non-saturating  -log D(G(z'))  over G's parameters, against the
   discriminator just updated (D fixed).

D(.) = sigmoid(logit); both terms are the ``"logistic"`` loss on logits with targets 1 (real)
and 0 (fake). Codes z, z' ~ N(0, I) come from ``fold_in(key, step)``, so a run is a pure
function of its seed.
"""

from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax
from flax import struct

from jaxnets import losses
from jaxnets.errors import InvalidArgumentError
from jaxnets.train._state import typed_key


class GANState(struct.PyTreeNode):
    """Everything a GAN step reads and writes: both players' parameters and optimizer states.

    ``step`` int32 scalar; ``key`` the run's base key (never split in place: each step uses
    ``fold_in(key, step)``); functions, optimizers and ``latent_dim`` are static fields.
    """

    step: jax.Array
    g_params: dict
    d_params: dict
    g_opt_state: optax.OptState
    d_opt_state: optax.OptState
    key: jax.Array
    g_apply: Callable = struct.field(pytree_node=False)
    d_apply: Callable = struct.field(pytree_node=False)
    g_tx: optax.GradientTransformation = struct.field(pytree_node=False)
    d_tx: optax.GradientTransformation = struct.field(pytree_node=False)
    latent_dim: int = struct.field(pytree_node=False, default=64)
    input_key: str = struct.field(pytree_node=False, default="image")


def init_gan_state(
    generator: nn.Module,
    discriminator: nn.Module,
    g_tx: optax.GradientTransformation,
    d_tx: optax.GradientTransformation,
    *,
    image_shape: tuple[int, ...],
    latent_dim: int,
    key: jax.Array,
    input_key: str = "image",
) -> GANState:
    """Initialise both players (generator on codes (1, latent_dim), discriminator on images).

    >>> import jax, optax
    >>> from jaxnets.models import MLPDiscriminator, MLPGenerator
    >>> state = init_gan_state(MLPGenerator(hidden=(8,), image_shape=(4, 4, 1)),
    ...     MLPDiscriminator(hidden=(8,)), optax.adam(1e-3), optax.adam(1e-3),
    ...     image_shape=(4, 4, 1), latent_dim=2, key=jax.random.key(0))
    >>> int(state.step), state.latent_dim
    (0, 2)
    """
    g_key, d_key, train_key = jax.random.split(typed_key(key), 3)
    # Jitted: one compile instead of op-by-op dispatch of every initialiser.
    g_params = jax.jit(generator.init)(g_key, jnp.zeros((1, latent_dim)))["params"]
    d_params = jax.jit(discriminator.init)(d_key, jnp.zeros((1, *image_shape)))["params"]
    out = jax.eval_shape(generator.apply, {"params": g_params}, jnp.zeros((1, latent_dim)))
    if tuple(out.shape[1:]) != tuple(image_shape):
        raise InvalidArgumentError(
            f"the generator makes images {tuple(out.shape[1:])} but the data are {image_shape}"
        )
    return GANState(
        step=jnp.zeros((), jnp.int32),
        g_params=g_params,
        d_params=d_params,
        g_opt_state=g_tx.init(g_params),
        d_opt_state=d_tx.init(d_params),
        key=train_key,
        g_apply=generator.apply,
        d_apply=discriminator.apply,
        g_tx=g_tx,
        d_tx=d_tx,
        latent_dim=latent_dim,
        input_key=input_key,
    )


def _bce(logits: jax.Array, target: float) -> jax.Array:
    """Batch mean of the logistic loss of logits (B,) against a constant 0/1 target."""
    return jnp.mean(losses.logistic_per_example(logits, jnp.full(logits.shape, target)))


def _generate(state: GANState, g_params, z: jax.Array) -> jax.Array:
    return state.g_apply({"params": g_params}, z, train=True)


def _discriminate(state: GANState, d_params, x: jax.Array) -> jax.Array:
    return state.d_apply({"params": d_params}, x, train=True)


def discriminator_half_step(state: GANState, real: jax.Array, key: jax.Array):
    """Update D only: (state with new d_params/d_opt_state, metrics). G is read, not changed."""
    z = jax.random.normal(key, (real.shape[0], state.latent_dim), real.dtype)
    # G is held fixed in this half-step: no gradient flows into its parameters.
    fake = jax.lax.stop_gradient(_generate(state, state.g_params, z))

    def loss_fn(d_params):
        real_logits = _discriminate(state, d_params, real)
        fake_logits = _discriminate(state, d_params, fake)
        loss = _bce(real_logits, 1.0) + _bce(fake_logits, 0.0)
        return loss, (jnp.mean(nn.sigmoid(real_logits)), jnp.mean(nn.sigmoid(fake_logits)))

    (loss, (d_real, d_fake)), grads = jax.value_and_grad(loss_fn, has_aux=True)(state.d_params)
    updates, d_opt_state = state.d_tx.update(grads, state.d_opt_state, state.d_params)
    d_params = optax.apply_updates(state.d_params, updates)
    metrics = {"d_loss": loss, "d_real": d_real, "d_fake": d_fake}
    return state.replace(d_params=d_params, d_opt_state=d_opt_state), metrics


def generator_half_step(state: GANState, batch_size: int, key: jax.Array, dtype=jnp.float32):
    """Update G only with the non-saturating loss -log D(G(z)): (new state, metrics)."""
    z = jax.random.normal(key, (batch_size, state.latent_dim), dtype)

    def loss_fn(g_params):
        # Differentiates through D's forward pass, but only G's parameters are arguments.
        return _bce(_discriminate(state, state.d_params, _generate(state, g_params, z)), 1.0)

    loss, grads = jax.value_and_grad(loss_fn)(state.g_params)
    updates, g_opt_state = state.g_tx.update(grads, state.g_opt_state, state.g_params)
    g_params = optax.apply_updates(state.g_params, updates)
    return state.replace(g_params=g_params, g_opt_state=g_opt_state), {"g_loss": loss}


def _gan_train_step(state: GANState, batch):
    real = batch[state.input_key]  # (B, H, W, C)
    step_key = jax.random.fold_in(state.key, state.step)
    d_key, g_key = jax.random.fold_in(step_key, 0), jax.random.fold_in(step_key, 1)
    del step_key
    state, d_metrics = discriminator_half_step(state, real, d_key)
    state, g_metrics = generator_half_step(state, real.shape[0], g_key, real.dtype)
    count = jnp.asarray(real.shape[0], real.dtype)
    return state.replace(step=state.step + 1), {**d_metrics, **g_metrics, "count": count}


# Donated: the old state's buffers (two sets of params and of Adam moments) are reused.
gan_train_step = jax.jit(_gan_train_step, donate_argnums=0)
gan_train_step.__doc__ = """One compiled GAN step: ``(state, batch) -> (state, metrics)``.

Metrics: ``d_loss``, ``g_loss``, ``d_real``/``d_fake`` (mean D on real and generated images,
before D's update), ``count``. The input state is donated: do not reuse it. Train a GAN
with ``fit(state, train, config=config, step=gan_train_step)``.
"""
