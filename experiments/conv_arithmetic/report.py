"""The measured section of conv_arithmetic's README, from its results.json record (no jax)."""

from experiments import _system as system


def _matrix(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in rows) + "]"


def _shape(shape) -> str:
    return "x".join(map(str, shape))


def _size(value) -> str:
    return str(value) if isinstance(value, int) else "refused"


def _weights(volume: dict) -> str:
    bias = volume["params_per_filter"] - volume["weights_per_filter"]
    return f"{volume['weights_per_filter']} (+{bias})"


BLURS = {"box blur": "1/9 [[1, 1, 1], ...]", "Gaussian blur": "1/16 [[1, 2, 1], [2, 4, 2], ...]"}


def alexnet_ratio(r: dict) -> float:
    """Full-size AlexNet (the paper's two towers) against the lecture's 60M."""
    a = r["alexnet"]
    return a["groups2_params"] / a["lecture_params"]


def report(record: dict) -> str:
    r = record["results"]
    sizes = r["output_sizes"]
    e = r["edge_detector"]
    d = r["dense_equivalent"]
    a = r["alexnet"]
    examples = [
        [
            "001 5x5 image * 3x3 kernel",
            "[[12, 12, 17], [10, 17, 19], [9, 6, 14]]",
            _matrix(r["conv_example"]["output"]),
        ],
        [
            "001 max pool 2x2, stride 2",
            "[[4, 5], [3, 4]]",
            _matrix(r["max_pool_example"]["output"]),
        ],
    ]
    for stride, lecture in (("1", "5"), ("2", "3"), ("3", "does not fit")):
        examples.append(
            [
                f"003 W = 5, F = 3, P = 1, S = {stride}: `conv_output_size` / `Conv2D`",
                lecture,
                f"{_size(sizes['formula'][stride])} / {_size(sizes['conv2d_layer'][stride])}",
            ]
        )
    six, alex1 = r["six_filters"], r["alexnet_conv1"]
    examples += [
        ["000 six 5x5x3 filters on 32x32x3", "28x28x6", _shape(six["output"])],
        [
            "003 weights of a 5x5x3 filter",
            "75 (+1)",
            _weights(six),
        ],
        [
            "003 AlexNet conv1: 96 11x11 filters, stride 4, on 227x227x3",
            "55x55x96",
            _shape(alex1["output"]),
        ],
        [
            "003 ... weights per filter",
            "363 (+1)",
            _weights(alex1),
        ],
        ["001 kernel {-1, 1} on a 320x280 image", "319x280", _shape(e["output_wh"])],
        [
            "001 ... operations: convolution",
            "319 x 280 x 3",
            f"{e['conv_ops']:,} ({e['ops_per_output']} an output); XLA counts "
            f"{e['xla_conv_flops']:,.0f}",
        ],
        [
            "001 ... naive fully connected matrix",
            "320 x 280 x 319 x 280",
            f"{e['dense_weights']:,} weights; XLA counts {e['xla_dense_flops']:,.0f}",
        ],
        [
            "001 ... dense / convolution",
            "",
            f"{e['dense_weights'] / e['conv_ops']:,.0f}x (XLA: "
            f"{e['xla_dense_flops'] / e['xla_conv_flops']:,.0f}x)",
        ],
        [
            f"{{-1, 1}} on the {_shape(d['image_hw'])} digit as a dense matrix (its Jacobian)",
            "",
            f"{_shape(d['matrix_shape'])}, {d['nonzeros']:,} non-zeros "
            f"({system.pct(d['nonzeros'] / (d['matrix_shape'][0] * d['matrix_shape'][1]), 2)}); "
            f"same output to {d['max_abs_diff']:.1g}",
        ],
        [
            "000 AlexNet (Krizhevsky 2012, two GPU towers)",
            "60M parameters",
            f"{a['groups2_params']:,} ({alexnet_ratio(r):.3f} x 60M); one tower: "
            f"{a['groups1_params']:,}",
        ],
    ]
    layers = [
        [row["layer"], row["kind"].lstrip("_"), _shape(row["output"]), f"{row['params']:,}"]
        for row in a["layers"]
    ]
    kernels = [
        [
            k["name"],
            _matrix(k["kernel"])
            if k["name"] not in ("box blur", "Gaussian blur")
            else (
                "1/9 [[1, 1, 1], ...]"
                if k["name"] == "box blur"
                else "1/16 [[1, 2, 1], [2, 4, 2], ...]"
            ),
            f"{k['tv_ratio']:.2f}",
            f"{k['flat_response']:.3g}",
            f"{k['max_abs_change']:.3g}",
        ]
        for k in r["kernels"]
    ]
    digit = r["digit"]
    return "\n\n".join(
        [
            system.table(["example", "lecture", "computed here"], examples, align="lll"),
            f"The refusal says: *{sizes['conv2d_layer']['3']}*",
            "Full-size AlexNet, layer by layer (`jaxnets.models.AlexNet`, shapes from "
            "`jax.eval_shape`; a tower row sums its two halves):",
            system.table(["layer", "type", "output", "params"], layers, align="lllr"),
            f"Lecture 003's kernels on {digit['dataset']} test digit {digit['index']} "
            f"(label {digit['label']}), zero padding 1. *TV ratio*: total variation of the "
            "output over the input's (below 1 smooths, above 1 sharpens); *flat*: the "
            "response to a constant image of ones (the kernel's sum: 0 for the edge "
            "detectors); *largest change*: max |output - input|.",
            system.table(
                ["kernel", "weights", "TV ratio", "flat", "largest change"], kernels, align="llrrr"
            ),
            system.figures(record),
        ]
    )
