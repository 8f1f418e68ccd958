"""Default configuration: the registry's VAE (784-256-16) on MNIST, 30 epochs, Adam 1e-3."""

from dataclasses import dataclass


@dataclass(frozen=True)
class VAEConfig:
    """The VAE's size and training; ``dataset`` is ``"mnist"`` or ``"digits"`` (quick run)."""

    dataset: str = "mnist"
    hidden: tuple[int, ...] = (256,)
    latent: int = 16
    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0
    samples: int = 64  # digits in the sample grid (a square number)
    elbo_samples: int = 1  # draws of z per test image for the sampled negative ELBO


def get_config(*, quick: bool = False) -> VAEConfig:
    """The default run, or with ``quick`` one epoch of a small VAE on the 8x8 digits."""
    if quick:
        return VAEConfig(
            dataset="digits",
            hidden=(32,),
            latent=4,
            epochs=1,
            batch_size=64,
            samples=16,
            learning_rate=3e-3,
        )
    return VAEConfig()
