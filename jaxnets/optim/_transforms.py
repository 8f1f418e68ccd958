"""Lecture-faithful gradient transformations, in optax's ``(init, update)`` form."""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax


class ScaleByAdagradState(NamedTuple):
    """The running sum of squared gradients G_t, one array per parameter."""

    sum_of_squares: optax.Updates


def scale_by_adagrad(eps: float = 1e-8) -> optax.GradientTransformation:
    """AdaGrad as the lectures write it: G_t = G_{t-1} + g_t^2 from G_0 = 0, and the
    direction g_t / (sqrt(G_t) + eps), eps *outside* the root.

    Lecture 000: theta_t = theta_{t-1} - alpha g / (G_t^{1/2} + eps); lecture 004 (cs231n):
    ``cache += dx**2; x += -learning_rate * dx / (np.sqrt(cache) + eps)``. optax's
    ``scale_by_rss`` (behind ``optax.adagrad``) differs twice: its accumulator starts at
    0.1 and its eps sits inside the root, g / sqrt(G + eps). Chain with a learning rate
    (``from_config(OptimizerConfig("adagrad_lecture", lr))``) for the full update.

    >>> import jax.numpy as jnp
    >>> tx = scale_by_adagrad()
    >>> updates, state = tx.update(jnp.array([3.0, -4.0]), tx.init(jnp.zeros(2)))
    >>> [round(u, 6) for u in updates.tolist()]  # g / |g| on the first step
    [1.0, -1.0]
    """

    def init_fn(params):
        return ScaleByAdagradState(jax.tree.map(jnp.zeros_like, params))

    def update_fn(updates, state, params=None):
        del params
        sums = jax.tree.map(lambda s, g: s + g * g, state.sum_of_squares, updates)
        updates = jax.tree.map(lambda g, s: g / (jnp.sqrt(s) + eps), updates, sums)
        return updates, ScaleByAdagradState(sums)

    return optax.GradientTransformation(init_fn, update_fn)
