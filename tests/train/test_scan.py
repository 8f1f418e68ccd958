"""Scanned epochs equal stepped epochs; fit's scan and parallel options give one result."""

import json

import jax
import numpy as np
import pytest

from jaxnets import data, models, optim, train
from jaxnets.train import _runners
from tests.tolerances import tol

N, FEATURES, CLASSES = 44, 5, 3  # 44 = 5 batches of 8 and 4 left over (dropped)


def _split(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(N, FEATURES)).astype(np.float32),
        "label": rng.integers(0, CLASSES, N).astype(np.int32),
    }


def _state(lr=0.05, seed=0):
    tx = optim.from_config(optim.OptimizerConfig("adam", lr))
    model = models.MLP((8, CLASSES))
    objective = train.Objective(input_key="x")
    return train.init_state(model, tx, objective, (FEATURES,), key=jax.random.key(seed))


def _assert_trees_close(a, b, kind="params"):
    # Values here are O(0.1..1), so the relative tolerance also serves as the absolute floor.
    rtol = tol("float32", kind)
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=rtol)


def test_epoch_permutation_is_a_seeded_permutation_and_batches_follow_it():
    a = np.asarray(data.epoch_permutation(N, seed=3, epoch=1))
    assert sorted(a.tolist()) == list(range(N))
    np.testing.assert_array_equal(a, data.epoch_permutation(N, seed=3, epoch=1))
    assert not np.array_equal(a, data.epoch_permutation(N, seed=3, epoch=2))
    assert not np.array_equal(a, data.epoch_permutation(N, seed=4, epoch=1))
    # The stepped loop's iterator uses the same order: one shuffle for every path.
    first = next(data.batches({"i": np.arange(N)}, 8, seed=3, epoch=1))
    np.testing.assert_array_equal(first["i"], a[:8])


def test_scan_epoch_equals_train_step_over_the_same_order():
    split = _split()
    stepped = _state()
    losses = []
    for epoch in (0, 1):
        order = np.asarray(data.epoch_permutation(N, seed=7, epoch=epoch))
        for b in range(N // 8):
            batch = {k: v[order[8 * b : 8 * b + 8]] for k, v in split.items()}
            stepped, metrics = train.train_step(stepped, batch)
            losses.append(metrics["loss"])

    scanned, resident = _state(), jax.device_put(split)
    scan_losses = []
    for epoch in (0, 1):
        scanned, metrics = train.scan_epoch(scanned, resident, batch_size=8, epoch=epoch, seed=7)
        assert metrics["loss"].shape == (N // 8,)
        scan_losses.extend(metrics["loss"])
    assert int(scanned.step) == int(stepped.step) == 2 * (N // 8)
    _assert_trees_close(scanned.params, stepped.params)
    _assert_trees_close(scanned.opt_state, stepped.opt_state)
    _assert_trees_close(scan_losses, losses, "values")


def _fit(epochs=2, state=None, **options):
    config = train.FitConfig(epochs=epochs, batch_size=8, progress=False, **options)
    return train.fit(state or _state(), _split(), _split(seed=1), config)


@pytest.mark.parametrize(
    "options",
    [{"scan": True}, {"parallel": "pmap"}, {"parallel": "sharded"}],
    ids=["scan", "pmap", "sharded"],
)
def test_fit_gives_the_stepped_result_for_the_same_seed(options):
    stepped = _fit(scan=False)
    other = _fit(**options)
    _assert_trees_close(other.state.params, stepped.state.params)
    assert [r["step"] for r in other.history] == [r["step"] for r in stepped.history] == [5, 10]
    for key in ("train_loss", "train_accuracy", "test_loss"):
        np.testing.assert_allclose(
            [r[key] for r in other.history],
            [r[key] for r in stepped.history],
            rtol=tol("float32", "values"),
        )


def test_fit_keyword_options_override_the_config():
    by_keyword = train.fit(
        _state(),
        _split(),
        config=train.FitConfig(epochs=1, batch_size=8, progress=False),
        parallel="sharded",
    )
    assert by_keyword.state.params["dense_0"]["kernel"].sharding.is_fully_replicated
    assert len(by_keyword.state.params["dense_0"]["kernel"].sharding.device_set) == 4


@pytest.mark.parametrize(
    ("options", "max_bytes", "compiled"),
    [
        ({}, _runners.SCAN_MAX_BYTES, "the scanned epoch"),
        ({}, 0, "the train step"),  # data "too large" for the device: stepped
        ({"scan": False}, _runners.SCAN_MAX_BYTES, "the train step"),
        ({"parallel": "pmap"}, _runners.SCAN_MAX_BYTES, "the pmap train step"),
    ],
)
def test_auto_scan_when_the_data_fit_and_compile_time_shown_apart(
    options, max_bytes, compiled, monkeypatch, capsys
):
    monkeypatch.setattr(_runners, "SCAN_MAX_BYTES", max_bytes)
    config = train.FitConfig(epochs=1, batch_size=8, progress=True, **options)
    result = train.fit(_state(), _split(), config=config)
    err = capsys.readouterr().err
    assert f"compiling {compiled} ... compiled in" in err
    # Compilation is timed apart: the first epoch's time does not include it (the tiny
    # epoch runs in milliseconds, the compile takes a good fraction of a second).
    assert result.history[0]["epoch_s"] < result.compile_s


@pytest.mark.parametrize("scan", [True, False])
def test_non_finite_loss_is_caught_on_both_paths(scan):
    with pytest.raises(train.NonFiniteLossError, match=r"at step \d+ \(epoch 1\)"):
        _fit(state=_state(lr=1e30), scan=scan)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"scan": True, "parallel": "pmap"}, "scan=True runs whole epochs on one device"),
        ({"parallel": "gpu"}, "parallel must be one of"),
        ({"scan": "yes"}, "scan must be"),
    ],
)
def test_bad_options_are_refused(options, match):
    with pytest.raises(ValueError, match=match):
        train.FitConfig(**options)


@pytest.mark.parametrize(
    ("flags", "parallel", "scan"),
    [([], "none", "auto"), (["--parallel", "pmap", "--scan", "off"], "pmap", False)],
)
def test_cli_train_passes_parallel_and_scan_to_fit(flags, parallel, scan, tmp_path, capsys):
    from jaxnets.cli import main

    argv = ["train", "--model", "mlp", "--dataset", "spiral", "--no-progress", "--epochs", "1"]
    assert main([*argv, "--batch-size", "32", "--workdir", str(tmp_path), *flags]) == 0
    assert "test accuracy" in capsys.readouterr().out
    config = json.loads((tmp_path / "config.json").read_text())
    assert (config["fit"]["parallel"], config["fit"]["scan"]) == (parallel, scan)


def test_cli_multihost_flags_default_from_the_environment(monkeypatch):
    from jaxnets.cli import build_parser

    monkeypatch.setenv("JAXNETS_COORDINATOR", "127.0.0.1:9999")
    monkeypatch.setenv("JAXNETS_NUM_PROCESSES", "2")
    monkeypatch.setenv("JAXNETS_PROCESS_ID", "1")
    args = build_parser().parse_args(["train", "--process-id", "0"])
    assert (args.coordinator, args.num_processes, args.process_id) == ("127.0.0.1:9999", 2, 0)
