"""One way to draw from a generative model: :func:`sample`, dispatching on the model.

A character LM generates tokens autoregressively; a VAE decodes codes z ~ N(0, I) into
Bernoulli means; a GAN generator maps z ~ N(0, I) to images.
"""

from collections.abc import Mapping

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets.errors import InvalidArgumentError
from jaxnets.models._gan import DCGANGenerator, MLPGenerator
from jaxnets.models._rnn import CharLM, sample_tokens
from jaxnets.models._vae import VAE

_CODE_MODELS = (VAE, MLPGenerator, DCGANGenerator)


def _params(variables: Mapping) -> Mapping:
    # A flax params tree never has a top-level "params" entry (its keys are layer names), so a
    # mapping with one is the variables {"params": ...}; anything else is a bare params tree.
    return variables["params"] if "params" in variables else variables


def _latent_size(model: nn.Module, params: Mapping) -> int:
    """L, the code size z (B, L) a decoder was initialised with, read off its first layer."""
    if isinstance(model, VAE):
        return model.latent
    if isinstance(model, DCGANGenerator):
        first = "project"
    else:
        first = "dense_0" if model.hidden else "output"
    return params[first]["kernel"].shape[0]


def _decode(model: nn.Module, params: Mapping, z: jax.Array) -> jax.Array:
    if isinstance(model, VAE):
        # Bernoulli means rather than binary samples, the usual way to show digits.
        return jax.nn.sigmoid(model.apply({"params": params}, z, method=VAE.decode))
    return model.apply({"params": params}, z, train=False)


def sample(model: nn.Module, variables: Mapping, *, key: jax.Array, num: int | None = None, **kw):
    """Draw from the generative ``model`` with its ``variables`` ({"params": ...}).

    - :class:`CharLM`: tokens (B, length) int32 generated after ``prefix`` (B, P) or (P,);
      keywords ``prefix``, ``length``, ``temperature`` (1.0), ``stop_token`` (None), as in
      :func:`~jaxnets.models._rnn.sample_tokens`. ``num`` (optional) repeats a 1-D prefix
      ``num`` times; with a (B, P) prefix it must equal B.
    - :class:`VAE`: ``num`` images (num, *image_shape) in [0, 1], sigmoid(decode(z)) for
      z ~ N(0, I) (L = ``model.latent``).
    - :class:`MLPGenerator`, :class:`DCGANGenerator`: ``num`` images (num, H, W, C) in [0, 1]
      from z ~ N(0, I) of the latent size L the generator was initialised with.

    Any other model, a missing ``num`` or an unexpected keyword raises
    :class:`~jaxnets.errors.InvalidArgumentError`.

    >>> import jax, jax.numpy as jnp
    >>> vae = VAE(hidden=(8,), latent=2, image_shape=(4, 4, 1))
    >>> variables = vae.init(jax.random.key(0), jnp.ones((1, 4, 4, 1)))
    >>> sample(vae, variables, key=jax.random.key(1), num=5).shape
    (5, 4, 4, 1)
    """
    params = _params(variables)
    name = type(model).__name__
    if isinstance(model, CharLM):
        if "prefix" not in kw or "length" not in kw:
            raise InvalidArgumentError(
                "sampling a CharLM needs prefix= (token ids (B, P), e.g. the start token) "
                "and length= (tokens to generate)"
            )
        prefix = jnp.asarray(kw.pop("prefix"), jnp.int32)
        if num is not None:
            if prefix.ndim == 1:
                prefix = jnp.tile(prefix[None], (num, 1))
            elif prefix.shape[0] != num:
                raise InvalidArgumentError(
                    f"num={num} sequences but the prefix {prefix.shape} has {prefix.shape[0]} "
                    "rows; pass a 1-D prefix (P,) to repeat it, or drop num."
                )
        allowed = {"length", "temperature", "stop_token"}
        if set(kw) - allowed:
            raise InvalidArgumentError(
                f"sample got unexpected keywords {sorted(set(kw) - allowed)} for a CharLM; "
                f"it takes prefix, {', '.join(sorted(allowed))} and num"
            )
        return sample_tokens(model, params, key=key, prefix=prefix, **kw)
    if not isinstance(model, _CODE_MODELS):
        raise InvalidArgumentError(
            f"cannot sample from a {name}: sample draws from CharLM, VAE, MLPGenerator and "
            "DCGANGenerator models."
        )
    if kw:
        raise InvalidArgumentError(
            f"sample got unexpected keywords {sorted(kw)} for a {name}; it takes key and num"
        )
    if num is None or num < 1:
        raise InvalidArgumentError(f"sampling a {name} needs num >= 1 samples, got {num!r}")
    z = jax.random.normal(key, (num, _latent_size(model, params)))  # (num, L)
    return _decode(model, params, z)
