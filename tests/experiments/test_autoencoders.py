import jax
import numpy as np
import optax
import pytest

from experiments.autoencoders.config import get_config
from experiments.autoencoders.main import main, reconstruction_errors
from jaxnets import data, models
from jaxnets.train import Objective, init_state, predict

pytestmark = pytest.mark.usefixtures("fast_compiles")

# One quick epoch must cut the untrained net's test error by at least this fraction: MSE
# per pixel, and the cross-entropy above its floor (measured: 0.71 and 0.77 dense, 0.55 and
# 0.60 conv; an unchanged net scores 1.0).
MSE_RATIO = 0.8
BCE_EXCESS_RATIO = 0.85


def _entropy_floor(images: np.ndarray) -> float:
    """Least possible BCE (nats per image): sum over pixels of the binary entropy H(x)."""
    x = np.clip(np.asarray(images, np.float64).reshape(len(images), -1), 1e-12, 1 - 1e-12)
    return float(-(x * np.log(x) + (1 - x) * np.log(1 - x)).sum(-1).mean())


def _untrained_errors(config) -> tuple[dict[str, dict], float]:
    """Test-set errors of each quick-run model at its initialisation (same seed, no steps),
    and the test images' BCE floor."""
    dataset = data.load_dataset(config.dataset, seed=config.seed)
    options = dict(config.model_options)
    errors = {}
    for name in config.models:
        spec = models.get_spec(name)
        state = init_state(
            models.create(name, **options.get(name, {})),
            optax.adam(config.learning_rate),
            Objective(spec.loss, spec.target, dataset.input_key),
            dataset.input_shape,
            key=jax.random.key(config.seed),
        )
        images = dataset.test[dataset.input_key]
        errors[name] = reconstruction_errors(images, lambda x, s=state: predict(s, x))
    return errors, _entropy_floor(dataset.test[dataset.input_key])


def test_quick_run_beats_the_untrained_nets_and_plots(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    assert summary["quick"]
    summary = summary["results"]
    results = summary["models"]
    assert set(results) == {"autoencoder", "conv_autoencoder"}
    # 64-8-64 dense: (64*8 + 8) + (8*64 + 64) = 1,096 parameters.
    assert results["autoencoder"]["params"] == 1_096
    untrained, floor = _untrained_errors(get_config(quick=True))
    for name, row in results.items():
        # An untrained net already scores MSE < 0.25 (sigmoid(0) = 0.5 everywhere), so the
        # claim "it learnt" is a margin over the same net before training.
        before = untrained[name]
        assert row["test_mse"] <= MSE_RATIO * before["mse"], (name, row, before)
        assert row["test_bce"] - floor <= BCE_EXCESS_RATIO * (before["bce"] - floor), (
            name,
            row,
            before,
            floor,
        )
    assert (tmp_path / "reconstructions.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "results.json").exists()
