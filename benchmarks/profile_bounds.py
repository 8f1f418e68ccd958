"""What bounds the rows of train_throughput.py: a step split into its parts, XLA vs PyTorch.

python benchmarks/profile_bounds.py [--json PATH]

For the MLP 784-512-512-10 (batch 32, 128, 1024), LeNet-5 (256) and the LSTM char model
(64), times per step, in milliseconds (median of 20 after a warm-up), in both frameworks:
``grad`` (forward + backward, no optimizer), ``adam`` (the Adam update alone on the model's
parameters) and ``step`` (the whole training step); and the fp32 GFLOP/s of the MLP's
first-layer matmul (B, 784) @ (784, 512) and of the LSTM's per-step (64, 288) @ (288, 1024),
in XLA and in PyTorch. Needs torch (``.[bench]``).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import _torch_models
import jax
import jax.numpy as jnp
import optax
import torch
from _cases import PIXELS, Sizes, make_data
from _jax_paths import build_state

from jaxnets import losses, train

CASES = (("mlp", 32), ("mlp", 128), ("mlp", 1024), ("lenet5", 256), ("lstm", 64))
REPEATS = 20


def _ms(fn, block=jax.block_until_ready) -> float:
    block(fn())
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        block(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def jax_parts(model: str, batch: int, sizes: Sizes) -> dict[str, float]:
    state = build_state(model, sizes)
    data = jax.device_put(make_data(model, sizes, batch))
    per_example = losses.get_per_example(state.objective.loss)
    target = data["x"] if model == "autoencoder" else data["label"]

    @jax.jit
    def grad(params):
        return jax.grad(
            lambda p: per_example(state.apply_fn({"params": p}, data["x"]), target).mean()
        )(params)

    grads = grad(state.params)
    adam = jax.jit(lambda g, o, p: optax.apply_updates(p, state.tx.update(g, o, p)[0]))
    parts = {
        "grad": _ms(lambda: grad(state.params)),
        "adam": _ms(lambda: adam(grads, state.opt_state, state.params)),
    }
    holder = [state]  # train_step donates its state: thread it through

    def step():
        holder[0], metrics = train.train_step(holder[0], data)
        return holder[0], metrics

    parts["step"] = _ms(step)
    return parts


def torch_parts(model: str, batch: int, sizes: Sizes) -> dict[str, float]:
    module, loss_fn = _torch_models.build(model, sizes)
    batch_t = _torch_models._tensors(make_data(model, sizes, batch))
    opt = torch.optim.Adam(module.parameters())

    def grad():
        module.zero_grad(set_to_none=True)
        loss_fn(module(batch_t["x"]), batch_t).backward()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(module(batch_t["x"]), batch_t).backward()
        opt.step()

    def adam():
        opt.step()

    none = lambda _: None  # eager PyTorch on CPU is synchronous
    parts = {"grad": _ms(grad, none), "step": _ms(step, none)}
    grad()  # leave gradients in place for the optimizer-only timing
    parts["adam"] = _ms(adam, none)
    return parts


def matmul_gflops(m: int, k: int, n: int) -> dict[str, float]:
    """GFLOP/s of (m, k) @ (k, n) in XLA (jitted) and in PyTorch."""
    x = jax.random.normal(jax.random.key(0), (m, k))
    w = jax.random.normal(jax.random.key(1), (k, n))
    xt, wt = torch.randn(m, k), torch.randn(k, n)
    flops = 2.0 * m * k * n
    return {
        "xla": flops / _ms(lambda: jnp.matmul(x, w)) / 1e6,
        "torch": flops / _ms(lambda: xt @ wt, lambda _: None) / 1e6,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    threads = _torch_models.set_threads()
    sizes = Sizes()
    out = {"torch_threads": threads, "cases": [], "matmul": {}}
    print(f"{'model':<8}{'batch':>6}  {'part':<6}{'jax ms':>9}{'torch ms':>10}")
    for model, batch in CASES:
        jx, tc = jax_parts(model, batch, sizes), torch_parts(model, batch, sizes)
        out["cases"].append({"model": model, "batch": batch, "jax_ms": jx, "torch_ms": tc})
        for part in ("grad", "adam", "step"):
            print(f"{model:<8}{batch:>6}  {part:<6}{jx[part]:>9.3f}{tc[part]:>10.3f}")
    # The MLP's first layer at its three batches, and the LSTM's per-time-step product
    # [x_t, h_{t-1}] (B, E + H) @ (E + H, 4H) at B = 64.
    shapes = [(b, PIXELS, 512) for b in (32, 128, 1024)]
    shapes.append((64, sizes.embed + sizes.hidden, 4 * sizes.hidden))
    for m, k, n in shapes:
        out["matmul"][f"{m}x{k}x{n}"] = g = matmul_gflops(m, k, n)
        print(f"matmul ({m}, {k}) @ ({k}, {n}): XLA {g['xla']:.0f}, torch {g['torch']:.0f} GFLOP/s")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
