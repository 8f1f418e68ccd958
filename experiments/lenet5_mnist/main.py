"""LeNet-5 on MNIST against a linear softmax classifier trained the same way."""

from pathlib import Path

import jax

from experiments import _system as system
from experiments.lenet5_mnist.config import LeNet5Config, get_config
from experiments.lenet5_mnist.report import report
from jaxnets import data, models, optim, plots, train


def train_one(name: str, config: LeNet5Config, dataset, split: dict) -> dict:
    """Train registry model ``name`` with Adam + cosine decay through ``fit``."""
    spec = models.get_spec(name)
    model = models.create(name, num_classes=dataset.num_classes)
    steps = config.epochs * (len(split["label"]) // config.batch_size)
    tx = optim.from_config(
        optim.OptimizerConfig("adam", config.learning_rate, optim.ScheduleConfig("cosine")),
        total_steps=steps,
    )
    objective = train.Objective(spec.loss, spec.target, dataset.input_key)
    state = train.init_state(
        model, tx, objective, dataset.input_shape, key=jax.random.key(config.seed)
    )
    fit_config = train.FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    result = train.fit(state, split, dataset.test, fit_config)
    keep = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")
    return {
        "params": train.num_params(state.params),
        "test_accuracy": result.history[-1]["test_accuracy"],
        "compile_s": result.compile_s,
        "history": [
            {**{k: row[k] for k in keep}, "examples_per_s": row["examples_per_s"]}
            for row in result.history
        ],
    }


def run(config: LeNet5Config, data_dir: str | None, out: Path) -> dict:
    del out
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    split = dataset.train
    if config.train_examples is not None:
        split = {k: v[: config.train_examples] for k, v in split.items()}
    return {
        "lenet5": train_one(config.model, config, dataset, split),
        "linear": train_one(config.baseline, config, dataset, split),
    }


def plot(record: dict, out: Path) -> list[str]:
    history = record["results"]["lenet5"]["history"]
    plots.training_curves(history, out / "curves.png", title="LeNet-5")
    return ["curves.png"]


def main(argv=None) -> dict:
    return system.main(
        "lenet5_mnist",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
