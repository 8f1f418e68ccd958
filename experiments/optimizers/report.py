"""The measured section of optimizers's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r, config = record["results"], record["config"]
    surfaces = r["surfaces"]
    rows = []
    for i, name in enumerate(config["names"]):
        cells = [name, f"{config['surface_rates'][i]:g}"]
        for surface in surfaces:
            run_ = surfaces[surface][i]
            reached = run_["steps_to_min"]
            cells += [f"{run_['final_loss']:.3g}", str(reached) if reached else "not reached"]
        rows.append(cells)
    race = system.table(
        [
            "optimizer",
            "lr",
            "valley: final f",
            "valley: steps to f < 0.01",
            "saddle: final f",
            "saddle: steps to f < -0.99",
        ],
        rows,
    )
    mlp = system.table(
        [
            "optimizer",
            "rates tried",
            "best rate",
            "final train loss (last 20 steps)",
            "test accuracy",
        ],
        [
            [
                m["name"],
                ", ".join(f"{g:g}" for g in m["grid"]),
                f"{m['best_rate']:g}",
                f"{m['final_loss']:.4f}",
                system.pct(m["test_accuracy"], 2),
            ]
            for m in r["mlp"]
        ],
    )
    rm = system.table(
        ["SGD step size", "train loss, last quarter: mean", "std", "test loss", "test accuracy"],
        [
            [
                m["schedule"],
                f"{m['last_quarter_mean']:.4f}",
                f"{m['last_quarter_std']:.4f}",
                f"{m['test_loss']:.4f}",
                system.pct(m["test_accuracy"], 2),
            ]
            for m in r["robbins_monro"]
        ],
    )
    return (
        "The race on the 2-D surfaces:\n\n"
        + race
        + f"\n\nMLP {tuple(config['features'])} on {r['train_examples']:,} "
        f"{config['dataset']} images, {config['epochs']} epochs of batch "
        f"{config['batch_size']}:\n\n"
        + mlp
        + f"\n\nRobbins-Monro: alpha_t = {config['rm_alpha0']:g} / (1 + t / "
        f"{config['rm_tau']:g})^{config['rm_kappa']:g} against the constant "
        f"{config['rm_alpha0']:g}, same MLP and batches:\n\n" + rm + "\n\n" + system.figures(record)
    )
