"""``tune``: check, open the study, run the workers, then report the best trial.

Output in ``workdir``: the study (``study.db`` unless another storage is given),
``best.json`` (a RunConfig: ``jaxnets train --config best.json`` reruns the best trial),
``tune.json`` (the best configuration, its validation value, its test score and every
trial) and the plots of :mod:`jaxnets.tune._plots`.
"""

import dataclasses
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import optuna
from optuna.trial import TrialState

from jaxnets import train
from jaxnets.errors import InvalidArgumentError
from jaxnets.train import RunConfig
from jaxnets.tune import _population, _space, _storage, _study
from jaxnets.tune._space import SearchSpace
from jaxnets.tune._study import TuneConfig


@dataclass(frozen=True)
class TuneResult:
    """The best trial's configuration and scores, and the study (for more analysis)."""

    best_config: RunConfig
    best_value: float
    test: dict | None
    study: optuna.Study
    summary: dict


def best_run_config(base: RunConfig, space: SearchSpace, config: TuneConfig, params) -> RunConfig:
    """The RunConfig that reruns a trial alone: same split, seed, epochs, last epoch kept."""
    run = _space.apply(base, space.decode(params))
    fit = dataclasses.replace(
        run.fit,
        validation_fraction=config.validation_fraction,
        restore_best=False,
        early_stopping_patience=None,
    )
    return dataclasses.replace(run, fit=fit)


def tune(
    base: RunConfig,
    space: SearchSpace,
    config: TuneConfig,
    workdir: str | Path,
    *,
    workers: int = 1,
    final_test: bool = True,
) -> TuneResult:
    """Search ``space`` around ``base`` with ``config.strategy``; see the module docstring.

    ``workers`` > 1 starts that many processes in all (this one included) on one storage.
    The test split is read only to score the best trial, after the search.
    """
    workdir = Path(workdir)
    _study.check(base, space, config)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidArgumentError(f"workers must be an integer >= 1, got {workers!r}")
    if config.storage is not None:
        _storage.open_storage(config.storage)  # refuse before anything is written
    workdir.mkdir(parents=True, exist_ok=True)
    data = _population.prepare_data(base, config.validation_fraction)
    if config.strategy == "hypergrad":
        from jaxnets.tune._hypergrad import hypergrad_study

        study = hypergrad_study(base, space, config, workdir, data)
    else:
        _study.open_study(space, config, workdir)  # set up (and enqueue) once, before workers
        procs = [spawn_worker(base, space, config, workdir, w) for w in range(1, workers)]
        study = _run_with_progress(base, space, config, workdir, data)
        for proc in procs:
            if proc.wait() != 0:
                print(f"worker {proc.args[-1]} exited with {proc.returncode}", file=sys.stderr)
    return summarize(study, base, space, config, workdir, final_test=final_test)


def spawn_worker(base, space, config, workdir: Path, worker: int) -> subprocess.Popen:
    """Start ``python -m jaxnets.tune.worker`` on the same study (its spec in the workdir)."""
    spec = workdir / f"worker_{worker}.json"
    spec.write_text(
        json.dumps(
            {
                "base": base.to_dict(),
                "space": space.to_dict(),
                "worker": worker,
                "config": dataclasses.asdict(dataclasses.replace(config, progress=False)),
                "workdir": str(workdir),
            }
        )
    )
    return subprocess.Popen([sys.executable, "-m", "jaxnets.tune.worker", str(spec)])


def _run_with_progress(base, space, config, workdir, data) -> optuna.Study:
    from tqdm.auto import tqdm

    bar = tqdm(total=None, desc="trials", unit="trial", disable=not config.progress)

    def on_told(trial, outcome):
        study = trial.study
        finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        bar.total = study.user_attrs["budget"]
        bar.n = len(finished)
        values = [t.value for t in finished if t.state == TrialState.COMPLETE]
        bar.set_postfix(best=f"{min(values):.4f}" if values else "-")
        bar.refresh()

    try:
        return _study.run_worker(base, space, config, workdir, on_told=on_told, data=data)
    finally:
        bar.close()


def summarize(
    study: optuna.Study,
    base,
    space,
    config: TuneConfig,
    workdir: Path,
    *,
    final_test: bool = True,
) -> TuneResult:
    """Write best.json, tune.json and the plots; score the best trial on the test split."""
    from jaxnets.tune import _plots

    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        raise InvalidArgumentError(f"study {config.study_name!r} has no finished trial")
    best = min(complete, key=lambda t: t.value)
    best_config = best_run_config(base, space, config, best.params)
    (workdir / "best.json").write_text(json.dumps(best_config.to_dict(), indent=2))
    test = None
    if final_test:
        result = train.train_and_evaluate(best_config)
        test = {k: float(v) for k, v in result.test.items()}
    summary = {
        "strategy": config.strategy,
        "metric": config.metric,
        "budget": study.user_attrs.get("budget"),
        "best": {
            "number": best.number,
            "value": best.value,
            "config": _jsonable(space.decode(best.params)),
            "seconds": best.user_attrs.get("seconds"),
        },
        "test": test,
        "trials": [trial_record(t, space) for t in study.get_trials(deepcopy=False)],
    }
    (workdir / "tune.json").write_text(json.dumps(summary, indent=2))
    if config.plots:
        _plots.study_plots(summary, space, workdir)
    return TuneResult(best_config, best.value, test, study, summary)


def _jsonable(values: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def trial_record(t: optuna.trial.FrozenTrial, space: SearchSpace) -> dict:
    """One trial as JSON: number, state, value, decoded params, seconds and worker."""
    params = _jsonable(space.decode(t.params)) if set(space) <= set(t.params) else {}
    return {
        "number": t.number,
        "state": t.state.name,
        "value": t.value,
        "params": params,
        "seconds": t.user_attrs.get("seconds"),
        "worker": t.user_attrs.get("worker"),
        "retry_of": t.user_attrs.get("retry_of"),
    }
