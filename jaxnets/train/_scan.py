"""Whole epochs as one compiled ``lax.scan``: data resident on device, no host round trips.

The epoch's example order is :func:`epoch_permutation`, a ``jax.random.permutation`` drawn
from ``fold_in(PRNGKey(seed), epoch)``. The stepped loop in :func:`jaxnets.train.fit` uses
the same function, so a scanned run and a stepped run see the same batches in the same order
and end with the same parameters (to float32 rounding: XLA may fuse a scanned step
differently from a lone one).
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets.data import gather, split_length
from jaxnets.train._state import TrainState
from jaxnets.train._steps import _train_step

# Above this many bytes fit keeps the data on the host and steps batch by batch.
SCAN_MAX_BYTES = 1 << 30


def epoch_permutation(n: int, *, seed, epoch) -> jax.Array:
    """The example order of one epoch: int32 (n,), ``permutation(fold_in(PRNGKey(seed), epoch))``.

    Works on Python ints (the stepped loop) and on traced values (inside :func:`scan_epoch`).

    >>> a = epoch_permutation(5, seed=0, epoch=1)
    >>> sorted(a.tolist()) == [0, 1, 2, 3, 4]
    True
    """
    key = jax.random.fold_in(jax.random.PRNGKey(seed), epoch)
    return jax.random.permutation(key, n)


def epoch_batches(split: dict, batch_size: int, *, seed: int, epoch: int):
    """Yield the ``len // batch_size`` batches (numpy dicts) of one epoch in scan's order."""
    n = split_length(split)
    order = np.asarray(epoch_permutation(n, seed=seed, epoch=epoch))
    for b in range(n // batch_size):
        yield gather(split, order[b * batch_size : (b + 1) * batch_size])


def data_bytes(split: dict) -> int:
    """Total bytes of a split's arrays (to decide whether it fits on device)."""
    return int(sum(np.asarray(v).nbytes for v in split.values()))


@partial(jax.jit, static_argnames=("batch_size",), donate_argnums=0)
def scan_epoch(state: TrainState, data: dict, *, batch_size: int, epoch, seed):
    """One epoch of ``train_step`` as a single compiled ``lax.scan``.

    Args:
      state: the train state (donated).
      data: dict of device arrays with leading N (``jax.device_put`` them once, before the
        first epoch; they stay resident).
      batch_size: B (static); ``N // B`` steps run, the last ``N % B`` shuffled examples
        are dropped, as in the stepped loop.
      epoch, seed: select the order :func:`epoch_permutation` (traced: no recompilation
        per epoch).

    Returns:
      ``(state, metrics)`` with every metric of ``train_step`` stacked to shape (steps,).

    >>> import jax, numpy as np
    >>> from jaxnets import models, optim, train
    >>> state = train.init_state(models.MLP((4, 2)), optim.create(optim.OptimizerConfig()),
    ...     train.Objective(input_key="x"), (3,), key=jax.random.PRNGKey(0))
    >>> data = {"x": np.zeros((10, 3), np.float32), "label": np.zeros(10, np.int32)}
    >>> state, metrics = scan_epoch(state, jax.device_put(data), batch_size=4, epoch=0, seed=0)
    >>> metrics["loss"].shape, int(state.step)
    ((2,), 2)
    """
    n = jax.tree.leaves(data)[0].shape[0]
    steps = n // batch_size
    if steps == 0:
        raise ValueError(f"batch_size {batch_size} exceeds the {n} examples")
    order = epoch_permutation(n, seed=seed, epoch=epoch)[: steps * batch_size]
    rows = order.reshape(steps, batch_size)  # (steps, B)

    def body(state, batch_rows):
        batch = jax.tree.map(lambda a: jnp.take(a, batch_rows, axis=0), data)
        return _train_step(state, batch)

    return jax.lax.scan(body, state, rows)
