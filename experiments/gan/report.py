"""The measured section of gan's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    rows = []
    for name, r in record["results"]["gans"].items():
        last = r["history"][-1]
        rows.append(
            [
                name,
                f"{r['g_params']:,} / {r['d_params']:,}",
                len(r["history"]),
                f"{r['train_s']:.0f} s",
                f"{last['train_d_loss']:.3f}",
                f"{last['train_g_loss']:.3f}",
                f"{last['train_d_real']:.2f}",
                f"{last['train_d_fake']:.2f}",
            ]
        )
    headers = ["GAN", "G / D params", "epochs", "time", "last-epoch d_loss", "g_loss"]
    return (
        system.table([*headers, "mean D(real)", "mean D(fake)"], rows)
        + "\n\n(Epoch means over the training steps; D(fake) is measured before the step's "
        "D update.)\n\n" + system.figures(record)
    )
