"""Several worker processes on one study, and a worker killed mid-trial."""

import os
import signal
import sys
import time

import optuna
import pytest
from optuna.trial import TrialState

from jaxnets.tune import TuneConfig, _search, _storage, _study

# Worker processes each start Python, import JAX and compile: tens of seconds on 2 cores.
pytestmark = [pytest.mark.usefixtures("fast_compiles"), pytest.mark.slow]

MANUAL = tuple(
    {"optimizer.learning_rate": lr, "optimizer.weight_decay": 1e-5}
    for lr in (1e-3, 2e-3, 4e-3, 8e-3, 1.6e-2, 3.2e-2)
)


def _url(kind: str, tmp_path) -> str:
    return f"sqlite:///{tmp_path}/study.db" if kind == "sqlite" else f"journal:{tmp_path}/j.log"


@pytest.mark.parametrize(("kind", "workers"), [("sqlite", 2), ("journal", 3)])
def test_workers_run_every_trial_exactly_once(base, lr_space, tmp_path, kind, workers):
    base = base.__class__.from_dict({**base.to_dict(), "model_options": {"hidden": [8]}})
    config = TuneConfig(
        strategy="manual",
        manual=MANUAL,
        population=1,
        progress=False,
        storage=_url(kind, tmp_path),
        heartbeat_s=0.5,
        grace_s=30.0,
    )
    _study.open_study(lr_space, config, tmp_path)
    procs = [_search.spawn_worker(base, lr_space, config, tmp_path, w) for w in range(workers)]
    assert [p.wait(timeout=240) for p in procs] == [0] * workers
    study = _study.open_study(lr_space, config, tmp_path)
    done = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(study.trials) == len(done) == len(MANUAL)
    ran = sorted(t.params["optimizer.learning_rate"] for t in done)
    assert ran == sorted(m["optimizer.learning_rate"] for m in MANUAL)  # each config once
    assert study.best_value == min(t.value for t in done)
    assert len({t.user_attrs["worker"] for t in done}) >= 2  # the work was shared


def _wait_for_running(storage: str, timeout: float = 120.0) -> list:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            study = optuna.load_study(
                study_name=_study.STUDY_NAME, storage=_storage.open_storage(storage)
            )
            running = study.get_trials(states=(TrialState.RUNNING,))
            if running and all("heartbeat" in t.user_attrs for t in running):
                return running
        except KeyError:  # not created yet
            pass
        time.sleep(0.2)
    raise AssertionError("the worker never started a trial")


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_killed_worker_trial_is_failed_and_reasked(base, lr_space, tmp_path, kind):
    base = base.__class__.from_dict(
        {**base.to_dict(), "fit": {**base.to_dict()["fit"], "epochs": 40}}
    )
    config = TuneConfig(
        strategy="manual",
        manual=MANUAL[:2],
        population=2,
        progress=False,
        storage=_url(kind, tmp_path),
        heartbeat_s=0.3,
        grace_s=1.5,
    )
    _study.open_study(lr_space, config, tmp_path)
    proc = _search.spawn_worker(base, lr_space, config, tmp_path, 1)
    try:
        running = _wait_for_running(config.storage)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    killed = {t.number: t.params for t in running}
    # The study stays readable, the killed trials still look running ...
    study = _study.open_study(lr_space, config, tmp_path)
    assert {t.number for t in study.get_trials(states=(TrialState.RUNNING,))} == set(killed)
    # ... and a resumed worker fails them (no heartbeat), re-asks and finishes the budget.
    short = base.__class__.from_dict(
        {**base.to_dict(), "fit": {**base.to_dict()["fit"], "epochs": 1}}
    )
    _study.run_worker(short, lr_space, config, tmp_path)
    study = _study.open_study(lr_space, config, tmp_path)
    states = {t.number: t.state for t in study.trials}
    assert all(states[n] == TrialState.FAIL for n in killed)
    retries = [t for t in study.trials if t.user_attrs.get("retry_of") is not None]
    assert sorted(t.user_attrs["retry_of"] for t in retries) == sorted(killed)
    assert all(t.state == TrialState.COMPLETE for t in retries)
    assert all(t.params == killed[t.user_attrs["retry_of"]] for t in retries)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 2
    assert sys.executable  # the workers ran under this interpreter
