"""Variational autoencoder on MNIST: train with the ordinary step (reconstruction + sown KL),
report the test negative ELBO, and save a grid of digits sampled from the prior.

python experiments/vae/main.py --data-dir /work/shared/data --out runs/vae
"""

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxnets import data, losses, models, plots
from jaxnets.train import FitConfig, Objective, evaluate, fit, init_state, num_params

try:  # imported as experiments.vae.main (tests)
    from .config import get_config
except ImportError:  # run as a script
    sys.path.insert(0, str(Path(__file__).parent))
    from config import get_config


def sampled_negative_elbo(model, params, images, *, key, draws: int, batch_size=1000):
    """Test negative ELBO per image (nats) with ``draws`` reparameterised samples of z each.

    Unlike the eval step (z = mean), this is an unbiased estimate of the true -ELBO, an upper
    bound on -log p(x).
    """

    @jax.jit
    def batch_elbo(x, key):
        logits, _ = model.apply(
            {"params": params}, x, train=True, rngs={"noise": key}, mutable=["losses"]
        )
        recon = losses.logistic_per_example(logits, x)  # (B,)
        # The sown KL is a batch mean; the per-image KL comes from the encoder's outputs.
        mean, logvar = model.apply({"params": params}, x, method=models.VAE.encode)
        return recon + losses.gaussian_kl(mean, logvar)  # (B,)

    total = []
    for i in range(0, len(images), batch_size):
        x = jnp.asarray(images[i : i + batch_size])
        per_draw = [batch_elbo(x, jax.random.fold_in(key, i * draws + d)) for d in range(draws)]
        total.append(np.mean(np.stack(per_draw), axis=0))
    return float(np.concatenate(total).mean())


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("JAXNETS_DATA_DIR"))
    parser.add_argument("--out", type=Path, default=Path("runs/vae"))
    parser.add_argument("--quick", action="store_true", help="1 epoch of a small VAE on digits")
    args = parser.parse_args(argv)
    config = get_config(quick=args.quick)
    start = time.perf_counter()
    dataset = data.load_dataset(config.dataset, data_dir=args.data_dir, seed=config.seed)
    spec = models.get_spec("vae")
    model = models.create(
        "vae", hidden=config.hidden, latent=config.latent, image_shape=dataset.input_shape
    )
    objective = Objective(spec.loss, spec.target, dataset.input_key)
    key = jax.random.key(config.seed)
    init_key, elbo_key, sample_key = jax.random.split(key, 3)
    state = init_state(
        model, optax.adam(config.learning_rate), objective, dataset.input_shape, key=init_key
    )
    fit_config = FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=not args.quick,
    )
    result = fit(state, dataset.train, None, fit_config)
    train_s = time.perf_counter() - start
    params = result.state.params
    test_images = dataset.test[dataset.input_key]
    at_mean = evaluate(result.state, dataset.test)  # z = mean: recon(mean) + KL
    neg_elbo = sampled_negative_elbo(
        model, params, test_images, key=elbo_key, draws=config.elbo_samples
    )
    variables = {"params": params}
    samples = np.asarray(models.sample(model, variables, key=sample_key, num=config.samples))
    plots.image_grid(samples, args.out / "samples.png", f"VAE samples, latent {config.latent}")
    summary = {
        "config": dataclasses.asdict(config),
        "params": num_params(params),
        "test_negative_elbo": neg_elbo,
        "test_loss_at_mean": at_mean["loss"],
        "test_kl": at_mean["aux_loss"],
        "epochs": [
            {"epoch": row["epoch"], "train_loss": row["train_loss"]} for row in result.history
        ],
        "train_s": train_s,
        "wall_s": time.perf_counter() - start,
    }
    (args.out / "results.json").write_text(json.dumps(summary, indent=2, default=str))
    for row in result.history:
        print(f"epoch {row['epoch']}: train -ELBO {row['train_loss']:.2f} nats/image")
    print(
        f"test -ELBO {neg_elbo:.2f} nats/image (z sampled), {at_mean['loss']:.2f} at z = mean, "
        f"KL {at_mean['aux_loss']:.2f}; {summary['params']:,} params, {summary['wall_s']:.0f} s"
    )
    return summary


if __name__ == "__main__":
    main()
