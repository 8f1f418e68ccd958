"""GANs on MNIST: an MLP GAN and a small DCGAN, each trained with alternating discriminator and
generator updates in one compiled step (jaxnets.train.gan_train_step), driven by
jaxnets.train.fit; samples saved as PNG grids.

python experiments/gan/main.py --data-dir /work/shared/data --out runs/gan
"""

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import jax
import numpy as np
import optax

from jaxnets import data, models, plots
from jaxnets.train import FitConfig, fit, gan_train_step, init_gan_state, num_params

try:  # imported as experiments.gan.main (tests)
    from .config import get_config
except ImportError:  # run as a script
    sys.path.insert(0, str(Path(__file__).parent))
    from config import get_config


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
        "history": result.history,
        "train_s": seconds,
        "compile_s": result.compile_s,
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("JAXNETS_DATA_DIR"))
    parser.add_argument("--out", type=Path, default=Path("runs/gan"))
    parser.add_argument("--quick", action="store_true", help="1 epoch of tiny GANs on digits")
    args = parser.parse_args(argv)
    config = get_config(quick=args.quick)
    start = time.perf_counter()
    dataset = data.load_dataset(config.dataset, data_dir=args.data_dir, seed=config.seed)
    results = {}
    for gan in config.gans:
        name = gan.generator.removesuffix("_generator")
        out = train_one(gan, config, dataset, progress=not args.quick)
        samples = out.pop("samples")
        plots.image_grid(
            samples, args.out / f"{name}_samples.png", f"{name} samples, {gan.epochs} ep"
        )
        results[name] = out
        last = out["history"][-1]
        print(
            f"{name}: G {out['g_params']:,} / D {out['d_params']:,} params; last epoch "
            f"d_loss {last['train_d_loss']:.3f}, g_loss {last['train_g_loss']:.3f}, D(real) "
            f"{last['train_d_real']:.2f}, D(fake) {last['train_d_fake']:.2f} "
            f"({out['train_s']:.0f} s)"
        )
    summary = {
        "config": dataclasses.asdict(config),
        "gans": results,
        "wall_s": time.perf_counter() - start,
    }
    (args.out / "results.json").write_text(json.dumps(summary, indent=2, default=str))
    print(f"total {summary['wall_s']:.0f} s; sample grids in {args.out}")
    return summary


if __name__ == "__main__":
    main()
