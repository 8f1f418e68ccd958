"""Many-to-one sequence classifier: read a token sequence, classify it (e.g. sentiment)."""

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets.layers import Recurrent, make_cell
from jaxnets.models._rnn import TokenInput, check_tokens

POOLINGS = ("last", "mean")


class SequenceClassifier(nn.Module):
    """Tokens (B, T) int -> class logits (B, K) from the RNN's hidden states.

    The cell (``"rnn"``, ``"lstm"``, ``"gru"``, H = ``hidden``) reads the embedded tokens; a
    Dense layer maps one summary of its states h_1..h_T to K logits: ``pooling="last"``
    takes the state after the last real token, ``"mean"`` averages the states over real
    tokens. Tokens equal to ``pad_token`` (if set) are padding: they are masked out of the
    summary, so right-padded sequences of different lengths are classified as if unpadded.
    Parameters: V·embed (or none, one-hot), the cell's G·(H·(D + H) + H), and H·K + K.

    >>> import jax, jax.numpy as jnp
    >>> model = SequenceClassifier(num_classes=2, vocab_size=5, hidden=4, embed=3, pad_token=0)
    >>> tokens = jnp.array([[1, 3, 3, 0, 0], [2, 4, 1, 3, 2]])  # the first row has 3 tokens
    >>> variables = model.init(jax.random.key(0), tokens)
    >>> model.apply(variables, tokens).shape
    (2, 2)
    """

    num_classes: int
    vocab_size: int
    hidden: int = 64
    cell: str = "gru"
    embed: int | None = 16
    pooling: str = "mean"
    pad_token: int | None = None

    @nn.compact
    def __call__(self, tokens: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        check_tokens(tokens, "SequenceClassifier")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {self.pooling!r}")
        xs = TokenInput(self.vocab_size, self.embed, name="inputs")(tokens)  # (B, T, D)
        hs = Recurrent(make_cell(self.cell, self.hidden, name="cell"), name="rnn")(xs)  # (B, T, H)
        if self.pad_token is None:
            mask = jnp.ones(tokens.shape, hs.dtype)
        else:
            mask = (tokens != self.pad_token).astype(hs.dtype)  # (B, T)
        if self.pooling == "mean":
            # max(., 1): an all-padding row pools to zeros rather than dividing by zero.
            count = jnp.maximum(mask.sum(axis=1, keepdims=True), 1.0)
            summary = (hs * mask[..., None]).sum(axis=1) / count  # (B, H)
        else:
            # Index of the last real token; right padding means it is count - 1.
            last = jnp.maximum(mask.sum(axis=1).astype(jnp.int32) - 1, 0)  # (B,)
            summary = jnp.take_along_axis(hs, last[:, None, None], axis=1)[:, 0]  # (B, H)
        return nn.Dense(self.num_classes, name="head")(summary)
