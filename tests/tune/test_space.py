"""Search spaces: typed params, files, the unit cube, and one clear error per bad space."""

import json

import numpy as np
import pytest

from jaxnets.errors import InvalidArgumentError
from jaxnets.train import RunConfig
from jaxnets.tune import Categorical, Float, Int, SearchSpace, _encoding, _space, load_space


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"optimizer.learning_rate": {"type": "float", "low": 1.0, "high": 0.1}}, "low > high"),
        (
            {"optimizer.learning_rate": {"type": "float", "low": 0.0, "high": 1, "log": True}},
            "non-positive",
        ),
        ({"optimizer.learning_rat": {"type": "float", "low": 0.1, "high": 1}}, "unknown field"),
        ({"model_options.hidden": {"type": "categorical", "choices": []}}, "at least one"),
        ({"l2": {"type": "gaussian"}}, "unknown type"),
        ({"l2": {"type": "float", "low": 0.0}}, "high"),
        ({"fit.epochs": {"type": "int", "low": 1, "high": 3, "step": 2}}, "unknown key"),
        ({}, "at least one"),
    ],
)
def test_bad_space_is_one_error(spec, message):
    with pytest.raises(InvalidArgumentError, match=message):
        SearchSpace.from_dict(spec)


def test_yaml_and_json_files_give_the_same_space(tmp_path):
    spec = {
        "optimizer.learning_rate": {"type": "float", "low": 1e-4, "high": 1e-1, "log": True},
        "fit.batch_size": {"type": "int", "low": 16, "high": 128},
        "model_options.hidden": {"type": "categorical", "choices": [[64], [128, 64]]},
    }
    (tmp_path / "s.json").write_text(json.dumps(spec))
    yaml = "\n".join(f"{k}: {json.dumps(v)}" for k, v in spec.items())
    (tmp_path / "s.yaml").write_text(yaml)
    a, b = load_space(tmp_path / "s.json"), load_space(tmp_path / "s.yaml")
    assert a.to_dict() == b.to_dict() == SearchSpace.from_dict(a.to_dict()).to_dict()
    assert a["model_options.hidden"].choices == ((64,), (128, 64))


def test_unreadable_space_file(tmp_path):
    with pytest.raises(InvalidArgumentError, match="cannot read"):
        load_space(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("a: [1, 2")
    with pytest.raises(InvalidArgumentError, match="not valid yaml"):
        load_space(tmp_path / "bad.yaml")


def test_unknown_model_option():
    space = SearchSpace({"model_options.widht": Int(8, 64)})
    with pytest.raises(InvalidArgumentError, match="widht"):
        _space.check_model_options(space, "mlp")
    _space.check_model_options(
        SearchSpace({"model_options.activation": Categorical(["relu"])}), "mlp"
    )


def test_apply_sets_nested_fields():
    config = _space.apply(
        RunConfig(),
        {
            "optimizer.learning_rate": 0.5,
            "l2": 1e-3,
            "model_options.hidden": (8,),
            "fit.batch_size": 16,
        },
    )
    assert config.optimizer.learning_rate == 0.5 and config.l2 == 1e-3
    assert config.model_options["hidden"] == (8,) and config.fit.batch_size == 16
    assert config.optimizer.name == RunConfig().optimizer.name


@pytest.mark.parametrize(
    "param",
    [
        Float(1e-5, 1.0, log=True),
        Float(-2.0, 3.0),
        Int(1, 9),
        Int(2, 512, log=True),
        Categorical(["a", (1, 2), 3]),
    ],
)
def test_unit_cube_round_trip(param):
    space = SearchSpace({"l2": param})
    rng = np.random.default_rng(0)
    for _ in range(50):
        value = param.distribution().to_external_repr(
            param.distribution().to_internal_repr(
                _encoding.from_unit(param, rng.uniform(size=_encoding.width(param)))
            )
        )
        u = _encoding.encode(space, {"l2": value})
        assert np.all((u >= 0) & (u <= 1))
        assert _encoding.decode(space, u) == {"l2": value}
        assert param.distribution()._contains(param.distribution().to_internal_repr(value))


def test_log_float_is_uniform_in_its_logarithm():
    param = Float(1e-4, 1.0, log=True)
    assert _encoding.from_unit(param, np.array([0.5])) == pytest.approx(1e-2)
    assert _encoding.from_unit(param, np.array([1.0])) == 1.0
