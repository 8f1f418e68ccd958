"""The measured section of learning_rates's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    rows = [
        [
            m["label"],
            f"{m['learning_rate']:g}",
            f"{m['initial_loss']:.3f}",
            f"{m['max_loss']:.3g}",
            f"{m['final_loss']:.3g}",
            system.pct(m["test_accuracy"]),
        ]
        for m in record["results"]["members"]
    ]
    steps = len(record["results"]["members"][0]["losses"])
    return (
        f"{steps} SGD steps each:\n\n"
        + system.table(
            ["rate", "lr", "loss, step 1", "highest loss", "loss, last 20 steps", "test accuracy"],
            rows,
        )
        + "\n\n"
        + system.figures(record)
    )
