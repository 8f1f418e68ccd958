"""Search spaces: a small typed spec of hyperparameters, each mapped onto a run config field.

A space maps dotted :class:`jaxnets.train.RunConfig` fields (``optimizer.learning_rate``,
``optimizer.weight_decay``, ``l2``, ``fit.batch_size``, ``model_options.hidden`` ...) to
a :class:`Float`, :class:`Int` or :class:`Categorical`. It is written in Python or read from
a JSON/YAML file of the same shape::

    optimizer.learning_rate: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
    model_options.hidden: {type: categorical, choices: [[64], [128, 64]]}

Every check happens when the space is built, before anything is written.
"""

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna

from jaxnets.errors import InvalidArgumentError, InvalidTypeError


@dataclass(frozen=True)
class Float:
    """A real hyperparameter in ``[low, high]``, sampled uniformly or (``log``) log-uniformly."""

    low: float
    high: float
    log: bool = False

    def __post_init__(self):
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidTypeError(f"{name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise InvalidArgumentError(f"{name} must be finite, got {value!r}")
        if self.low > self.high:
            raise InvalidArgumentError(f"low > high: [{self.low}, {self.high}] is empty")
        if self.log and self.low <= 0:
            raise InvalidArgumentError(
                f"a log scale needs positive bounds, got low={self.low} (log of a non-positive "
                "number); use log: false or a positive low"
            )

    def distribution(self) -> optuna.distributions.BaseDistribution:
        low, high = float(self.low), float(self.high)
        return optuna.distributions.FloatDistribution(low, high, log=self.log)


@dataclass(frozen=True)
class Int(Float):
    """An integer hyperparameter in ``[low, high]`` (both included)."""

    def __post_init__(self):
        for name in ("low", "high"):
            if isinstance(getattr(self, name), bool) or not isinstance(getattr(self, name), int):
                raise InvalidTypeError(f"an int's {name} must be an integer, got {self!r}")
        super().__post_init__()

    def distribution(self) -> optuna.distributions.BaseDistribution:
        return optuna.distributions.IntDistribution(self.low, self.high, log=self.log)


@dataclass(frozen=True)
class Categorical:
    """One of ``choices``: numbers, strings, booleans, or lists (e.g. layer widths)."""

    choices: tuple

    def __post_init__(self):
        if isinstance(self.choices, str) or not isinstance(self.choices, Sequence):
            raise InvalidTypeError(f"choices must be a list, got {self.choices!r}")
        if not self.choices:
            raise InvalidArgumentError("a categorical needs at least one choice, got []")
        object.__setattr__(self, "choices", tuple(_freeze(c) for c in self.choices))
        if len(set(map(_encode, self.choices))) != len(self.choices):
            raise InvalidArgumentError(f"choices repeat a value: {list(self.choices)}")

    def distribution(self) -> optuna.distributions.BaseDistribution:
        # Optuna stores str/int/float/bool/None; a list choice travels as its JSON text.
        return optuna.distributions.CategoricalDistribution([_encode(c) for c in self.choices])


Param = Float | Int | Categorical
_TYPES = {"float": Float, "int": Int, "categorical": Categorical}


def _freeze(value):
    return tuple(_freeze(v) for v in value) if isinstance(value, list | tuple) else value


def _encode(value):
    return json.dumps(list(value)) if isinstance(value, tuple) else value


def decode(param: Param, value):
    """The run-config value of an Optuna-stored ``value`` of ``param``."""
    if isinstance(param, Categorical):
        for choice in param.choices:
            if _encode(choice) == value:
                return choice
        raise InvalidArgumentError(f"{value!r} is not one of {list(param.choices)}")
    return int(value) if isinstance(param, Int) else float(value)


class SearchSpace(Mapping):
    """An ordered, validated mapping ``field -> Param``.

    ``fields`` are dotted RunConfig paths; the first part must be a RunConfig field and, for
    ``optimizer.*`` and ``fit.*``, the second a field of that config. ``model_options.*``
    names are checked against the model when a study starts (:func:`check_model_options`).
    ``run_config_fields=False`` accepts any names (a sampler on a plain function).

    >>> space = SearchSpace({"optimizer.learning_rate": Float(1e-4, 1e-1, log=True)})
    >>> list(space), space["optimizer.learning_rate"].log
    (['optimizer.learning_rate'], True)
    """

    def __init__(self, params: Mapping[str, Param], *, run_config_fields: bool = True):
        from jaxnets.train import RunConfig

        if not params:
            raise InvalidArgumentError("a search space needs at least one hyperparameter")
        config = RunConfig()
        for field, param in params.items():
            if not isinstance(param, Float | Categorical):
                raise InvalidTypeError(
                    f"{field}: expected a Float, Int or Categorical, got {param!r}"
                )
            if run_config_fields:  # off for samplers on plain functions (benchmarks)
                _check_field(config, field)
        self._params = dict(params)

    def __getitem__(self, field: str) -> Param:
        return self._params[field]

    def __iter__(self):
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        return f"SearchSpace({self._params!r})"

    def distributions(self) -> dict[str, optuna.distributions.BaseDistribution]:
        return {field: param.distribution() for field, param in self._params.items()}

    def decode(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Optuna's stored params of a trial as run-config values."""
        return {field: decode(self._params[field], params[field]) for field in self._params}

    def to_dict(self) -> dict:
        out = {}
        for field, param in self._params.items():
            kind = {Int: "int", Float: "float", Categorical: "categorical"}[type(param)]
            values = {k: _jsonable(v) for k, v in dataclasses.asdict(param).items()}
            out[field] = {"type": kind, **values}
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Mapping]) -> "SearchSpace":
        """Build from ``{field: {"type": "float"|"int"|"categorical", ...}}``."""
        if not isinstance(values, Mapping):
            raise InvalidArgumentError(f"a search space is a mapping of fields, got {values!r}")
        params = {}
        for field, spec in values.items():
            if not isinstance(spec, Mapping) or "type" not in spec:
                raise InvalidArgumentError(
                    f"{field}: expected {{type: float|int|categorical, ...}}, got {spec!r}"
                )
            spec = dict(spec)
            kind = spec.pop("type")
            if kind not in _TYPES:
                raise InvalidArgumentError(f"{field}: unknown type {kind!r}; use {list(_TYPES)}")
            allowed = {f.name for f in dataclasses.fields(_TYPES[kind])}
            unknown = set(spec) - allowed
            if unknown:
                raise InvalidArgumentError(
                    f"{field}: unknown key(s) {sorted(unknown)} for a {kind}; "
                    f"allowed {sorted(allowed)}"
                )
            try:
                params[field] = _TYPES[kind](**spec)
            except TypeError as err:  # a required key is missing
                raise InvalidArgumentError(f"{field}: {err}") from None
            except (InvalidArgumentError, InvalidTypeError) as err:
                raise type(err)(f"{field}: {err}") from None
        return cls(params)


