"""Data-parallel training three ways: ``pmap``, sharded ``jit``, and ``shard_map``.

All three run the same per-batch math as :func:`jaxnets.train.train_step` on a global batch
of B rows split evenly over D devices, and end with the same parameters after the same
global batches (to float32 rounding), with these documented differences:

- Keys. ``jit`` and sharded ``jit`` apply the model to the global batch with the step key
  ``fold_in(state.key, state.step)``: their dropout masks are equal. ``pmap`` and
  ``shard_map`` apply it per device with ``fold_in(step_key, axis_index)``: their masks are
  equal to each other's, but not to jit's (a mask drawn for (B/D, H) is not a slice of one
  drawn for (B, H)). Without dropout or noise all four agree.
- Batch norm. Sharded ``jit`` computes batch statistics over the global batch, like ``jit``.
  ``pmap``/``shard_map`` see only the device's rows: they match ``jit`` only when the batch
  norm layer is given the axis name (``BatchNorm(axis_name="data")``, the one device axis
  name of both) so it averages its statistics across devices.
  The running statistics (``model_state``) are averaged across devices in both cases, so the
  replicas never drift apart.
- Every device must hold the same number of real rows (unmasked batches, as ``fit`` makes):
  gradients are averaged with ``pmean``, which weighs devices equally.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from jaxnets.errors import InvalidArgumentError
from jaxnets.train._state import TrainState, is_key
from jaxnets.train._steps import _apply, _grads_and_metrics, _train_step, step_key

# One name for the device axis on every path: pmap's axis and the mesh's axis.
MESH_AXIS = "data"
PMAP_AXIS = MESH_AXIS


def _average_across(axis: str, grads, metrics, model_state):
    """Cross-device means of the per-device results; ``count`` is summed instead."""
    grads = jax.lax.pmean(grads, axis)
    count = jax.lax.psum(metrics["count"], axis)
    metrics = jax.lax.pmean({k: v for k, v in metrics.items() if k != "count"}, axis)
    metrics["count"] = count
    # Integer collections (counters) cannot be averaged; they are equal on every device.
    model_state = jax.tree.map(
        lambda v: jax.lax.pmean(v, axis) if jnp.issubdtype(v.dtype, jnp.inexact) else v,
        model_state,
    )
    return grads, metrics, model_state


def _device_step(axis: str, state: TrainState, batch):
    """The per-device body shared by pmap and shard_map."""
    key = jax.random.fold_in(step_key(state), jax.lax.axis_index(axis))
    grads, metrics, model_state = _grads_and_metrics(state, batch, key)
    grads, metrics, model_state = _average_across(axis, grads, metrics, model_state)
    return _apply(state, grads, model_state, metrics)


# ---------------------------------------------------------------------------------- pmap


def _map_key_data(fn, tree):
    """``fn`` on every array; typed keys go through their raw ``key_data`` and are re-wrapped."""

    def one(x):
        if is_key(x):
            return jax.random.wrap_key_data(fn(jax.random.key_data(x)), impl=jax.random.key_impl(x))
        return fn(x)

    return jax.tree.map(one, tree)


def replicate(state, devices=None):
    """Copy a pytree onto each of ``devices`` (default: all local), adding a leading axis D.

    Each device receives its own copy straight from the source (``jax.device_put`` of the
    value onto every device), assembled into one array sharded over D as pmap expects; no
    D-times broadcast is built on one device first.
    """
    devices = jax.local_devices() if devices is None else list(devices)
    sharding = NamedSharding(Mesh(np.asarray(devices), (PMAP_AXIS,)), P(PMAP_AXIS))

    def one(x):
        x = jnp.asarray(x)[None]  # (1, ...): this device's slice of the (D, ...) array
        shards = jax.device_put([x] * len(devices), devices)
        return jax.make_array_from_single_device_arrays(
            (len(devices), *x.shape[1:]), sharding, shards
        )

    return _map_key_data(one, state)


def unreplicate(tree):
    """The first replica of a pmapped pytree (drops the leading device axis D)."""
    return jax.tree.map(lambda x: x[0], tree)


def shard_for_pmap(batch, num_devices: int):
    """Reshape every array (B, ...) -> (D, B/D, ...); ValueError when D does not divide B.

    >>> import numpy as np
    >>> shard_for_pmap({"x": np.zeros((8, 3))}, 4)["x"].shape
    (4, 2, 3)
    """

    def split(x):
        x = np.asarray(x) if not isinstance(x, jax.Array) else x
        b = x.shape[0]
        if b % num_devices:
            raise InvalidArgumentError(
                f"batch of {b} rows cannot be split evenly over {num_devices} devices; "
                f"use a batch size divisible by {num_devices}"
            )
        return x.reshape(num_devices, b // num_devices, *x.shape[1:])

    return jax.tree.map(split, batch)


def _pmap_train_step(state: TrainState, batch):
    return _device_step(PMAP_AXIS, state, batch)


pmap_train_step = jax.pmap(_pmap_train_step, axis_name=PMAP_AXIS, donate_argnums=0)
pmap_train_step.__doc__ = """``(replicated state, (D, B/D, ...) batch) -> (state, metrics)``.

