"""Default configuration: MLP GAN (20 epochs) and small DCGAN (5) on MNIST, Adam(2e-4, b1=0.5)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlayerConfig:
    """One GAN: the registry names of its two players, and how long to train it."""

    generator: str
    discriminator: str
    epochs: int
    train_examples: int | None = None  # None: the whole training split
    # The discriminator's Adam learning rate; None: the generator's (GANConfig.learning_rate).
    # The DCGAN's discriminator otherwise wins within two epochs (D(fake) -> 0, measured)
    # and its generator stalls.
    d_learning_rate: float | None = None
    generator_options: tuple[tuple[str, object], ...] = ()
    discriminator_options: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class GANConfig:
    """Both GANs share the data, the code size, the optimizers and the batch size."""

    dataset: str = "mnist"
    gans: tuple[PlayerConfig, ...] = (
        PlayerConfig("gan_generator", "gan_discriminator", epochs=20),
        PlayerConfig("dcgan_generator", "dcgan_discriminator", epochs=5, d_learning_rate=5e-5),
    )
    latent_dim: int = 64
    batch_size: int = 64
    learning_rate: float = 2e-4
    b1: float = 0.5  # DCGAN practice: less momentum keeps the two players from oscillating
    seed: int = 0
    samples: int = 64


def get_config(*, quick: bool = False) -> GANConfig:
    """The default run, or with ``quick`` four epochs of tiny players on the 8x8 digits.

    The quick run's rate is 10x the default so that its 32 steps move the players.
    """
    if quick:
        return GANConfig(
            dataset="digits",
            gans=(
                PlayerConfig(
                    "gan_generator",
                    "gan_discriminator",
                    epochs=4,
                    train_examples=256,
                    generator_options=(("hidden", (16,)), ("image_shape", (8, 8, 1))),
                    discriminator_options=(("hidden", (16,)),),
                ),
                PlayerConfig(
                    "dcgan_generator",
                    "dcgan_discriminator",
                    epochs=4,
                    train_examples=256,
                    generator_options=(("features", (8, 4)), ("base", 2)),
                    discriminator_options=(("features", (4, 8)),),
                ),
            ),
            latent_dim=8,
            batch_size=32,
            learning_rate=2e-3,
            samples=16,
        )
    return GANConfig()
