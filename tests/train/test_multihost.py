"""Two processes on localhost train with sharded jit over 4 global devices, like one process.

The worker (tests/train/multihost_worker.py) joins a run whose coordinator listens on
127.0.0.1 (a free port; no other address is used), with CPU collectives through gloo and 2
fake devices per process. Its parameters come back through a file and must equal the
single-process result on this process's 4 fake devices.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import jax
import numpy as np
import pytest

from jaxnets import train
from jaxnets.train import _distributed
from tests.tolerances import tol
from tests.train import multihost_worker as worker

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _launch(out: Path, processes: int = 2) -> list[str]:
    """Run the workers to completion; returns their logs. Always reaps every process.

    Each worker's output is piped and read only after the earlier ones finish; the logs are
    a few kilobytes, far below a pipe's buffer, so no worker blocks on writing.
    """
    port = _free_port()
    procs = []
    try:
        for index in range(processes):
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                _distributed.ENV_COORDINATOR: f"127.0.0.1:{port}",
                _distributed.ENV_NUM_PROCESSES: str(processes),
                _distributed.ENV_PROCESS_ID: str(index),
            }
            procs.append(
                subprocess.Popen(
                    [sys.executable, str(Path(worker.__file__)), str(out)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        deadline = time.monotonic() + TIMEOUT_S  # for all of them together
        logs = [proc.communicate(timeout=max(deadline - time.monotonic(), 1))[0] for proc in procs]
        codes = [proc.returncode for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if any(codes):
        raise AssertionError(f"workers exited with {codes}:\n" + "\n---\n".join(logs))
    return logs


@pytest.mark.slow
def test_two_processes_match_one(tmp_path):
    _launch(tmp_path)

    # The same steps in this process, over its 4 fake devices.
    expected = worker.flat_params(worker.run(worker.initial_state(), train.make_mesh()))
    got = np.load(tmp_path / "params.npz")
    assert sorted(got.files) == sorted(expected)
    rtol = tol("float32", "params")  # parameters are O(0.1..1): also the absolute floor
    for name, value in expected.items():
        np.testing.assert_allclose(got[name], value, rtol=rtol, atol=rtol)
    # Every process took part in the checkpoint save, and it completed.
    assert (tmp_path / "checkpoints" / "1").is_dir()

    # fit(parallel="sharded") across the two processes: the same history as here.
    history = json.loads((tmp_path / "history.json").read_text())
    alone = worker.fit().history
    assert [r["step"] for r in history] == [r["step"] for r in alone] == [3, 6]
    for key in ("train_loss", "test_loss", "test_accuracy"):
        np.testing.assert_allclose(
            [r[key] for r in history], [r[key] for r in alone], rtol=tol("float32", "values")
        )
    # Rerun for 3 epochs: every process resumes from the epoch-2 checkpoint (typed keys
    # restored) and ends where an uninterrupted 3-epoch run does.
    resumed = json.loads((tmp_path / "resumed.json").read_text())
    straight = worker.fit(epochs=3).history
    assert [r["step"] for r in resumed] == [3, 6, 9]
    np.testing.assert_allclose(
        [r["test_loss"] for r in resumed],
        [r["test_loss"] for r in straight],
        rtol=tol("float32", "values"),
    )
    lines = (tmp_path / "fit" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2, 3]


def test_distributed_config_from_the_environment():
    env = {
        "JAXNETS_COORDINATOR": "127.0.0.1:1234",
        "JAXNETS_NUM_PROCESSES": "2",
        "JAXNETS_PROCESS_ID": "1",
    }
    assert train.DistributedConfig.from_env(env) == train.DistributedConfig("127.0.0.1:1234", 2, 1)
    assert train.DistributedConfig.from_env({}) == train.DistributedConfig()
    assert not train.initialize_distributed(train.DistributedConfig())
    with pytest.raises(ValueError, match="number of processes"):
        train.DistributedConfig("127.0.0.1:1234")
    with pytest.raises(ValueError, match=r"process id 2 is not in \[0, 2\)"):
        train.DistributedConfig("127.0.0.1:1234", 2, 2)
    assert jax.process_count() == 1
