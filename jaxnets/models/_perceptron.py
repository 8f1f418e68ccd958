"""Rosenblatt's perceptron: the step activation and the perceptron learning rule.

The rule w <- w + lr (y - y_hat) x is not gradient descent on a differentiable loss, so it
lives here as pure functions (:func:`perceptron_update`, :func:`fit_perceptron`) rather than in
``jaxnets.train``. The :class:`Perceptron` module is the same linear unit for the registry;
:func:`perceptron_train_step` applies the rule to it as a step for ``jaxnets.train.fit``
(``fit(state, train, test, config, step=perceptron_train_step, eval_fn=train.eval_step)``).
"""

from typing import NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxnets import initializers


def step_activation(z: jax.Array) -> jax.Array:
    """Heaviside step: 1 where z >= 0, else 0 (in z's dtype)."""
    return (z >= 0).astype(z.dtype)


class PerceptronParams(NamedTuple):
    """Weights ``w`` (D,) and bias ``b`` () of one threshold unit."""

    w: jax.Array
    b: jax.Array


def perceptron_predict(params: PerceptronParams, x: jax.Array) -> jax.Array:
    """y_hat = step_activation(w . x + b): (D,) -> () or (B, D) -> (B,), values in {0, 1}."""
    return step_activation(x @ params.w + params.b)


def perceptron_update(
    params: PerceptronParams, x: jax.Array, y: jax.Array, lr: float = 1.0
) -> PerceptronParams:
    """One application of the perceptron rule to one example x (D,) with target y in {0, 1}.

    w <- w + lr (y - y_hat) x and b <- b + lr (y - y_hat): nothing changes when the example is
    classified correctly; a false negative adds x, a false positive subtracts it.

    >>> import jax.numpy as jnp
    >>> p = PerceptronParams(jnp.zeros(2), jnp.zeros(()))
    >>> p = perceptron_update(p, jnp.array([1.0, 2.0]), jnp.array(0.0))  # step(0) = 1: wrong
    >>> p.w.tolist(), float(p.b)
    ([-1.0, -2.0], -1.0)
    """
    error = y - perceptron_predict(params, x)
    return PerceptronParams(params.w + lr * error * x, params.b + lr * error)


class PerceptronFit(NamedTuple):
    """Result of :func:`fit_perceptron`: final params, mistakes per epoch, convergence flag."""

    params: PerceptronParams
    mistakes: list[int]
    converged: bool


@jax.jit
def _epoch(params: PerceptronParams, x: jax.Array, y: jax.Array, lr: float):
    def visit(params, example):
        xi, yi = example
        mistake = perceptron_predict(params, xi) != yi
        return perceptron_update(params, xi, yi, lr), mistake

    params, mistakes = jax.lax.scan(visit, params, (x, y))
    return params, jnp.sum(mistakes)


def fit_perceptron(
    x: jax.Array, y: jax.Array, *, lr: float = 1.0, max_epochs: int = 100
) -> PerceptronFit:
    """Online perceptron training on (N, D) inputs and (N,) targets in {0, 1}.

    Each epoch visits the examples in order (one compiled ``lax.scan``), updating after every
    mistake; training stops after the first epoch without mistakes. By the perceptron
    convergence theorem this happens in finitely many epochs iff the data are linearly
    separable; on XOR it never does and ``converged`` is False after ``max_epochs``.

    >>> import jax.numpy as jnp
    >>> x = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> fit_perceptron(x, jnp.array([0.0, 0.0, 0.0, 1.0])).converged  # AND
    True
    """
    x = jnp.asarray(x)
    y = jnp.asarray(y, x.dtype)
    if x.ndim != 2 or y.shape != x.shape[:1]:
        raise ValueError(f"expected x (N, D) and y (N,); got {x.shape} and {y.shape}")
    if not np.isin(np.asarray(y), (0, 1)).all():
        raise ValueError("perceptron targets must be 0 or 1")
    params = PerceptronParams(jnp.zeros(x.shape[1], x.dtype), jnp.zeros((), x.dtype))
    mistakes: list[int] = []
    for _ in range(max_epochs):
        params, count = _epoch(params, x, y, lr)
        mistakes.append(int(count))
        if mistakes[-1] == 0:
            return PerceptronFit(params, mistakes, True)
    return PerceptronFit(params, mistakes, False)


