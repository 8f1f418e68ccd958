"""``jaxnets train``: its flags, and the RunConfig they build over ``--config``."""

import dataclasses
import os
from pathlib import Path

from jaxnets.cli._options import model_options, read_config


def add_train(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train a model on a data set, with checkpoints and metrics in --workdir",
        description="Train, evaluate and checkpoint. Flags override --config (JSON, fields "
        "in docs/config.md); rerunning with the same --workdir resumes from its latest "
        "checkpoint. Defaults are RunConfig's.",
    )
    p.add_argument("--config", type=Path, help="JSON file with RunConfig fields")
    p.add_argument("--model", help="a trainable model: {models} (default {default:model})")
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="model attribute, e.g. --option hidden=256,256 for the mlp (repeatable)",
    )
    p.add_argument("--dataset", help="{datasets} (default {default:dataset})")
    p.add_argument("--data-dir", help="folder with the MNIST IDX files (default $JAXNETS_DATA_DIR)")
    p.add_argument("--epochs", type=int, help="(default {default:fit.epochs})")
    p.add_argument("--batch-size", type=int, help="(default {default:fit.batch_size})")
    p.add_argument("--seed", type=int, help="(default {default:fit.seed})")
    p.add_argument("--optimizer", help="{optimizers} (default {default:optimizer.name})")
    p.add_argument(
        "--lr", type=float, help="learning rate (default {default:optimizer.learning_rate})"
    )
    p.add_argument("--schedule", help="{schedules} (default {default:optimizer.schedule.name})")
    p.add_argument("--weight-decay", type=float, help="(default {default:optimizer.weight_decay})")
    p.add_argument("--clip-norm", type=float, help="clip the global gradient norm (default none)")
    p.add_argument("--l1", type=float, help="(default {default:l1})")
    p.add_argument("--l2", type=float, help="(default {default:l2})")
    p.add_argument(
        "--validation-fraction",
        type=float,
        help="share of train held out for early stopping "
        "(default {default:fit.validation_fraction})",
    )
    p.add_argument("--patience", type=int, help="early-stopping patience in epochs (default none)")
    p.add_argument(
        "--keep", type=int, help="checkpoints to keep (default {default:fit.keep_checkpoints})"
    )
    p.add_argument("--workdir", type=Path, help="checkpoints, metrics.jsonl, config.json")
    p.add_argument(
        "--override",
        action="store_true",
        help="resume --workdir with settings that differ from its config.json (the change is "
        "recorded in config_history.jsonl)",
    )
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="one line per epoch instead of a bar (the default when stderr is not a terminal)",
    )
    p.add_argument("--quiet", action="store_true", help="print only the final test score")
    p.add_argument(
        "--parallel",
        choices=("none", "pmap", "sharded"),
        help="split each batch over the devices: pmap, or sharded jit over all (multi-host) ones",
    )
    p.add_argument(
        "--scan",
        choices=("auto", "on", "off"),
        help="whole epochs as one compiled lax.scan (auto: when the data fit on the device)",
    )
    _add_distributed(p)


def _add_distributed(p) -> None:
    env = os.environ
    p.add_argument(
        "--coordinator",
        default=env.get("JAXNETS_COORDINATOR"),
        help="multi-host: host:port of process 0's coordinator (default $JAXNETS_COORDINATOR)",
    )
    p.add_argument(
        "--num-processes",
        type=int,
        default=env.get("JAXNETS_NUM_PROCESSES"),
        help="multi-host: number of processes (default $JAXNETS_NUM_PROCESSES)",
    )
    p.add_argument(
        "--process-id",
        type=int,
        default=env.get("JAXNETS_PROCESS_ID"),
        help="multi-host: this process's id, 0..N-1 (default $JAXNETS_PROCESS_ID)",
    )


def run_config(args):
    from jaxnets.train import RunConfig

    values = read_config(args.config) if args.config else {}
    config = RunConfig.from_dict(values)
    top = {"model": args.model, "dataset": args.dataset, "l1": args.l1, "l2": args.l2}
    top["data_dir"] = args.data_dir or config.data_dir or os.environ.get("JAXNETS_DATA_DIR")
    if args.option:
        model = args.model or config.model
        top["model_options"] = {**config.model_options, **model_options(args.option, model)}
    opt = {"name": args.optimizer, "learning_rate": args.lr, "weight_decay": args.weight_decay}
    opt["clip_norm"] = args.clip_norm
    fit = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "validation_fraction": args.validation_fraction,
        "early_stopping_patience": args.patience,
        "keep_checkpoints": args.keep,
        "progress": False if args.quiet else ("lines" if args.no_progress else None),
        "parallel": args.parallel,
        "scan": {"auto": "auto", "on": True, "off": False}.get(args.scan),
    }
    schedule = {"name": args.schedule}

    def given(d):
        return {k: v for k, v in d.items() if v is not None}

    optimizer = dataclasses.replace(
        config.optimizer,
        schedule=dataclasses.replace(config.optimizer.schedule, **given(schedule)),
        **given(opt),
    )
    return dataclasses.replace(
        config,
        optimizer=optimizer,
        fit=dataclasses.replace(config.fit, **given(fit)),
        **given(top),
    )


def train(args) -> int:
    from jaxnets.train import DistributedConfig, initialize_distributed, train_and_evaluate

    config = run_config(args)
    # argparse applies `type` to string defaults too, so env values arrive as ints.
    initialize_distributed(
        DistributedConfig(args.coordinator or None, args.num_processes, args.process_id)
    )
    result = train_and_evaluate(config, args.workdir, override=args.override)
    test = result.test
    if not args.quiet:
        print(f"model {config.model}: {result.num_params:,} parameters")
        if args.workdir:
            print(f"checkpoints and metrics.jsonl in {args.workdir}")
    # The last line is always the test score, as the README promises.
    if "accuracy" in test:
        print(f"test accuracy {test['accuracy']:.4f} (test loss {test['loss']:.4f})")
    else:
        print(f"test loss {test['loss']:.6f}")
    return 0
