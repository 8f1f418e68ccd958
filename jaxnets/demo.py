"""The main job (``jaxnets demo``): linear vs MLP on the spiral, then an MLP on digits.

Runs offline on embedded/generated data in well under two minutes on two cores.
"""

from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np

from jaxnets import models, optim, plots
from jaxnets.data import load_dataset
from jaxnets.train import FitConfig, Objective, evaluate, fit, init_state, predict


@dataclass(frozen=True)
class DemoResult:
    """Test accuracies and the files written."""

    spiral_linear_accuracy: float
    spiral_mlp_accuracy: float
    digits_accuracy: float
    files: tuple[Path, ...]


def _train(model, dataset, loss, fit_config, optimizer):
    objective = Objective(loss=loss, input_key=dataset.input_key)
    key = jax.random.key(fit_config.seed)
    tx = optim.from_config(optimizer)
    state = init_state(model, tx, objective, dataset.input_shape, key=key)
    result = fit(state, dataset.train, dataset.test, fit_config)
    return result, evaluate(result.state, dataset.test)


def run_demo(out_dir: str | Path = "demo_out", *, epochs_scale: float = 1.0, progress=True):
    """Run the demo, print results as it goes, save the two PNGs into ``out_dir``."""
    out_dir = Path(out_dir)
    spiral = load_dataset("spiral", seed=0)
    quiet = FitConfig(epochs=max(1, int(300 * epochs_scale)), batch_size=32, progress=False, seed=0)
    sgd = optim.OptimizerConfig("momentum", learning_rate=0.1)
    linear, linear_test = _train(
        models.LinearClassifier(spiral.num_classes), spiral, "softmax_cross_entropy", quiet, sgd
    )
    mlp = models.MLP(features=(100, spiral.num_classes), activation="relu")
    mlp_fit, mlp_test = _train(mlp, spiral, "softmax_cross_entropy", quiet, sgd)
    print(f"spiral: linear classifier test accuracy {linear_test['accuracy']:.3f}")
    print(f"spiral: 2-layer ReLU MLP  test accuracy {mlp_test['accuracy']:.3f}")

    def classes(state):
        return lambda pts: np.asarray(jax.numpy.argmax(predict(state, pts), axis=-1))

    points = np.concatenate([spiral.train["x"], spiral.test["x"]])
    labels = np.concatenate([spiral.train["label"], spiral.test["label"]])
    boundary = plots.decision_boundaries(
        {
            f"linear (softmax) - test acc {linear_test['accuracy']:.2f}": classes(linear.state),
            f"MLP 2-100-3 ReLU - test acc {mlp_test['accuracy']:.2f}": classes(mlp_fit.state),
        },
        points,
        labels,
        out_dir / "spiral_decision_boundary.png",
    )

    digits = load_dataset("digits", seed=0)
    digits_model = models.MLP(features=(128, 64, digits.num_classes), activation="relu")
    digits_fit, digits_test = _train(
        digits_model,
        digits,
        "softmax_cross_entropy",
        FitConfig(epochs=max(1, int(40 * epochs_scale)), batch_size=32, progress=progress),
        optim.OptimizerConfig("adam", learning_rate=1e-3),
    )
    print(f"digits: MLP 64-128-64-10 test accuracy {digits_test['accuracy']:.4f}")
    curves = plots.training_curves(
        digits_fit.history, out_dir / "digits_curves.png", title="MLP on sklearn digits"
    )
    for path in (boundary, curves):
        print(f"wrote {path}")
    return DemoResult(
        linear_test["accuracy"], mlp_test["accuracy"], digits_test["accuracy"], (boundary, curves)
    )
