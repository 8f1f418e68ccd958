"""Smoke tests for every `jaxnets` command, run in-process through `main(argv)`."""

import json

import pytest

from jaxnets.cli import main


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "train", "summary", "autodiff"):
        assert command in out


def test_demo_quick_writes_both_plots(tmp_path, capsys):
    assert main(["demo", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "spiral: linear classifier test accuracy" in out
    assert "digits: MLP" in out
    for name in ("spiral_decision_boundary.png", "digits_curves.png"):
        png = tmp_path / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(png) in out


def test_train_digits_writes_metrics_and_resumes(tmp_path, capsys):
    argv = ["train", "--model", "mlp", "--dataset", "digits", "--no-progress"]
    argv += ["--workdir", str(tmp_path), "--batch-size", "32", "--seed", "3"]
    assert main([*argv, "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "test accuracy" in out
    assert main([*argv, "--epochs", "2"]) == 0
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2]
    # config.json is the record of the run that started the workdir: a resume (here with
    # more epochs, a change that keeps the checkpoints' meaning) does not rewrite it.
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["fit"]["epochs"] == 1 and config["fit"]["seed"] == 3
    value = float(capsys.readouterr().out.split("test accuracy")[1].split()[0])
    assert 0.5 < value <= 1.0


def test_train_config_file_and_overrides(tmp_path, capsys):
    cfg = tmp_path / "run.json"
    cfg.write_text(
        json.dumps(
            {
                "model": "softmax_regression",
                "dataset": "digits",
                "optimizer": {"name": "sgd", "learning_rate": 0.5},
                "fit": {"epochs": 1, "batch_size": 64, "progress": False},
            }
        )
    )
    assert main(["train", "--config", str(cfg), "--lr", "0.2"]) == 0
    assert "model softmax_regression: 650 parameters" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--model", "resnet", "--dataset", "digits"], "unknown model 'resnet'"),
        (["train", "--dataset", "cifar"], "unknown data set"),
        (["train", "--optimizer", "adamant", "--epochs", "1"], "unknown optimizer"),
        (["train", "--option", "features"], "NAME=VALUE"),
        (["summary", "--model", "nope"], "unknown model"),
        # Architecture-only entries are refused with what to use instead (they used to
        # "train" with a broadcast loss and print "test loss 39.70").
        (["train", "--model", "gan_discriminator", "--dataset", "digits"], "experiments.gan"),
        # Errors name the flag the user typed.
        (["train", "--epochs", "-1"], "--epochs must be an integer >= 0"),
        (["train", "--batch-size", "0"], "--batch-size must be an integer >= 1"),
        (["train", "--keep", "0"], "--keep must be an integer >= 1"),
        (["train", "--patience", "2"], "set --validation-fraction > 0"),
        (["train", "--model", "char_rnn", "--dataset", "digits"], "takes integer token ids"),
    ],
)
def test_bad_input_gives_one_clear_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_train_mnist_without_data_dir_says_where_to_put_files(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("JAXNETS_DATA_DIR", raising=False)
    assert main(["train", "--model", "lenet5", "--dataset", "mnist", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "--data-dir" in err and "JAXNETS_DATA_DIR" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["train", "--dataset", "mnist", "--data-dir", str(empty)]) == 2
    assert "train-images-idx3-ubyte" in capsys.readouterr().err


def test_summary_prints_the_lecture_counts(capsys):
    assert (
        main(
            [
                "summary",
                "--model",
                "mlp",
                "--option",
                "hidden=4,4",
                "--num-classes",
                "1",
                "--input-shape",
                "3",
            ]
        )
        == 0
    )
    assert "Total params: 41" in capsys.readouterr().out
    assert main(["summary", "--model", "deep_autoencoder"]) == 0
    assert "Total params: 222,384" in capsys.readouterr().out
    assert main(["summary", "--list"]) == 0
    assert "lenet5" in capsys.readouterr().out


def test_autodiff_command_prints_the_sweeps(capsys):
    assert main(["autodiff"]) == 0
    out = capsys.readouterr().out
    assert "x9" in out


@pytest.mark.slow
def test_lenet5_reaches_98_8_percent_on_mnist_in_3_epochs(mnist_dir, tmp_path, capsys):
    argv = ["train", "--model", "lenet5", "--dataset", "mnist", "--data-dir", str(mnist_dir)]
    argv += ["--epochs", "3", "--workdir", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy")[1].split()[0])
    assert accuracy >= 0.988, out


def test_option_with_one_value_for_a_tuple_field(capsys):
    # `--option features=4` used to fail with "Value after * must be an iterable"; the
    # registered mlp's option for its hidden widths is `hidden` (features means all layers).
    argv = ["train", "--model", "mlp", "--dataset", "digits", "--no-progress", "--epochs", "1"]
    assert main([*argv, "--option", "hidden=4"]) == 0
    assert "model mlp: 310 parameters" in capsys.readouterr().out  # 64*4+4 + 4*10+10


def test_help_lists_every_data_set(capsys):
    from jaxnets.data import DATASETS

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for name in DATASETS:
        assert name in out.rsplit("--dataset DATASET", 1)[1].split("--data-dir")[0], name


def test_a_bug_shows_its_traceback_and_says_to_report_it(monkeypatch, capsys):
    import jaxnets.train

    def broken(config, workdir=None):
        raise KeyError("internal")  # not a UserError: a bug, not bad input

    monkeypatch.setattr(jaxnets.train, "train_and_evaluate", broken)
    assert main(["train", "--dataset", "spiral"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "This is a bug in jaxnets" in err


def test_early_stopping_says_where_it_stopped(capsys):
    argv = ["train", "--model", "mlp", "--dataset", "digits", "--epochs", "30"]
    argv += ["--validation-fraction", "0.2", "--patience", "1", "--lr", "0.5"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "stopped early at epoch" in err and "best epoch" in err


def test_train_save_reload_and_predict(tmp_path, capsys):
    import numpy as np

    from jaxnets import train
    from jaxnets.data import load_dataset

    workdir = tmp_path / "run"
    argv = ["train", "--model", "mlp", "--dataset", "digits", "--epochs", "2"]
    assert main([*argv, "--workdir", str(workdir), "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("test accuracy")  # --quiet: the last line only
    accuracy = float(out[0].split()[2])

    test = load_dataset("digits").test
    model, variables, config = train.load(workdir)
    logits = model.apply(variables, test["image"], train=False)
    assert config.model == "mlp" and logits.shape == (360, 10)
    assert float((np.argmax(logits, -1) == test["label"]).mean()) == pytest.approx(
        accuracy, abs=1e-4
    )

    np.save(tmp_path / "x.npy", test["image"][:7])
    assert main(["predict", "--workdir", str(workdir), "--input", str(tmp_path / "x.npy")]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    assert [int(r[1]) for r in rows] == np.argmax(logits[:7], -1).tolist()
    np.save(tmp_path / "u8.npy", (test["image"][:2] * 255).astype(np.uint8))
    assert main(["predict", "--workdir", str(workdir), "--input", str(tmp_path / "u8.npy")]) == 2
    assert "x.astype('float32') / 255" in capsys.readouterr().err


def test_output_is_one_line_per_epoch_when_not_a_terminal(tmp_path, capsys):
    argv = ["train", "--model", "mlp", "--dataset", "digits", "--epochs", "3"]
    assert main([*argv, "--workdir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith("model mlp: 26,122 parameters; digits: 1,437 train / 360 test")
    assert lines[1].startswith("compiling the scanned epoch ... compiled in")
    assert [line.split(":")[0] for line in lines[2:]] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert main([*argv[:-1], "4", "--workdir", str(tmp_path)]) == 0
    assert f"resuming from epoch 3 ({tmp_path})" in capsys.readouterr().err


def test_debug_is_accepted_after_the_subcommand():
    from jaxnets.cli import build_parser

    assert build_parser().parse_args(["train", "--debug"]).debug is True
    assert build_parser().parse_args(["--debug", "train"]).debug is True
    assert build_parser().parse_args(["train"]).debug is False


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for expected in (
        "(default mlp)",
        "(default digits)",
        "(default adam)",
        "(default 0.002)",
        "(default cosine)",
        "(default 64)",
        "(default 10)",
    ):
        assert expected in out, expected


def test_the_registered_perceptron_trains_by_the_perceptron_rule(tmp_path, capsys):
    argv = ["train", "--model", "perceptron", "--dataset", "digits", "--epochs", "3"]
    assert main([*argv, "--workdir", str(tmp_path), "--quiet"]) == 0
    rows = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    # The rule's own metrics (mistakes per pass), not a gradient step's grad_norm.
    assert all("train_mistakes" in row and "train_grad_norm" not in row for row in rows)
    assert rows[-1]["train_mistakes"] < rows[0]["train_mistakes"]
    assert float(capsys.readouterr().out.split()[2]) > 0.85
