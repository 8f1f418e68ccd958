"""Training: the state pytree, compiled steps, the one fit loop and checkpoints.

``fit(state, train, test, config)`` trains a :class:`TrainState`; a GAN
(``step=gan_train_step``) and a vmapped population (``step=population_train_step``) go
through the same loop.
"""

from jaxnets.train._checkpoint import Checkpointer, CheckpointError
from jaxnets.train._config import RunConfig, config_schema
from jaxnets.train._distributed import DistributedConfig, initialize_distributed
from jaxnets.train._gan import GANState, gan_train_step, init_gan_state
from jaxnets.train._load import load
from jaxnets.train._loop import FitConfig, FitResult, evaluate, fit
from jaxnets.train._parallel import (
    make_mesh,
    pmap_train_step,
    replicate,
    replicate_on_mesh,
    shard_batch,
    shard_for_pmap,
    shard_map_train_step,
    sharded_train_step,
    unreplicate,
)
from jaxnets.train._population import (
    PopulationState,
    init_population,
    per_example_grads,
    population_eval_step,
    population_train_step,
    population_train_step_per_member,
)
from jaxnets.train._run import RunResult, train_and_evaluate
from jaxnets.train._runners import NonFiniteLossError
from jaxnets.train._scan import scan_epoch
from jaxnets.train._state import Objective, TrainState, init_state, num_params
from jaxnets.train._steps import eval_step, predict, train_step

__all__ = [
    "CheckpointError",
    "Checkpointer",
    "DistributedConfig",
    "FitConfig",
    "FitResult",
    "GANState",
    "NonFiniteLossError",
    "Objective",
    "PopulationState",
    "RunConfig",
    "RunResult",
    "TrainState",
    "config_schema",
    "eval_step",
    "evaluate",
    "fit",
    "gan_train_step",
    "init_gan_state",
    "init_population",
    "init_state",
    "initialize_distributed",
    "load",
    "make_mesh",
    "num_params",
    "per_example_grads",
    "pmap_train_step",
    "population_eval_step",
    "population_train_step",
    "population_train_step_per_member",
    "predict",
    "replicate",
    "replicate_on_mesh",
    "scan_epoch",
    "shard_batch",
    "shard_for_pmap",
    "shard_map_train_step",
    "sharded_train_step",
    "train_and_evaluate",
    "train_step",
    "unreplicate",
]
