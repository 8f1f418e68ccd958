"""Bayesian optimisation (SMBO) as an Optuna sampler over the JAX Gaussian process.

Each ask: fit the GP to the finished trials, add the trials still running (asked in the same
population, or by other workers) as fantasies, and return the point of the unit cube that
maximises log expected improvement, found by gradient ascent from the best of many random
candidates.
"""

import jax
import numpy as np
import optuna
from optuna.trial import TrialState

from jaxnets.errors import InvalidArgumentError
from jaxnets.tune import _encoding, _gp
from jaxnets.tune._space import SearchSpace

BATCH_RULES = ("believer", "liar")


def observations(space: SearchSpace, trials) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, D) and values (N,) of finished trials; a non-finite value (a diverged run)
    counts as the worst finite one, so the GP learns the region is bad without overflowing."""
    x = np.array([_encoding.encode(space, t.params) for t in trials])
    y = np.array([t.value for t in trials], dtype=float)
    finite = np.isfinite(y)
    if not finite.any():
        y = np.zeros_like(y)
    else:
        y = np.where(finite, y, y[finite].max())
    return x, y


def propose(
    post: _gp.Posterior,
    best: float,
    dim: int,
    rng: np.random.Generator,
    *,
    candidates: int = 1024,
    starts: int = 16,
    cost: _gp.Posterior | None = None,
) -> tuple[np.ndarray, float]:
    """The point (D,) of highest log-EI under ``post`` (minus the log seconds predicted by
    ``cost``, when given) and that value.

    ``candidates`` uniform points are scored, the best ``starts`` of them climbed by vmapped
    gradient ascent, and the best end point kept.
    """
    cand = rng.uniform(size=(candidates, dim))
    mean, std = _gp.predict(post, cand)
    score = np.asarray(_gp.log_expected_improvement(mean, std, best))
    if cost is not None:
        score = score - np.asarray(_gp.predict(cost, cand)[0])
    top = cand[np.argsort(-score)[:starts]]
    points, values = _gp.maximize_log_ei(post, best, top, cost)
    i = int(np.argmax(values))
    return np.asarray(points[i]), float(values[i])


class JaxGPSampler(optuna.samplers.BaseSampler):
    """GP + log-EI sampler; the first ``n_startup_trials`` come from random search.

    ``batch``: how running trials count while they have no value: ``"believer"`` (Kriging
    believer: the posterior mean at their point) or ``"liar"`` (constant liar: the best value
    so far). Either way the next proposal moves away from them, so the K trials asked for
    one population are spread out.

    ``cost_aware``: maximise expected improvement per second, with a second GP fitted to
    the log of each finished trial's ``user_attrs["seconds"]`` (with fewer than 3 timed
    trials, plain EI).
    """

    def __init__(
        self,
        space: SearchSpace,
        *,
        seed=None,
        n_startup_trials: int = 8,
        batch: str = "believer",
        cost_aware: bool = False,
    ):
        if batch not in BATCH_RULES:
            raise InvalidArgumentError(f"batch must be one of {BATCH_RULES}, got {batch!r}")
        self.space, self.n_startup_trials, self.batch = space, n_startup_trials, batch
        self.cost_aware = cost_aware
        self._rng = np.random.default_rng(seed)
        self._fallback = optuna.samplers.RandomSampler(seed=seed)
        self.last_posterior: _gp.Posterior | None = None  # for plots of the surrogate

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()
        self._fallback.reseed_rng()

    def infer_relative_search_space(self, study, trial):
        return self.space.distributions()

    def sample_relative(self, study, trial, search_space):
        done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(done) < self.n_startup_trials:
            return {}
        fields = set(self.space)
        running = [
            t
            for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
            if t.number != trial.number and fields <= set(t.params)
        ]
        x, y = observations(self.space, done)
        with jax.enable_x64(True):
            post = _gp.fit(x, y)
            best = float(y.min())
            if running:
                xr = np.array([_encoding.encode(self.space, t.params) for t in running])
                lies = np.asarray(_gp.predict(post, xr)[0]) if self.batch == "believer" else best
                yr = np.broadcast_to(lies, (len(xr),))
                # A believed value below the best is the new best: otherwise the point keeps
                # its improvement and the next ask proposes it again.
                best = min(best, float(yr.min()))
                post = _gp.condition(
                    post.params,
                    np.concatenate([x, xr]),
                    np.concatenate([y, yr]),
                    post.y_mean,
                    post.y_std,
                )
            cost = self._cost_posterior(done) if self.cost_aware else None
            point, _ = propose(post, best, x.shape[1], self._rng, cost=cost)
        self.last_posterior = post
        return _encoding.decode(self.space, point)

    def _cost_posterior(self, done) -> _gp.Posterior | None:
        timed = [t for t in done if (t.user_attrs.get("seconds") or 0) > 0]
        if len(timed) < 3:
            return None
        x = np.array([_encoding.encode(self.space, t.params) for t in timed])
        return _gp.fit(x, np.log([t.user_attrs["seconds"] for t in timed]))

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._fallback.sample_independent(study, trial, param_name, param_distribution)
