"""The measured section of deep_nets's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    rows = [
        [
            r["kind"],
            f"{r['params']:,}",
            system.num(r["first_grad_norm"]),
            system.num(r["final_train_loss"]),
            system.num(r["test_loss"]),
            system.pct(r["test_accuracy"], 2),
        ]
        for r in record["results"]["kinds"]
    ]
    headers = ["kind", "params", "grad norm, step 1", "train loss (last 20 steps)"]
    steps = len(record["results"]["kinds"][0]["losses"])
    return (
        f"{record['config']['dataset']}, {steps} steps per net:\n\n"
        + system.table([*headers, "test loss", "test accuracy"], rows)
        + "\n\n"
        + system.figures(record)
    )
