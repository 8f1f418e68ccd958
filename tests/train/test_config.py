"""The run config's schema: exact types, one error per bad field, and docs/config.md current."""

from pathlib import Path

import pytest

from jaxnets.errors import InvalidArgumentError, InvalidTypeError
from jaxnets.train import RunConfig
from jaxnets.train._config import schema_markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        # Before: "'<' not supported between str and int", a failure after 15 s, one epoch
        # run for `true`, a traceback, and "replace() should be called on dataclass instances".
        (
            {"fit": {"epochs": "2"}},
            InvalidTypeError,
            "config.fit.epochs must be an integer, got a string",
        ),
        (
            {"fit": {"epochs": 1.7}},
            InvalidTypeError,
            "config.fit.epochs must be an integer, got a number",
        ),
        (
            {"fit": {"epochs": True}},
            InvalidTypeError,
            "config.fit.epochs must be an integer, got a boolean",
        ),
        ({"optimizer": "adam"}, InvalidTypeError, "config.optimizer must be a JSON object"),
        ({"fit": None}, InvalidTypeError, "config.fit must be a JSON object, got null"),
        ({"l2": "0.1"}, InvalidTypeError, "config.l2 must be a number"),
        (
            {"fit": {"patience": 3}},
            InvalidArgumentError,
            "unknown key(s) ['patience'] in config.fit",
        ),
    ],
)
def test_a_bad_field_is_one_error_naming_it(values, error, message):
    with pytest.raises(error) as info:
        RunConfig.from_dict(values)
    assert message in str(info.value)


def test_good_values_build_the_config():
    config = RunConfig.from_dict(
        {"l1": 0, "fit": {"epochs": 2, "early_stopping_patience": None, "validation_fraction": 0}}
    )
    assert config.fit.epochs == 2 and config.l1 == 0.0 and isinstance(config.l1, float)


def test_docs_config_page_is_the_generated_schema():
    assert schema_markdown() in (ROOT / "docs" / "config.md").read_text(), (
        "docs/config.md is stale: regenerate its table with jaxnets.train._config.schema_markdown()"
    )
