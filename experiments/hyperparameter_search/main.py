"""Grid, random, guided random, Bayesian (JAX GP), TPE and hypergradient search at equal
budgets on the digits, over search seeds: best validation error against trials and seconds."""

import tempfile
from pathlib import Path

import numpy as np

from experiments import _system as system
from experiments.hyperparameter_search.config import SearchConfig, get_config
from experiments.hyperparameter_search.report import report
from jaxnets import plots
from jaxnets.optim import OptimizerConfig, ScheduleConfig
from jaxnets.train import FitConfig, RunConfig
from jaxnets.tune import Float, SearchSpace, TuneConfig, tune

LR, WD = "optimizer.learning_rate", "optimizer.weight_decay"


def run(config: SearchConfig, data_dir: str | None, out: Path) -> dict:
    del data_dir, out
    base = RunConfig(
        model="mlp",
        model_options={"hidden": config.features},
        dataset="digits",
        optimizer=OptimizerConfig(config.optimizer, 1e-3, ScheduleConfig("constant")),
        fit=FitConfig(epochs=config.epochs, batch_size=config.batch_size, progress=False),
    )
    space = SearchSpace({LR: Float(*config.lr, log=True), WD: Float(*config.wd, log=True)})
    runs = []
    for strategy in config.strategies:
        # A grid's points do not depend on the search seed (only their order would): once.
        for seed in config.seeds[:1] if strategy == "grid" else config.seeds:
            tune_config = TuneConfig(
                strategy=strategy,
                trials=config.trials,
                population=config.population,
                seed=seed,
                validation_fraction=config.validation_fraction,
                progress=False,
                plots=False,
            )
            with tempfile.TemporaryDirectory() as workdir:
                result = tune(base, space, tune_config, workdir, final_test=False)
            trials = [t for t in result.summary["trials"] if t["state"] == "COMPLETE"]
            runs.append(
                {
                    "strategy": strategy,
                    "seed": seed,
                    "values": [t["value"] for t in trials],
                    "seconds": [t["seconds"] for t in trials],
                    "lr": [t["params"][LR] for t in trials],
                    "wd": [t["params"][WD] for t in trials],
                }
            )
            print(f"{strategy} seed {seed}: best {min(runs[-1]['values']):.4f}")
    return {"runs": runs, "summary": summarize(runs, config)}


def summarize(runs: list[dict], config: SearchConfig) -> dict:
    """Per strategy: median (over seeds) best error at the end and at half budget, seconds,
    and how many distinct learning rates (to 3 significant digits) one search tried."""
    out = {}
    for strategy in config.strategies:
        mine = [r for r in runs if r["strategy"] == strategy]
        best = np.array([np.minimum.accumulate(r["values"]) for r in mine])  # (S, N)
        out[strategy] = {
            "median_best": float(np.median(best[:, -1])),
            "median_best_half": float(np.median(best[:, best.shape[1] // 2 - 1])),
            "best_per_seed": best[:, -1].tolist(),
            "median_seconds": float(np.median([np.sum(r["seconds"]) for r in mine])),
            "distinct_lr": float(np.median([len({f"{v:.3g}" for v in r["lr"]}) for r in mine])),
        }
    return out


def plot(record: dict, out: Path) -> list[str]:
    import matplotlib

    from jaxnets.tune._plots import plot_budget_curves

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = record["results"]["runs"]
    curves = {}
    for strategy in dict.fromkeys(r["strategy"] for r in runs):
        mine = [r for r in runs if r["strategy"] == strategy]
        curves[strategy] = {
            "trials": np.arange(1, len(mine[0]["values"]) + 1),
            "seconds": np.median([np.cumsum(r["seconds"]) for r in mine], axis=0),
            "best": [np.minimum.accumulate(r["values"]) for r in mine],
        }
    plot_budget_curves(curves, out / "best_vs_budget.png", "best validation error")
    strategies = list(curves)
    fig, axes = plt.subplots(
        1,
        len(strategies),
        figsize=(3.2 * len(strategies), 3.2),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for ax, strategy in zip(axes[0], strategies, strict=True):
        first = next(r for r in runs if r["strategy"] == strategy)
        sc = ax.scatter(
            first["lr"], first["wd"], c=first["values"], cmap="viridis_r", vmin=0, vmax=0.5, s=18
        )
        ax.set(
            xscale="log",
            yscale="log",
            title=f"{strategy} (seed {first['seed']})",
            xlabel="learning rate",
        )
    axes[0][0].set_ylabel("weight decay")
    fig.colorbar(sc, ax=axes[0].tolist(), label="validation error")
    plots.save_figure(fig, out / "sampled_points.png", dpi=80)
    return ["best_vs_budget.png", "sampled_points.png"]


def main(argv=None) -> dict:
    return system.main(
        "hyperparameter_search",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
