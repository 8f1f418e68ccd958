"""The measured section of batch_norm's README, from its results.json record (no jax)."""

from experiments import _system as system


def spread_by_rate(cells: list[dict], batch_norm: bool) -> dict[float, float]:
    """For each learning rate: max - min test accuracy over the init scales."""
    out = {}
    for c in cells:
        if c["kind"] == "mlp" and c["batch_norm"] == batch_norm:
            out.setdefault(c["learning_rate"], []).append(c["test_accuracy"])
    return {lr: max(v) - min(v) for lr, v in out.items()}


def report(record: dict) -> str:
    r, config = record["results"], record["config"]
    cells = r["cells"]
    mlp = [c for c in cells if c["kind"] == "mlp"]
    rows = []
    for init in config["inits"]:
        for bn in (False, True):
            row = [init, "yes" if bn else "no"]
            for lr in config["rates"]:
                cell = next(
                    c
                    for c in mlp
                    if c["init"] == init and c["batch_norm"] == bn and c["learning_rate"] == lr
                )
                row.append(system.pct(cell["test_accuracy"]))
            rows.append(row)
    table = system.table(["init", "batch norm", *[f"lr {lr:g}" for lr in config["rates"]]], rows)
    plain, normed = spread_by_rate(cells, False), spread_by_rate(cells, True)
    spread = system.table(
        ["", *[f"lr {lr:g}" for lr in config["rates"]]],
        [
            ["without batch norm", *[system.pct(plain[lr]) for lr in config["rates"]]],
            ["with batch norm", *[system.pct(normed[lr]) for lr in config["rates"]]],
        ],
    )
    text = (
        f"Test accuracy of the tanh MLP {tuple(config['features'])}, plain SGD, "
        f"{config['epochs']} epochs on the first {r['train_examples']:,} "
        f"{config['dataset']} images:\n\n"
        + table
        + "\n\nSensitivity to initialization: the spread (best - worst test accuracy) over "
        "the three init scales at each learning rate:\n\n" + spread
    )
    lenet = [c for c in cells if c["kind"] == "lenet"]
    if lenet:
        rows = [
            ["yes" if bn else "no"]
            + [
                system.pct(
                    next(
                        c["test_accuracy"]
                        for c in lenet
                        if c["batch_norm"] == bn and c["learning_rate"] == lr
                    )
                )
                for lr in config["lenet_rates"]
            ]
            for bn in (False, True)
        ]
        text += (
            f"\n\nLeNet-5 ({config['lenet_init']} init), same data and budget:\n\n"
            + system.table(["batch norm", *[f"lr {lr:g}" for lr in config["lenet_rates"]]], rows)
        )
    return text + "\n\n" + system.figures(record)
