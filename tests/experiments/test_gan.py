import math

import jax
import pytest

from experiments.gan.main import main


@pytest.fixture(autouse=True)
def _fast_compiles():
    """Compiling dominates a quick run of tiny models; XLA's optimizations do not pay off."""
    previous = jax.config.values["jax_disable_most_optimizations"]
    jax.config.update("jax_disable_most_optimizations", True)
    try:
        yield
    finally:
        jax.config.update("jax_disable_most_optimizations", previous)


def test_quick_run_trains_both_gans_and_saves_samples(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    assert set(summary["gans"]) == {"gan", "dcgan"}
    for name, out in summary["gans"].items():
        (row,) = out["history"]
        assert row["step"] == 256 // 32
        assert all(math.isfinite(row[k]) for k in ("d_loss", "g_loss"))
        assert 0.0 < row["d_real"] < 1.0 and 0.0 < row["d_fake"] < 1.0
        assert (tmp_path / f"{name}_samples.png").read_bytes()[:4] == b"\x89PNG"
