import numpy as np
import pytest

from experiments.autoencoder_vs_pca.main import fit_pca, main, pca_reconstruct, pixel_mse
from experiments.autoencoder_vs_pca.report import ratio

pytestmark = pytest.mark.usefixtures("fast_compiles")

# Deep AE 64-32-2 (300 epochs) vs PCA at code 2 on the 8x8 digits, test MSE ratio; measured
# over seeds 0-4: 0.70, 0.92, 0.90, 0.68, 0.96 (the quick run is seed 0). Below 1: it beats
# PCA, the claim of Hinton & Salakhutdinov 2006.
DEEP_OVER_PCA = 1.0
# Linear AE vs PCA at code 2, same seeds: 1.003, 1.026, 1.005, 1.023, 1.019. PCA is the best
# linear code, so the linear AE may only match it (the claim row's 5% tolerance).
LINEAR_OVER_PCA = (0.97, 1.05)


def test_quick_run_deep_ae_beats_pca_and_linear_ae_matches_it(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    assert record["quick"]
    results = record["results"]
    assert ratio(results, "deep_autoencoder", 2) < DEEP_OVER_PCA, results["rows"]
    low, high = LINEAR_OVER_PCA
    assert low <= ratio(results, "linear", 2) <= high, results["rows"]
    for name in record["figures"]:
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_pca_is_exact_on_data_of_lower_rank():
    # Points on a 2-D plane in 5-D: two components reconstruct them exactly, one does not.
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(2, 5))
    x = (rng.normal(size=(50, 2)) @ basis + 0.3).reshape(50, 5, 1, 1).astype(np.float32)
    mean, components, values = fit_pca(x, 2)
    assert components.shape == (5, 2)
    assert np.allclose(components.T @ components, np.eye(2), atol=1e-8)
    assert pixel_mse(pca_reconstruct(x, mean, components), x) < 1e-10
    assert pixel_mse(pca_reconstruct(x, mean, components[:, :1]), x) > 1e-3
    assert values[2:].max() < 1e-10 < values[1]
