"""vmap: per-example gradients, and a population of K models equal to K separate runs."""

import flax.linen as nn
import jax
import numpy as np
import optax
import pytest

from jaxnets import layers, models, optim, train
from tests.tolerances import tol

FEATURES, CLASSES = 5, 3


class Net(nn.Module):
    """Dense(8) -> relu -> Dropout(dropout) -> Dense(3)."""

    dropout: float = 0.0

    @nn.compact
    def __call__(self, x, *, train=False):
        x = nn.relu(nn.Dense(8)(x))
        x = layers.Dropout(self.dropout)(x, train=train)
        return nn.Dense(CLASSES)(x)


def _split(n, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(n, FEATURES)).astype(np.float32),
        "label": rng.integers(0, CLASSES, n).astype(np.int32),
    }


def _assert_trees_close(a, b, kind="params"):
    # Values here are O(0.1..1), so the relative tolerance also serves as the absolute floor.
    rtol = tol("float32", kind)
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=rtol)


def test_per_example_grads_equal_a_loop_of_single_example_grads():
    model = models.MLP((8, CLASSES))
    state = train.init_state(
        model,
        optim.create(optim.OptimizerConfig("sgd", 0.1)),
        train.Objective(input_key="x", l2=0.01),
        (FEATURES,),
        key=jax.random.PRNGKey(0),
    )
    batch = _split(6)
    grads = train.per_example_grads(state, batch)

    def loss(params, x, y):  # one example: cross-entropy + the L2 penalty 0.01 * 0.5 sum W^2
        logits = model.apply({"params": params}, x[None])
        ce = optax.softmax_cross_entropy_with_integer_labels(logits, y[None]).mean()
        kernels = [params[f"dense_{i}"]["kernel"] for i in range(2)]
        return ce + 0.01 * 0.5 * sum((k**2).sum() for k in kernels)

    for i in range(6):
        expected = jax.grad(loss)(state.params, batch["x"][i], batch["label"][i])
        _assert_trees_close(jax.tree.map(lambda g, i=i: g[i], grads), expected, "exact")
    # Their mean is the batch gradient the train step uses (no dropout, no batch norm).
    batch_loss = jax.vmap(loss, in_axes=(None, 0, 0))
    batch_grad = jax.grad(lambda p: batch_loss(p, batch["x"], batch["label"]).mean())(state.params)
    _assert_trees_close(jax.tree.map(lambda g: g.mean(0), grads), batch_grad, "exact")


LRS = [0.01, 0.03, 0.05, 0.1]
DECAYS = [0.0, 1e-2, 0.0, 1e-1]
RATES = [0.0, 0.3, 0.0, 0.3]


def _population(k=4, optimizer="adam"):
    keys = jax.random.split(jax.random.PRNGKey(0), k)
    return train.init_population(
        Net(),
        train.Objective(input_key="x"),
        (FEATURES,),
        keys=keys,
        optimizer=optimizer,
        learning_rate=LRS[:k],
        weight_decay=DECAYS[:k],
        model_options={"dropout": RATES[:k]},
    )


def _separate(k, optimizer="adam"):
    keys = jax.random.split(jax.random.PRNGKey(0), 4)
    config = optim.OptimizerConfig(optimizer, LRS[k], weight_decay=DECAYS[k])
    return train.init_state(
        Net(RATES[k]),
        optim.create(config),
        train.Objective(input_key="x"),
        (FEATURES,),
        key=keys[k],
    )


def test_population_equals_separate_runs():
    # Adam: its update divides by sqrt(v), so any slip in per-member hyperparameters or keys
    # would show at once.
    pop = _population()
    assert pop.size == 4 and len(pop.models) == 2  # two distinct dropout rates
    batches = [_split(8, seed=s) for s in range(3)]
    for batch in batches:
        pop, metrics = train.population_train_step(pop, batch)
    assert metrics["loss"].shape == (4,)
    for k in range(4):
        alone = _separate(k)
        for batch in batches:
            alone, alone_metrics = train.train_step(alone, batch)
        member = pop.member(k)
        assert int(member.step) == 3
        _assert_trees_close(member.params, alone.params)
        np.testing.assert_allclose(
            metrics["loss"][k], alone_metrics["loss"], rtol=tol("float32", "values")
        )
    # The members really differ (hyperparameters and dropout reach them).
    kernels = [np.asarray(pop.member(k).params["Dense_0"]["kernel"]) for k in (0, 2)]
    assert not np.allclose(*kernels)


def test_fit_population_returns_k_histories_matching_fit():
    split, test = _split(40), _split(20, seed=9)
    histories = train.fit_population(
        _population(k=2), split, test, train.PopulationFitConfig(epochs=2, batch_size=8)
    )
    assert len(histories) == 2
    for k, history in enumerate(histories):
        config = train.FitConfig(epochs=2, batch_size=8, progress=False)
        alone = train.fit(_separate(k), split, test, config)
        assert [r["epoch"] for r in history] == [1, 2]
        assert [r["step"] for r in history] == [5, 10]
        _assert_trees_close(histories.state.member(k).params, alone.state.params)
        for key in ("train_loss", "test_loss", "test_accuracy"):
            np.testing.assert_allclose(
                [r[key] for r in history],
                [r[key] for r in alone.history],
                rtol=tol("float32", "values"),
            )


def test_population_hyperparameters_must_match_its_size():
    with pytest.raises(ValueError, match="learning_rate has 2 values for a population of 3"):
        train.init_population(
            Net(),
            train.Objective(input_key="x"),
            (FEATURES,),
            keys=jax.random.split(jax.random.PRNGKey(0), 3),
            learning_rate=[0.1, 0.2],
        )
