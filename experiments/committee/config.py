"""Default configuration: five LeNet-5s on distorted MNIST, trained as one population."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CommitteeConfig:
    """K members trained side by side (one vmapped population), then averaged.

    ``model`` is ``"lenet5"`` (jaxnets.models.LeNet5, 28x28 MNIST) or ``"small_cnn"`` (one
    3x3 conv layer of ``small_cnn_features`` maps, 2x2 max pool and a dense layer of
    ``small_cnn_hidden`` units, for the 8x8 digits of the quick run). Each member has its
    own initialisation key and its own stream of distortions: a random affine map (rotation
    up to ``max_rotation`` degrees, per-axis scale ``1 +- max_scale``, shift up to
    ``max_shift`` pixels) followed by an elastic distortion (``alpha``, ``sigma`` in pixels;
    ``alpha = 0`` turns it off), fresh at every step. The learning rate of Adam decays by
    ``lr_decay`` per epoch (the MCDNN annealed its rate per epoch too).

    Training stops after ``epochs`` epochs, or earlier when one more epoch as long as the
    last would end past ``train_budget_s`` seconds from the start of training: the machine
    is shared, so the budget, not the epoch count, bounds the wall time.
    """

    dataset: str = "mnist"
    model: str = "lenet5"
    members: int = 5
    epochs: int = 30
    train_budget_s: float = 30 * 60.0
    batch_size: int = 128
    learning_rate: float = 1e-3
    lr_decay: float = 0.85
    max_rotation: float = 12.0
    max_scale: float = 0.12
    max_shift: float = 2.0
    alpha: float = 34.0
    sigma: float = 5.0
    small_cnn_features: int = 16
    small_cnn_hidden: int = 64
    train_subset: int | None = None  # first N training examples (None: all)
    seed: int = 0
    samples_shown: int = 8  # test digits in the augmentation figure
    members_shown: int = 3


def get_config(*, quick: bool = False) -> CommitteeConfig:
    """The full run, or with ``quick`` five small CNNs on the 8x8 digits (seconds)."""
    if quick:
        return CommitteeConfig(
            dataset="digits",
            model="small_cnn",
            members=5,
            epochs=6,
            train_budget_s=120.0,
            batch_size=32,
            learning_rate=3e-3,
            lr_decay=0.8,
            # 8x8 digits: distortions scaled to the smaller image (about a pixel).
            max_rotation=10.0,
            max_scale=0.1,
            max_shift=0.5,
            alpha=3.0,
            sigma=1.5,
        )
    return CommitteeConfig()
