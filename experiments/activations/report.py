"""The measured section of activations' README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r, config = record["results"], record["config"]
    rows = []
    for v in r["variants"]:
        g0, g1 = v["grad_norms_before"], v["grad_norms_after"]
        units = v["units_after"]
        rows.append(
            [
                v["label"],
                f"{v['first_epoch_loss']:.3f}",
                f"{v['final_loss']:.3f}",
                system.pct(v["test_accuracy"]),
                f"{g0[0] / g0[-1]:.2g}",
                f"{g1[0] / g1[-1]:.2g}",
                system.pct(units["saturated"])
                if units and v["activation"] in ("sigmoid", "tanh")
                else "-",
                system.pct(units["dead"]) if units and units["dead"] is not None else "-",
            ]
        )
    return (
        f"{config['depth']}-layer MLPs of {config['width']} units on {r['train_examples']:,} "
        f"{config['dataset']} images, SGD + momentum, lr {config['learning_rate']:g}, "
        f"{config['epochs']} epochs; Glorot init for sigmoid and tanh, He for the ReLU "
        "family. Gradient ratio: |dL/dW| of the first layer over the "
        "output layer's (far below 1: the gradient vanishes on its way to the input). Saturated "
        "and dead units are measured after training on held-out images.\n\n"
        + system.table(
            [
                "net",
                "train loss, epoch 1",
                "train loss, last 20 steps",
                "test accuracy",
                "gradient ratio first/last, step 0",
                "after training",
                "saturated units",
                "dead units",
            ],
            rows,
        )
        + "\n\n"
        + system.figures(record)
    )
