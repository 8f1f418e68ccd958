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
    grid, rnd = summary.get("grid"), summary.get("random")
    verdict = ""
    if grid and rnd:
        better = rnd["median_best"] < grid["median_best"]
        verdict = (
            f"\n\nRandom search tried {rnd['distinct_lr']:.0f} learning rates where the grid "
            f"tried {grid['distinct_lr']:.0f}; its median best validation error is "
            f"{'lower' if better else 'not lower'} than the grid's "
            f"({system.pct(rnd['median_best'], 2)} against {system.pct(grid['median_best'], 2)})"
            + (
                "."
                if better
                else ": at this budget the grid's learning rates happen to include "
                "a good one, so the random-beats-grid effect is not reproduced here."
            )
        )
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
        + verdict
        + "\n\n"
        + system.figures(record)
    )
