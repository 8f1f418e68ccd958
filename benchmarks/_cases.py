"""What is benchmarked: the model sizes, the (model, batch) cases, their FLOPs and their data.

Shared by the JAX paths and the PyTorch baselines, so both train the same architectures on
the same synthetic arrays. Timing only: the data is uniform noise with random labels.
"""

import itertools
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MODELS = ("mlp", "lenet5", "autoencoder", "lstm")
IMAGE = (28, 28, 1)
PIXELS = 28 * 28
CLASSES = 10


@dataclass(frozen=True)
class Sizes:
    """Layer sizes of the four models (the issue's; ``QUICK`` shrinks them for smoke runs)."""

    mlp: tuple[int, ...] = (512, 512, 10)  # 784-512-512-10
    autoencoder: tuple[int, ...] = (128, 64, 32)  # 784-128-64-32-64-128-784
    vocab: int = 65  # a character vocabulary (tiny-shakespeare has 65 symbols)
    embed: int = 32
    hidden: int = 256
    seq: int = 32


QUICK = Sizes(mlp=(32, 32, 10), autoencoder=(16, 8, 4), vocab=11, embed=4, hidden=8, seq=4)


@dataclass(frozen=True)
class Case:
    """One (model, global batch) row group; ``steps`` train steps make one timed repeat."""

    model: str
    batch: int
    steps: int


# Steps per repeat chosen so one repeat takes roughly 0.3-2 s on a 2-core CPU.
FULL_CASES = (
    Case("mlp", 32, 250),
    Case("mlp", 128, 100),
    Case("mlp", 1024, 16),
    Case("lenet5", 256, 16),
    Case("autoencoder", 256, 60),
    Case("lstm", 64, 8),
)
QUICK_CASES = (
    Case("mlp", 16, 3),
    Case("lenet5", 8, 3),
    Case("autoencoder", 8, 3),
    Case("lstm", 4, 3),
)


def dense_params(widths: tuple[int, ...], inputs: int) -> int:
    """Weights and biases of a stack of Dense layers ``inputs -> widths[0] -> ...``."""
    sizes = (inputs, *widths)
    return sum(a * b + b for a, b in itertools.pairwise(sizes))


def autoencoder_widths(sizes: Sizes) -> tuple[int, ...]:
    enc = sizes.autoencoder
    return (*enc, *reversed(enc[:-1]), PIXELS)


def lenet_macs() -> int:
    """Forward multiply-adds of LeNet-5 per 28x28x1 image (convs and dense layers)."""
    c1 = 28 * 28 * 6 * (5 * 5 * 1)  # SAME 5x5, 1 -> 6 maps: 117,600
    c3 = 10 * 10 * 16 * (5 * 5 * 6)  # VALID 5x5, 6 -> 16 maps: 240,000
    dense = 400 * 120 + 120 * 84 + 84 * CLASSES  # 58,920
    return c1 + c3 + dense  # 416,520


def train_flops_per_sample(model: str, sizes: Sizes) -> float:
    """FLOPs of one training example: forward 2 x MACs, backward twice that, so 6 x MACs.

    Dense layers: 6 x parameters (the issue's convention; biases included). LeNet-5:
    6 x its counted multiply-adds (convolutions reuse each weight at every position).
    LSTM: 6 x (cell + head parameters) x T, as every weight is used once per time step;
    the embedding is a lookup (no FLOPs).
    """
    if model == "mlp":
        return 6.0 * dense_params(sizes.mlp, PIXELS)
    if model == "autoencoder":
        return 6.0 * dense_params(autoencoder_widths(sizes), PIXELS)
    if model == "lenet5":
        return 6.0 * lenet_macs()
    if model == "lstm":
        cell = 4 * (sizes.hidden * (sizes.embed + sizes.hidden) + sizes.hidden)
        head = sizes.hidden * sizes.vocab + sizes.vocab
        return 6.0 * (cell + head) * sizes.seq
    raise ValueError(f"unknown model {model!r}; choose from {MODELS}")


def make_data(model: str, sizes: Sizes, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """n synthetic examples: ``{"x": inputs, "label": targets}`` (no label for the autoencoder).

    mlp/autoencoder: x (n, 784) float32 in [0, 1]; lenet5: x (n, 28, 28, 1);
    lstm: x (n, T) int32 tokens and label (n, T) the next tokens.
    """
    rng = np.random.default_rng(seed)
    if model == "lstm":
        tokens = rng.integers(0, sizes.vocab, (n, sizes.seq + 1), dtype=np.int32)
        return {"x": tokens[:, :-1], "label": tokens[:, 1:]}
    shape = IMAGE if model == "lenet5" else (PIXELS,)
    x = rng.random((n, *shape), dtype=np.float32)
    if model == "autoencoder":
        return {"x": x}
    return {"x": x, "label": rng.integers(0, CLASSES, n, dtype=np.int32)}


def split_batches(data: dict, batch: int) -> list[dict]:
    """Consecutive batches of ``batch`` rows (the remainder dropped)."""
    n = len(next(iter(data.values())))
    return [{k: v[i : i + batch] for k, v in data.items()} for i in range(0, n - batch + 1, batch)]


@dataclass(frozen=True)
class Timing:
    samples_per_s: float  # median over the timed repeats
    compile_s: float  # first call minus one steady-state call
    repeat_s: tuple[float, ...]


# A timed repeat longer than this is cut to fewer calls (a slow baseline on a loaded machine
# would otherwise take minutes per row); samples/s does not depend on the number of calls.
MAX_REPEAT_S = 2.0


def measure(
    first: Callable[[], None],
    repeat: Callable[[int], None],
    *,
    samples_per_call: int,
    calls: int,
    repeats: int,
    warmup: int = 1,
    fixed_calls: bool = False,
) -> Timing:
    """Time ``first()`` (it compiles), then ``warmup`` untimed and ``repeats`` timed repeats.

    ``repeat(calls)`` makes ``calls`` calls of the compiled function, each on
    ``samples_per_call`` examples, and blocks until they are done. The first warm-up repeat
    also calibrates: when it takes over ``MAX_REPEAT_S``, later repeats make fewer calls
    (unless ``fixed_calls``: one scanned epoch is one call). Compile time is the first call
    minus one steady-state call.
    """
    start = time.perf_counter()
    first()
    first_s = time.perf_counter() - start
    for i in range(max(warmup, 1)):
        start = time.perf_counter()
        repeat(calls)
        seconds = time.perf_counter() - start
        if i == 0 and not fixed_calls and seconds > MAX_REPEAT_S:
            calls = max(1, int(calls * MAX_REPEAT_S / seconds))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        repeat(calls)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    per_call = median / calls
    return Timing(samples_per_call / per_call, max(first_s - per_call, 0.0), tuple(times))
