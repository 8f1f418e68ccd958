"""jit, scan, pmap, sharded jit and shard_map agree after the same global batches.

Runs on the 4 fake CPU devices of tests/conftest.py. What must agree (see
jaxnets/train/_parallel.py): without randomness all five paths; with dropout, the paths
applying the model to the global batch with the step key (jit, scan, sharded jit) among
themselves, and the per-device-key paths (pmap, shard_map) among themselves; with batch
norm all five, provided pmap/shard_map's batch norm is given their axis name.
"""

import functools

import flax.linen as nn
import jax
import numpy as np
import pytest

from jaxnets import data, layers, optim, train
from tests.tolerances import tol

DEVICES = 4
STEPS, BATCH, FEATURES, CLASSES = 3, 8, 5, 3
PATHS = ("jit", "scan", "pmap", "sharded", "shard_map")
# The axis a batch-norm layer must average over on each path (None: it sees the global batch).
BN_AXIS = {"pmap": "data", "shard_map": "data"}


class Net(nn.Module):
    """Dense(8) -> [BatchNorm] -> relu -> [Dropout] -> Dense(3); tiny, for fast compiles."""

    dropout: float = 0.0
    batch_norm: bool = False
    axis_name: str | None = None

    @nn.compact
    def __call__(self, x, *, train=False):
        # No bias before batch norm: its gradient is zero up to rounding, and Adam would
        # blow that rounding noise up to full-size steps whose sign differs between paths.
        x = nn.Dense(8, use_bias=not self.batch_norm)(x)
        if self.batch_norm:
            x = layers.BatchNorm(axis_name=self.axis_name)(x, train=train)
        x = nn.relu(x)
        if self.dropout:
            x = layers.Dropout(self.dropout)(x, train=train)
        return nn.Dense(CLASSES)(x)


def _batches():
    rng = np.random.default_rng(0)
    return [
        {
            "x": rng.normal(size=(BATCH, FEATURES)).astype(np.float32),
            "label": rng.integers(0, CLASSES, BATCH).astype(np.int32),
        }
        for _ in range(STEPS)
    ]


def _state(model):
    tx = optim.from_config(optim.OptimizerConfig("adam", 0.05))
    objective = train.Objective(input_key="x")
    return train.init_state(model, tx, objective, (FEATURES,), key=jax.random.key(0))


def _scan_data(batches, seed=0):
    """A split whose epoch-0 order under ``seed`` is exactly ``batches``, one after another."""
    stacked = {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}
    order = np.asarray(data.epoch_permutation(STEPS * BATCH, seed=seed, epoch=0))
    split = {k: np.empty_like(v) for k, v in stacked.items()}
    for k, v in stacked.items():
        split[k][order] = v  # so split[order[i]] is the i-th row of the batches
    return split


@functools.cache
def _run(path: str, dropout: float = 0.0, batch_norm: bool = False, axis: bool = True):
    """(params, model_state, losses) as numpy after STEPS steps along ``path``."""
    axis_name = BN_AXIS.get(path) if batch_norm and axis else None
    state = _state(Net(dropout, batch_norm, axis_name))
    batches = _batches()
    if path == "jit":
        losses = []
        for batch in batches:
            state, metrics = train.train_step(state, batch)
            losses.append(metrics["loss"])
    elif path == "scan":
        resident = jax.device_put(_scan_data(batches))
        state, metrics = train.scan_epoch(state, resident, batch_size=BATCH, epoch=0, seed=0)
        losses = list(metrics["loss"])
    elif path == "pmap":
        state = train.replicate(state)
        losses = []
        for batch in batches:
            state, metrics = train.pmap_train_step(state, train.shard_for_pmap(batch, DEVICES))
            losses.append(metrics["loss"][0])
        state = train.unreplicate(state)
    else:
        mesh = train.make_mesh()
        step = (train.sharded_train_step if path == "sharded" else train.shard_map_train_step)(mesh)
        state = train.replicate_on_mesh(state, mesh)
        losses = []
        for batch in batches:
            state, metrics = step(state, train.shard_batch(batch, mesh))
            losses.append(metrics["loss"])
    host = jax.device_get((state.params, state.model_state, losses))
    assert int(state.step) == STEPS
    return host


