"""MNIST time to 99% test accuracy with LeNet-5: training seconds, compile apart.

The data lives on the device and each epoch is one compiled ``lax.scan``
(``FitConfig(scan=True)``); the clock is ``fit``'s per-epoch ``epoch_s`` (training only: the
compile and the per-epoch test evaluation are not counted, as in the public speed records).
The run stops at the first epoch whose test accuracy reaches ``--target``.

    python benchmarks/mnist_speedrun.py                      # the real run (GPU: ~seconds)
    python benchmarks/mnist_speedrun.py --quick              # a 4,096-digit smoke run
    JAX_PLATFORMS=cpu python benchmarks/mnist_speedrun.py --quick --json runs/speedrun.json

MNIST is read from ``--data-dir`` or ``$JAXNETS_DATA_DIR`` (the IDX files; no download).
"""

import argparse
import json
import os
import time
from pathlib import Path

import jax
import numpy as np
import optax

from jaxnets import data, models
from jaxnets.train import FitConfig, Objective, fit, init_state, num_params


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4,096 training digits, 2 epochs")
    parser.add_argument("--target", type=float, default=0.99, help="test accuracy to reach")
    parser.add_argument("--epochs", type=int, default=12, help="at most this many epochs")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=3e-3, help="one-cycle peak")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=os.environ.get("JAXNETS_DATA_DIR"))
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.target = min(args.epochs, 2), min(args.target, 0.5)
    return args


def _head(split: dict, n: int) -> dict:
    return {k: v[:n] for k, v in split.items()}


def run(args) -> dict:
    dataset = data.load_dataset("mnist", data_dir=args.data_dir, seed=args.seed)
    train, test = dataset.train, dataset.test
    if args.quick:
        train, test = _head(train, 4096), _head(test, 1000)
    steps_per_epoch = len(train[dataset.input_key]) // args.batch_size
    schedule = optax.cosine_onecycle_schedule(
        transition_steps=args.epochs * steps_per_epoch, peak_value=args.learning_rate
    )
    spec = models.get_spec("lenet5")
    state = init_state(
        models.create("lenet5"),
        optax.adam(schedule),
        Objective(spec.loss, spec.target, dataset.input_key),
        dataset.input_shape,
        key=jax.random.key(args.seed),
    )
    params = num_params(state.params)
    start = time.perf_counter()
    config = FitConfig(
        epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, scan=True, progress="lines"
    )
    result = fit(
        state, train, test, config, on_epoch=lambda row: row["test_accuracy"] >= args.target
    )
    wall = time.perf_counter() - start
    history = result.history
    train_s = np.cumsum([r["epoch_s"] for r in history]).tolist()
    reached = next((i for i, r in enumerate(history) if r["test_accuracy"] >= args.target), None)
    return {
        "machine": {
            "backend": jax.default_backend(),
            "device": str(jax.devices()[0].device_kind),
            "jax": jax.__version__,
            "cpu_count": os.cpu_count(),
            "load_avg_start": list(os.getloadavg()),
        },
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "params": params,
        "train_examples": len(train[dataset.input_key]),
        "compile_s": result.compile_s,
        "wall_s": wall,
        "epochs": [
            {"epoch": r["epoch"], "test_accuracy": r["test_accuracy"], "train_s": t}
            for r, t in zip(history, train_s, strict=True)
        ],
        "target": args.target,
        "epochs_to_target": None if reached is None else reached + 1,
        "seconds_to_target": None if reached is None else train_s[reached],
    }


def main(argv=None) -> dict:
    args = parse_args(argv)
    result = run(args)
    m = result["machine"]
    print(f"\n{m['device']} ({m['backend']}), jax {m['jax']}; LeNet-5, {result['params']:,} params")
    print(f"{'epoch':>5}  {'test acc':>8}  {'train s':>8}")
    for row in result["epochs"]:
        print(f"{row['epoch']:>5}  {row['test_accuracy']:>8.4f}  {row['train_s']:>8.2f}")
    if result["seconds_to_target"] is None:
        print(f"target {result['target']:.2%} not reached in {args.epochs} epochs")
    else:
        print(
            f"{result['target']:.2%} after {result['epochs_to_target']} epochs: "
            f"{result['seconds_to_target']:.2f} s of training (compile {result['compile_s']:.1f} s)"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    main()
