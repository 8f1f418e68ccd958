"""The ``jaxnets`` command: demo, train, summary, autodiff.

Flags are parsed here and only here; the library receives frozen config dataclasses.
"""

import argparse
import dataclasses
import json
import os
import sys
import traceback
from pathlib import Path

from jaxnets.errors import UserError


def _parse_value(text: str):
    """'3' -> 3, '0.5' -> 0.5, '256,256' -> (256, 256), 'true' -> True, else the string."""
    if "," in text:
        return tuple(_parse_value(part) for part in text.split(",") if part)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _options(pairs: list[str], model: str | None = None) -> dict:
    """``NAME=VALUE`` pairs as model options.

    A single value given for an option whose default is a tuple becomes a 1-tuple, so
    ``--option features=4`` means ``features=(4,)`` as ``features=4,`` does.
    """
    from jaxnets.errors import InvalidArgumentError

    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InvalidArgumentError(f"--option expects NAME=VALUE, got {pair!r}")
        options[name.strip()] = _parse_value(value.strip())
    if model is not None:
        defaults = _option_defaults(model)
        for name, value in options.items():
            if isinstance(defaults.get(name), tuple) and not isinstance(value, tuple):
                options[name] = (value,)
    return options


def _option_defaults(model: str) -> dict:
    """The default of every option of the registered ``model`` (builder and module fields)."""
    import inspect

    from jaxnets import models

    spec = models.get_architecture(model)
    defaults = {**vars(models.create(model)), **spec.defaults}
    for param in inspect.signature(spec.build).parameters.values():
        if param.default is not inspect.Parameter.empty:
            defaults[param.name] = param.default
    return defaults


def _add_train(sub) -> None:
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


def _read_config(path: Path) -> dict:
    from jaxnets.errors import InvalidArgumentError

    try:
        values = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise InvalidArgumentError(f"--config {path} is not valid JSON: {err}") from None
    if not isinstance(values, dict):
        raise InvalidArgumentError(f"--config {path} must hold a JSON object of RunConfig fields")
    return values


def _run_config(args):
    from jaxnets.train import RunConfig

    values = _read_config(args.config) if args.config else {}
    config = RunConfig.from_dict(values)
    top = {"model": args.model, "dataset": args.dataset, "l1": args.l1, "l2": args.l2}
    top["data_dir"] = args.data_dir or config.data_dir or os.environ.get("JAXNETS_DATA_DIR")
    if args.option:
        model = args.model or config.model
        top["model_options"] = {**config.model_options, **_options(args.option, model)}
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


def _train(args) -> int:
    from jaxnets.train import DistributedConfig, initialize_distributed, train_and_evaluate

    config = _run_config(args)
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


def _add_summary(sub) -> None:
    p = sub.add_parser("summary", help="print a model's layers, output shapes and parameters")
    p.add_argument("--model", help="registered model name")
    p.add_argument(
        "--list", action="store_true", help="list the models (trainable, then architecture only)"
    )
    p.add_argument("--input-shape", help="per-example input shape, e.g. 28,28,1")
    p.add_argument("--num-classes", type=int, default=10)
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")


def _summary(args) -> int:
    from jaxnets import models

    if args.list or not args.model:
        for name in models.model_names():
            print(f"{name:20s} {models.get_architecture(name).description}")
        for name in models.architecture_names():
            print(f"{name:20s} (architecture only) {models.get_architecture(name).description}")
        return 0
    spec = models.get_architecture(args.model)  # trainable or architecture only
    options = _options(args.option, args.model)
    model = models.create(args.model, num_classes=args.num_classes, **options)
    shape = spec.example_input
    if args.input_shape:
        shape = tuple(int(s) for s in args.input_shape.split(","))
    print(models.summary(model, shape, dtype=spec.input_dtype))
    return 0


def _add_predict(sub) -> None:
    p = sub.add_parser(
        "predict",
        help="apply a trained run's model to inputs in a .npy file",
        description="Load the newest verified checkpoint of --workdir and apply the model to "
        "--input (N, *input_shape) floats in [0, 1]. Classifiers print one line per example: "
        "index, predicted class, its probability.",
    )
    p.add_argument("--workdir", type=Path, required=True, help="the folder of a train run")
    p.add_argument("--input", type=Path, required=True, help=".npy file of inputs")
    p.add_argument("--output", type=Path, help="also save the raw outputs (.npy)")


