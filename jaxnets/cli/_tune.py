"""``jaxnets tune``: its flags, handed to :func:`jaxnets.tune.from_cli`."""

import os
from pathlib import Path

from jaxnets.cli._options import model_options, read_config


def add_tune(sub) -> None:
    p = sub.add_parser(
        "tune",
        help="hyperparameter search: K trials at a time trained as one vmapped population",
        description="Search a space of RunConfig fields with Optuna as the study record. "
        "Writes the study, tune.json, best.json (rerun with `jaxnets train --config`) and "
        "plots into --workdir; rerunning with the same --workdir resumes the study.",
    )
    p.add_argument("--space", type=Path, required=True, help="search space (.json/.yaml)")
    p.add_argument(
        "--strategy",
        default="tpe",
        help="manual | grid | random | guided | tpe | bayes | hypergrad (default tpe)",
    )
    p.add_argument("--trials", type=int, default=32, help="finished trials to reach")
    p.add_argument("--population", type=int, default=8, help="trials trained together")
    p.add_argument("--workdir", type=Path, default=Path("runs/tune"))
    p.add_argument("--storage", help="Optuna storage URL (default sqlite in --workdir)")
    p.add_argument("--workers", type=int, default=1, help="worker processes on this machine")
    p.add_argument("--pruner", default="none", help="none | median | halving")
    p.add_argument("--metric", default="error", help="error (1 - val accuracy) | loss")
    p.add_argument("--manual", type=Path, help="JSON list of configurations (manual)")
    p.add_argument("--no-test", action="store_true", help="skip scoring the best on test")
    p.add_argument("--config", type=Path, help="JSON file with base RunConfig fields")
    p.add_argument("--model", help="registered model name")
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--dataset", help="digits | spiral | mnist | names")
    p.add_argument("--data-dir", help="folder with the MNIST IDX files")
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--optimizer", help="sgd | momentum | nesterov | adagrad | rmsprop | adam")
    p.add_argument("--no-progress", action="store_true")


def tune(args) -> int:
    from jaxnets import tune

    base, config, space = tune.from_cli(
        config_values=read_config(args.config) if args.config else None,
        model=args.model,
        options=model_options(args.option, args.model or None) if args.option else {},
        dataset=args.dataset,
        data_dir=args.data_dir or os.environ.get("JAXNETS_DATA_DIR"),
        fit={"epochs": args.epochs, "batch_size": args.batch_size, "seed": args.seed},
        optimizer=args.optimizer,
        space=args.space,
        manual=args.manual,
        tune={
            "strategy": args.strategy,
            "trials": args.trials,
            "population": args.population,
            "metric": args.metric,
            "pruner": args.pruner,
            "storage": args.storage,
            "progress": not args.no_progress,
        },
    )
    result = tune.tune(
        base, space, config, args.workdir, workers=args.workers, final_test=not args.no_test
    )
    best = result.summary["best"]
    print(f"best trial {best['number']}: {config.metric} {best['value']:.4f} {best['config']}")
    if result.test is not None and "accuracy" in result.test:
        print(f"test accuracy {result.test['accuracy']:.4f} (the best configuration rerun alone)")
    print(f"study, tune.json, best.json and plots in {args.workdir}")
    return 0
