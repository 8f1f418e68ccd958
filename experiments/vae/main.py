"""Variational autoencoder on MNIST: train with the ordinary step (reconstruction + sown KL),
report the test negative ELBO, and save a grid of digits sampled from the prior."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

from experiments import _system as system
from experiments.vae.config import VAEConfig, get_config
from experiments.vae.report import report
from jaxnets import data, losses, models, plots
from jaxnets.train import FitConfig, Objective, evaluate, fit, init_state, num_params


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


def run(config: VAEConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
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
    test_images = dataset.test[dataset.input_key]
    untrained = sampled_negative_elbo(
        model, state.params, test_images, key=elbo_key, draws=config.elbo_samples
    )
    fit_config = FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    result = fit(state, dataset.train, None, fit_config)
    params = result.state.params
    at_mean = evaluate(result.state, dataset.test)  # z = mean: recon(mean) + KL
    neg_elbo = sampled_negative_elbo(
        model, params, test_images, key=elbo_key, draws=config.elbo_samples
    )
    samples = np.asarray(
        models.sample(model, {"params": params}, key=sample_key, num=config.samples)
    )
    plots.image_grid(samples, out / "samples.png", f"VAE samples, latent {config.latent}")
    return {
        "params": num_params(params),
        "test_negative_elbo": neg_elbo,
        "untrained_test_negative_elbo": untrained,
        "test_loss_at_mean": at_mean["loss"],
        "test_kl": at_mean["aux_loss"],
        "epochs": [
            {"epoch": row["epoch"], "train_loss": row["train_loss"]} for row in result.history
        ],
    }


def plot(record: dict, out: Path) -> list[str]:
    del record, out  # the sample grid is drawn by run, from the trained decoder
    return ["samples.png"]


def main(argv=None) -> dict:
    return system.main(
        "vae", argv, get_config=get_config, run=run, plot=plot, report=report, description=__doc__
    )


if __name__ == "__main__":
    main()
