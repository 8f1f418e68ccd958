"""The measured section of vae's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r = record["results"]
    rows = [
        [
            "negative ELBO, one sampled z per image (an upper bound on -log p(x))",
            f"**{r['test_negative_elbo']:.2f}**",
        ],
        ["the same before training", f"{r['untrained_test_negative_elbo']:.1f}"],
        [
            "eval step's loss, z = mean (reconstruction at the mean + KL; not a bound)",
            f"{r['test_loss_at_mean']:.2f}",
        ],
        ["of which KL(q(z\\|x) \\|\\| N(0, I))", f"{r['test_kl']:.2f}"],
    ]
    epochs = r["epochs"]
    marks = sorted({0, min(9, len(epochs) - 1), len(epochs) - 1})
    curve = ", ".join(
        f"{epochs[i]['train_loss']:.2f} after epoch {epochs[i]['epoch']}" for i in marks
    )
    return (
        f"{r['params']:,} parameters.\n\n"
        + system.table(["", "nats per test image"], rows)
        + f"\n\nTraining negative ELBO (epoch mean, sampled z): {curve}.\n\n"
        + system.figures(record)
    )
