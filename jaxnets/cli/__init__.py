"""The ``jaxnets`` command: demo, train, summary, verify, predict, autodiff, tune.

Flags are parsed in this package and only here; the library receives frozen config
dataclasses. One module per command family (``_train``, ``_inspect``, ``_tune``); this one
builds the parser, dispatches, and turns errors into one line or a bug report.
"""

import argparse
import os
import sys
import traceback
from pathlib import Path

from jaxnets.cli import _inspect, _train, _tune
from jaxnets.errors import UserError


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
    _train.add_train(sub)
    _inspect.add_summary(sub)
    _inspect.add_verify(sub)
    _inspect.add_predict(sub)
    _add_autodiff(sub)
    _tune.add_tune(sub)
    for subparser in sub.choices.values():  # `jaxnets train --debug` works too
        subparser.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show full tracebacks"
        )
    return parser


_COMMANDS = {
    "demo": _demo,
    "train": _train.train,
    "summary": _inspect.summary,
    "verify": _inspect.verify,
    "predict": _inspect.predict,
    "autodiff": _autodiff,
    "tune": _tune.tune,
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
