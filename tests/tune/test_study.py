"""Searches over vmapped populations on digits, their record, and their refusals."""

import dataclasses
import json

import numpy as np
import optuna
import pytest

from jaxnets import train
from jaxnets.errors import InvalidArgumentError
from jaxnets.optim import ScheduleConfig
from jaxnets.tune import Categorical, Float, SearchSpace, TuneConfig, _population, tune

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_random_search_records_every_trial_and_reruns_the_best(base, lr_space, tmp_path):
    config = TuneConfig(strategy="random", trials=6, population=3, progress=False)
    result = tune(base, lr_space, config, tmp_path)
    study = optuna.load_study(
        study_name=config.study_name, storage=f"sqlite:///{tmp_path}/study.db"
    )
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(done) == 6 == len({t.number for t in done})
    assert result.best_value == min(t.value for t in done) == study.best_value
    # every trial's value is its own last validation error
    for t in done:
        history = t.user_attrs["history"]
        assert t.value == pytest.approx(1 - history[-1]["val_accuracy"]) or t.user_attrs["diverged"]
    summary = json.loads((tmp_path / "tune.json").read_text())
    assert summary["best"]["value"] == result.best_value
    assert 0.0 <= summary["test"]["accuracy"] <= 1.0
    # best.json reruns the best trial alone: same validation error, same split and seed
    rerun = train.train_and_evaluate(
        train.RunConfig.from_dict(json.loads((tmp_path / "best.json").read_text()))
    )
    rerun_error = 1 - rerun.fit.history[-1]["val_accuracy"]
    assert rerun_error == pytest.approx(result.best_value, abs=2 / 287)  # 2 of 287 examples
    assert rerun.test["accuracy"] == pytest.approx(summary["test"]["accuracy"])
    for name in ("best_vs_budget.png", "points.png", "gp_slice.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_population_members_match_their_runs_alone(base):
    data = _population.prepare_data(base, 0.2)
    configs = [
        dataclasses.replace(base, optimizer=dataclasses.replace(base.optimizer, learning_rate=lr))
        for lr in (3e-3, 3e-2)
    ]
    outcomes = _population.train_group(configs, data)
    for config, out in zip(configs, outcomes, strict=True):
        alone = train.train_and_evaluate(
            dataclasses.replace(
                config,
                fit=dataclasses.replace(config.fit, validation_fraction=0.2, restore_best=False),
            )
        )
        np.testing.assert_allclose(
            [r["val_loss"] for r in out.history],
            [r["val_loss"] for r in alone.fit.history],
            rtol=2e-4,
        )


def test_a_diverged_member_does_not_stop_the_others(base):
    data = _population.prepare_data(base, 0.2)
    configs = [  # plain SGD at 1e38 overflows float32 to inf, then NaN
        dataclasses.replace(
            base, optimizer=dataclasses.replace(base.optimizer, name="sgd", learning_rate=lr)
        )
        for lr in (0.3, 1e38)
    ]
    good, bad = _population.train_group(configs, data)
    assert bad.diverged and bad.value == 1.0
    assert not good.diverged and good.value < 0.5


def test_shapes_split_populations(base):
    data = _population.prepare_data(base, 0.2)
    a = base
    b = dataclasses.replace(base, optimizer=dataclasses.replace(base.optimizer, learning_rate=0.1))
    c = dataclasses.replace(base, model_options={"hidden": (8,)})
    d = dataclasses.replace(base, model_options={"hidden": (16,), "activation": "tanh"})
    assert _population.group([a, b, c, d], data) == [[0, 1, 3], [2]]


def test_grid_runs_every_point_once_and_stops_at_its_size(base, tmp_path):
    space = SearchSpace(
        {
            "optimizer.learning_rate": Float(1e-3, 1e-1, log=True),
            "model_options.activation": Categorical(["relu", "tanh"]),
        }
    )
    config = TuneConfig(strategy="grid", trials=100, grid_points=2, population=4, progress=False)
    result = tune(base, space, config, tmp_path, final_test=False)
    points = [tuple(sorted(t["params"].items())) for t in result.summary["trials"]]
    assert len(points) == len(set(points)) == 4
    assert {p[0][1] for p in points} == {"relu", "tanh"}


def test_manual_strategy_and_resume_add_no_trial(base, lr_space, tmp_path):
    manual = (
        {"optimizer.learning_rate": 1e-3, "optimizer.weight_decay": 1e-4},
        {"optimizer.learning_rate": 1e-2, "optimizer.weight_decay": 1e-5},
    )
    config = TuneConfig(strategy="manual", manual=manual, population=2, progress=False)
    first = tune(base, lr_space, config, tmp_path, final_test=False)
    again = tune(base, lr_space, config, tmp_path, final_test=False)
    assert len(first.summary["trials"]) == len(again.summary["trials"]) == 2
    assert [t["params"] for t in again.summary["trials"]] == list(manual)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"storage": "nosuchdb://x"}, "cannot open storage"),
        ({"storage": "sqlite:////no/such/folder/study.db"}, "no folder"),
        ({"storage": "journal:/no/such/folder/j.log"}, "no folder"),
        ({"storage": "study.db"}, "cannot open storage"),
    ],
)
def test_unopenable_storage_writes_nothing(base, lr_space, tmp_path, change, message):
    workdir = tmp_path / "run"
    with pytest.raises(InvalidArgumentError, match=message):
        tune(base, lr_space, TuneConfig(progress=False, **change), workdir)
    assert not workdir.exists() and list(tmp_path.iterdir()) == []


def test_refusals_before_anything_is_written(base, lr_space, tmp_path):
    cosine = dataclasses.replace(
        base, optimizer=dataclasses.replace(base.optimizer, schedule=ScheduleConfig("cosine"))
    )
    with pytest.raises(InvalidArgumentError, match="constant learning rate"):
        tune(cosine, lr_space, TuneConfig(progress=False), tmp_path / "a")
    momentum = SearchSpace({"optimizer.momentum": Float(0.5, 0.99)})
    with pytest.raises(InvalidArgumentError, match="cannot be searched"):
        tune(base, momentum, TuneConfig(progress=False), tmp_path / "b")
    unknown = SearchSpace({"model_options.depth": Float(1, 3)})
    with pytest.raises(InvalidArgumentError, match="unknown field"):
        tune(base, unknown, TuneConfig(progress=False), tmp_path / "c")
    assert list(tmp_path.iterdir()) == []


def test_median_pruner_stops_poor_members_after_an_epoch(base, lr_space, tmp_path):
    config = TuneConfig(
        strategy="random", trials=8, population=4, pruner="median", progress=False, plots=False
    )
    result = tune(base, lr_space, config, tmp_path, final_test=False)
    trials = result.study.trials
    pruned = [t for t in trials if t.state == optuna.trial.TrialState.PRUNED]
    done = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(pruned) + len(done) == 8 and pruned
    for t in pruned:  # pruned on a reported epoch value worse than the median before it
        epoch, value = max(t.intermediate_values.items())
        earlier = [d.intermediate_values[epoch] for d in done if d.number < 4]
        assert value > np.median(earlier)
    assert all(len(t.intermediate_values) == base.fit.epochs for t in trials[:4])
