"""The search loop: ask K trials, train them as populations, tell the results.

Optuna is the record and the scheduler: every worker process (on this machine or another,
sharing the storage) runs :func:`run_worker`, which asks up to ``population`` trials,
trains each group of them as one vmapped population and tells each value back, until the
study holds ``trials`` finished trials.
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import optuna
from optuna.trial import TrialState

from jaxnets.errors import InvalidArgumentError
from jaxnets.train import RunConfig
from jaxnets.tune import _population, _space, _storage, _strategies
from jaxnets.tune._space import SearchSpace

PRUNERS = ("none", "median", "halving")
STUDY_NAME = "jaxnets-tune"
_COUNTED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING, TrialState.WAITING)


@dataclass(frozen=True)
class TuneConfig:
    """How to search.

    ``trials`` finished trials make the budget (a grid stops at its size); ``population``
    trials are asked at once and trained as vmapped populations. ``metric`` is the
    validation ``error`` (1 - accuracy) or ``loss`` of the last epoch, minimised; the
    validation split is ``validation_fraction`` of the training split (the test split is
    touched only by :func:`jaxnets.tune.tune` for the best trial). ``storage`` is an Optuna
    storage URL (default ``sqlite:///<workdir>/study.db``); ``manual`` lists configurations
    for the ``manual`` strategy; ``grid_points`` per numeric axis for ``grid`` (default: the
    largest grid within ``trials``). Workers stamp their trials every ``heartbeat_s``; a
    trial unstamped for ``grace_s`` is failed and re-asked. ``hypergrad`` follows
    ``population`` starts for ``trials / population`` steps. ``plots`` writes the PNGs.
    ``cost_aware`` makes ``bayes`` maximise expected improvement per second of training.
    """

    strategy: str = "tpe"
    trials: int = 32
    population: int = 8
    seed: int = 0
    metric: str = "error"
    validation_fraction: float = 0.2
    pruner: str = "none"
    storage: str | None = None
    study_name: str = STUDY_NAME
    manual: tuple = ()
    grid_points: int | None = None
    heartbeat_s: float = 5.0
    grace_s: float = 60.0
    progress: bool = True
    plots: bool = True
    cost_aware: bool = False

    def __post_init__(self):
        if self.strategy not in _strategies.STRATEGIES:
            raise InvalidArgumentError(
                f"unknown strategy {self.strategy!r}; choose one of {_strategies.STRATEGIES}"
            )
        for name in ("trials", "population"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(f"{name} must be an integer >= 1, got {value!r}")
        if self.metric not in _population.METRICS:
            raise InvalidArgumentError(f"metric must be one of {_population.METRICS}")
        if self.pruner not in PRUNERS:
            raise InvalidArgumentError(f"pruner must be one of {PRUNERS}, got {self.pruner!r}")
        if not 0.0 < self.validation_fraction < 1.0:
            raise InvalidArgumentError("validation_fraction must be in (0, 1)")
        if self.strategy == "manual" and not self.manual:
            raise InvalidArgumentError("the manual strategy needs a list of configurations")
        if not 0 < self.heartbeat_s < self.grace_s:
            raise InvalidArgumentError("need 0 < heartbeat_s < grace_s")

    def storage_url(self, workdir: Path) -> str:
        return self.storage or f"sqlite:///{Path(workdir) / 'study.db'}"


def check(base: RunConfig, space: SearchSpace, config: TuneConfig) -> None:
    """Every refusal that needs no data and writes nothing."""
    _space.check_model_options(space, base.model)
    for f in space:
        if f.startswith("optimizer.") and f not in (
            "optimizer.learning_rate",
            "optimizer.weight_decay",
            "optimizer.name",
        ):
            raise InvalidArgumentError(
                f"{f} cannot be searched: populations vary optimizer.learning_rate, "
                "optimizer.weight_decay and optimizer.name only"
            )
    _population.check_population_optimizer(base.optimizer)
    if config.strategy == "hypergrad":
        bad = set(space) - {"optimizer.learning_rate", "optimizer.weight_decay"}
        if bad or any(not getattr(space[f], "log", False) for f in space):
            raise InvalidArgumentError(
                "hypergrad tunes log-scaled optimizer.learning_rate and optimizer.weight_decay "
                f"only; the space has {sorted(space)}"
            )
    for values in config.manual:
        unknown = set(values) - set(space)
        if unknown:
            raise InvalidArgumentError(
                f"manual configuration has fields {sorted(unknown)} that are not in the space"
            )


def budget(space: SearchSpace, config: TuneConfig) -> int:
    """Trials to finish: ``config.trials``, capped by the grid or the manual list."""
    if config.strategy == "grid":
        return min(config.trials, len(grid_configurations(space, config)))
    if config.strategy == "manual":
        return min(config.trials, len(config.manual))
    return config.trials


def grid_configurations(space: SearchSpace, config: TuneConfig) -> list[dict]:
    points = config.grid_points or _strategies.grid_points(space, config.trials)
    return _strategies.grid_configurations(space, points, config.seed)


def open_study(space: SearchSpace, config: TuneConfig, workdir: Path, worker: int = 0):
    """Load or create the study; the first opener enqueues manual/grid points once."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # progress is ours to show
    storage = _storage.open_storage(config.storage_url(workdir))
    points = config.grid_points or _strategies.grid_points(space, config.trials)
    sampler = _strategies.make_sampler(
        config.strategy,
        space,
        seed=config.seed + 1000 * worker,
        population=config.population,
        points=points,
        cost_aware=config.cost_aware,
    )
    pruner = {
        "none": optuna.pruners.NopPruner(),
        "median": optuna.pruners.MedianPruner(n_startup_trials=config.population),
        "halving": optuna.pruners.SuccessiveHalvingPruner(),
    }[config.pruner]
    study = optuna.create_study(
        storage=storage,
        study_name=config.study_name,
        sampler=sampler,
        pruner=pruner,
        direction="minimize",
        load_if_exists=True,
    )
    if not study.user_attrs.get("enqueued"):
        study.set_user_attr("enqueued", True)
        study.set_user_attr("space", space.to_dict())
        study.set_user_attr("strategy", config.strategy)
        study.set_user_attr("budget", budget(space, config))
        listed = (
            grid_configurations(space, config)
            if config.strategy == "grid"
            else [{f: _encode_value(space[f], v) for f, v in m.items()} for m in config.manual]
        )
        for params in listed[: budget(space, config)]:
            study.enqueue_trial(params, skip_if_exists=True)
    return study


def _encode_value(param, value):
    return _space._encode(_space._freeze(value)) if isinstance(param, _space.Categorical) else value


def _ask(study: optuna.Study, space: SearchSpace, want: int, total: int) -> list:
    """Up to ``want`` new trials, each within the budget ``total`` (another worker may have
    taken the last slots between our count and our ask: those are failed unrun)."""
    distributions = space.distributions()
    asked = [study.ask(distributions) for _ in range(want)]
    counted = sorted(t.number for t in study.get_trials(deepcopy=False, states=_COUNTED))
    allowed = set(counted[:total])
    keep = []
    for trial in asked:
        if trial.number in allowed:
            keep.append(trial)
        else:
            trial.set_user_attr("over_budget", True)
            study.tell(trial, state=TrialState.FAIL)
    return keep


def run_worker(
    base: RunConfig,
    space: SearchSpace,
    config: TuneConfig,
    workdir: Path,
    *,
    worker: int = 0,
    on_told: Callable | None = None,
    data=None,
) -> optuna.Study:
    """Work on the study until it holds its budget of finished trials; return the study."""
    study = open_study(space, config, workdir, worker)
    total = study.user_attrs["budget"]
    data = data or _population.prepare_data(base, config.validation_fraction)
    heartbeat = _storage.Heartbeat(study._storage, config.heartbeat_s)
    try:
        while True:
            _storage.fail_stale_trials(study, config.grace_s)
            trials = study.get_trials(deepcopy=False, states=_COUNTED)
            running = sum(t.state == TrialState.RUNNING for t in trials)
            waiting = sum(t.state == TrialState.WAITING for t in trials)
            free = max(total - len(trials), waiting)  # re-asked trials wait within the budget
            if free <= 0:
                if running == 0:
                    return study
                time.sleep(min(config.heartbeat_s, 1.0))  # others run; one may die
                continue
            asked = _ask(study, space, min(config.population, free), total)
            if asked:
                heartbeat.watch([t._trial_id for t in asked])
                _train_and_tell(study, base, space, config, asked, data, worker, on_told)
                heartbeat.release([t._trial_id for t in asked])
    finally:
        heartbeat.close()


def _train_and_tell(study, base, space, config, asked, data, worker, on_told) -> None:
    runs = [_space.apply(base, space.decode(t.params)) for t in asked]
    for t in asked:
        t.set_user_attr("worker", f"{os.uname().nodename}:{os.getpid()}:{worker}")
    for indices in _population.group(runs, data):
        members = [asked[i] for i in indices]

        def on_epoch(epoch, values, members=members):
            wanted = []
            for trial, value in zip(members, values, strict=True):
                trial.report(value, epoch)
                wanted.append(not trial.should_prune())
            return wanted

        pruning = config.pruner != "none"
        outcomes = _population.train_group(
            [runs[i] for i in indices], data, config.metric, on_epoch if pruning else None
        )
        for trial, out in zip(members, outcomes, strict=True):
            trial.set_user_attr("seconds", out.seconds)
            trial.set_user_attr("diverged", out.diverged)
            trial.set_user_attr("history", out.history)
            if out.pruned_at is not None:
                study.tell(trial, state=TrialState.PRUNED)
            else:
                study.tell(trial, out.value)
            if on_told is not None:
                on_told(trial, out)