def _assert_close(a, b):
    # Parameters and statistics here are O(0.1..1), so the relative tolerance also serves as
    # the absolute floor for the few entries near zero.
    rtol = tol("float32", "params")
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=rtol)


@pytest.mark.parametrize(
    ("options", "groups"),
    [
        ({}, [PATHS]),
        ({"batch_norm": True}, [PATHS]),
        ({"dropout": 0.5}, [("jit", "scan", "sharded"), ("pmap", "shard_map")]),
    ],
    ids=["plain", "batch_norm", "dropout"],
)
def test_paths_agree_after_the_same_global_batches(options, groups):
    for group in groups:
        reference = _run(group[0], **options)
        for path in group[1:]:
            _assert_close(_run(path, **options), reference)


def test_dropout_masks_depend_on_the_split_so_the_two_key_families_differ():
    # Not a tolerance issue: pmap draws (B/D, H) masks per device, jit one (B, H) mask.
    jit_params = _run("jit", dropout=0.5)[0]
    pmap_params = _run("pmap", dropout=0.5)[0]
    diff = max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(jax.tree.leaves(jit_params), jax.tree.leaves(pmap_params), strict=True)
    )
    assert diff > 100 * tol("float32", "params")


def test_pmap_batch_norm_without_axis_name_normalises_per_device():
    # Each device normalises its 2 rows with their own statistics: not the global batch's.
    per_device = _run("pmap", batch_norm=True, axis=False)
    global_batch = _run("jit", batch_norm=True)
    diff = max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(jax.tree.leaves(per_device), jax.tree.leaves(global_batch), strict=True)
    )
    assert diff > 100 * tol("float32", "params")
    # The running statistics are still averaged, so every replica holds the same ones.
    state = train.replicate(_state(Net(batch_norm=True)))
    state, _ = train.pmap_train_step(state, train.shard_for_pmap(_batches()[0], DEVICES))
    mean = np.asarray(state.model_state["batch_stats"]["BatchNorm_0"]["mean"])
    np.testing.assert_array_equal(mean, np.broadcast_to(mean[0], mean.shape))


def test_pmap_metrics_are_global_means_and_count_the_global_batch():
    batch = _batches()[0]
    _, expected = train.train_step(_state(Net()), batch)
    state = train.replicate(_state(Net()))
    _, metrics = train.pmap_train_step(state, train.shard_for_pmap(batch, DEVICES))
    assert metrics["loss"].shape == (DEVICES,)
    assert float(metrics["count"][0]) == BATCH
    for name in ("loss", "accuracy", "grad_norm"):
        np.testing.assert_allclose(metrics[name][0], expected[name], rtol=tol("float32", "values"))


def test_uneven_batches_are_refused_with_the_reason():
    batch = {"x": np.zeros((6, FEATURES), np.float32), "label": np.zeros(6, np.int32)}
    with pytest.raises(ValueError, match="6 rows cannot be split evenly over 4 devices"):
        train.shard_for_pmap(batch, DEVICES)
    with pytest.raises(ValueError, match="6 rows cannot be split evenly over 4 devices"):
        train.shard_batch(batch, train.make_mesh())


def test_sharded_step_donates_the_state_and_keeps_it_replicated():
    mesh = train.make_mesh()
    state = train.replicate_on_mesh(_state(Net()), mesh)
    old_kernel = state.params["Dense_0"]["kernel"]
    batch = train.shard_batch(_batches()[0], mesh)
    assert batch["x"].sharding.spec == jax.sharding.PartitionSpec("data")
    assert len(batch["x"].addressable_shards) == DEVICES
    new, _ = train.sharded_train_step(mesh)(state, batch)
    assert old_kernel.is_deleted()
    assert new.params["Dense_0"]["kernel"].sharding.is_fully_replicated


def test_evaluate_on_a_replicated_state_says_to_unreplicate():
    # It used to raise a Flax shape error from inside the model.
    state = train.replicate(_state(Net()))
    split = _batches()[0]
    with pytest.raises(ValueError, match=r"replicated over 4 devices.*train.unreplicate"):
        train.evaluate(state, split)
    assert train.evaluate(train.unreplicate(state), split)["count"] == len(split["x"])
