"""Training: the state pytree, compiled steps, the fit loop and checkpoints."""

from jaxnets.train._checkpoint import Checkpointer, CheckpointError
from jaxnets.train._distributed import (
    ENV_COORDINATOR,
    ENV_NUM_PROCESSES,
    ENV_PROCESS_ID,
    DistributedConfig,
    initialize_distributed,
)
from jaxnets.train._gan import (
    GANFitConfig,
    GANFitResult,
    GANState,
    fit_gan,
    gan_train_step,
    generate,
    init_gan_state,
)
from jaxnets.train._loop import FitConfig, FitResult, NonFiniteLossError, evaluate, fit
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
    PopulationFitConfig,
    PopulationHistories,
    PopulationState,
    fit_population,
    init_population,
    per_example_grads,
    population_eval_step,
    population_train_step,
)
from jaxnets.train._run import RunConfig, RunResult, train_and_evaluate
from jaxnets.train._scan import epoch_permutation, scan_epoch
from jaxnets.train._state import InputSpec, Objective, TrainState, init_state, num_params
from jaxnets.train._steps import check_batch, eval_step, mean_metrics, predict, train_step

__all__ = [
    "ENV_COORDINATOR",
    "ENV_NUM_PROCESSES",
    "ENV_PROCESS_ID",
    "CheckpointError",
    "Checkpointer",
    "DistributedConfig",
    "FitConfig",
    "FitResult",
    "GANFitConfig",
    "GANFitResult",
    "GANState",
    "InputSpec",
    "NonFiniteLossError",
    "Objective",
    "PopulationFitConfig",
    "PopulationHistories",
    "PopulationState",
    "RunConfig",
    "RunResult",
    "TrainState",
    "check_batch",
    "epoch_permutation",
    "eval_step",
    "evaluate",
    "fit",
    "fit_gan",
    "fit_population",
    "gan_train_step",
    "generate",
    "init_gan_state",
    "init_population",
    "init_state",
    "initialize_distributed",
    "make_mesh",
    "mean_metrics",
    "num_params",
    "per_example_grads",
    "pmap_train_step",
    "population_eval_step",
    "population_train_step",
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
