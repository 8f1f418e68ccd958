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

A cell's step is :meth:`~_Cell.project` (U x_t + b, no state needed) then
:meth:`~_Cell.step` (the recurrence on the projected input), so that a loop can do the first
for all t at once (``hoist_input``).

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

from typing import ClassVar

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
    """Shared parts: the maps U x_t + b and W s_{t-1}, and a zero initial carry.

    A step is split in two: :meth:`project` (U x + b, on any leading axes, so a whole
    sequence (B, T, D) -> (B, T, G·H) is one matmul) and :meth:`step` (the recurrence on a
    projected input u_t (B, G·H)). ``cell(carry, x_t)`` is ``step(carry, project(x_t))``.
    """

    hidden: int
    kernel_init: str = "xavier"
    recurrent_init: str = "orthogonal"
    layer_norm: bool = False

    gates: ClassVar[int] = 1  # G: the input map's width is G·H

    def setup(self):
        self.input = nn.Dense(
            self.gates * self.hidden, kernel_init=initializers.get(self.kernel_init)
        )

    def _recurrent_map(self, features: int) -> nn.Dense:
        return nn.Dense(features, use_bias=False, kernel_init=initializers.get(self.recurrent_init))

    def project(self, x: jax.Array) -> jax.Array:
        """U x + b: x (..., D) -> (..., G·H), the part of a step that does not need the state."""
        # One 2-D matmul (N, D) @ (D, G·H): XLA:CPU computes the gradient of a dot with two
        # batch axes ((T, B, D) @ (D, G·H)) about four times slower than the same 2-D one.
        flat = self.input(x.reshape(-1, x.shape[-1]))
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def step(self, carry: Carry, ux: jax.Array) -> tuple[Carry, jax.Array]:
        """One step on a projected input ux = U x_t + b (B, G·H): (carry, ux) -> (carry, h_t)."""
        raise NotImplementedError

    def __call__(self, carry: Carry, x: jax.Array) -> tuple[Carry, jax.Array]:
        """One step on x_t (B, D): (carry, x_t) -> (carry, h_t)."""
        return self.step(carry, self.project(x))

    def initial_carry(self, batch_size: int, dtype=jnp.float32) -> Carry:
        """The zero state s_0 for ``batch_size`` sequences."""
        return jnp.zeros((batch_size, self.hidden), dtype)


class SimpleRNNCell(_Cell):
    """Elman RNN step: s_t = f(U x_t + W s_{t-1} + b); the output is s_t itself.

    ``activation`` is f (``"tanh"``; ``"relu"`` with ``recurrent_init="identity"`` is the IRNN
    of Le et al. 2015). Parameters: U (D, H), b (H,), W (H, H), i.e. H·(D + H) + H.
    """

    activation: str = "tanh"

    def setup(self):
        super().setup()
        self.recurrent = self._recurrent_map(self.hidden)
        if self.layer_norm:
            self.norm = _GateNorm(1)

    def step(self, carry: jax.Array, ux: jax.Array) -> tuple[jax.Array, jax.Array]:
        pre = ux + self.recurrent(carry)
        s = get_activation(self.activation)(self.norm(pre) if self.layer_norm else pre)
        return s, s  # (B, H)


class LSTMCell(_Cell):
    """Long short-term memory step (Hochreiter & Schmidhuber 1997), carry (c, h):

    i, f, o = σ(U_* x_t + W_* h_{t-1} + b_*),  g = tanh(U_g x_t + W_g h_{t-1} + b_g),
    c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t).

    The four gates share one (D, 4H) and one (H, 4H) matrix: 4·(H·(D + H) + H) parameters.
    ``forget_bias`` is added to the forget gate's pre-activation so that, at initialisation,
    the cell keeps its memory (Jozefowicz et al. 2015) rather than halving it every step.
    """

    forget_bias: float = 1.0
    gates: ClassVar[int] = 4

    def setup(self):
        super().setup()
        self.recurrent = self._recurrent_map(4 * self.hidden)
        if self.layer_norm:
            self.norm = _GateNorm(4)

    def step(self, carry, ux: jax.Array):
        c, h = carry
        pre = ux + self.recurrent(h)  # (B, 4H)
        i, f, g, o = jnp.split(self.norm(pre) if self.layer_norm else pre, 4, axis=-1)
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

    gates: ClassVar[int] = 3

    def setup(self):
        super().setup()
        # W_r and W_z read s_{t-1}; W_s reads r ⊙ s_{t-1}: two recurrent maps, 3H·H in all.
        self.recurrent = self._recurrent_map(2 * self.hidden)
        self.candidate = self._recurrent_map(self.hidden)
        if self.layer_norm:
            self.norm = _GateNorm(2)
            self.candidate_norm = _GateNorm(1)

    def step(self, carry: jax.Array, ux: jax.Array) -> tuple[jax.Array, jax.Array]:
        u_rz, u_s = ux[..., : 2 * self.hidden], ux[..., 2 * self.hidden :]
        pre_rz = u_rz + self.recurrent(carry)
        if self.layer_norm:
            pre_rz = self.norm(pre_rz)
        r, z = jnp.split(jax.nn.sigmoid(pre_rz), 2, axis=-1)
        pre_s = u_s + self.candidate(r * carry)
        if self.layer_norm:
            pre_s = self.candidate_norm(pre_s)
        s = (1.0 - z) * jnp.tanh(pre_s) + z * carry
        return s, s


