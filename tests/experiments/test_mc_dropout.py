"""The mc_dropout experiment's claims on its quick run (8x8 digits): Monte Carlo dropout's
predictive entropy is higher on noise images than on test digits (lecture 000's "average
many forward passes with different masks" used as an uncertainty estimate), and the MC
average predicts about as well as the single scaled (inverted-dropout) net, the two test-time
approximations of the masks' ensemble (lectures 000 and 002)."""

import pytest

from experiments.mc_dropout.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")

# Mean MC entropy (nats) on noise minus on test digits. Measured over quick-run seeds 0-4:
# uniform noise 0.77-0.97 above the digits, blurred noise 0.62-0.81 above (digits 0.73-0.80).
ENTROPY_MARGIN = 0.4
# Deterministic minus MC accuracy on the 360 test digits, seeds 0-4: 0.56-1.1 points (2-4
# images); the MC mean of T = 30 passes is a noisy estimate of the same ensemble average.
ACCURACY_MARGIN = 0.025


def test_mc_entropy_rises_off_the_data_and_mc_matches_the_scaled_net(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    assert record["quick"]
    r = record["results"]["mc_dropout"]
    kinds = r["kinds"]
    digits = kinds["test digits"]["mc_entropy"]
    for noise in ("uniform noise", "blurred noise"):
        assert kinds[noise]["mc_entropy"] > digits + ENTROPY_MARGIN, kinds
    calib = r["calibration"]
    assert abs(calib["mc"]["accuracy"] - calib["deterministic"]["accuracy"]) < ACCURACY_MARGIN
    assert calib["deterministic"]["accuracy"] > 0.9, calib  # it learnt the digits (0.95-0.975)
    # Four rows of the batch-norm section: (plain, BN) x (no dropout, dropout), 2 seeds each.
    assert len(record["results"]["batch_norm"]) == 8
    for name in record["figures"]:
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
