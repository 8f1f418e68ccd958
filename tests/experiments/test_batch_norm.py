"""The batch-norm experiment's claims (lecture 000 "Batch normalization", 004): batch norm
allows higher learning rates and reduces the strong dependence on initialization."""

import numpy as np
import pytest

from experiments.batch_norm.main import main
from experiments.batch_norm.report import spread_by_rate

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_batch_norm_tolerates_high_rates_and_any_init_scale(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    cells = record["results"]["cells"]
    top = max(record["config"]["rates"])

    def accuracy(batch_norm, lr):
        return [
            c["test_accuracy"]
            for c in cells
            if c["batch_norm"] == batch_norm and c["learning_rate"] == lr
        ]

    # At the highest rate every plain net is at chance; every normalized one learns.
    assert max(accuracy(False, top)) < 0.2
    assert min(accuracy(True, top)) > 0.7
    # Averaged over the rates from 0.1 up, the init scale matters far less with batch norm.
    plain, normed = spread_by_rate(cells, False), spread_by_rate(cells, True)
    rates = [lr for lr in record["config"]["rates"] if lr >= 0.1]
    assert np.mean([normed[lr] for lr in rates]) < 0.5 * np.mean([plain[lr] for lr in rates])
    # The best normalized net is at least as good as the best plain one.
    best = {bn: max(c["test_accuracy"] for c in cells if c["batch_norm"] == bn) for bn in (0, 1)}
    assert best[1] >= best[0]
