import math

import pytest

from experiments.gan.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_quick_run_trains_both_gans_and_saves_samples(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    assert set(summary["gans"]) == {"gan", "dcgan"}
    for name, out in summary["gans"].items():
        (row,) = out["history"]
        assert row["step"] == 256 // 32
        assert all(math.isfinite(row[k]) for k in ("d_loss", "g_loss"))
        assert 0.0 < row["d_real"] < 1.0 and 0.0 < row["d_fake"] < 1.0
        assert (tmp_path / f"{name}_samples.png").read_bytes()[:4] == b"\x89PNG"
