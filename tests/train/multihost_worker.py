"""One process of the 2-process test in test_multihost.py (not a test module itself).

``python multihost_worker.py OUT_DIR`` with JAXNETS_COORDINATOR / JAXNETS_NUM_PROCESSES /
JAXNETS_PROCESS_ID set: joins the run, trains STEPS sharded-jit steps over the 4 global
devices (2 per process), saves one checkpoint from every process, and process 0 writes the
parameters to OUT_DIR/params.npz; then runs ``fit(parallel="sharded")`` for 2 epochs with
workdir OUT_DIR/fit, and process 0 writes its history to OUT_DIR/history.json.
"""

import json
import os
import sys

if __name__ == "__main__":  # as a worker (the test imports this file for its definitions)
    # 2 CPU devices per process, set before jax starts: 4 global devices over 2 processes.
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    os.environ["JAX_PLATFORMS"] = "cpu"

from pathlib import Path

import jax
import numpy as np

from jaxnets import models, optim, train

STEPS, BATCH, FEATURES, CLASSES = 3, 8, 5, 3


def batches():
    """The global batches; every process builds all of them and reads only its rows."""
    rng = np.random.default_rng(0)
    return [
        {
            "x": rng.normal(size=(BATCH, FEATURES)).astype(np.float32),
            "label": rng.integers(0, CLASSES, BATCH).astype(np.int32),
        }
        for _ in range(STEPS)
    ]


def initial_state():
    tx = optim.from_config(optim.OptimizerConfig("adam", 0.05))
    objective = train.Objective(input_key="x")
    model = models.MLP((8, CLASSES))
    return train.init_state(model, tx, objective, (FEATURES,), key=jax.random.key(0))


def split():
    """All global batches as one split (for fit)."""
    parts = batches()
    return {key: np.concatenate([b[key] for b in parts]) for key in parts[0]}


def fit(workdir=None, epochs=2):
    config = train.FitConfig(epochs=epochs, batch_size=BATCH, progress=False, parallel="sharded")
    return train.fit(initial_state(), split(), split(), config, workdir=workdir)


def run(state, mesh):
    """STEPS sharded-jit steps from ``state``; the replicated final state."""
    step = train.sharded_train_step(mesh)
    state = train.replicate_on_mesh(state, mesh)
    for batch in batches():
        state, _ = step(state, train.shard_batch(batch, mesh))
    return state


def flat_params(state) -> dict[str, np.ndarray]:
    # Replicated arrays: this process's first local copy holds the full value.
    leaves = jax.tree_util.tree_leaves_with_path(state.params)
    return {jax.tree_util.keystr(p): np.asarray(x.addressable_data(0)) for p, x in leaves}


def main(out: Path) -> None:
    assert train.initialize_distributed()
    assert jax.process_count() == 2 and jax.device_count() == 4, jax.devices()
    state = run(initial_state(), train.make_mesh())
    with train.Checkpointer(out / "checkpoints") as checkpointer:  # every process saves
        checkpointer.save(1, state, {"params": state.params}, {"epoch": 1})
    if jax.process_index() == 0:
        np.savez(out / "params.npz", **flat_params(state))
    history = fit(out / "fit").history
    resumed = fit(out / "fit", epochs=3).history  # typed keys restored across processes
    if jax.process_index() == 0:
        (out / "history.json").write_text(json.dumps(history))
        (out / "resumed.json").write_text(json.dumps(resumed))
    jax.distributed.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
