"""The jaxnets side: train states, the four training paths, the matmul peak, diagnostics.

Paths (each a row of the table):
- ``jit``: ``jaxnets.train.train_step`` (jitted, state donated) called once per batch from
  Python, the batches already on device;
- ``scan``: ``jaxnets.train.scan_epoch``, the whole epoch as one compiled ``lax.scan``;
- ``pmap``: ``pmap_train_step`` on a replicated state, batches split (D, B/D, ...);
- ``sharded``: ``sharded_train_step(mesh)``, state replicated and batches split over "data".
"""

import itertools
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from _cases import CLASSES, IMAGE, PIXELS, Case, Sizes, Timing, make_data, measure, split_batches
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from jaxnets import models, train

JAX_PATHS = ("jit", "scan", "pmap", "sharded")


def build_state(model: str, sizes: Sizes) -> train.TrainState:
    """A fresh jaxnets train state for ``model`` with Adam (PyTorch's defaults: lr 1e-3)."""
    tx = optax.adam(1e-3)
    key = jax.random.key(0)
    if model == "mlp":
        net, loss, shape, dtype = (
            models.MLP(features=sizes.mlp),
            "softmax_cross_entropy",
            (PIXELS,),
            jnp.float32,
        )
    elif model == "lenet5":
        net, loss, shape, dtype = (
            models.LeNet5(CLASSES),
            "softmax_cross_entropy",
            IMAGE,
            jnp.float32,
        )
    elif model == "autoencoder":
        net, loss, shape, dtype = (
            models.DenseAutoencoder(sizes.autoencoder),
            "logistic",
            (PIXELS,),
            jnp.float32,
        )
    elif model == "lstm":
        net = models.CharLM(sizes.vocab, hidden=sizes.hidden, cell="lstm", embed=sizes.embed)
        loss, shape, dtype = "sequence_softmax_cross_entropy", (sizes.seq,), jnp.int32
    else:
        raise ValueError(f"unknown model {model!r}")
    target = "input" if model == "autoencoder" else "label"
    objective = train.Objective(loss=loss, target=target, input_key="x")
    return train.init_state(net, tx, objective, shape, key=key, dtype=dtype)


def _blocked(tree) -> None:
    jax.block_until_ready(tree)


def _stepped(
    step, state, batches: list, case: Case, repeats: int, warmup: int, sync: bool = False
) -> Timing:
    """Time a Python loop of ``state, metrics = step(state, batch)`` over ``batches``.

    ``sync`` waits for every step: on fake CPU devices XLA's all-reduce rendezvous can
    deadlock when many collective steps are queued on a 2-thread pool (it did here, after 40 s
    of "waiting for all reduce"), so the parallel paths run one step at a time.
    """
    holder = {"state": state}

    def first():
        holder["state"], metrics = step(holder["state"], batches[0])
        _blocked((holder["state"], metrics))

    def repeat(calls: int):
        s = holder["state"]
        for i in range(calls):
            s, _ = step(s, batches[i % len(batches)])
            if sync:
                _blocked(s)
        holder["state"] = s
        _blocked(s)

    return measure(
        first,
        repeat,
        samples_per_call=case.batch,
        calls=case.steps,
        repeats=repeats,
        warmup=warmup,
    )


def run_path(path: str, case: Case, sizes: Sizes, *, repeats: int, warmup: int) -> Timing:
    """Samples/s and compile time of ``case`` through one jaxnets ``path``."""
    data = make_data(case.model, sizes, case.steps * case.batch)
    state = build_state(case.model, sizes)
    if path == "jit":
        batches = [jax.device_put(b) for b in split_batches(data, case.batch)]
        return _stepped(train.train_step, state, batches, case, repeats, warmup)
    if path == "scan":
        return _scan(state, jax.device_put(data), case, repeats, warmup)
    if path == "pmap":
        devices = jax.local_devices()
        split = NamedSharding(Mesh(np.asarray(devices), ("batch",)), P("batch"))
        batches = [
            jax.device_put(train.shard_for_pmap(b, len(devices)), split)
            for b in split_batches(data, case.batch)
        ]
        rstate = train.replicate(state)
        return _stepped(train.pmap_train_step, rstate, batches, case, repeats, warmup, sync=True)
    if path == "sharded":
        mesh = train.make_mesh()
        batches = [train.shard_batch(b, mesh) for b in split_batches(data, case.batch)]
        step = train.sharded_train_step(mesh)
        rstate = train.replicate_on_mesh(state, mesh)
        return _stepped(step, rstate, batches, case, repeats, warmup, sync=True)
    raise ValueError(f"unknown path {path!r}; choose from {JAX_PATHS}")


