"""The measured section of autoencoders's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    rows = [
        [
            name,
            f"{r['params']:,}",
            r["epochs"],
            f"{r['test_bce']:.2f}",
            f"{r['untrained_test_bce']:.1f}",
            f"{r['test_mse']:.4f}",
            f"{r['train_s']:.0f} s",
        ]
        for name, r in record["results"]["models"].items()
    ]
    headers = ["model", "params", "epochs", "test BCE (nats/image)", "untrained BCE"]
    return (
        system.table([*headers, "test MSE (per pixel)", "train time"], rows)
        + "\n\n"
        + system.figures(record)
        + "\n\nTop row: test inputs; then one row per model."
    )
