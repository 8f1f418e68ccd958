"""The measured section of hyperparameter_search's README, from its results.json (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    config, summary = record["config"], record["results"]["summary"]
    rows = [
        [
            name,
            system.pct(s["median_best"], 2),
            system.pct(s["median_best_half"], 2),
            ", ".join(system.pct(v, 2) for v in s["best_per_seed"]),
            f"{s['distinct_lr']:.0f}",
            f"{s['median_seconds']:.0f}",
        ]
        for name, s in summary.items()
    ]
    return (
        f"{config['trials']} trials per search in populations of {config['population']}, "
        f"{len(config['seeds'])} search seeds, {config['epochs']} epochs per trial; medians "
        "over seeds:\n\n"
        + system.table(
            [
                "strategy",
                "best val error",
                f"after {config['trials'] // 2} trials",
                "per seed",
                "distinct learning rates",
                "trial seconds (sum)",
            ],
            rows,
        )
        + "\n\n"
        + system.figures(record)
    )
