"""GANs on MNIST: an MLP GAN and a small DCGAN, each trained with alternating discriminator and
generator updates in one compiled step (jaxnets.train.gan_train_step), driven by
jaxnets.train.fit; samples saved as PNG grids."""

import time
from pathlib import Path

import jax
import numpy as np
import optax

from experiments import _system as system
from experiments.gan.config import GANConfig, get_config
from experiments.gan.report import report
from jaxnets import data, models, plots
from jaxnets.train import FitConfig, fit, gan_train_step, init_gan_state, num_params


def train_one(gan, config, dataset, *, progress: bool) -> dict:
    """Train one generator/discriminator pair; returns its history, samples and timings."""
    generator = models.create(gan.generator, **dict(gan.generator_options))
    discriminator = models.create(gan.discriminator, **dict(gan.discriminator_options))
    key = jax.random.key(config.seed)
    init_key, sample_key = jax.random.split(key)
    g_tx = optax.adam(config.learning_rate, b1=config.b1)
    d_tx = optax.adam(gan.d_learning_rate or config.learning_rate, b1=config.b1)
    state = init_gan_state(
        generator,
        discriminator,
        g_tx,
        d_tx,
        image_shape=dataset.input_shape,
        latent_dim=config.latent_dim,
        key=init_key,
    )
    train = dataset.train
    if gan.train_examples is not None:
        train = {k: v[: gan.train_examples] for k, v in train.items()}
    fit_config = FitConfig(
        epochs=gan.epochs, batch_size=config.batch_size, seed=config.seed, progress=progress
    )
    start = time.perf_counter()
    result = fit(state, train, config=fit_config, step=gan_train_step)
    seconds = time.perf_counter() - start
    variables = {"params": result.state.g_params}
    samples = np.asarray(models.sample(generator, variables, key=sample_key, num=config.samples))
    return {
        "g_params": num_params(result.state.g_params),
        "d_params": num_params(result.state.d_params),
        "history": [{k: v for k, v in row.items()} for row in result.history],
        "train_s": seconds,
        "compile_s": result.compile_s,
        "samples": samples,
    }


def run(config: GANConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    results = {}
    for gan in config.gans:
        name = gan.generator.removesuffix("_generator")
        trained = train_one(gan, config, dataset, progress=False)
        samples = trained.pop("samples")
        plots.image_grid(samples, out / f"{name}_samples.png", f"{name} samples, {gan.epochs} ep")
        results[name] = trained
    return {"gans": results}


def plot(record: dict, out: Path) -> list[str]:
    del out  # the sample grids are drawn by run, from the trained generators
    return [f"{name}_samples.png" for name in record["results"]["gans"]]


def main(argv=None) -> dict:
    return system.main(
        "gan", argv, get_config=get_config, run=run, plot=plot, report=report, description=__doc__
    )


if __name__ == "__main__":
    main()
