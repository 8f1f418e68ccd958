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
        + _variants(record)
        + system.figures(record)
    )


def _variants(record: dict) -> str:
    variants = record["results"].get("variants", [])
    if not variants:
        return ""
    config = record["config"]
    kinds = config["kinds"]
    rows = [
        [f"lr {config['learning_rate']:g}, depth {config['depth']} (above)"]
        + [system.pct(r["test_accuracy"], 2) for r in record["results"]["kinds"]]
    ] + [
        [f"lr {v['learning_rate']:g}, depth {v['depth']}"]
        + [system.pct(v["test_accuracy"][k], 2) for k in kinds]
        for v in variants
    ]
    return (
        "Test accuracy at other step sizes and depths (same budget):\n\n"
        + system.table(["run", *kinds], rows)
        + "\n\n"
    )
