"""Training: the state pytree, compiled steps, the fit loop and checkpoints."""

from jaxnets.train._checkpoint import Checkpointer, CheckpointError
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
from jaxnets.train._run import RunConfig, RunResult, train_and_evaluate
from jaxnets.train._state import InputSpec, Objective, TrainState, init_state, num_params
from jaxnets.train._steps import check_batch, eval_step, mean_metrics, predict, train_step

__all__ = [
    "CheckpointError",
    "Checkpointer",
    "FitConfig",
    "FitResult",
    "GANFitConfig",
    "GANFitResult",
    "GANState",
    "InputSpec",
    "NonFiniteLossError",
    "Objective",
    "RunConfig",
    "RunResult",
    "TrainState",
    "check_batch",
    "eval_step",
    "evaluate",
    "fit",
    "fit_gan",
    "gan_train_step",
    "generate",
    "init_gan_state",
    "init_state",
    "mean_metrics",
    "num_params",
    "predict",
    "train_and_evaluate",
    "train_step",
]