Grads, metrics and float ``model_state`` are averaged over devices with ``lax.pmean`` on
axis ``"data"``; each device draws its dropout masks from ``fold_in(step_key, device)``.
The replicated state is donated. Metrics come back with a leading axis D (equal entries).
"""


# ------------------------------------------------------------------------- sharded jit


def make_mesh(devices=None) -> Mesh:
    """A 1-D mesh with axis ``"data"`` over ``devices`` (default: all, across processes)."""
    devices = jax.devices() if devices is None else list(devices)
    return Mesh(np.asarray(devices), (MESH_AXIS,))


def replicate_on_mesh(state, mesh: Mesh):
    """Place a pytree fully replicated on every device of ``mesh`` (``P()``)."""
    sharding = NamedSharding(mesh, P())
    if jax.process_count() == 1:
        return jax.device_put(state, sharding)
    # Multi-host: every process holds the same full value (same seed), and contributes it.
    return _map_key_data(
        lambda x: jax.make_array_from_process_local_data(sharding, np.asarray(x)), state
    )


def process_rows(batch):
    """This process's rows of a global batch (B, ...): the ``process_index()``-th of P slices."""
    count, index = jax.process_count(), jax.process_index()
    if count == 1:
        return batch

    def rows(x):
        b = x.shape[0]
        if b % count:
            raise InvalidArgumentError(
                f"global batch of {b} rows does not split over {count} processes"
            )
        return np.asarray(x[index * (b // count) : (index + 1) * (b // count)])

    return jax.tree.map(rows, batch)


def shard_batch(batch, mesh: Mesh):
    """Split a global batch (B, ...) over the mesh's ``"data"`` axis (``P("data")``).

    In a multi-process run each process passes the same global batch (or any array with the
    global shape) and only its own rows are read and placed on its devices.
    """
    sharding = NamedSharding(mesh, P(MESH_AXIS))
    size = mesh.shape[MESH_AXIS]
    for x in jax.tree.leaves(batch):
        if x.shape[0] % size:
            raise InvalidArgumentError(
                f"batch of {x.shape[0]} rows cannot be split evenly over {size} devices"
            )
    if jax.process_count() == 1:
        return jax.device_put(batch, sharding)
    local = process_rows(batch)
    return jax.tree.map(
        lambda x, g: jax.make_array_from_process_local_data(sharding, x, g.shape), local, batch
    )


def sharded_train_step(mesh: Mesh, step=_train_step):
    """``step(state, batch) -> (state, metrics)`` jitted over ``mesh`` (default: the train step).

    The state (donated) and metrics are replicated, the batch split over ``"data"``; XLA
    inserts the gradient all-reduce. The model sees the global batch, so its dropout masks
    and batch statistics equal plain ``jit``'s. Any pure step function works this way (a
    GAN's, a population's), since the partitioning is XLA's.
    """
    replicated, split = NamedSharding(mesh, P()), NamedSharding(mesh, P(MESH_AXIS))
    return jax.jit(
        step,
        in_shardings=(replicated, split),
        out_shardings=(replicated, replicated),
        donate_argnums=0,
    )


def shard_map_train_step(mesh: Mesh):
    """``step(state, batch) -> (state, metrics)`` via ``jax.shard_map`` with explicit pmeans.

    The same per-device program as :data:`pmap_train_step` (keys ``fold_in(step_key,
    axis_index)``, grads and metrics ``pmean``-ed over ``"data"``), written against a mesh:
    state and metrics replicated, batch split over ``"data"``, state donated.
    """
    body = jax.shard_map(
        partial(_device_step, MESH_AXIS),
        mesh=mesh,
        in_specs=(P(), P(MESH_AXIS)),
        out_specs=(P(), P()),
        # With replication checking on, jax differentiates the per-device loss with respect
        # to the replicated parameters as a *sum* over devices (the transpose of the implicit
        # broadcast is a psum), so grads would arrive D times the mean before our pmean.
        # Off, each device gets its own gradient and the explicit pmean is the only
        # reduction, as under pmap.
        check_vma=False,
    )
    return jax.jit(body, donate_argnums=0)
