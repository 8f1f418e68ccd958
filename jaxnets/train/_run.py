"""One run from a config: load data, build model and optimizer, fit, evaluate."""

import json
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np

from jaxnets import models, optim
from jaxnets.data import holdout_size, load_dataset, num_batches, split_length
from jaxnets.errors import InvalidArgumentError
from jaxnets.train._checkpoint import has_checkpoints
from jaxnets.train._config import RunConfig
from jaxnets.train._loop import FitResult, evaluate, fit
from jaxnets.train._progress import Progress
from jaxnets.train._state import Objective, init_state, num_params
from jaxnets.train._steps import _eval_step
from jaxnets.train._workdir import record_config, workdir_lock

MODEL_RECORD = "model.json"


def _log_config(workdir: Path, config: RunConfig) -> None:
    """The run's settings as text in TensorBoard, beside the scalars ``fit`` writes."""
    from tensorboardX import SummaryWriter

    # Its own file: a writer opened in the same second would otherwise take the same name.
    with SummaryWriter(logdir=str(workdir / "tensorboard"), filename_suffix=".config") as writer:
        text = json.dumps(config.to_dict(), indent=2)
        writer.add_text("config", "\n".join("    " + line for line in text.splitlines()))


@dataclass(frozen=True)
class RunResult:
    """The fit result, the final test metrics and the model's parameter count."""

    fit: FitResult
    test: dict[str, float]
    num_params: int


def train_and_evaluate(
    config: RunConfig, workdir: str | Path | None = None, *, override: bool = False
) -> RunResult:
    """Train ``config.model`` on ``config.dataset``; checkpoints and metrics go to ``workdir``.

    Rerunning with the same ``workdir`` resumes from its latest checkpoint. The workdir is
    locked for the run (a second run on it fails at once, naming the owner); its
    ``config.json`` is written by a run that starts from scratch, and a resume with other
    settings is refused, listing them, unless ``override`` (recorded in
    ``config_history.jsonl``).
    """
    if workdir is None or jax.process_index() != 0:
        return _train_and_evaluate(config, workdir, override)
    with workdir_lock(workdir):
        return _train_and_evaluate(config, Path(workdir), override)


def _train_and_evaluate(config: RunConfig, workdir: Path | None, override: bool) -> RunResult:
    spec = models.get_spec(config.model)
    dataset = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.fit.seed)
    model = models.create(config.model, num_classes=dataset.num_classes, **config.model_options)
    n_train = split_length(dataset.train)
    if config.fit.validation_fraction:  # fit holds these out of the training split
        n_train -= holdout_size(n_train, config.fit.validation_fraction)
    steps = config.fit.epochs * num_batches(n_train, min(config.fit.batch_size, n_train), "drop")
    tx = optim.from_config(config.optimizer, total_steps=max(steps, 1))
    objective = Objective(
        loss=spec.loss,
        target=spec.target,
        input_key=dataset.input_key,
        l1=config.l1,
        l2=config.l2,
    )
    dtype = dataset.train[dataset.input_key].dtype  # float32 pixels or int32 tokens
    wants_tokens = np.dtype(spec.input_dtype).kind in "iu"
    if wants_tokens != (dtype.kind in "iu"):
        takes = "integer token ids (the names data set)" if wants_tokens else "float inputs"
        raise InvalidArgumentError(
            f"model {config.model!r} takes {takes}, but {config.dataset!r} holds {dtype} "
            f"{'images' if dtype.kind == 'f' else 'token ids'}; pick a matching --dataset"
        )
    state = init_state(
        model,
        tx,
        objective,
        dataset.input_shape,
        key=jax.random.key(config.fit.seed),
        dtype=dtype,
    )
    Progress(config.fit.progress).note(
        f"model {config.model}: {num_params(state.params):,} parameters; {dataset.name}: "
        f"{split_length(dataset.train):,} train / {split_length(dataset.test):,} test examples"
    )
    if workdir is not None and jax.process_index() == 0:
        # After the model, data and optimizer were built: a config that fails there writes
        # nothing.
        resuming = has_checkpoints(Path(workdir) / "checkpoints")
        record_config(Path(workdir), config.to_dict(), resuming=resuming, override=override)
        if not resuming:  # what `load` needs to rebuild the model for inference
            record = {
                "num_classes": dataset.num_classes,
                "input_shape": list(dataset.input_shape),
                "input_dtype": str(dtype),
                "input_key": dataset.input_key,
                "total_steps": steps,
            }
            (Path(workdir) / MODEL_RECORD).write_text(json.dumps(record, indent=2))
            _log_config(Path(workdir), config)
    # A model may train by its own rule (the perceptron's); evaluation is the usual one.
    eval_fn = _eval_step if spec.step is not None else None
    result = fit(
        state,
        dataset.train,
        dataset.test,
        config.fit,
        workdir=workdir,
        step=spec.step,
        eval_fn=eval_fn,
    )
    test = evaluate(result.state, dataset.test, config.fit.eval_batch_size)
    return RunResult(result, test, num_params(result.state.params))
