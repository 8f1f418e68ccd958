"""Normalisation layers: batch normalisation (with running averages) and layer normalisation."""

import flax.linen as nn
import jax
import jax.numpy as jnp


class BatchNorm(nn.Module):
    """Batch normalisation (Ioffe & Szegedy 2015) over every axis but the last (features).

    Input (B, ..., C) -> output of the same shape, y = gamma * (x - mu) / sqrt(var + eps) + beta
    with learned ``scale`` gamma and ``bias`` beta of shape (C,).

    - ``train=True``: mu and var are the batch's mean and (biased) variance, and the running
      averages in the ``"batch_stats"`` collection are updated as
      ``r <- momentum * r + (1 - momentum) * batch_value``; call ``apply`` with
      ``mutable=["batch_stats"]`` to receive them (``jaxnets.train`` does this for you).
    - ``train=False``: the running averages are used, so a prediction does not depend on the
      other examples in its batch.

    After N training steps from r_0 the running mean is
    ``m^N r_0 + (1 - m) sum_k m^(N-k) mu_k`` (``m`` = ``momentum``, mu_k the k-th batch mean).
    With ``axis_name`` (the name of a ``pmap``/``shard_map`` axis) the batch statistics are
    averaged over devices, so every device normalises with the statistics of the global batch.

    >>> import jax, jax.numpy as jnp
    >>> bn = BatchNorm()
    >>> x = jnp.arange(6.0).reshape(3, 2)
    >>> variables = bn.init(jax.random.key(0), x)
    >>> y, updates = bn.apply(variables, x, train=True, mutable=["batch_stats"])
    >>> updates["batch_stats"]["mean"]
    Array([0.2, 0.3], dtype=float32)
    """

    momentum: float = 0.9
    epsilon: float = 1e-5
    axis_name: str | None = None

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        features = x.shape[-1]
        dtype = x.dtype
        ra_mean = self.variable("batch_stats", "mean", jnp.zeros, (features,), dtype)
        ra_var = self.variable("batch_stats", "var", jnp.ones, (features,), dtype)
        scale = self.param("scale", nn.initializers.ones, (features,), dtype)
        bias = self.param("bias", nn.initializers.zeros, (features,), dtype)
        if train:
            axes = tuple(range(x.ndim - 1))
            mean = jnp.mean(x, axis=axes)
            mean_sq = jnp.mean(jnp.square(x), axis=axes)
            if self.axis_name is not None:
                # E[x] and E[x^2] average exactly across equal-sized device batches.
                mean, mean_sq = jax.lax.pmean((mean, mean_sq), self.axis_name)
            # Clipped: E[x^2] - E[x]^2 can round below zero for near-constant features.
            var = jnp.maximum(mean_sq - jnp.square(mean), 0.0)
            if not self.is_initializing():  # init must not count as a training step
                m = self.momentum
                ra_mean.value = m * ra_mean.value + (1.0 - m) * mean
                ra_var.value = m * ra_var.value + (1.0 - m) * var
        else:
            mean, var = ra_mean.value, ra_var.value
        return (x - mean) * jax.lax.rsqrt(var + self.epsilon) * scale + bias


class LayerNorm(nn.Module):
    """Layer normalisation (Ba et al. 2016): each example normalised over its features.

    Input (..., D) -> same shape; mean and variance over the last axis only, so training and
    evaluation behave identically and no state is kept. Learned ``scale`` and ``bias`` (D,).

    >>> import jax, jax.numpy as jnp
    >>> x = jnp.array([[1.0, 2.0, 3.0]])
    >>> y = LayerNorm().apply({"params": {"scale": jnp.ones(3), "bias": jnp.zeros(3)}}, x)
    >>> [round(float(v), 3) for v in y[0]]
    [-1.225, 0.0, 1.225]
    """

    epsilon: float = 1e-5

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train  # identical in training and evaluation
        features = x.shape[-1]
        scale = self.param("scale", nn.initializers.ones, (features,), x.dtype)
        bias = self.param("bias", nn.initializers.zeros, (features,), x.dtype)
        mean = jnp.mean(x, axis=-1, keepdims=True)
        var = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
        return (x - mean) * jax.lax.rsqrt(var + self.epsilon) * scale + bias
