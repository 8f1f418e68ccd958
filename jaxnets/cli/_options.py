"""Flag values: ``--option NAME=VALUE`` pairs as model options, and ``--config`` JSON files."""

import json
from pathlib import Path

from jaxnets.errors import InvalidArgumentError


def parse_value(text: str):
    """'3' -> 3, '0.5' -> 0.5, '256,256' -> (256, 256), 'true' -> True, else the string."""
    if "," in text:
        return tuple(parse_value(part) for part in text.split(",") if part)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def model_options(pairs: list[str], model: str | None = None) -> dict:
    """``NAME=VALUE`` pairs as model options.

    A single value given for an option whose default is a tuple becomes a 1-tuple, so
    ``--option features=4`` means ``features=(4,)`` as ``features=4,`` does.
    """
    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InvalidArgumentError(f"--option expects NAME=VALUE, got {pair!r}")
        options[name.strip()] = parse_value(value.strip())
    if model is not None:
        defaults = option_defaults(model)
        for name, value in options.items():
            if isinstance(defaults.get(name), tuple) and not isinstance(value, tuple):
                options[name] = (value,)
    return options


def option_defaults(model: str) -> dict:
    """The default of every option of the registered ``model`` (builder and module fields)."""
    import inspect

    from jaxnets import models

    spec = models.get_architecture(model)
    defaults = {**vars(models.create(model)), **spec.defaults}
    for param in inspect.signature(spec.build).parameters.values():
        if param.default is not inspect.Parameter.empty:
            defaults[param.name] = param.default
    return defaults


def read_config(path: Path) -> dict:
    try:
        values = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise InvalidArgumentError(f"--config {path} is not valid JSON: {err}") from None
    if not isinstance(values, dict):
        raise InvalidArgumentError(f"--config {path} must hold a JSON object of RunConfig fields")
    return values
