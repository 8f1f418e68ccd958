"""The measured section of pretraining's README, from its results.json record (no jax)."""

import statistics

from experiments import _system as system


def summary(cells: list[dict], init: str) -> list[dict]:
    """Per label fraction (ascending): test accuracy mean, spread, min, max over the seeds."""
    out = []
    for fraction in sorted({c["fraction"] for c in cells}):
        accs = [
            c["test_accuracy"] for c in cells if c["init"] == init and c["fraction"] == fraction
        ]
        labels = next(c["labels"] for c in cells if c["fraction"] == fraction)
        out.append(
            {
                "fraction": fraction,
                "labels": labels,
                "mean": statistics.fmean(accs),
                "std": statistics.stdev(accs) if len(accs) > 1 else 0.0,
                "min": min(accs),
                "max": max(accs),
                "n": len(accs),
            }
        )
    return out


def gains(cells: list[dict], fraction: float) -> list[float]:
    """Pretrained minus random test accuracy, per seed (same seed: same labels and output
    layer), at ``fraction``."""
    by = {(c["seed"], c["init"]): c["test_accuracy"] for c in cells if c["fraction"] == fraction}
    seeds = sorted({seed for seed, _ in by})
    return [by[(s, "pretrained")] - by[(s, "random")] for s in seeds]


def _train(cells: list[dict], fraction: float, init: str) -> str:
    """Mean accuracy on the labelled examples fine-tuned on (did the net fit them?)."""
    accs = [c["train_accuracy"] for c in cells if c["fraction"] == fraction and c["init"] == init]
    return system.pct(statistics.fmean(accs), 1)


def _acc(row: dict) -> str:
    spread = f"{system.pct(row['min'], 2)}-{system.pct(row['max'], 2)}"
    return f"{system.pct(row['mean'], 2)} ± {100 * row['std']:.2f} ({spread})"


def report(record: dict) -> str:
    config, results = record["config"], record["results"]
    cells = results["cells"]
    pre, rnd = summary(cells, "pretrained"), summary(cells, "random")
    rows = []
    for p, r in zip(pre, rnd, strict=True):
        g = gains(cells, p["fraction"])
        steps = next(c["steps"] for c in cells if c["fraction"] == p["fraction"])
        rows.append(
            [
                system.pct(p["fraction"], 0),
                f"{p['labels']:,}",
                steps,
                _acc(p),
                _acc(r),
                f"{100 * statistics.fmean(g):+.2f}",
                f"{_train(cells, p['fraction'], 'pretrained')} / "
                f"{_train(cells, p['fraction'], 'random')}",
                f"{sum(x > 0 for x in g)}/{len(g)}",
            ]
        )
    table = system.table(
        [
            "labels",
            "examples",
            "fine-tuning steps",
            "pretrained: test acc, mean ± sd (min-max)",
            "random init",
            "gain (points)",
            "train acc pretrained / random",
            "seeds pretrained wins",
        ],
        rows,
    )
    layer_rows = [
        [
            row["layer"],
            f"{row['input_dim']}-{row['width']}-{row['input_dim']}",
            f"{row['train_loss'][0]:.1f}",
            f"{row['train_loss'][-1]:.1f}",
            f"{row['seconds']:.0f} s",
        ]
        for row in results["pretraining"][0]["layers"]
    ]
    layers = system.table(
        [
            "layer",
            "denoising AE",
            "loss epoch 1",
            f"loss epoch {config['pretrain_epochs']}",
            "time",
        ],
        layer_rows,
    )
    widths = "-".join(str(w) for w in config["hidden"])
    return (
        f"{config['activation']} MLP {widths}-10 on {config['dataset']}, seeds "
        f"{', '.join(str(s) for s in config['seeds'])} (a seed fixes the labelled subset, "
        "the pre-training and the output layer's initialisation, shared by both inits). "
        "Test accuracy on the full test set after fine-tuning; gain = pretrained minus random, "
        "mean over seeds.\n\n"
        + table
        + "\n\nPre-training (seed "
        + str(results["pretraining"][0]["seed"])
        + "; logistic reconstruction loss of the corrupted input, nats per example):\n\n"
        + layers
        + "\n\n"
        + system.figures(record)
    )
