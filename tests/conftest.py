"""Test-wide set-up: fake CPU devices (before jax is imported) and shared fixtures."""

import os

# Parallel code (pmap, sharded jit, shard_map) is tested on 4 fake CPU devices; the flag
# must be set before jax initialises its backends, hence at import of conftest.
_FLAG = "--xla_force_host_platform_device_count=4"
if _FLAG not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + _FLAG).strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")
# tfds must never try the network in tests.
os.environ.setdefault("TFDS_DISABLE_GCS", "1")

from pathlib import Path  # noqa: E402

import jax  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def x64():
    """Run one test with float64 enabled, restoring the previous setting afterwards."""
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", previous)


@pytest.fixture
def fast_compiles():
    """Turn XLA's optimisation passes off for one test: compiling dominates tiny programs.

    Modules opt in with ``pytestmark = pytest.mark.usefixtures("fast_compiles")``.
    """
    previous = jax.config.values["jax_disable_most_optimizations"]
    jax.config.update("jax_disable_most_optimizations", True)
    try:
        yield
    finally:
        jax.config.update("jax_disable_most_optimizations", previous)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real-data directory from JAXNETS_DATA_DIR; skips the test when it is absent."""
    value = os.environ.get("JAXNETS_DATA_DIR")
    if not value:
        pytest.skip("JAXNETS_DATA_DIR is not set (point it at ../shared/data to run this test)")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"JAXNETS_DATA_DIR={value} is not a directory")
    return path


@pytest.fixture(scope="session")
def mnist_dir(data_dir: Path) -> Path:
    """The directory holding the four real MNIST IDX files, or skip."""
    for candidate in (data_dir / "mnist", data_dir):
        if (candidate / "train-images-idx3-ubyte.gz").exists() or (
            candidate / "train-images-idx3-ubyte"
        ).exists():
            return candidate
    pytest.skip(f"no MNIST IDX files under {data_dir} (expected {data_dir}/mnist)")
