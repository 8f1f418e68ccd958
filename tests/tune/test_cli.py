"""``jaxnets tune``: a 2-trial run, and one error line for a bad space."""

import json

import pytest

from jaxnets.cli import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_tune_command_runs_and_writes_its_outputs(tmp_path, capsys):
    space = tmp_path / "space.yaml"
    space.write_text("optimizer.learning_rate: {type: float, low: 1.0e-3, high: 0.1, log: true}")
    rc = main(
        [
            "tune",
            "--model",
            "mlp",
            "--option",
            "hidden=8",
            "--dataset",
            "digits",
            "--space",
            str(space),
            "--strategy",
            "random",
            "--trials",
            "2",
            "--population",
            "2",
            "--epochs",
            "1",
            "--workdir",
            str(tmp_path / "run"),
            "--no-progress",
            "--no-test",
        ]
    )
    assert rc == 0
    out = capsys.readouterr().out
    assert "best trial" in out
    best = json.loads((tmp_path / "run" / "best.json").read_text())
    assert best["optimizer"]["schedule"]["name"] == "constant"
    assert best["model_options"]["hidden"] == [8]
    assert 1e-3 <= best["optimizer"]["learning_rate"] <= 1e-1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"optimizer.learning_rate": {"type": "float", "low": 1, "high": 0.1}}', "low > high"),
        ('{"l2": {"type": "float", "low": 0, "high": 1, "log": true}}', "non-positive"),
        ('{"nosuch": {"type": "int", "low": 0, "high": 1}}', "unknown field"),
        ('{"l2": {"type": "categorical", "choices": []}}', "at least one choice"),
    ],
)
def test_bad_space_is_one_error_line_and_writes_nothing(tmp_path, capsys, text, message):
    space = tmp_path / "space.json"
    space.write_text(text)
    rc = main(["tune", "--space", str(space), "--workdir", str(tmp_path / "run")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("jaxnets tune: error:")
    assert message in err[0]
    assert not (tmp_path / "run").exists()


def test_unopenable_storage_is_one_error_line(tmp_path, capsys):
    space = tmp_path / "space.json"
    space.write_text('{"l2": {"type": "float", "low": 0, "high": 1}}')
    rc = main(
        [
            "tune",
            "--space",
            str(space),
            "--workdir",
            str(tmp_path / "run"),
            "--storage",
            "postgresql+nosuchdriver://u@h/db",
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "cannot open storage" in err[0]
    assert not (tmp_path / "run").exists()
