"""Whole epochs as one compiled ``lax.scan``: data resident on device, no host round trips.

The epoch's example order is :func:`jaxnets.data.epoch_permutation` of ``(seed, epoch)``,
the one shuffle that :func:`jaxnets.data.batches` (the stepped loop's iterator) also uses, so
a scanned run and a stepped run see the same batches in the same order and end with the same
parameters (to float32 rounding: XLA may fuse a scanned step differently from a lone one).
"""

from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets.data import epoch_permutation
from jaxnets.errors import InvalidArgumentError
from jaxnets.train._steps import _train_step

# Above this many bytes fit keeps the data on the host and steps batch by batch.
SCAN_MAX_BYTES = 1 << 30


def data_bytes(split: dict) -> int:
    """Total bytes of a split's arrays (to decide whether it fits on device)."""
    return int(sum(np.asarray(v).nbytes for v in split.values()))


@partial(jax.jit, static_argnames=("batch_size", "step"), donate_argnums=0)
def scan_epoch(state, data: dict, *, batch_size: int, epoch, seed, step: Callable = _train_step):
    """One epoch of ``step`` as a single compiled ``lax.scan``.

    Args:
      state: the state ``step`` takes (donated).
      data: dict of device arrays with leading N (``jax.device_put`` them once, before the
        first epoch; they stay resident).
      batch_size: B (static); ``N // B`` steps run, the last ``N % B`` shuffled examples
        are dropped, as in the stepped loop.
      epoch, seed: select the order :func:`jaxnets.data.epoch_permutation` (traced: no
        recompilation per epoch).
      step: ``(state, batch) -> (state, metrics)``, a pure function (static; default the
        supervised train step).

    Returns:
      ``(state, metrics)`` with every metric of ``step`` stacked to shape (steps, ...).

    >>> import jax, numpy as np
    >>> from jaxnets import models, optim, train
    >>> state = train.init_state(models.MLP((4, 2)), optim.from_config(optim.OptimizerConfig()),
    ...     train.Objective(input_key="x"), (3,), key=jax.random.key(0))
    >>> data = {"x": np.zeros((10, 3), np.float32), "label": np.zeros(10, np.int32)}
    >>> state, metrics = scan_epoch(state, jax.device_put(data), batch_size=4, epoch=0, seed=0)
    >>> metrics["loss"].shape, int(state.step)
    ((2,), 2)
    """
    n = jax.tree.leaves(data)[0].shape[0]
    steps = n // batch_size
    if steps == 0:
        raise InvalidArgumentError(f"batch_size {batch_size} exceeds the {n} examples")
    order = epoch_permutation(n, seed=seed, epoch=epoch)[: steps * batch_size]
    rows = order.reshape(steps, batch_size)  # (steps, B)

    def body(state, batch_rows):
        batch = jax.tree.map(lambda a: jnp.take(a, batch_rows, axis=0), data)
        return step(state, batch)

    return jax.lax.scan(body, state, rows)