def _scan(state, data, case: Case, repeats: int, warmup: int) -> Timing:
    """Time ``scan_epoch`` calls, each one epoch of ``case.steps`` steps over ``data``."""
    holder = {"state": state, "epoch": 0}

    def call():
        holder["state"], metrics = train.scan_epoch(
            holder["state"], data, batch_size=case.batch, epoch=holder["epoch"], seed=0
        )
        holder["epoch"] += 1
        _blocked((holder["state"], metrics))

    # One call is one epoch; compile time is the first call minus a steady epoch.
    return measure(
        call,
        lambda calls: call(),
        samples_per_call=case.steps * case.batch,
        calls=1,
        repeats=repeats,
        warmup=warmup,
        fixed_calls=True,
    )


def _seconds(fn, *args, repeats: int, best: bool = False) -> float:
    """Median (or, for a peak, the fastest) wall time of ``fn(*args)`` after a warm-up."""
    _blocked(fn(*args))  # compile and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _blocked(fn(*args))
        times.append(time.perf_counter() - start)
    return min(times) if best else statistics.median(times)


def matmul_peak(sizes: tuple[int, ...], repeats: int) -> dict[str, float]:
    """fp32 GFLOP/s of one jitted square matmul (n, n) @ (n, n) through XLA, per n.

    The fastest of ``2 * repeats`` calls: a peak is what the machine can do, and on a shared
    machine the slower calls measure the other tenants.
    """
    matmul = jax.jit(jnp.matmul)
    out = {}
    for n in sizes:
        a = jax.random.normal(jax.random.key(0), (n, n), jnp.float32)
        b = jax.random.normal(jax.random.key(1), (n, n), jnp.float32)
        seconds = _seconds(matmul, a, b, repeats=2 * repeats, best=True)
        out[str(n)] = 2.0 * n**3 / seconds / 1e9
    return out


def dispatch_floor_us(calls: int = 2000) -> float:
    """Microseconds per call of a jitted no-op on a scalar: XLA's dispatch floor."""
    noop = jax.jit(lambda x: x + 1)
    x = jnp.zeros(())
    _blocked(noop(x))
    start = time.perf_counter()
    for _ in range(calls):
        x = noop(x)
    _blocked(x)
    return (time.perf_counter() - start) / calls * 1e6


def mlp_matmul_chain(widths: tuple[int, ...], batch: int, repeats: int) -> dict[str, float]:
    """The MLP's training matmuls alone: per layer x @ W, dY @ W^T, x^T @ dY, no bias,
    activation, loss or optimizer. Returns seconds per step and GFLOP/s (6 x weights x B)."""
    sizes = (PIXELS, *widths)
    keys = jax.random.split(jax.random.key(0), len(widths) + 1)
    shapes = itertools.pairwise(sizes)
    ws = [jax.random.normal(k, shape) * 0.01 for k, shape in zip(keys, shapes, strict=False)]
    x = jax.random.normal(keys[-1], (batch, PIXELS))

    @jax.jit
    def chain(ws, x):
        def f(ws):
            h = x
            for w in ws:
                h = h @ w
            return jnp.sum(h)

        return jax.grad(f)(ws)

    seconds = _seconds(chain, ws, x, repeats=repeats)
    flops = 6.0 * sum(a * b for a, b in itertools.pairwise(sizes)) * batch
    return {"seconds_per_step": seconds, "gflops": flops / seconds / 1e9}


def conv_weight_grad_in_scan(steps: int = 4, batch: int = 256) -> dict[str, float]:
    """Milliseconds per step of LeNet's C3 weight gradient (d conv / d kernel, 14x14x6 ->
    10x10x16) inside a rolled ``lax.scan`` and the same scan unrolled: why ``scan`` trails
    ``jit`` on LeNet-5 (see README)."""
    xs = jax.random.normal(jax.random.key(0), (steps, batch, 14, 14, 6))
    w = jax.random.normal(jax.random.key(1), (5, 5, 6, 16))

    def weight_grad(x, w):
        def conv_sum(w):
            dims = ("NHWC", "HWIO", "NHWC")
            return jax.lax.conv_general_dilated(x, w, (1, 1), "VALID", dimension_numbers=dims).sum()

        return jax.grad(conv_sum)(w)

    def scanned(xs, unroll):
        return jax.lax.scan(lambda c, x: (c, weight_grad(x, w)), 0.0, xs, unroll=unroll)[1]

    rolled = jax.jit(lambda xs: scanned(xs, 1))
    unrolled = jax.jit(lambda xs: scanned(xs, True))
    return {
        "rolled_ms": _seconds(rolled, xs, repeats=3) / steps * 1e3,
        "unrolled_ms": _seconds(unrolled, xs, repeats=3) / steps * 1e3,
    }
