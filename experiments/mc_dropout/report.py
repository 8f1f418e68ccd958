"""The measured section of mc_dropout's README, from its results.json record (no jax)."""

from experiments import _system as system


def bn_variants(rows: list[dict]) -> dict[tuple[bool, float], dict]:
    """(batch norm, dropout rate) -> means over seeds of the batch-norm section's metrics,
    with ``loss_gap`` = test loss - train loss and ``accuracy_gap`` = train - test accuracy,
    and ``gaps``: each seed's loss gap."""
    groups: dict[tuple[bool, float], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["batch_norm"], row["dropout"]), []).append(row)
    out = {}
    for key, members in groups.items():

        def mean(values):
            values = list(values)
            return sum(values) / len(values)

        gaps = [m["test_loss"] - m["train_loss"] for m in members]
        out[key] = {
            "seeds": len(members),
            "train_loss": mean(m["train_loss"] for m in members),
            "test_loss": mean(m["test_loss"] for m in members),
            "train_accuracy": mean(m["train_accuracy"] for m in members),
            "test_accuracy": mean(m["test_accuracy"] for m in members),
            "loss_gap": mean(gaps),
            "accuracy_gap": mean(m["train_accuracy"] - m["test_accuracy"] for m in members),
            "gaps": gaps,
        }
    return out


def _label(batch_norm: bool, rate: float) -> str:
    return f"{'batch norm' if batch_norm else 'plain'}, dropout {rate:g}"


def _bn_summary(variants: dict) -> str:
    plain, bn = variants[(False, 0.0)], variants[(True, 0.0)]
    rate = max(r for _, r in variants)
    both = variants[(True, rate)]
    return (
        f"Without dropout, batch norm's loss gap is "
        f"{'smaller' if bn['loss_gap'] < plain['loss_gap'] else 'not smaller'} than the plain "
        f"MLP's ({bn['loss_gap'] - plain['loss_gap']:+.4f}); adding dropout {rate:g} to the "
        f"batch-norm MLP changes its loss gap by {both['loss_gap'] - bn['loss_gap']:+.4f} and "
        f"its test accuracy by {100 * (both['test_accuracy'] - bn['test_accuracy']):+.2f} "
        "points."
    )


def report(record: dict) -> str:
    config, r = record["config"], record["results"]
    mc = r["mc_dropout"]
    calib = mc["calibration"]
    det, mcc = calib["deterministic"], calib["mc"]
    head = (
        f"MLP {tuple(config['hidden'])} (ReLU), dropout {config['input_dropout']:g} on the "
        f"pixels and {config['dropout']:g} after each hidden layer, {mc['train_epochs']} epochs "
        f"of Adam {config['learning_rate']:g} on all {config['dataset']} training images; "
        f"T = {config['samples']} stochastic passes. Test set (all of it), the deterministic "
        f"net (inverted dropout: masks off, no rescaling needed) against the MC mean; ECE over "
        f"{config['bins']} equal-width confidence bins:\n\n"
    )
    test = system.table(
        ["prediction", "accuracy", "NLL (nats)", "mean confidence", "ECE"],
        [
            [
                name,
                system.pct(c["accuracy"], 2),
                f"{c['nll']:.4f}",
                system.pct(c["mean_confidence"], 2),
                system.pct(c["ece"], 2),
            ]
            for name, c in (("deterministic", det), (f"MC mean, T = {config['samples']}", mcc))
        ],
    )
    side = "under" if mcc["mean_confidence"] < mcc["accuracy"] else "over"
    agree = (
        f"\n\nThe two predict the same class on {system.pct(mc['agreement'], 2)} of the test "
        f"images. The MC mean is {side}confident (mean confidence "
        f"{'below' if side == 'under' else 'above'} its accuracy), and its ECE is "
        f"{'higher' if mcc['ece'] > det['ece'] else 'lower'} than the deterministic net's.\n\n"
    )
    kinds = system.table(
        [
            "inputs",
            "MC entropy",
            "deterministic entropy",
            "mutual information",
            "MC confidence",
            "deterministic confidence",
        ],
        [
            [
                name,
                f"{k['mc_entropy']:.3f}",
                f"{k['det_entropy']:.3f}",
                f"{k['mutual_information']:.3f}",
                system.pct(k["mc_confidence"]),
                system.pct(k["det_confidence"]),
            ]
            for name, k in mc["kinds"].items()
        ],
    )
    rotations = system.table(
        [
            "rotation",
            "MC accuracy",
            "deterministic accuracy",
            "MC entropy",
            "deterministic entropy",
            "mutual information",
        ],
        [
            [
                f"{x['angle']}°",
                system.pct(x["mc_accuracy"]),
                system.pct(x["det_accuracy"]),
                f"{x['mc_entropy']:.3f}",
                f"{x['det_entropy']:.3f}",
                f"{x['mutual_information']:.3f}",
            ]
            for x in mc["rotations"]
        ],
    )
    variants = bn_variants(r["batch_norm"])
    seeds = next(iter(variants.values()))["seeds"]
    bn = system.table(
        [
            "MLP",
            "train accuracy",
            "test accuracy",
            "train loss",
            "test loss",
            "loss gap (mean)",
            "loss gap per seed",
        ],
        [
            [
                _label(*key),
                system.pct(v["train_accuracy"]),
                system.pct(v["test_accuracy"]),
                f"{v['train_loss']:.4f}",
                f"{v['test_loss']:.4f}",
                f"{v['loss_gap']:.4f}",
                ", ".join(f"{g:.3f}" for g in v["gaps"]),
            ]
            for key, v in sorted(variants.items())
        ],
    )
    return (
        head
        + test
        + agree
        + "Mean predictive entropy in nats (ln 10 = 2.303 is a uniform guess) per kind of "
        f"input: all test digits, and {mc['eval_examples']:,} noise images of each kind; "
        "mutual information = MC entropy - mean entropy of the single passes (the part of "
        "the uncertainty that comes from the masks disagreeing):\n\n"
        + kinds
        + f"\n\nThe first {mc['eval_examples']:,} test digits rotated (bilinear, zero fill):\n\n"
        + rotations
        + "\n\nBatch norm vs dropout: MLP "
        f"{tuple(config['bn_hidden'])} (ReLU, no input dropout), batch norm after each hidden "
        f"dense layer or none, on the first {config['bn_train_examples']:,} training images, "
        f"{config['bn_epochs']} epochs of Adam {config['learning_rate']:g}, batch "
        f"{config['bn_batch_size']}; means over {seeds} seeds, evaluated in inference mode "
        "(dropout off, running batch statistics) on that training subset and on the whole "
        "test set:\n\n" + bn + "\n\n" + _bn_summary(variants) + "\n\n" + system.figures(record)
    )