CELLS: dict[str, type[_Cell]] = {"rnn": SimpleRNNCell, "lstm": LSTMCell, "gru": GRUCell}


def make_cell(kind: str, hidden: int, **kwargs) -> _Cell:
    """A fresh cell of ``kind`` ``"rnn"``, ``"lstm"`` or ``"gru"``; ``kwargs`` (``name``,
    ``recurrent_init``, ...) become module attributes."""
    if kind not in CELLS:
        raise ValueError(f"unknown cell {kind!r}; choose one of: {', '.join(CELLS)}")
    return CELLS[kind](hidden=hidden, **kwargs)


def _step(cell: _Cell, carry, x):
    return cell(carry, x)


def _projected_step(cell: _Cell, carry, ux):
    return cell.step(carry, ux)


class Recurrent(nn.Module):
    """Run ``cell`` over a batch of sequences xs (B, T, D) -> hidden states (B, T, H).

    The loop is ``nn.scan`` (``lax.scan`` with the cell's parameters broadcast to every step),
    so backpropagation through time is reverse-mode through the scan. ``initial_carry``
    defaults to zeros; ``return_carry=True`` also returns the final carry.

    ``hoist_input=True`` computes the input map U x_t + b of every step as one matmul on the
    whole sequence before the loop (as cuDNN and oneDNN do) and scans only the recurrent part;
    ``unroll`` is the number of steps per iteration of the compiled loop (``lax.scan``'s).
    Neither changes the parameters or, beyond float rounding, the results. Both are off by
    default: on XLA:CPU, for the benchmark LSTM (issue 13: H = 256, D = 32, B = 64, T = 32),
    the hoisted training step was slower (U x + b and its gradient become (T, B, G·H) arrays
    that cost more than the small per-step matmul they replace), unroll 2 was no faster and
    unroll 4 and 8 were slower.
    """

    cell: _Cell
    unroll: int = 1
    hoist_input: bool = False

    @nn.compact
    def __call__(self, xs: jax.Array, initial_carry: Carry | None = None, *, return_carry=False):
        if xs.ndim != 3:
            raise ValueError(f"Recurrent expects inputs (B, T, D); got shape {xs.shape}")
        carry = initial_carry
        if carry is None:
            carry = self.cell.initial_carry(xs.shape[0], xs.dtype)
        if self.hoist_input:
            # Time-major before projecting: transposing (B, T, D) is cheaper than (B, T, G·H).
            step, inputs, in_axes = _projected_step, self.cell.project(jnp.swapaxes(xs, 0, 1)), 0
        else:
            step, inputs, in_axes = _step, xs, 1  # time is axis 1 of xs (B, T, D)
        scan = nn.scan(
            step,
            variable_broadcast="params",
            split_rngs={"params": False},
            in_axes=in_axes,
            out_axes=1,  # time is axis 1 of the outputs (B, T, H)
            unroll=self.unroll,
        )
        carry, hs = scan(self.cell, carry, inputs)
        return (carry, hs) if return_carry else hs


def unroll(
    cell: _Cell, params, carry: Carry, xs: jax.Array, *, hoist_input: bool = False
) -> tuple[Carry, jax.Array]:
    """Pure BPTT-ready unroll of ``cell`` with ``params`` over xs (B, T, D).

    Returns the final carry and the hidden states (B, T, H). Equivalent to calling
    ``cell.apply({"params": params}, carry, xs[:, t])`` for t = 0..T-1 in a Python loop, but
    traced once: ``lax.scan`` over the time axis. ``hoist_input=True`` computes U x_t + b for
    every t as one matmul before the loop and scans only the recurrent part, as
    :class:`Recurrent` does with the same option.
    """
    variables = {"params": params}
    xs = jnp.swapaxes(xs, 0, 1)  # (T, B, D)
    if hoist_input:
        xs = cell.apply(variables, xs, method="project")  # (T, B, G·H)

        def step(carry, ux_t):
            return cell.apply(variables, carry, ux_t, method="step")
    else:

        def step(carry, x_t):
            return cell.apply(variables, carry, x_t)

    carry, hs = jax.lax.scan(step, carry, xs)
    return carry, jnp.swapaxes(hs, 0, 1)
