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
        optim.from_config(optim.OptimizerConfig("sgd", 0.1)),
        train.Objective(input_key="x", l2=0.01),
        (FEATURES,),
        key=jax.random.key(0),
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
    keys = jax.random.split(jax.random.key(0), k)
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
    keys = jax.random.split(jax.random.key(0), 4)
    config = optim.OptimizerConfig(optimizer, LRS[k], weight_decay=DECAYS[k])
    return train.init_state(
        Net(RATES[k]),
        optim.from_config(config),
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


@pytest.mark.parametrize("scan", [False, True], ids=["stepped", "scanned"])
def test_fit_over_a_population_matches_fit_of_each_member(scan):
    # The one loop trains a population through its step: rows hold K values per metric.
    split, test = _split(40), _split(20, seed=9)
    config = train.FitConfig(epochs=2, batch_size=8, progress=False, scan=scan)
    result = train.fit(
        _population(k=2),
        split,
        test,
        config,
        step=train.population_train_step,
        eval_fn=train.population_eval_step,
    )
    assert [r["epoch"] for r in result.history] == [1, 2]
    assert [r["step"] for r in result.history] == [5, 10]
    for k in range(2):
        alone = train.fit(_separate(k), split, test, config)
        _assert_trees_close(result.state.member(k).params, alone.state.params)
        for key in ("train_loss", "test_loss", "test_accuracy"):
            np.testing.assert_allclose(
                [r[key][k] for r in result.history],
                [r[key] for r in alone.history],
                rtol=tol("float32", "values"),
            )


def test_population_evaluate_pads_the_last_batch_and_counts_every_example():
    # 23 examples in batches of 10: the padded last batch must count 3 rows, not 10.
    pop, split = _population(k=2), _split(23, seed=4)
    metrics = train.evaluate(pop, split, 10, eval_fn=train.population_eval_step)
    assert metrics["count"] == [23, 23]
    for k in range(2):
        alone = train.evaluate(pop.member(k), split, 23)
        np.testing.assert_allclose(metrics["loss"][k], alone["loss"], rtol=tol("float32", "values"))


def test_population_hyperparameters_must_match_its_size():
    with pytest.raises(ValueError, match="learning_rate has 2 values for a population of 3"):
        train.init_population(
            Net(),
            train.Objective(input_key="x"),
            (FEATURES,),
            keys=jax.random.split(jax.random.key(0), 3),
            learning_rate=[0.1, 0.2],
        )


def test_per_member_batches_equal_separate_runs_on_those_batches():
    # Member k trains on batches[k] (leading K): e.g. its own augmentation stream.
    pop = _population()
    steps = [[_split(8, seed=10 * s + k) for k in range(4)] for s in range(2)]
    for per_member in steps:
        stacked = jax.tree.map(lambda *xs: np.stack(xs), *per_member)  # (K, B, ...)
        pop, metrics = train.population_train_step_per_member(pop, stacked)
    assert metrics["loss"].shape == (4,)
    for k in range(4):
        alone = _separate(k)
        for per_member in steps:
            alone, alone_metrics = train.train_step(alone, per_member[k])
        _assert_trees_close(pop.member(k).params, alone.params)
        np.testing.assert_allclose(
            metrics["loss"][k], alone_metrics["loss"], rtol=tol("float32", "values")
        )


def test_per_member_step_on_copies_of_one_batch_is_the_shared_step():
    batch = _split(8, seed=0)
    shared, shared_metrics = train.population_train_step(_population(), batch)
    copies = jax.tree.map(lambda x: np.stack([x] * 4), batch)
    per_member, metrics = train.population_train_step_per_member(_population(), copies)
    _assert_trees_close(per_member.state.params, shared.state.params)
    np.testing.assert_allclose(metrics["loss"], shared_metrics["loss"], rtol=1e-6)
