"""Training a Flax model through the hand-written VJPs matches training with jax.grad.

Each model has a ``custom`` switch: ``True`` calls the ``*_vjp`` adapters (gradients from
our backward formulas), ``False`` calls the same forward formulas on jax.numpy directly
(gradients from JAX's own autodiff). Same initial parameters, same data, same optimizer:
the parameters must agree after every step.
"""

from __future__ import annotations

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets.autodiff import layers as L
from tests.autodiff.test_layers_backprop import assert_close
from tests.tolerances import tol

STEPS = 5


pytestmark = pytest.mark.usefixtures("fast_compiles")


def _loss(logits, targets, custom: bool):
    if custom:
        return L.softmax_cross_entropy_vjp(logits, targets)
    return L.softmax_cross_entropy_forward(logits, targets, xp=jnp)[0]


class TinyMLP(nn.Module):
    """The lecture MLP ``y = tanh(W2 tanh(W1 x + b1) + b2)`` with ``y`` read as logits."""

    hidden: int
    classes: int
    custom: bool

    @nn.compact
    def __call__(self, x):  # x (B, D) -> logits (B, K)
        init = nn.initializers.normal(0.5)
        W1 = self.param("W1", init, (self.hidden, x.shape[-1]))
        b1 = self.param("b1", init, (self.hidden,))
        W2 = self.param("W2", init, (self.classes, self.hidden))
        b2 = self.param("b2", init, (self.classes,))
        if self.custom:
            return L.mlp_vjp(x, W1, b1, W2, b2, "tanh")
        return L.mlp_forward(x, W1, b1, W2, b2, "tanh", xp=jnp)[0]


class TinyConvNet(nn.Module):
    """conv 3x3 (stride 1, pad 1), 2x2 max pooling, dense: (B, 6, 6, 1) -> logits (B, K)."""

    classes: int
    custom: bool

    @nn.compact
    def __call__(self, x):
        init = nn.initializers.normal(0.5)
        kernel = self.param("kernel", init, (3, 3, x.shape[-1], 2))
        bias = self.param("bias", init, (2,))
        if self.custom:
            h = L.conv2d_vjp(x, kernel, bias, stride=1, padding=1)  # (B, 6, 6, 2)
            h = L.max_pool_vjp(h, window=2)  # (B, 3, 3, 2)
        else:
            h = L.conv2d_forward(x, kernel, bias, stride=1, padding=1, xp=jnp)[0]
            h = L.max_pool_forward(h, window=2, xp=jnp)[0]
        h = h.reshape(h.shape[0], -1)  # (B, 18)
        W = self.param("W", init, (self.classes, h.shape[-1]))
        b = self.param("b", init, (self.classes,))
        if self.custom:
            return L.dense_vjp(h, W, b, "identity")
        return L.dense_forward(h, W, b, "identity", xp=jnp)[0]


def _train(model_cls, kwargs, optimizer, x, targets, params, custom: bool):
    """STEPS optimizer steps on one batch; returns the parameters after each step."""
    model = model_cls(**kwargs, custom=custom)

    def loss_fn(params):
        return _loss(model.apply({"params": params}, x), targets, custom)

    @jax.jit
    def step(params, opt_state):
        loss, grads = jax.value_and_grad(loss_fn)(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    opt_state, history, losses = optimizer.init(params), [], []
    for _ in range(STEPS):
        params, opt_state, loss = step(params, opt_state)
        history.append(params)
        losses.append(float(loss))
    return history, losses


MODELS = {
    "mlp": (TinyMLP, {"hidden": 5, "classes": 3}, (8, 4)),
    "conv": (TinyConvNet, {"classes": 3}, (4, 6, 6, 1)),
}
OPTIMIZERS = {"sgd": lambda: optax.sgd(0.5), "adam": lambda: optax.adam(0.05)}


@pytest.mark.parametrize("model_name", list(MODELS))
@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
def test_training_with_custom_vjp_matches_jax_grad_step_for_step(model_name, opt_name, x64):
    model_cls, kwargs, x_shape = MODELS[model_name]
    rng = np.random.default_rng(0)
    x = rng.normal(size=x_shape)  # float64; numpy data avoids a compile per eager op
    targets = np.eye(3)[rng.integers(0, 3, size=x_shape[0])]  # one-hot (B, 3)
    # Jitted init: one compile instead of one per eager op.
    params = jax.jit(model_cls(**kwargs, custom=False).init)(jax.random.key(0), x)["params"]
    assert jax.tree.leaves(params)[0].dtype == jnp.float64

    optimizer = OPTIMIZERS[opt_name]()
    ours, our_losses = _train(model_cls, kwargs, optimizer, x, targets, params, custom=True)
    theirs, their_losses = _train(model_cls, kwargs, optimizer, x, targets, params, custom=False)

    for mine, ref in zip(ours, theirs, strict=True):
        for a, b in zip(jax.tree.leaves(mine), jax.tree.leaves(ref), strict=True):
            assert_close(a, b, tol(np.float64, "params"))
    assert_close(our_losses, their_losses, tol(np.float64, "values"))
    # The parameters moved and the loss went down: the comparison is not of two no-ops.
    moved = jax.tree.map(lambda a, b: float(jnp.max(jnp.abs(a - b))), ours[-1], params)
    assert min(jax.tree.leaves(moved)) > 1e-3
    assert our_losses[-1] < our_losses[0]
