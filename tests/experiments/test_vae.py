import math

import pytest

from experiments.vae.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_quick_run_reports_the_elbo_and_samples(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    assert summary["quick"]
    summary = summary["results"]
    # 8x8 digits, hidden 32, latent 4: 64*32+32 + 2*(32*4+4) + 4*32+32 + 32*64+64 = 4,616.
    assert summary["params"] == 4_616
    # -ELBO >= 0 for Bernoulli pixels in [0, 1]; an untrained net scores ~64 * log 2 = 44.4.
    assert 0.0 < summary["test_negative_elbo"] < 64 * math.log(2)
    assert summary["test_kl"] >= 0.0
    # Training lowers the negative ELBO well below the same net at initialisation.
    assert summary["test_negative_elbo"] < summary["untrained_test_negative_elbo"] - 5.0
    assert (tmp_path / "samples.png").read_bytes()[:4] == b"\x89PNG"
