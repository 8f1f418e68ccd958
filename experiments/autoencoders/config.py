"""Default configuration: five autoencoders on MNIST, 3 epochs (conv: 1), Adam 1e-3, batch 128."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AutoencodersConfig:
    """Which registered autoencoders to train, and how (the same for all of them).

    ``dataset`` is ``"mnist"`` (the default run) or ``"digits"`` (8x8, the quick smoke run);
    ``model_options`` are per-model overrides, e.g. smaller widths for the quick run.
    """

    models: tuple[str, ...] = (
        "autoencoder",
        "deep_autoencoder",
        "sparse_autoencoder",
        "denoising_autoencoder",
        "conv_autoencoder",
    )
    dataset: str = "mnist"
    epochs: int = 3
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0
    show: int = 10  # test digits in the reconstruction figure
    model_options: tuple[tuple[str, dict], ...] = ()
    # Per-model epoch counts overriding ``epochs``: an epoch of the conv AE takes ~2 minutes
    # on 2 CPU cores (1-4 s for a dense AE), so it gets one epoch by default.
    model_epochs: tuple[tuple[str, int], ...] = (("conv_autoencoder", 1),)


def get_config(*, quick: bool = False) -> AutoencodersConfig:
    """The default run, or with ``quick`` one epoch of two small AEs on the 8x8 digits."""
    if quick:
        return AutoencodersConfig(
            models=("autoencoder", "conv_autoencoder"),
            dataset="digits",
            epochs=1,
            batch_size=64,
            learning_rate=3e-3,
            model_options=(
                ("autoencoder", {"encoder": (8,)}),
                ("conv_autoencoder", {"features": (8, 16), "latent": 8}),
            ),
        )
    return AutoencodersConfig()
