"""Hyperparameter search over vmapped populations, with Optuna as the study record.

``tune(base_run_config, space, TuneConfig(strategy=...), workdir)`` asks ``population``
trials at a time, trains each group that shares an architecture as one vmapped population
(:func:`jaxnets.train.init_population` through :func:`jaxnets.train.fit`) and tells the
validation values back. Strategies: ``manual``, ``grid``, ``random``, ``guided`` (random
boxes narrowing around the best), ``tpe``, ``bayes`` (a JAX Gaussian process with log-EI)
and ``hypergrad`` (gradients of the validation loss through the unrolled training run).
"""

from jaxnets.tune._bayes import JaxGPSampler
from jaxnets.tune._command import from_cli
from jaxnets.tune._search import TuneResult, best_run_config, tune
from jaxnets.tune._space import Categorical, Float, Int, SearchSpace, load_space
from jaxnets.tune._strategies import STRATEGIES, GuidedRandomSampler
from jaxnets.tune._study import TuneConfig, run_worker

__all__ = [
    "STRATEGIES",
    "Categorical",
    "Float",
    "GuidedRandomSampler",
    "Int",
    "JaxGPSampler",
    "SearchSpace",
    "TuneConfig",
    "TuneResult",
    "best_run_config",
    "from_cli",
    "load_space",
    "run_worker",
    "tune",
]
