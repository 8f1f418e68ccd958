"""Default configuration: the gan experiment's DCGAN, twice as wide, 18 epochs on MNIST, scored
each epoch by a LeNet-5; then latent arithmetic and interpolation on the trained generator."""

from dataclasses import dataclass, field

from experiments.gan.config import PlayerConfig


@dataclass(frozen=True)
class DCGANArithmeticConfig:
    """The GAN (``gan``: players and epochs, as in experiments/gan), the judge, and the tests.

    ``classifier`` (a registry model, ``classifier_epochs`` of Adam at ``classifier_lr``)
    labels generated images; a sample is *legible* when its top softmax probability exceeds
    ``confidence``, and the run is legible from the first epoch whose legible fraction of
    ``eval_samples`` fixed codes exceeds ``legible_fraction``. Exemplars and path ends are
    pool samples labelled with more than ``exemplar_confidence``.

    Arithmetic (Radford et al.'s "man with glasses - man + woman"): each concept vector is
    the mean code of ``exemplars`` legible samples drawn from a pool of ``pool`` codes;
    ``arithmetic_trials`` random trials per kind. Interpolation: ``interpolation_pairs``
    random pairs of legible samples of different classes, ``path_points`` codes each.
    """

    dataset: str = "mnist"
    # Pilots on MNIST (one seed, 2 loaded cores): gan's DCGAN as it is (G 32-16 channels,
    # D 16-32, D at 5e-5) plateaus at ~31% legible from epoch 4 to 8 with D at chance
    # (d_loss ~ 1.39); twice the widths with D at 1e-4: 35%, 37%, 40% after epochs 1-3 and D
    # fading again (d_loss 0.76 -> 1.30); the same widths with both players at 2e-4:
    # 25%, 39% after epochs 1-2 with D still learning (d_loss 0.49 -> 0.84). Hence these,
    # for 18 epochs (about 17 minutes at 30-80 s an epoch on the shared machine).
    gan: PlayerConfig = field(
        default_factory=lambda: PlayerConfig(
            "dcgan_generator",
            "dcgan_discriminator",
            epochs=18,
            generator_options=(("features", (64, 32)),),
            discriminator_options=(("features", (32, 64)),),
        )
    )
    latent_dim: int = 64
    batch_size: int = 64
    learning_rate: float = 2e-4  # both players' Adam (the generator's), b1 = 0.5
    b1: float = 0.5
    seed: int = 0
    classifier: str = "lenet5"
    classifier_options: tuple[tuple[str, object], ...] = ()
    classifier_epochs: int = 2
    classifier_lr: float = 2e-3
    confidence: float = 0.9
    legible_fraction: float = 0.8
    eval_samples: int = 1000
    pool: int = 2000
    exemplar_confidence: float = 0.9  # pool samples used as exemplars and path ends
    exemplars: int = 3
    arithmetic_trials: int = 200
    interpolation_pairs: int = 200
    path_points: int = 9
    shown: int = 6  # rows of the arithmetic and interpolation figures


def get_config(*, quick: bool = False) -> DCGANArithmeticConfig:
    """The default run, or with ``quick`` tiny players on 256 of the 8x8 digits (as gan's)."""
    if quick:
        return DCGANArithmeticConfig(
            dataset="digits",
            gan=PlayerConfig(
                "dcgan_generator",
                "dcgan_discriminator",
                epochs=3,
                train_examples=256,
                generator_options=(("features", (8, 4)), ("base", 2)),
                discriminator_options=(("features", (4, 8)),),
            ),
            latent_dim=8,
            batch_size=32,
            learning_rate=2e-3,
            classifier="mlp",
            classifier_options=(("hidden", (32,)),),
            classifier_epochs=10,
            classifier_lr=1e-2,
            eval_samples=200,
            exemplar_confidence=0.0,  # the quick generator's blobs: any labelled sample
            pool=400,
            arithmetic_trials=20,
            interpolation_pairs=20,
            path_points=5,
            shown=3,
        )
    return DCGANArithmeticConfig()
