"""The measured section of lenet5_mnist's README, from its results.json record (no jax)."""

from experiments import _system as system
from experiments.lenet5_mnist.config import LECTURE_MNIST_ERROR


def report(record: dict) -> str:
    lenet, linear = record["results"]["lenet5"], record["results"]["linear"]
    rows = [
        [
            row["epoch"],
            system.pct(row["train_accuracy"], 2),
            system.pct(row["test_accuracy"], 2),
            f"{row['examples_per_s']:,.0f}",
        ]
        for row in lenet["history"]
    ]
    return (
        f"LeNet-5, {lenet['params']:,} parameters: final test accuracy "
        f"**{system.pct(lenet['test_accuracy'], 2)}** "
        f"(compile {lenet['compile_s']:.1f} s). A linear softmax classifier "
        f"({linear['params']:,} parameters) trained the same way: "
        f"{system.pct(linear['test_accuracy'], 2)}.\n\n"
        f"Test error here: {system.pct(1 - lenet['test_accuracy'], 2)}; lecture 001's table: "
        + ", ".join(f"{k} {system.pct(v, 2)}" for k, v in LECTURE_MNIST_ERROR.items())
        + ".\n\n"
        + system.table(["epoch", "train accuracy", "test accuracy", "training examples/s"], rows)
        + "\n\n"
        + system.figures(record)
    )