def _predict(args) -> int:
    import numpy as np

    from jaxnets.errors import InvalidArgumentError
    from jaxnets.train import load
    from jaxnets.train._load import as_inputs, input_record

    try:
        x = np.load(args.input, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise InvalidArgumentError(
            f"--input {args.input}: cannot read a .npy array ({err})"
        ) from None
    model, variables, config = load(args.workdir)
    x = as_inputs(x, input_record(args.workdir), "--input")
    outputs = np.concatenate(
        [
            np.asarray(model.apply(variables, x[i : i + 1000], train=False))
            for i in range(0, len(x), 1000)
        ]
    )
    if args.output:
        np.save(args.output, outputs)
    from jaxnets import models

    if models.get_spec(config.model).target == "label":
        probs = np.exp(outputs - outputs.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        for i, row in enumerate(probs):
            print(f"{i}\t{int(row.argmax())}\t{row.max():.4f}")
    else:
        print(f"outputs {outputs.shape} " + (f"saved to {args.output}" if args.output else ""))
    return 0


def _add_verify(sub) -> None:
    p = sub.add_parser(
        "verify", help="check every checkpoint of a workdir against its recorded hashes"
    )
    p.add_argument("--workdir", type=Path, required=True, help="the run's folder")


def _verify(args) -> int:
    from jaxnets.errors import InvalidArgumentError
    from jaxnets.train import Checkpointer

    directory = args.workdir / "checkpoints"
    if not directory.is_dir():
        raise InvalidArgumentError(f"{args.workdir} has no checkpoints/ folder")
    with Checkpointer(directory) as checkpointer:
        report = checkpointer.verify()
    for number, problem in report:
        print(f"epoch {number}: {'ok' if problem is None else 'DAMAGED: ' + problem}")
    bad = sum(problem is not None for _, problem in report)
    print(f"{len(report) - bad} of {len(report)} checkpoints verify")
    return 1 if bad or not report else 0


def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="the offline main job: spiral and digits, with plots")
    p.add_argument("--out", type=Path, default=Path("demo_out"), help="where PNGs go")
    p.add_argument("--quick", action="store_true", help="a few epochs only (smoke run)")


def _demo(args) -> int:
    from jaxnets.demo import run_demo

    run_demo(args.out, epochs_scale=0.05 if args.quick else 1.0)
    return 0


def _add_autodiff(sub) -> None:
    from jaxnets.autodiff import command

    p = sub.add_parser(
        "autodiff", help="forward and reverse sweeps of the lecture example, as tables"
    )
    command.add_arguments(p)


def _autodiff(args) -> int:
    from jaxnets.autodiff import command

    return command.run(args)


def _add_tune(sub) -> None:
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


def _tune(args) -> int:
    from jaxnets import tune

    base, config, space = tune.from_cli(
        config_values=_read_config(args.config) if args.config else None,
        model=args.model,
        options=_options(args.option, args.model or None) if args.option else {},
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


class _Parser(argparse.ArgumentParser):
    """Fills help placeholders when help is shown, so building the parser imports nothing
    heavy: ``{default:fit.epochs}`` (RunConfig's default), ``{models}``, ``{datasets}``,
    ``{optimizers}``, ``{schedules}``."""

    def format_help(self) -> str:
        for action in self._actions:
            if action.help and "{" in action.help:
                action.help = _fill_help(action.help)
        return super().format_help()


def _fill_help(text: str) -> str:
    import re

    from jaxnets import models, optim
    from jaxnets.data import DATASETS
    from jaxnets.train import RunConfig

    def default(match) -> str:
        value = RunConfig()
        for part in match.group(1).split("."):
            value = getattr(value, part)
        return str(value)

    text = re.sub(r"\{default:([\w.]+)\}", default, text)
    lists = {
        "models": ", ".join(models.model_names()),
        "datasets": " | ".join(DATASETS),
        "optimizers": " | ".join(optim.OPTIMIZERS),
        "schedules": " | ".join(optim.SCHEDULES),
    }
    for name, value in lists.items():
        text = text.replace("{" + name + "}", value)
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jaxnets", description="Neural networks in JAX: train, inspect, differentiate."
    )
    from jaxnets import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    _add_demo(sub)
    _add_train(sub)
    _add_summary(sub)
    _add_verify(sub)
    _add_predict(sub)
    _add_autodiff(sub)
    _add_tune(sub)
    for subparser in sub.choices.values():  # `jaxnets train --debug` works too
        subparser.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show full tracebacks"
        )
    return parser


_COMMANDS = {
    "demo": _demo,
    "train": _train,
    "summary": _summary,
    "verify": _verify,
    "predict": _predict,
    "autodiff": _autodiff,
    "tune": _tune,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("interrupted; the last completed epoch's checkpoint is kept", file=sys.stderr)
        return 130
    except Exception as err:
        if args.debug:
            raise
        # Bad input (the library's UserError family) and the file system's refusals (their
        # message names the path) get one line; anything else is a bug in jaxnets.
        if isinstance(err, UserError | OSError):
            message = _name_flags(str(err), args) if isinstance(err, UserError) else err
            print(f"jaxnets {args.command}: error: {message}", file=sys.stderr)
            _exit_even_if_threads_hang(2)
            return 2
        traceback.print_exc()
        print(
            f"jaxnets {args.command}: internal error ({type(err).__name__}). This is a bug in "
            "jaxnets: please report it with the command line and the traceback above.",
            file=sys.stderr,
        )
        return 1


# Config fields and the flags that set them: (field in messages, args attribute, flag).
_FLAGS = (
    ("early_stopping_patience", "patience", "--patience"),
    ("validation_fraction", "validation_fraction", "--validation-fraction"),
    ("keep_checkpoints", "keep", "--keep"),
    ("batch_size", "batch_size", "--batch-size"),
    ("learning_rate", "lr", "--lr"),
    ("weight_decay", "weight_decay", "--weight-decay"),
    ("clip_norm", "clip_norm", "--clip-norm"),
    ("epochs", "epochs", "--epochs"),
    ("seed", "seed", "--seed"),
)


def _name_flags(message: str, args) -> str:
    """Errors of ``train`` name its flags (``--batch-size``), not the config fields."""
    import re

    if args.command != "train":
        return message
    for field_name, _, flag in _FLAGS:
        message = re.sub(rf"(?<![\w.-]){field_name}\b", flag, message)
    return message


def _exit_even_if_threads_hang(code: int) -> None:
    """End the process after a failure even if a library left non-daemon threads waiting.

    Orbax's save threads can wait forever after a failed write; Python would then never
    exit. Only when such threads remain, and only from the command line (``main`` returns
    normally to in-process callers such as tests).
    """
    import threading

    if _FROM_COMMAND_LINE and any(
        t.is_alive() and not t.daemon and t is not threading.main_thread()
        for t in threading.enumerate()
    ):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


_FROM_COMMAND_LINE = False


def console() -> None:
    """The ``jaxnets`` console script."""
    global _FROM_COMMAND_LINE
    _FROM_COMMAND_LINE = True
    sys.exit(main())


if __name__ == "__main__":
    console()
