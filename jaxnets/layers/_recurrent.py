"""Recurrent cells written out as the lectures' equations, and their unrolling over time.

A cell is one time step ``(carry, x_t) -> (carry, h_t)`` on a batch: x_t (B, D), h_t (B, H).
The carry is the hidden state s_t (B, H) for the simple RNN and the GRU, and the pair
(c_t, h_t) for the LSTM. Each cell holds two Dense maps, ``input`` (U, with the bias b) and
``recurrent`` (W, no bias), so its parameter count is G·(H·(D + H) + H) with G gates:
1 for the simple RNN, 4 for the LSTM, 3 for the GRU.

``layer_norm=True`` (Ba et al. 2016, layer normalisation for RNNs) normalises each example's
pre-activations U x_t + W s_{t-1} + b per gate group, over the group's H units, then applies
a learned gain and bias (ones and zeros at initialisation): G·(H·(D + H) + H) + 2·G·H
parameters. The default, False, computes exactly what the cells computed before the option.

Unrolling is ``lax.scan`` over time: :class:`Recurrent` inside a model (through ``nn.scan``,
which lifts ``lax.scan`` so the cell's parameters are shared by every step) and
:func:`unroll` for a cell's parameters outside any model (sampling, tests).

>>> import jax, jax.numpy as jnp
>>> cell = LSTMCell(hidden=8)
>>> xs = jnp.ones((2, 5, 3))  # (B, T, D)
>>> variables = Recurrent(cell).init(jax.random.key(0), xs)
>>> Recurrent(cell).apply(variables, xs).shape  # (B, T, H)
(2, 5, 8)
>>> sum(p.size for p in jax.tree.leaves(variables))  # 4 * (8 * (3 + 8) + 8)
384
"""

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets import initializers
from jaxnets.layers._activations import activation as get_activation

Carry = jax.Array | tuple[jax.Array, jax.Array]


