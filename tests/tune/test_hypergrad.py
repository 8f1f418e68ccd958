"""Gradient-based tuning: the unrolled run is the population's run, and its gradient is right."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets.tune import Float, SearchSpace, TuneConfig, _hypergrad, _population, tune

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_unrolled_run_matches_fit_and_finite_differences(base):
    data = _population.prepare_data(base, 0.2)
    run = _hypergrad.make_run(base, data, 1)
    x = jnp.array([[np.log(1e-3), np.log(1e-4)]])
    (_, (loss, _)), grad = jax.value_and_grad(run, has_aux=True)(x)
    config = dataclasses.replace(
        base, optimizer=dataclasses.replace(base.optimizer, learning_rate=1e-3, weight_decay=1e-4)
    )
    (alone,) = _population.train_group([config], data)
    assert float(loss[0]) == pytest.approx(alone.history[-1]["val_loss"], rel=1e-5)
    eps = 0.02
    up = run(x + jnp.array([[eps, 0.0]]))[0]
    down = run(x - jnp.array([[eps, 0.0]]))[0]
    fd = float(up - down) / (2 * eps)
    assert np.isfinite(grad).all()
    assert float(grad[0, 0]) == pytest.approx(fd, rel=0.1)
    assert fd < -0.05  # at lr 1e-3 for 2 epochs, a larger rate lowers the validation loss


def test_hypergrad_study_descends_and_fills_the_budget(base, tmp_path):
    space = SearchSpace({"optimizer.learning_rate": Float(1e-4, 1.0, log=True)})
    config = TuneConfig(strategy="hypergrad", trials=8, population=2, progress=False)
    result = tune(base, space, config, tmp_path, final_test=False)
    trials = result.summary["trials"]
    assert len(trials) == 8 and all(t["state"] == "COMPLETE" for t in trials)
    study = result.study.trials
    for k in range(2):  # each start descends the validation loss it differentiates
        path = [t["params"]["optimizer.learning_rate"] for t in trials[k::2]]
        losses = [t.user_attrs["history"][0]["val_loss"] for t in study[k::2]]
        assert path[-1] != path[0]
        assert losses[-1] < losses[0]
