"""The measured section of char_rnn's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r = record["results"]
    first = r["history"][0]
    rows = [
        ["parameters", f"{r['num_params']:,}"],
        ["names (train / held out)", f"{r['train_names']:,} / {r['test_names']:,}"],
        [
            "held-out loss",
            f"**{r['heldout_nats_per_char']:.3f} nats/char** "
            f"(train {r['train_nats_per_char']:.3f})",
        ],
        ["held-out loss after epoch 1", f"{first['test_loss']:.3f} nats/char"],
        ["samples", f"{r['num_samples']:,} non-empty names"],
        [
            "novel names",
            f"**{system.pct(r['novel_fraction'])}** not in the training list; "
            f"{system.pct(r['novel_fraction_vs_all_names'])} in neither split",
        ],
    ]
    return (
        system.table(["", ""], rows)
        + "\n\nThe first 20 samples (all in `samples.txt`):\n\n```\n"
        + " ".join(r["first_samples"])
        + "\n```\n\n"
        + system.figures(record)
    )
