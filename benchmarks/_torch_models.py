"""The PyTorch baselines: the same four architectures, eager and ``torch.compile``.

Benchmark-only (``pip install -e .[bench]`` installs torch==2.13.0); jaxnets never imports
torch. Each step is ``zero_grad -> loss -> backward -> Adam.step`` with ``torch.optim.Adam``
at its defaults (lr 1e-3), on the GPU when torch sees one (``DEVICE``), else on CPU with
``torch.set_num_threads(os.cpu_count())``. The
``torch_compile`` path compiles the model (forward and, through AOTAutograd, backward);
the optimizer step stays eager.
"""

import itertools
import os
import time

import torch
import torch.nn.functional as F
from _cases import (
    CLASSES,
    PIXELS,
    Case,
    Sizes,
    Timing,
    autoencoder_widths,
    make_data,
    measure,
    split_batches,
)
from torch import nn

TORCH_PATHS = ("torch", "torch_compile")
# The same accelerator as jax's default backend on a GPU machine (benchmarks/gpu.sh).
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _sync() -> None:
    """Wait for queued CUDA kernels, so a timed repeat ends when its work does."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def set_threads() -> int:
    """Use every core, as XLA does, and flush denormals to zero, as XLA:CPU does; returns
    the thread count.

    Without the flush, Adam's first moments of parameters whose gradient is zero (dead ReLU
    units) decay by 0.9 a step into the denormal range after ~700 steps, and every op on them
    takes the CPU's slow path: measured here, MLP batch 32 fell from 16.2k to 6.7k samples/s
    as the repeats went on (1,750 steps), which measures the FP mode, not the framework.
    """
    torch.set_num_threads(os.cpu_count() or 1)
    torch.set_flush_denormal(True)
    return torch.get_num_threads()


def _dense_stack(widths: tuple[int, ...], inputs: int) -> nn.Sequential:
    # Linear -> ReLU repeated, the last layer linear: jaxnets' MLP.
    layers: list[nn.Module] = []
    sizes = (inputs, *widths)
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 1:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class LeNet5(nn.Module):
    """jaxnets' LeNet5 defaults: ReLU, max pooling, full C3, NCHW (torch's native layout)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.c5, self.f6, self.out = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, CLASSES)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)  # (B, 6, 14, 14)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)  # (B, 16, 5, 5)
        x = F.relu(self.c5(x.flatten(1)))
        return self.out(F.relu(self.f6(x)))


class CharLSTM(nn.Module):
    """Embedding -> one-layer LSTM -> Linear head: (B, T) tokens -> (B, T, V) logits."""

    def __init__(self, sizes: Sizes):
        super().__init__()
        self.embed = nn.Embedding(sizes.vocab, sizes.embed)
        self.lstm = nn.LSTM(sizes.embed, sizes.hidden, batch_first=True)
        self.head = nn.Linear(sizes.hidden, sizes.vocab)

    def forward(self, tokens):
        hs, _ = self.lstm(self.embed(tokens))
        return self.head(hs)


def build(model: str, sizes: Sizes):
    """(module, loss(outputs, batch)) with jaxnets' losses: mean over the batch."""
    if model == "mlp":
        return _dense_stack(sizes.mlp, PIXELS), lambda out, b: F.cross_entropy(out, b["label"])
    if model == "lenet5":
        return LeNet5(), lambda out, b: F.cross_entropy(out, b["label"])
    if model == "autoencoder":
        # jaxnets' "logistic" loss: summed over pixels, mean over the batch.
        def logistic(out, b):
            x = b["x"]
            return F.binary_cross_entropy_with_logits(out, x, reduction="sum") / x.shape[0]

        return _dense_stack(autoencoder_widths(sizes), PIXELS), logistic
    if model == "lstm":
        # Mean over time and batch of the next-token cross-entropy.
        def sequence_ce(out, b):
            return F.cross_entropy(out.flatten(0, 1), b["label"].flatten())

        return CharLSTM(sizes), sequence_ce
    raise ValueError(f"unknown model {model!r}")


def _tensors(batch: dict) -> dict:
    out = {k: torch.from_numpy(v.copy()).to(DEVICE) for k, v in batch.items()}
    if out["x"].ndim == 4:
        out["x"] = out["x"].permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    if "label" in out:
        out["label"] = out["label"].long()
    if not out["x"].is_floating_point():
        out["x"] = out["x"].long()
    return out


def run_path(path: str, case: Case, sizes: Sizes, *, repeats: int, warmup: int) -> Timing:
    """Samples/s and compile time of ``case`` in PyTorch eager or compiled."""
    torch.manual_seed(0)
    module, loss_fn = build(case.model, sizes)
    module = module.to(DEVICE)
    forward = torch.compile(module) if path == "torch_compile" else module
    opt = torch.optim.Adam(module.parameters())
    batches = [
        _tensors(b)
        for b in split_batches(make_data(case.model, sizes, case.steps * case.batch), case.batch)
    ]

    def step(batch):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(forward(batch["x"]), batch)
        loss.backward()
        opt.step()

    def repeat(calls: int):
        for i in range(calls):
            step(batches[i % len(batches)])
        _sync()

    def first():
        step(batches[0])
        _sync()

    return measure(
        first,
        repeat,
        samples_per_call=case.batch,
        calls=case.steps,
        repeats=repeats,
        warmup=warmup,
    )


def op_floor_us(calls: int = 2000) -> float:
    """Microseconds per eager op on a tiny tensor: PyTorch's per-op dispatch floor."""
    x = torch.zeros(8)
    start = time.perf_counter()
    for _ in range(calls):
        x.add_(1.0)
    return (time.perf_counter() - start) / calls * 1e6


def matmul_gflops(n: int = 1024, repeats: int = 10) -> float:
    """fp32 GFLOP/s of torch's (oneDNN/MKL) square matmul, the fastest of ``repeats``: the
    same hardware through another BLAS, to tell XLA's dot speed from the machine's."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2.0 * n**3 / min(times) / 1e9