class _GateNorm(nn.Module):
    """Layer norm of pre-activations (B, G·H) per gate group: each (B, H) block has zero mean
    and unit variance over its H units, then ``scale`` (G·H,) and ``bias`` (G·H,) apply."""

    gates: int
    epsilon: float = 1e-5

    @nn.compact
    def __call__(self, pre: jax.Array) -> jax.Array:
        features = pre.shape[-1]
        scale = self.param("scale", nn.initializers.ones, (features,), pre.dtype)
        bias = self.param("bias", nn.initializers.zeros, (features,), pre.dtype)
        groups = pre.reshape(*pre.shape[:-1], self.gates, features // self.gates)
        mean = jnp.mean(groups, axis=-1, keepdims=True)
        var = jnp.mean(jnp.square(groups - mean), axis=-1, keepdims=True)
        normed = ((groups - mean) * jax.lax.rsqrt(var + self.epsilon)).reshape(pre.shape)
        return normed * scale + bias


class _Cell(nn.Module):
    """Shared parts: the two maps U x_t + b and W s_{t-1}, and a zero initial carry."""

    hidden: int
    kernel_init: str = "xavier"
    recurrent_init: str = "orthogonal"
    layer_norm: bool = False

    def _norm(self, pre: jax.Array, gates: int, name: str = "norm") -> jax.Array:
        """``pre`` unchanged, or layer-normalised per gate group when ``layer_norm``."""
        return _GateNorm(gates, name=name)(pre) if self.layer_norm else pre

    def _maps(self, gates: int):
        u = nn.Dense(
            gates * self.hidden, kernel_init=initializers.get(self.kernel_init), name="input"
        )
        w = nn.Dense(
            gates * self.hidden,
            use_bias=False,
            kernel_init=initializers.get(self.recurrent_init),
            name="recurrent",
        )
        return u, w

    def initial_carry(self, batch_size: int, dtype=jnp.float32) -> Carry:
        """The zero state s_0 for ``batch_size`` sequences."""
        return jnp.zeros((batch_size, self.hidden), dtype)


class SimpleRNNCell(_Cell):
    """Elman RNN step: s_t = f(U x_t + W s_{t-1} + b); the output is s_t itself.

    ``activation`` is f (``"tanh"``; ``"relu"`` with ``recurrent_init="identity"`` is the IRNN
    of Le et al. 2015). Parameters: U (D, H), b (H,), W (H, H), i.e. H·(D + H) + H.
    """

    activation: str = "tanh"

    @nn.compact
    def __call__(self, carry: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        u, w = self._maps(1)
        s = get_activation(self.activation)(self._norm(u(x) + w(carry), 1))  # (B, H)
        return s, s


class LSTMCell(_Cell):
    """Long short-term memory step (Hochreiter & Schmidhuber 1997), carry (c, h):

    i, f, o = σ(U_* x_t + W_* h_{t-1} + b_*),  g = tanh(U_g x_t + W_g h_{t-1} + b_g),
    c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t).

    The four gates share one (D, 4H) and one (H, 4H) matrix: 4·(H·(D + H) + H) parameters.
    ``forget_bias`` is added to the forget gate's pre-activation so that, at initialisation,
    the cell keeps its memory (Jozefowicz et al. 2015) rather than halving it every step.
    """

    forget_bias: float = 1.0

    @nn.compact
    def __call__(self, carry, x: jax.Array):
        c, h = carry
        u, w = self._maps(4)
        i, f, g, o = jnp.split(self._norm(u(x) + w(h), 4), 4, axis=-1)  # each (B, H)
        c = jax.nn.sigmoid(f + self.forget_bias) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (c, h), h

    def initial_carry(self, batch_size: int, dtype=jnp.float32) -> Carry:
        zeros = jnp.zeros((batch_size, self.hidden), dtype)
        return zeros, zeros


class GRUCell(_Cell):
    """Gated recurrent unit step (Cho et al. 2014):

    r = σ(U_r x_t + W_r s_{t-1} + b_r),  z = σ(U_z x_t + W_z s_{t-1} + b_z),
    s̃ = tanh(U_s x_t + W_s (r ⊙ s_{t-1}) + b_s),  s_t = (1 - z) ⊙ s̃ + z ⊙ s_{t-1}.

    3·(H·(D + H) + H) parameters; W_s acts on the reset state, so it is its own matrix.
    """

    @nn.compact
    def __call__(self, carry: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        init = initializers.get(self.kernel_init)
        rec_init = initializers.get(self.recurrent_init)
        ux = nn.Dense(3 * self.hidden, kernel_init=init, name="input")(x)
        u_rz, u_s = ux[..., : 2 * self.hidden], ux[..., 2 * self.hidden :]
        # W_r and W_z read s_{t-1}; W_s reads r ⊙ s_{t-1}: two recurrent maps, 3H·H in all.
        w_rz = nn.Dense(2 * self.hidden, use_bias=False, kernel_init=rec_init, name="recurrent")
        r, z = jnp.split(jax.nn.sigmoid(self._norm(u_rz + w_rz(carry), 2)), 2, axis=-1)
        w_s = nn.Dense(self.hidden, use_bias=False, kernel_init=rec_init, name="candidate")
        candidate = jnp.tanh(self._norm(u_s + w_s(r * carry), 1, "candidate_norm"))
        s = (1.0 - z) * candidate + z * carry
        return s, s


CELLS: dict[str, type[_Cell]] = {"rnn": SimpleRNNCell, "lstm": LSTMCell, "gru": GRUCell}


def make_cell(kind: str, hidden: int, **kwargs) -> _Cell:
    """A fresh cell of ``kind`` ``"rnn"``, ``"lstm"`` or ``"gru"``; ``kwargs`` (``name``,
    ``recurrent_init``, ...) become module attributes."""
    if kind not in CELLS:
        raise ValueError(f"unknown cell {kind!r}; choose one of: {', '.join(CELLS)}")
    return CELLS[kind](hidden=hidden, **kwargs)


def _step(cell: nn.Module, carry, x):
    return cell(carry, x)


class Recurrent(nn.Module):
    """Run ``cell`` over a batch of sequences xs (B, T, D) -> hidden states (B, T, H).

    The loop is ``nn.scan`` (``lax.scan`` with the cell's parameters broadcast to every step),
    so backpropagation through time is reverse-mode through the scan. ``initial_carry``
    defaults to zeros; ``return_carry=True`` also returns the final carry.
    """

    cell: _Cell

    @nn.compact
    def __call__(self, xs: jax.Array, initial_carry: Carry | None = None, *, return_carry=False):
        if xs.ndim != 3:
            raise ValueError(f"Recurrent expects inputs (B, T, D); got shape {xs.shape}")
        carry = initial_carry
        if carry is None:
            carry = self.cell.initial_carry(xs.shape[0], xs.dtype)
        scan = nn.scan(
            _step,
            variable_broadcast="params",
            split_rngs={"params": False},
            in_axes=1,  # time is axis 1 of xs (B, T, D) ...
            out_axes=1,  # ... and of the outputs (B, T, H)
        )
        carry, hs = scan(self.cell, carry, xs)
        return (carry, hs) if return_carry else hs


def unroll(cell: _Cell, params, carry: Carry, xs: jax.Array) -> tuple[Carry, jax.Array]:
    """Pure BPTT-ready unroll of ``cell`` with ``params`` over xs (B, T, D).

    Returns the final carry and the hidden states (B, T, H). Equivalent to calling
    ``cell.apply({"params": params}, carry, xs[:, t])`` for t = 0..T-1 in a Python loop, but
    traced once: ``lax.scan`` over the time axis.
    """

    def step(carry, x_t):
        return cell.apply({"params": params}, carry, x_t)

    carry, hs = jax.lax.scan(step, carry, jnp.swapaxes(xs, 0, 1))  # scan over (T, B, D)
    return carry, jnp.swapaxes(hs, 0, 1)