def perceptron_train_step(state, batch):
    """One pass of the perceptron rule over ``batch``, example by example: ``(state, metrics)``.

    A step for ``jaxnets.train.fit(..., step=perceptron_train_step)`` on a train state of
    :class:`Perceptron` (its ``"units"`` Dense layer). With one unit (K = 1) and labels in
    {0, 1} it is Rosenblatt's rule w <- w + (y - step(w . x + b)) x; with K >= 2 units it is
    the multiclass rule: on a mistake the true class's weights gain x and the predicted
    class's lose x. No gradient and no optimizer: ``state.tx`` is not used, and the rule is
    scale-free from zero weights (``kernel_init="zeros"``), so there is no learning rate.
    Metrics: ``mistakes`` (made during the pass), ``loss`` (their share: the 0/1 loss),
    ``count``. Rows whose ``"mask"`` is False are skipped.

    >>> import jax, jax.numpy as jnp, optax
    >>> from jaxnets import train
    >>> state = train.init_state(Perceptron(1, kernel_init="zeros"), optax.identity(),
    ...     train.Objective("hinge", input_key="x"), (2,), key=jax.random.key(0))
    >>> batch = {"x": jnp.array([[1.0, 2.0]]), "label": jnp.array([0])}
    >>> state, metrics = perceptron_train_step(state, batch)  # step(0) = 1: a mistake
    >>> state.params["units"]["kernel"][:, 0].tolist(), int(metrics["mistakes"])
    ([-1.0, -2.0], 1)
    """
    units = state.params["units"]
    x = batch[state.objective.input_key]
    x = x.reshape(x.shape[0], -1).astype(units["kernel"].dtype)  # (B, D)
    y = batch["label"]
    mask = batch.get("mask", jnp.ones(y.shape, bool))
    classes = units["kernel"].shape[-1]

    def visit(units, example):
        xi, yi, keep = example
        scores = xi @ units["kernel"] + units["bias"]  # (K,)
        if classes == 1:
            error = (yi - step_activation(scores)[0]) * keep  # -1, 0 or 1
            delta = jnp.reshape(error, (1,))
            wrong = error != 0
        else:
            predicted = jnp.argmax(scores)
            wrong = (predicted != yi) & keep
            delta = wrong * (jax.nn.one_hot(yi, classes) - jax.nn.one_hot(predicted, classes))
        delta = delta.astype(xi.dtype)
        new = {"kernel": units["kernel"] + jnp.outer(xi, delta), "bias": units["bias"] + delta}
        return new, wrong

    units, wrong = jax.lax.scan(visit, units, (x, y, mask))
    count = jnp.sum(mask).astype(jnp.float32)
    mistakes = jnp.sum(wrong).astype(jnp.float32)
    params = {**state.params, "units": units}
    metrics = {"loss": mistakes / count, "mistakes": mistakes, "count": count}
    return state.replace(step=state.step + 1, params=params), metrics


class Perceptron(nn.Module):
    """A layer of threshold units: scores s = W x + b, (B, ...) -> (B, K).

    The prediction is the step of the scores (one unit, K = 1) or their argmax (K > 1, the
    multiclass perceptron); ``__call__`` returns the raw scores. The perceptron rule trains
    it through ``fit`` with :func:`perceptron_train_step` (or on plain arrays with
    :func:`fit_perceptron`); the hinge loss is its gradient-descent cousin.

    >>> import jax, jax.numpy as jnp
    >>> model = Perceptron(num_classes=1)
    >>> variables = model.init(jax.random.key(0), jnp.ones((1, 3)))
    >>> step_activation(model.apply(variables, jnp.ones((2, 3)))).shape
    (2, 1)
    """

    num_classes: int = 1
    kernel_init: str = "small_random"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        if x.ndim < 2:
            raise ValueError(f"Perceptron expects a batch (B, ...); got shape {x.shape}")
        x = x.reshape(x.shape[0], -1)  # (B, D)
        init = initializers.get(self.kernel_init)
        return nn.Dense(self.num_classes, kernel_init=init, name="units")(x)