def _jsonable(value):
    return [_jsonable(v) for v in value] if isinstance(value, tuple) else value


def _check_field(config, field: str) -> None:
    parts = field.split(".")
    top = {f.name: f for f in dataclasses.fields(config)}
    if parts[0] not in top or parts[0] in ("model", "dataset", "data_dir"):
        raise InvalidArgumentError(
            f"unknown field {field!r}: searchable fields are l1, l2, optimizer.<name>, "
            "fit.<name> and model_options.<model attribute>"
        )
    sub = getattr(config, parts[0])
    if parts[0] == "model_options":
        if len(parts) != 2:
            raise InvalidArgumentError(f"unknown field {field!r}: use model_options.<attribute>")
        return
    if dataclasses.is_dataclass(sub):
        names = {f.name for f in dataclasses.fields(sub)} - {"schedule"}
        if len(parts) != 2 or parts[1] not in names:
            raise InvalidArgumentError(f"unknown field {field!r}; {parts[0]} has {sorted(names)}")
    elif len(parts) != 1:
        raise InvalidArgumentError(f"unknown field {field!r}: {parts[0]} has no sub-fields")


def load_space(path: str | Path) -> SearchSpace:
    """A search space from a ``.json``, ``.yaml`` or ``.yml`` file."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise InvalidArgumentError(f"cannot read the search space {path}: {err.strerror}") from None
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            values = yaml.safe_load(text)
        else:
            values = json.loads(text)
    except Exception as err:  # yaml.YAMLError or json.JSONDecodeError: one message either way
        raise InvalidArgumentError(f"{path} is not valid {path.suffix[1:]}: {err}") from None
    return SearchSpace.from_dict(values)


def check_model_options(space: SearchSpace, model: str) -> None:
    """Raise if a ``model_options.<name>`` field is not an option of the registered ``model``."""
    import inspect

    from jaxnets import models

    spec = models.get_spec(model)
    names = set(inspect.signature(spec.build).parameters) - {"num_classes", "kw"}
    module = models.create(model, num_classes=2)
    names |= {f.name for f in dataclasses.fields(module)} - {"parent", "name"}
    for field in space:
        if field.startswith("model_options.") and field.split(".", 1)[1] not in names:
            raise InvalidArgumentError(
                f"unknown field {field!r}: model {model!r} has options {sorted(names)}"
            )


def apply(config, values: Mapping[str, Any]):
    """``config`` (a RunConfig) with each dotted ``field: value`` of ``values`` set."""
    by_top: dict[str, dict] = {}
    for field, value in values.items():
        top, _, rest = field.partition(".")
        by_top.setdefault(top, {})
        if rest:
            by_top[top][rest] = value
        else:
            by_top[top] = value
    changes = {}
    for top, value in by_top.items():
        current = getattr(config, top)
        if top == "model_options":
            changes[top] = {**current, **value}
        elif isinstance(value, dict):
            changes[top] = dataclasses.replace(current, **value)
        else:
            changes[top] = value
    return dataclasses.replace(config, **changes)
