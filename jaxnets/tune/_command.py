"""What ``jaxnets tune`` builds from its flags: the base run, the search config and space."""

import dataclasses
import json
from pathlib import Path

from jaxnets.errors import InvalidArgumentError
from jaxnets.optim import ScheduleConfig
from jaxnets.train import RunConfig
from jaxnets.tune._space import SearchSpace, load_space
from jaxnets.tune._study import TuneConfig


def from_cli(
    *,
    config_values: dict | None,
    model: str | None,
    options: dict,
    dataset: str | None,
    data_dir: str | None,
    fit: dict,
    optimizer: str | None,
    space: Path,
    manual: Path | None,
    tune: dict,
) -> tuple[RunConfig, TuneConfig, SearchSpace]:
    """``(base, tune_config, space)``; given flags override the JSON config's values.

    Without a config file the base trains 10 epochs at a constant learning rate (populations
    cannot follow a decaying schedule); a config file's schedule is checked, not replaced.
    """
    base = RunConfig.from_dict(config_values or {})
    top = {"model": model, "dataset": dataset, "data_dir": data_dir or base.data_dir}
    if options:
        top["model_options"] = {**base.model_options, **options}
    fit = {k: v for k, v in fit.items() if v is not None}
    schedule = base.optimizer.schedule
    if config_values is None:
        fit.setdefault("epochs", 10)
        schedule = ScheduleConfig("constant")
    opt = dataclasses.replace(
        base.optimizer, schedule=schedule, name=optimizer or base.optimizer.name
    )
    base = dataclasses.replace(
        base,
        optimizer=opt,
        fit=dataclasses.replace(base.fit, progress=False, **fit),
        **{k: v for k, v in top.items() if v is not None},
    )
    listed = ()
    if manual is not None:
        try:
            listed = json.loads(Path(manual).read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise InvalidArgumentError(f"cannot read --manual {manual}: {err}") from None
        if not isinstance(listed, list) or not all(isinstance(m, dict) for m in listed):
            raise InvalidArgumentError(f"--manual {manual} must hold a JSON list of objects")
    config = TuneConfig(seed=base.fit.seed, manual=tuple(listed), **tune)
    return base, config, load_space(space)
