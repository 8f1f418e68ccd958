"""Search strategies as Optuna samplers: manual, grid, random, guided random, TPE, bayes.

``hypergrad`` is not a sampler (it follows gradients, see :mod:`jaxnets.tune._hypergrad`).
"""

import itertools
import math

import numpy as np
import optuna
from optuna.trial import TrialState

from jaxnets.errors import InvalidArgumentError
from jaxnets.tune import _encoding
from jaxnets.tune._space import Categorical, SearchSpace

STRATEGIES = ("manual", "grid", "random", "guided", "tpe", "bayes", "hypergrad")


def grid_points(space: SearchSpace, trials: int) -> int:
    """Points per numeric axis so the full grid has at most ``trials`` points (at least 2).

    The categoricals' choices multiply the grid; the numeric axes share what is left.
    """
    numeric = [p for p in space.values() if not isinstance(p, Categorical)]
    choices = math.prod(len(p.choices) for p in space.values() if isinstance(p, Categorical))
    if not numeric:
        return 1
    per_axis = (trials / choices) ** (1.0 / len(numeric))
    return max(2, math.floor(per_axis + 1e-9))


def grid_configurations(space: SearchSpace, points: int, seed: int) -> list[dict]:
    """Every point of the hypercube grid as stored params, in a seeded random order."""
    values = _encoding.grid(space, points)
    fields = list(values)
    combos = [dict(zip(fields, c, strict=True)) for c in itertools.product(*values.values())]
    order = np.random.default_rng(seed).permutation(len(combos))
    return [combos[i] for i in order]


class GuidedRandomSampler(optuna.samplers.BaseSampler):
    """The lecture's guided random search: uniform draws, then boxes narrowing around the best.

    Round r (``round_size`` finished trials each) draws uniformly in the unit-cube box of
    half-width ``0.5 * shrink**r`` centred on the best trial so far (clipped to the cube); a
    categorical keeps the best choice with probability ``1 - 0.5 * shrink**r`` and is
    otherwise drawn uniformly. Round 0 is plain random search.
    """

    def __init__(self, space: SearchSpace, *, round_size: int = 8, shrink: float = 0.5, seed=None):
        if not 0.0 < shrink < 1.0:
            raise InvalidArgumentError(f"shrink must be in (0, 1), got {shrink}")
        self.space, self.round_size, self.shrink = space, round_size, shrink
        self._rng = np.random.default_rng(seed)
        self._fallback = optuna.samplers.RandomSampler(seed=seed)

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()
        self._fallback.reseed_rng()

    def infer_relative_search_space(self, study, trial):
        return self.space.distributions()

    def half_width(self, finished: int) -> float:
        """The box's half-width after ``finished`` trials."""
        return 0.5 * self.shrink ** (finished // self.round_size)

    def sample_relative(self, study, trial, search_space):
        done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        rounds = len(done) // self.round_size
        if rounds == 0:
            return {}  # round 0: every field from the random fallback
        best = min(done, key=lambda t: t.value)
        half = self.half_width(len(done))
        out = {}
        for field, param in self.space.items():
            if isinstance(param, Categorical):
                keep = self._rng.random() < 1.0 - half
                out[field] = (
                    best.params[field]
                    if keep
                    else self._rng.choice(
                        [
                            _encoding.from_unit(param, np.eye(len(param.choices))[i])
                            for i in range(len(param.choices))
                        ]
                    ).item()
                )
                continue
            centre = _encoding.to_unit(param, best.params[field])[0]
            low, high = max(0.0, centre - half), min(1.0, centre + half)
            out[field] = _encoding.from_unit(param, np.array([self._rng.uniform(low, high)]))
        return out

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._fallback.sample_independent(study, trial, param_name, param_distribution)


def make_sampler(
    strategy: str,
    space: SearchSpace,
    *,
    seed: int,
    population: int,
    points: int = 2,
    cost_aware: bool = False,
) -> optuna.samplers.BaseSampler:
    """The Optuna sampler of ``strategy`` (``manual`` and ``grid`` run enqueued points; the
    sampler only fills fields an enqueued point lacks)."""
    if strategy in ("manual", "random", "hypergrad"):
        return optuna.samplers.RandomSampler(seed=seed)
    if strategy == "grid":
        # The study enqueues every grid point once (workers never race for a point); the
        # GridSampler is the record of the grid and serves any ask beyond it.
        return optuna.samplers.GridSampler(_encoding.grid(space, points), seed=seed)
    if strategy == "guided":
        return GuidedRandomSampler(space, round_size=population, seed=seed)
    if strategy == "tpe":
        # constant_liar: trials asked together (one population) are spread apart.
        return optuna.samplers.TPESampler(
            seed=seed, constant_liar=True, n_startup_trials=population
        )
    if strategy == "bayes":
        from jaxnets.tune._bayes import JaxGPSampler

        return JaxGPSampler(space, seed=seed, n_startup_trials=population, cost_aware=cost_aware)
    raise InvalidArgumentError(f"unknown strategy {strategy!r}; choose one of {STRATEGIES}")
