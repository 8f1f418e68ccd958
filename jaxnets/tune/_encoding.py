"""The unit cube: every hyperparameter as coordinates in [0, 1] and back.

Grid, guided random and the Gaussian process all work in these coordinates: a log-scaled
float is linear in its logarithm, an integer is relaxed to the reals and rounded back, and
a categorical of C choices is C one-hot coordinates (decoded by argmax).
"""

import math

import numpy as np

from jaxnets.tune._space import Categorical, Float, Int, Param, SearchSpace, _encode


def width(param: Param) -> int:
    """How many unit coordinates ``param`` takes: C for a categorical, else 1."""
    return len(param.choices) if isinstance(param, Categorical) else 1


def _bounds(param: Float) -> tuple[float, float]:
    if param.log:
        return math.log(param.low), math.log(param.high)
    return float(param.low), float(param.high)


def to_unit(param: Param, value) -> np.ndarray:
    """Optuna's stored ``value`` of ``param`` as ``width(param)`` coordinates in [0, 1]."""
    if isinstance(param, Categorical):
        onehot = np.zeros(len(param.choices))
        onehot[[_encode(c) for c in param.choices].index(value)] = 1.0
        return onehot
    low, high = _bounds(param)
    x = math.log(value) if param.log else float(value)
    return np.array([0.5 if high == low else (x - low) / (high - low)])


def from_unit(param: Param, u: np.ndarray):
    """The stored value of ``param`` at coordinates ``u`` (clipped into [0, 1])."""
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    if isinstance(param, Categorical):
        return _encode(param.choices[int(np.argmax(u))])
    low, high = _bounds(param)
    x = low + float(u[0]) * (high - low)
    value = math.exp(x) if param.log else x
    value = min(max(value, param.low), param.high)  # exp(log(high)) may overshoot by an ulp
    if isinstance(param, Int):
        return int(min(max(round(value), param.low), param.high))
    return value


def encode(space: SearchSpace, params: dict) -> np.ndarray:
    """A trial's stored params as one point (D,), D the sum of the widths."""
    return np.concatenate([to_unit(space[f], params[f]) for f in space])


def decode(space: SearchSpace, u: np.ndarray) -> dict:
    """Point (D,) -> stored params."""
    out, start = {}, 0
    for field in space:
        n = width(space[field])
        out[field] = from_unit(space[field], u[start : start + n])
        start += n
    return out


def dimension(space: SearchSpace) -> int:
    return sum(width(space[f]) for f in space)


def grid(space: SearchSpace, points: int) -> dict[str, list]:
    """Each field's grid values: ``points`` evenly spaced (log-spaced when ``log``) per float,
    at most ``points`` distinct integers per int, every choice of a categorical."""
    out = {}
    for field, param in space.items():
        if isinstance(param, Categorical):
            out[field] = [_encode(c) for c in param.choices]
            continue
        ticks = [0.5] if points == 1 else np.linspace(0.0, 1.0, points)
        values = [from_unit(param, np.array([t])) for t in ticks]
        out[field] = list(dict.fromkeys(values))  # an int range narrower than points
    return out
