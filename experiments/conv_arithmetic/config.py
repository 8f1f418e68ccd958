"""Configuration: which digit the classic kernels are applied to (everything else is fixed)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ConvArithmeticConfig:
    """The lectures' numbers need no configuration; the kernel figure needs one image.

    ``dataset`` is ``"mnist"`` (the full run: a real 28x28 digit, needs the IDX files) or
    ``"digits"`` (8x8, bundled; the quick run). ``digit_index`` picks the test image.
    """

    dataset: str = "mnist"
    digit_index: int = 0
    seed: int = 0


def get_config(*, quick: bool = False) -> ConvArithmeticConfig:
    """The full run on an MNIST test digit, or with ``quick`` on an 8x8 digit (no data)."""
    if quick:
        return ConvArithmeticConfig(dataset="digits")
    return ConvArithmeticConfig()
