"""LeNet-5's C3 connection table (LeCun et al. 1998, Table I) and the default dense C3."""

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxnets import models, train
from jaxnets.models import LENET_C3_TABLE, LeNet5


def test_table_has_the_papers_connections():
    table = np.array(LENET_C3_TABLE)  # (6 S2 maps, 16 C3 maps)
    assert table.shape == (6, 16)
    assert table.sum() == 60  # 6*3 + 6*4 + 3*4 + 6
    np.testing.assert_array_equal(table.sum(0), [3] * 6 + [4] * 9 + [6])
    # Spot checks against the printed table: columns 0, 4, 9, 12, 13, 14.
    assert set(np.flatnonzero(table[:, 0])) == {0, 1, 2}
    assert set(np.flatnonzero(table[:, 4])) == {4, 5, 0}
    assert set(np.flatnonzero(table[:, 9])) == {3, 4, 5, 0}
    assert set(np.flatnonzero(table[:, 12])) == {0, 1, 3, 4}
    assert set(np.flatnonzero(table[:, 13])) == {1, 2, 4, 5}
    assert set(np.flatnonzero(table[:, 14])) == {0, 2, 3, 5}


def test_parameter_counts():
    # Dense C3: 16 * (6 * 25 + 1) = 2,416; table C3: 60 * 25 + 16 = 1,516; total 61,706 - 900.
    dense = {r.path: r.params for r in models.summary(LeNet5(), (28, 28, 1)).rows}
    table = {r.path: r.params for r in models.summary(LeNet5(c3_table=True), (28, 28, 1)).rows}
    assert dense["c3"] == 2_416 and table["c3"] == 1_516
    assert sum(dense.values()) == 61_706
    assert sum(table.values()) == 60_806
    assert models.summary(models.create("lenet5_c3"), (28, 28, 1)).total_params == 60_806


def test_default_is_unchanged_dense_c3():
    params = LeNet5().init(jax.random.key(0), jnp.ones((1, 28, 28, 1)))["params"]
    assert sorted(params) == ["c1", "c3", "c5", "f6", "output"]
    assert params["c3"]["kernel"].shape == (5, 5, 6, 16)


def test_table_lenet_has_a_pulse():
    x = jax.random.uniform(jax.random.key(0), (8, 28, 28, 1))
    y = jnp.arange(8) % 10
    state = train.init_state(
        LeNet5(c3_table=True),
        optax.adam(1e-3),
        train.Objective(),
        (28, 28, 1),
        key=jax.random.key(1),
    )
    losses = []
    for _ in range(3):
        state, metrics = train.train_step(state, {"image": x, "label": y})
        losses.append(float(metrics["loss"]))
    assert losses[2] < losses[1] < losses[0]
    # Only connected kernels exist as parameters, so unconnected weights cannot be trained.
    assert state.params["c3"]["kernel"].shape == (5, 5, 60)
