"""Character-level language model: an RNN/LSTM/GRU reading tokens and predicting the next one.

The lectures' model: x_t is the token t (one-hot, or an embedding), s_t = cell(s_{t-1}, x_t),
o_t = softmax(V s_t + c) is the distribution of token t + 1. Training is the mean over time of
-log o_t[y_t] (the ``"sequence_softmax_cross_entropy"`` loss); generation feeds each sampled
token back in (:func:`jaxnets.models.sample`, one compiled ``lax.scan``).
"""

import functools

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets.errors import InvalidArgumentError
from jaxnets.layers import Recurrent, make_cell


def check_tokens(tokens: jax.Array, model: str) -> None:
    """Raise a clear error unless ``tokens`` is an integer batch (B, T)."""
    if tokens.ndim != 2:
        raise ValueError(
            f"{model} expects token ids (B, T); got shape {tokens.shape}. "
            "Add a leading batch axis, e.g. tokens[None]."
        )
    if not jnp.issubdtype(tokens.dtype, jnp.integer):
        raise TypeError(
            f"{model} expects integer token ids, got dtype {tokens.dtype}; initialise the "
            "train state with init_state(..., dtype=jnp.int32)."
        )


class TokenInput(nn.Module):
    """Token ids (B, T) -> vectors (B, T, D): one-hot (D = V) when ``embed`` is None."""

    vocab_size: int
    embed: int | None = None

    @nn.compact
    def __call__(self, tokens: jax.Array) -> jax.Array:
        if self.embed is None:
            return jax.nn.one_hot(tokens, self.vocab_size)
        return nn.Embed(self.vocab_size, self.embed, name="embed")(tokens)


class CharLM(nn.Module):
    """Next-token model over a vocabulary of V tokens: (B, T) int -> logits (B, T, V).

    ``cell`` is ``"rnn"`` (s_t = tanh(U x_t + W s_{t-1} + b)), ``"lstm"`` or ``"gru"``, with
    ``hidden`` units H; ``embed`` None feeds one-hot vectors (D = V), an int feeds a learned
    (V, embed) embedding. Parameters: the cell's G·(H·(D + H) + H), plus V·embed for the
    embedding, plus H·V + V for the output layer V s_t + c. ``layer_norm=True`` normalises the
    cell's pre-activations per gate group (see :mod:`jaxnets.layers`), adding 2·G·H.

    >>> import jax, jax.numpy as jnp
    >>> model = CharLM(vocab_size=4, hidden=3, cell="rnn")  # the lectures' "hello" net
    >>> variables = model.init(jax.random.key(0), jnp.zeros((1, 4), jnp.int32))
    >>> sum(p.size for p in jax.tree.leaves(variables))  # (3·(4 + 3) + 3) + (3·4 + 4)
    40
    >>> model.apply(variables, jnp.array([[0, 1, 2, 2]])).shape  # (B, T, V)
    (1, 4, 4)
    """

    vocab_size: int
    hidden: int = 128
    cell: str = "gru"
    embed: int | None = None
    recurrent_init: str = "orthogonal"
    layer_norm: bool = False

    def setup(self):
        self.inputs = TokenInput(self.vocab_size, self.embed)
        self.core = make_cell(
            self.cell, self.hidden, recurrent_init=self.recurrent_init, layer_norm=self.layer_norm
        )
        self.rnn = Recurrent(self.core)
        self.head = nn.Dense(self.vocab_size, name="head")

    def __call__(self, tokens: jax.Array, *, train: bool = False) -> jax.Array:
        del train  # no train-time behaviour
        check_tokens(tokens, "CharLM")
        hs = self.rnn(self.inputs(tokens))  # (B, T, H)
        return self.head(hs)  # (B, T, V)

    def initial_carry(self, batch_size: int):
        """The zero hidden state for ``batch_size`` sequences."""
        return self.core.initial_carry(batch_size)

    def step(self, carry, token: jax.Array):
        """One step: token (B,) int and carry -> (new carry, logits (B, V))."""
        x = self.inputs(token[:, None])[:, 0]  # (B, D)
        carry, h = self.core(carry, x)
        return carry, self.head(h)


@functools.partial(jax.jit, static_argnames=("model", "length", "stop_token"))
def sample_tokens(
    model: CharLM,
    params,
    *,
    key: jax.Array,
    prefix: jax.Array,
    length: int,
    temperature: float = 1.0,
    stop_token: int | None = None,
) -> jax.Array:
    """Generate ``length`` tokens after ``prefix`` (B, P) int (or (P,)), one compiled function.

    The prefix is read with the carried hidden state, then each step draws token t + 1 from
    softmax(logits / ``temperature``) and feeds it back: ``lax.scan`` over steps, never a
    Python loop of ``apply`` calls. Lower temperature is greedier (0.5), higher more diverse.
    Once a sequence emits ``stop_token`` (the names' end token ``.``) its later tokens are
    ``stop_token`` too. Returns the generated tokens (B, length) int32, prefix excluded.

    >>> import jax, jax.numpy as jnp
    >>> model = CharLM(vocab_size=4, hidden=3)
    >>> params = model.init(jax.random.key(0), jnp.zeros((1, 4), jnp.int32))["params"]
    >>> out = sample_tokens(model, params, key=jax.random.key(1),
    ...                     prefix=jnp.zeros((2, 1), jnp.int32), length=5, temperature=1.0)
    >>> out.shape, out.dtype.name
    ((2, 5), 'int32')
    """
    prefix = jnp.asarray(prefix, jnp.int32)
    if prefix.ndim == 1:
        prefix = prefix[None]
    if prefix.shape[1] < 1:
        raise InvalidArgumentError(
            "sample needs a prefix of at least one token (e.g. the start token)"
        )
    variables = {"params": params}

    def step(carry, token):
        return model.apply(variables, carry, token, method=CharLM.step)

    carry = model.apply(variables, prefix.shape[0], method=CharLM.initial_carry)
    carry, logits = jax.lax.scan(step, carry, prefix.T)  # read the prefix, (P, B, V)
    last_logits = logits[-1]  # (B, V): the distribution of the first new token
    done = jnp.zeros(prefix.shape[0], bool)

    def generate(state, step_key):
        carry, logits, done = state
        token = jax.random.categorical(step_key, logits / temperature).astype(jnp.int32)
        if stop_token is not None:
            token = jnp.where(done, stop_token, token)
            done = done | (token == stop_token)
        carry, logits = step(carry, token)
        return (carry, logits, done), token

    keys = jax.random.split(key, length)
    _, tokens = jax.lax.scan(generate, (carry, last_logits, done), keys)  # (length, B)
    return tokens.T
