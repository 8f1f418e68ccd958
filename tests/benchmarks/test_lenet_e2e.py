"""benchmarks/lenet_e2e.py: a --quick run (2,048 MNIST digits, 1 epoch, both frameworks as
processes), its JSON, its README section; and the parsing of the CLI's output."""

import dataclasses
import importlib.util
import json

import pytest

from benchmarks.lenet_e2e import (
    BEGIN,
    END,
    QUICK,
    cli_config,
    jaxnets_command,
    main,
    markdown,
    parse_jaxnets_output,
    render,
    torch_plan,
)

HAS_TORCH = importlib.util.find_spec("torch") is not None

STDERR = """model lenet5: 61,706 parameters; mnist: 60,000 train / 10,000 test examples
compiling the train step ... compiled in 2.51 s
epoch 1/2: 59,968 examples in 10.25 s (5,851/s), train_loss=0.2000, test_accuracy=0.9800
epoch 2/2: 59,968 examples in 9.75 s (6,151/s), train_loss=0.0500, test_accuracy=0.9900
"""
STDOUT = "model lenet5: 61,706 parameters\ntest accuracy 0.9901 (test loss 0.0312)\n"


def test_parse_reads_compile_epochs_and_the_final_test_score():
    parsed = parse_jaxnets_output(STDOUT, STDERR)
    assert parsed["compile_s"] == 2.51
    assert parsed["epoch_s"] == [10.25, 9.75] and parsed["train_s"] == 20.0
    assert parsed["examples_per_epoch"] == 59968
    assert (parsed["test_accuracy"], parsed["test_loss"]) == (0.9901, 0.0312)


def test_parse_refuses_output_without_the_test_line():
    with pytest.raises(RuntimeError, match="test score"):
        parse_jaxnets_output("model lenet5\n", STDERR)


def test_torch_plan_is_the_cli_config_and_refuses_what_it_does_not_mirror():
    config = cli_config(jaxnets_command(3, "/data"))
    plan = torch_plan(config, "/data")
    assert (plan["epochs"], plan["batch_size"]) == (3, config.fit.batch_size)
    assert plan["learning_rate"] == config.optimizer.learning_rate
    changed = dataclasses.replace(config, model_options={"pooling": "avg"})
    with pytest.raises(ValueError, match="pooling"):
        torch_plan(changed, "/data")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist_dir):
    if not HAS_TORCH:
        pytest.skip("torch is not installed (pip install -e .[bench])")
    out = tmp_path_factory.mktemp("bench") / "lenet_e2e.json"
    returned = main(["--quick", "--data-dir", str(mnist_dir), "--json", str(out)])
    return returned, json.loads(out.read_text())


@pytest.mark.slow
def test_quick_run_trains_both_frameworks_past_chance(quick_run):
    returned, written = quick_run
    assert written == json.loads(json.dumps(returned))
    jx, pt = written["runs"]
    assert (jx["framework"], pt["framework"]) == ("jaxnets", "pytorch")
    steps = QUICK["train"] // written["config"]["batch_size"]
    assert written["examples_per_epoch"] == steps * written["config"]["batch_size"]
    for r in (jx, pt):
        assert len(r["epoch_s"]) == QUICK["epochs"]
        assert r["wall_s"] > r["train_s"] > 0
        # One epoch of 32 batches from 2,048 digits: measured 0.73 (jaxnets), 0.68 (PyTorch)
        # on the 1,000 test digits; chance is 0.10.
        assert r["test_accuracy"] > 0.5, r
    assert jx["wall_s"] > jx["compile_s"] + jx["train_s"]
    assert written["wall_ratio_pytorch_over_jaxnets"] == pt["wall_s"] / jx["wall_s"]
    assert len(written["machine"]["load_avg_start"]) == 3


@pytest.mark.slow
def test_render_is_idempotent_and_replaces_only_its_section(quick_run, tmp_path):
    _, written = quick_run
    readme = tmp_path / "README.md"
    readme.write_text("# benchmarks\n\nothers' table\n")
    render(written, readme)
    once = readme.read_text()
    render(written, readme)
    assert readme.read_text() == once
    assert once.startswith("# benchmarks\n\nothers' table\n")
    assert once.count(BEGIN) == 1 and once.count(END) == 1
    assert markdown(written) in once
    assert "| jaxnets |" in once and "| pytorch |" in once and "load average" in once
