"""Lecture claims shown by conv_arithmetic: the worked convolution numbers, the edge
detector's cost, AlexNet's parameter count and what the classic kernels do."""

from experiments._claims import Claim, E, _r
from experiments.conv_arithmetic.report import alexnet_ratio

NAME = "conv_arithmetic"
CMD = E + NAME


def _c(records) -> dict:
    return _r(records, NAME)


def _shape(shape) -> str:
    return "x".join(map(str, shape))


def _matrix(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in rows) + "]"


def _kernels(records) -> dict:
    return {k["name"]: k for k in _c(records)["kernels"]}


def _kernels_hold(records) -> bool:
    k = _kernels(records)
    edges = [v for name, v in k.items() if name.startswith("edge")]
    return (
        k["identity"]["max_abs_change"] == 0
        and max(k["box blur"]["tv_ratio"], k["Gaussian blur"]["tv_ratio"]) < 1
        and k["sharpen"]["tv_ratio"] > 1
        and all(abs(v["flat_response"]) < 1e-6 for v in edges)
    )


def _sizes(records) -> dict:
    return _c(records)["output_sizes"]


# The lecture's reading of "60M": within a few percent (5%) of 60 million.
ALEXNET_TOLERANCE = 0.05

CLAIMS = [
    Claim(
        "000-conv-28x28x6",
        "000 Convolution layer",
        "6 filters 5x5x3 on a 32x32x3 image give a 28x28x6 volume",
        CMD,
        lambda R: _shape(_c(R)["six_filters"]["output"]),
        lambda R: _c(R)["six_filters"]["output"] == [28, 28, 6],
    ),
    Claim(
        "000-alexnet-60m",
        "000 Case study: AlexNet",
        "AlexNet has 60M parameters",
        CMD,
        lambda R: (
            f"{_c(R)['alexnet']['groups2_params']:,} parameters in the paper's layer sizes "
            f"({alexnet_ratio(_c(R)):.3f} x 60M; "
            f"{_c(R)['alexnet']['groups1_params']:,} without the two-GPU split)"
        ),
        lambda R: abs(alexnet_ratio(_c(R)) - 1) < ALEXNET_TOLERANCE,
        why="the count is more than 5% away from 60 million",
    ),
    Claim(
        "001-conv-example",
        "001 Convolution operation",
        "the 5x5 image and 3x3 kernel give [[12,12,17],[10,17,19],[9,6,14]]",
        CMD,
        lambda R: _matrix(_c(R)["conv_example"]["output"]),
        lambda R: _c(R)["conv_example"]["output"] == [[12, 12, 17], [10, 17, 19], [9, 6, 14]],
    ),
    Claim(
        "001-conv-319",
        "001 Convolution efficiency",
        "a 320x280 image and the kernel {-1, 1} give 319x280",
        CMD,
        lambda R: _shape(_c(R)["edge_detector"]["output_wh"]),
        lambda R: _c(R)["edge_detector"]["output_wh"] == [319, 280],
    ),
    Claim(
        "001-conv-efficiency",
        "001 Convolution efficiency",
        "convolution: 319 x 280 x 3 ops; naive fully connected matrix: 320 x 280 x 319 x 280",
        CMD,
        lambda R: (
            f"{_c(R)['edge_detector']['conv_ops']:,} vs "
            f"{_c(R)['edge_detector']['dense_weights']:,} from the layers' shapes; XLA counts "
            f"{_c(R)['edge_detector']['xla_conv_flops']:,.0f} vs "
            f"{_c(R)['edge_detector']['xla_dense_flops']:,.0f}"
        ),
        lambda R: (
            _c(R)["edge_detector"]["conv_ops"] == 319 * 280 * 3
            and _c(R)["edge_detector"]["dense_weights"] == 320 * 280 * 319 * 280
            # XLA's own counts (2 flops a multiply-add) keep the gap: over 10^4 times.
            and _c(R)["edge_detector"]["xla_dense_flops"]
            > 1e4 * _c(R)["edge_detector"]["xla_conv_flops"]
        ),
    ),
    Claim(
        "001-maxpool",
        "001 Pooling",
        "2x2 max pool, stride 2, of the 4x4 example gives [[4,5],[3,4]]",
        CMD,
        lambda R: _matrix(_c(R)["max_pool_example"]["output"]),
        lambda R: _c(R)["max_pool_example"]["output"] == [[4, 5], [3, 4]],
    ),
    Claim(
        "003-conv-sizes",
        "003 Hyperparameters of CONV layer",
        "(5 - 3 + 2)/1 + 1 = 5; stride 2: 3; stride 3 does not fit",
        CMD,
        lambda R: (
            f"{_sizes(R)['formula']['1']}, {_sizes(R)['formula']['2']}, stride 3 refused "
            "(formula and Conv2D alike)"
        ),
        lambda R: (
            all(_sizes(R)[how]["1"] == 5 for how in ("formula", "conv2d_layer"))
            and all(_sizes(R)[how]["2"] == 3 for how in ("formula", "conv2d_layer"))
            and all("does not fit" in _sizes(R)[how]["3"] for how in ("formula", "conv2d_layer"))
        ),
    ),
    Claim(
        "003-conv-75-weights",
        "003 CONV layer",
        "a 5x5x3 filter has 75 weights (+1)",
        CMD,
        lambda R: (
            f"{_c(R)['six_filters']['weights_per_filter']} weights, "
            f"{_c(R)['six_filters']['params_per_filter']} parameters a filter"
        ),
        lambda R: (
            _c(R)["six_filters"]["weights_per_filter"] == 75
            and _c(R)["six_filters"]["params_per_filter"] == 76
        ),
    ),
    Claim(
        "003-alexnet-conv1",
        "003 Example: AlexNet",
        "227x227x3, 11x11 filters, stride 4: 55x55x96; 11*11*3 = 363 weights (+1) a filter",
        CMD,
        lambda R: (
            f"{_shape(_c(R)['alexnet_conv1']['output'])}, "
            f"{_c(R)['alexnet_conv1']['params_per_filter']} a filter"
        ),
        lambda R: (
            _c(R)["alexnet_conv1"]["output"] == [55, 55, 96]
            and _c(R)["alexnet_conv1"]["weights_per_filter"] == 363
            and _c(R)["alexnet_conv1"]["params_per_filter"] == 364
        ),
    ),
    Claim(
        "003-kernels",
        "003 Features (table of filters)",
        "identity, edge detection, sharpen, box blur and Gaussian blur kernels",
        CMD,
        lambda R: (
            "on a digit: identity changes nothing "
            f"(max {_kernels(R)['identity']['max_abs_change']:g}); total variation x"
            f"{_kernels(R)['box blur']['tv_ratio']:.2f} box blur, x"
            f"{_kernels(R)['Gaussian blur']['tv_ratio']:.2f} Gaussian, x"
            f"{_kernels(R)['sharpen']['tv_ratio']:.2f} sharpen; edge detectors give "
            + ", ".join(
                f"{v['flat_response']:g}" for n, v in _kernels(R).items() if n.startswith("edge")
            )
            + " on a flat image"
        ),
        _kernels_hold,
        why="a kernel does not do what its name says on the digit",
    ),
]
