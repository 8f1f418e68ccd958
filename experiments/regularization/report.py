"""The measured section of regularization's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r, config = record["results"], record["config"]
    dropout = system.table(
        [
            "regularizer",
            "train accuracy",
            "test accuracy",
            "accuracy gap",
            "train loss",
            "test loss",
            "loss gap",
        ],
        [
            [
                m["label"],
                system.pct(m["train_accuracy"]),
                system.pct(m["test_accuracy"]),
                system.pct(m["train_accuracy"] - m["test_accuracy"]),
                f"{m['train_loss']:.4f}",
                f"{m['test_loss']:.4f}",
                f"{m['test_loss'] - m['train_loss']:.4f}",
            ]
            for m in r["dropout"]
        ],
    )
    spiral = system.table(
        ["hidden units", "L2", "train accuracy", "test accuracy", "boundary length"],
        [
            [
                c["width"],
                f"{c['l2']:g}",
                system.pct(c["train_accuracy"]),
                system.pct(c["test_accuracy"]),
                f"{c['boundary']:.4f}",
            ]
            for c in r["spiral"]
        ],
    )
    stop = r["early_stopping"]
    es, full = stop["early stopping"], stop["no stopping"]
    return (
        f"MLP {tuple(config['hidden'])} on the first {r['train_examples']:,} "
        f"{config['dataset']} training images, {config['epochs']} epochs of Adam "
        f"{config['learning_rate']:g} (accuracies in inference mode, dropout off):\n\n"
        + dropout
        + "\n\nSpiral (one hidden ReLU layer, full-batch SGD, L2 as weight decay; boundary "
        "length: share of neighbouring cells of a 120x120 grid whose predicted classes "
        "differ):\n\n"
        + spiral
        + f"\n\nEarly stopping (patience {config['patience']}, validation share "
        f"{config['validation_fraction']:g}): "
        + (
            f"stopped after epoch {es['epochs_run']}, best epoch {es['best_epoch']} kept: "
            if es["stopped_early"]
            else f"did not stop within {es['epochs_run']} epochs (best epoch {es['best_epoch']}): "
        )
        + f"test loss {es['test_loss']:.4f}, accuracy {system.pct(es['test_accuracy'])}; "
        f"training all {full['epochs_run']} epochs: test loss {full['test_loss']:.4f}, "
        f"accuracy {system.pct(full['test_accuracy'])}.\n\n" + system.figures(record)
    )
