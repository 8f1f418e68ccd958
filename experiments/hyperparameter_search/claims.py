"""Lecture 004's claims about tuning, measured by the hyperparameter_search experiment."""

from experiments._claims import Claim, E, _r, pct

_WHERE = "004 Tuning a deep architecture"
_CMD = E + "hyperparameter_search"


def _best(records, strategy: str) -> float:
    """The median over search seeds of a strategy's best validation error."""
    return _r(records, "hyperparameter_search")["summary"][strategy]["median_best"]


def _versus(strategy: str, baseline: str):
    return lambda R: (
        f"median best val error {strategy} {pct(_best(R, strategy), 2)} vs "
        f"{baseline} {pct(_best(R, baseline), 2)}"
    )


CLAIMS = [
    Claim(
        "004-search-random",
        _WHERE,
        "random search is surprisingly effective and faster than grid search",
        _CMD,
        _versus("random", "grid"),
        lambda R: _best(R, "random") < _best(R, "grid"),
        why="at this budget the grid's few learning rates include a good one, and random "
        "search's best varies widely by seed (the per-seed column of the experiment's README)",
    ),
    Claim(
        "004-search-guided",
        _WHERE,
        "random samples guided by the best point found so far (guided stochastic search)",
        _CMD,
        _versus("guided", "random"),
        lambda R: _best(R, "guided") < _best(R, "random"),
        why="the guided search did not beat plain random search at this budget",
    ),
    Claim(
        "004-search-bayes",
        _WHERE,
        "Bayesian optimization with a Gaussian-process meta-model picks the next point",
        _CMD,
        _versus("bayes", "random"),
        lambda R: _best(R, "bayes") < _best(R, "random"),
        why="the GP-guided search did not beat random search at this budget",
    ),
    Claim(
        "004-search-gradient",
        _WHERE,
        "gradient-based hyperparameter search",
        _CMD,
        _versus("hypergrad", "random"),
        lambda R: _best(R, "hypergrad") < _best(R, "random"),
        why="hypergradient descent did not beat random search at this budget",
    ),
]
