"""The measured section of perceptron's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r = record["results"]
    epochs = record["config"]["epochs"]
    rows = []
    for name, label in (
        ("separable", "separable blobs"),
        ("xor", "XOR on [x1, x2]"),
        ("xor_feature_map", "XOR on [x1, x2, x1 x2]"),
    ):
        run_ = r[name]
        rows.append(
            [
                label,
                f"epoch {run_['epochs_to_converge']}"
                if run_["converged"]
                else f"never in {epochs}",
                min(run_["mistakes"]),
                run_["distinct_weights"],
                system.pct(run_["final_accuracy"], 0),
            ]
        )
    hidden = r["xor_hidden_layer"]
    return (
        system.table(
            [
                "data (perceptron rule)",
                "no mistakes from",
                "fewest mistakes in a pass",
                "distinct weight vectors",
                "final accuracy",
            ],
            rows,
        )
        + f"\n\nXOR by one hidden layer of {record['config']['hidden']} tanh units (Adam, "
        f"softmax cross-entropy): accuracy on the four corners "
        f"**{system.pct(hidden['accuracy'], 0)}**, predictions {hidden['predictions']}.\n\n"
        + system.figures(record)
    )
