"""``jaxnets summary``, ``predict`` and ``verify``: look at models and trained runs."""

from pathlib import Path

from jaxnets.cli._options import model_options


def add_summary(sub) -> None:
    p = sub.add_parser("summary", help="print a model's layers, output shapes and parameters")
    p.add_argument("--model", help="registered model name")
    p.add_argument(
        "--list", action="store_true", help="list the models (trainable, then architecture only)"
    )
    p.add_argument("--input-shape", help="per-example input shape, e.g. 28,28,1")
    p.add_argument("--num-classes", type=int, default=10)
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")


def summary(args) -> int:
    from jaxnets import models

    if args.list or not args.model:
        for name in models.model_names():
            print(f"{name:20s} {models.get_architecture(name).description}")
        for name in models.architecture_names():
            print(f"{name:20s} (architecture only) {models.get_architecture(name).description}")
        return 0
    spec = models.get_architecture(args.model)  # trainable or architecture only
    options = model_options(args.option, args.model)
    model = models.create(args.model, num_classes=args.num_classes, **options)
    shape = spec.example_input
    if args.input_shape:
        shape = tuple(int(s) for s in args.input_shape.split(","))
    print(models.summary(model, shape, dtype=spec.input_dtype))
    return 0


def add_predict(sub) -> None:
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


def predict(args) -> int:
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


def add_verify(sub) -> None:
    p = sub.add_parser(
        "verify", help="check every checkpoint of a workdir against its recorded hashes"
    )
    p.add_argument("--workdir", type=Path, required=True, help="the run's folder")


def verify(args) -> int:
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
