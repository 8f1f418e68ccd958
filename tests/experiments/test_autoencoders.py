import pytest

from experiments.autoencoders.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_quick_run_measures_and_plots(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    results = summary["models"]
    assert set(results) == {"autoencoder", "conv_autoencoder"}
    # 64-8-64 dense: (64*8 + 8) + (8*64 + 64) = 1,096 parameters.
    assert results["autoencoder"]["params"] == 1_096
    for row in results.values():
        # Per-pixel squared error of pixels in [0, 1] is below 0.25 once anything is learnt
        # (predicting 0.5 everywhere scores at most 0.25).
        assert 0.0 < row["test_mse"] < 0.25
        assert row["test_bce"] > 0.0
    assert (tmp_path / "reconstructions.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "results.json").exists()
