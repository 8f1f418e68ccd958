"""LeNet-5 on MNIST: train, evaluate, plot the curves.

python experiments/lenet5_mnist/main.py --data-dir ../shared/data --out runs/lenet5
"""

import argparse
import os
import sys
import time
from pathlib import Path

try:  # python -m experiments.lenet5_mnist.main, or imported by the tests
    from .config import get_config
except ImportError:  # python experiments/lenet5_mnist/main.py
    sys.path.insert(0, str(Path(__file__).parent))
    from config import get_config

from jaxnets import plots
from jaxnets.train import train_and_evaluate


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("JAXNETS_DATA_DIR"))
    parser.add_argument("--out", type=Path, default=Path("runs/lenet5_mnist"))
    parser.add_argument("--quick", action="store_true", help="1 epoch of an MLP on digits")
    args = parser.parse_args(argv)
    config = get_config(args.data_dir, quick=args.quick)
    start = time.perf_counter()
    result = train_and_evaluate(config, args.out / "workdir")
    seconds = time.perf_counter() - start
    plots.training_curves(result.fit.history, args.out / "curves.png", title=config.model)
    summary = {
        "model": config.model,
        "params": result.num_params,
        "test_accuracy": result.test["accuracy"],
        "epochs": len(result.fit.history),
        "wall_s": seconds,
        "compile_s": result.fit.compile_s,
    }
    for row in result.fit.history:
        print(
            f"epoch {row['epoch']}: test accuracy {row['test_accuracy']:.4f}, "
            f"{row['examples_per_s']:.0f} examples/s"
        )
    print(
        f"test accuracy {summary['test_accuracy']:.4f} after {summary['epochs']} epochs "
        f"({seconds:.0f} s, compile {summary['compile_s']:.1f} s); curves in {args.out}"
    )
    return summary


if __name__ == "__main__":
    main()
