"""Reloading a trained run for inference: ``load(workdir) -> (model, variables, config)``.

>>> import tempfile
>>> import jax.numpy as jnp
>>> from jaxnets import train
>>> workdir = tempfile.mkdtemp()
>>> result = train.train_and_evaluate(train.RunConfig(
...     dataset="spiral", fit=train.FitConfig(epochs=1, progress=False)), workdir)
>>> model, variables, config = train.load(workdir)
>>> logits = model.apply(variables, jnp.zeros((5, 2)), train=False)
>>> logits.shape, config.dataset
((5, 3), 'spiral')
"""

import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets import models, optim
from jaxnets.errors import InvalidArgumentError
from jaxnets.train._checkpoint import Checkpointer
from jaxnets.train._config import RunConfig
from jaxnets.train._run import MODEL_RECORD
from jaxnets.train._state import Objective, init_state
from jaxnets.train._workdir import newest_settings


def load(workdir: str | Path):
    """The trained model of ``workdir``: ``(model, variables, config)``.

    ``model`` is the Flax module (``models.create`` of the recorded name and options),
    ``variables`` ``{"params": ..., **model_state}`` from the newest checkpoint that verifies,
    and ``config`` the run's :class:`RunConfig`. Apply with
    ``model.apply(variables, x, train=False)`` on a batch (B, *input_shape).
    """
    workdir = Path(workdir)
    record_path = workdir / MODEL_RECORD
    if not record_path.exists():
        raise InvalidArgumentError(
            f"{workdir} has no {MODEL_RECORD}: it is not the workdir of a `jaxnets train` run "
            "(or was made by an older jaxnets); pass the folder given to --workdir"
        )
    record = json.loads(record_path.read_text())
    config = RunConfig.from_dict(newest_settings(workdir))
    spec = models.get_spec(config.model)
    model = models.create(config.model, num_classes=record["num_classes"], **config.model_options)
    # The optimizer only shapes the state to restore into; its schedule length does not matter.
    tx = optim.from_config(config.optimizer, total_steps=max(record.get("total_steps", 1), 1))
    objective = Objective(loss=spec.loss, target=spec.target, input_key=record["input_key"])
    template = init_state(
        model,
        tx,
        objective,
        tuple(record["input_shape"]),
        key=jax.random.key(0),
        dtype=jnp.dtype(record["input_dtype"]),
    )
    with Checkpointer(workdir / "checkpoints") as checkpointer:
        if checkpointer.latest_epoch() is None:
            raise InvalidArgumentError(f"{workdir} has no checkpoint to load")
        state, _, _ = checkpointer.restore(template)
    return model, {"params": state.params, **state.model_state}, config


def input_record(workdir: str | Path) -> dict:
    """What the model of ``workdir`` takes: ``input_shape``, ``input_dtype``, ``num_classes``."""
    return json.loads((Path(workdir) / MODEL_RECORD).read_text())


def as_inputs(x: np.ndarray, record: dict, name: str = "input") -> np.ndarray:
    """``x`` checked against the recorded input: (N, *shape), or one example (shape)."""
    shape = tuple(record["input_shape"])
    if tuple(x.shape) == shape:
        x = x[None]
    if tuple(x.shape[1:]) != shape:
        raise InvalidArgumentError(
            f"{name} has shape {x.shape}; the model takes (N, {', '.join(map(str, shape))})"
        )
    want = np.dtype(record["input_dtype"])
    if want.kind == "f" and x.dtype.kind != "f":
        raise InvalidArgumentError(
            f"{name} has dtype {x.dtype}; the model takes floats in [0, 1]: convert pixels "
            "with x.astype('float32') / 255"
        )
    return x.astype(want)
