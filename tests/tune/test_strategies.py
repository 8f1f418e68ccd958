"""Samplers: grid covers the hypercube, guided random narrows, batches spread apart."""

import itertools

import numpy as np
import optuna
import pytest

from jaxnets.tune import (
    Categorical,
    Float,
    GuidedRandomSampler,
    Int,
    JaxGPSampler,
    SearchSpace,
    _encoding,
    _strategies,
)

pytestmark = pytest.mark.usefixtures("fast_compiles")

SPACE = SearchSpace(
    {
        "optimizer.learning_rate": Float(1e-4, 1e-1, log=True),
        "fit.batch_size": Int(16, 64),
        "model_options.activation": Categorical(["relu", "tanh"]),
    }
)


def test_grid_covers_the_hypercube():
    points = _strategies.grid_points(SPACE, 18)
    assert points == 3  # 2 choices x 3 x 3 = 18
    grid = _strategies.grid_configurations(SPACE, points, seed=0)
    assert len(grid) == 18
    units = np.array([_encoding.encode(SPACE, g) for g in grid])
    for column in (0, 1):  # both numeric axes: exactly 0, 1/2, 1 of the cube
        np.testing.assert_allclose(sorted(set(units[:, column].round(6))), [0, 0.5, 1], atol=0.03)
    combos = {tuple(sorted(g.items())) for g in grid}
    assert len(combos) == 18  # every corner and midpoint once
    lrs = sorted({g["optimizer.learning_rate"] for g in grid})
    np.testing.assert_allclose(lrs, [1e-4, np.sqrt(1e-4 * 1e-1), 1e-1], rtol=1e-9)


def _run(sampler, space, objective, n, batch=1):
    study = optuna.create_study(sampler=sampler)
    for _ in range(n // batch):
        trials = [study.ask(space.distributions()) for _ in range(batch)]
        for t in trials:
            study.tell(t, objective(space.decode(t.params)))
    return study


def test_guided_random_narrows_around_the_best():
    space = SearchSpace({"l1": Float(0.0, 1.0), "l2": Float(0.0, 1.0)})
    target = np.array([0.8, 0.2])

    def objective(p):
        return float(np.sum((np.array([p["l1"], p["l2"]]) - target) ** 2))

    sampler = GuidedRandomSampler(space, round_size=8, seed=0)
    study = _run(sampler, space, objective, 40)
    points = np.array([[t.params["l1"], t.params["l2"]] for t in study.trials])
    values = np.array([t.value for t in study.trials])
    for i in range(8, 40):  # each draw lies in the box around the best before it
        best = points[np.argmin(values[:i])]
        assert np.all(np.abs(points[i] - best) <= sampler.half_width(i) + 1e-9)
    assert np.ptp(points[32:], axis=0).max() < 0.15 < np.ptp(points[:8], axis=0).max()
    assert study.best_value < 0.01


def test_bayes_batch_is_spread_and_beats_random_on_a_quadratic():
    space = SearchSpace({"l1": Float(0.0, 1.0), "l2": Float(0.0, 1.0)})

    def objective(p):
        return (p["l1"] - 0.3) ** 2 + (p["l2"] - 0.6) ** 2

    gp = _run(JaxGPSampler(space, seed=0, n_startup_trials=6), space, objective, 30, batch=6)
    rnd = _run(optuna.samplers.RandomSampler(seed=0), space, objective, 30, batch=6)
    assert gp.best_value < rnd.best_value and gp.best_value < 1e-3
    # The first GP batch (asked together, fantasies for the pending ones): six distinct
    # points, not the one maximiser of EI six times.
    first = [np.array([t.params["l1"], t.params["l2"]]) for t in gp.trials[6:12]]
    gaps = [np.linalg.norm(a - b) for a, b in itertools.combinations(first, 2)]
    assert min(gaps) > 0.02


def test_unknown_strategy():
    from jaxnets.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="unknown strategy"):
        _strategies.make_sampler("annealing", SPACE, seed=0, population=4)


def test_cost_aware_bayes_prefers_cheap_points():
    space = SearchSpace({"l1": Float(0.0, 1.0), "l2": Float(0.0, 1.0)})
    proposals = {}
    for aware in (False, True):
        rng = np.random.default_rng(0)  # the same 12 observations for both
        study = optuna.create_study(
            sampler=JaxGPSampler(space, seed=1, n_startup_trials=5, cost_aware=aware)
        )
        for _ in range(12):  # high l2 is slightly better and exp(4 l2) times slower
            x = rng.uniform(size=2)
            study.add_trial(
                optuna.trial.create_trial(
                    params={"l1": x[0], "l2": x[1]},
                    distributions=space.distributions(),
                    value=(x[0] - 0.3) ** 2 + 0.05 * (1 - x[1]),
                    user_attrs={"seconds": float(np.exp(4 * x[1]))},
                )
            )
        asked = [study.ask(space.distributions()) for _ in range(4)]
        proposals[aware] = np.mean([t.params["l2"] for t in asked])
    # EI alone goes to the slow edge; per second it gives up some l2 for speed.
    assert proposals[True] < proposals[False] - 0.05 and proposals[False] > 0.95
