import math

import pytest

from experiments.gan.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_quick_run_trains_both_gans_and_saves_samples(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    assert summary["quick"]
    summary = summary["results"]
    assert set(summary["gans"]) == {"gan", "dcgan"}
    for name, out in summary["gans"].items():
        row = out["history"][-1]
        assert row["step"] == 4 * 256 // 32
        assert all(math.isfinite(row[k]) for k in ("train_d_loss", "train_g_loss"))
        # The discriminator learned to tell them apart: D(real) above D(G(z)) on average.
        assert row["train_d_real"] > row["train_d_fake"]
        assert (tmp_path / f"{name}_samples.png").read_bytes()[:4] == b"\x89PNG"
