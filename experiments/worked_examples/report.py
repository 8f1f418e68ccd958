"""The measured section of worked_examples' README, from its results.json record (no jax)."""

from experiments import _system as system


def _matrix(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in rows) + "]"


def report(record: dict) -> str:
    r = record["results"]
    rows = [
        [
            "001 convolution example (5x5 input, 3x3 kernel)",
            "[[12, 12, 17], [10, 17, 19], [9, 6, 14]]",
            _matrix(r["conv_output"]),
        ],
        ["001 max pool 2x2, stride 2", "[[4, 5], [3, 4]]", _matrix(r["max_pool_output"])],
        ["003 W = 5, F = 3, P = 1, S = 1", "5", r["output_size_stride1"]],
        ["003 ... S = 2", "3", r["output_size_stride2"]],
        ["003 ... S = 3", "does not fit", r["output_size_stride3"]],
        [
            "000 six 5x5x3 filters on 32x32x3",
            "28x28x6",
            "x".join(map(str, r["six_5x5x3_filters_on_32x32x3"])),
        ],
        ["003 weights of a 5x5x3 filter", "75 (+1)", r["params_per_5x5x3_filter"]],
        [
            "003 AlexNet conv1: 96 11x11 filters, stride 4, on 227x227x3",
            "55x55x96",
            "x".join(map(str, r["alexnet_conv1_shape"])),
        ],
        ["003 ... weights per filter", "363 (+1)", r["alexnet_conv1_params_per_filter"]],
        [
            "001 kernel {-1, 1} on a 320x280 image",
            "319x280",
            f"{r['edge_kernel_320x280_output_hw'][1]}x{r['edge_kernel_320x280_output_hw'][0]}",
        ],
        ["003 3-4-2 net parameters", "26", r["mlp_3_4_2_params"]],
        ["000, 003 3-4-4-1 net parameters", "41", r["mlp_3_4_4_1_params"]],
        ["001 autoencoder 784-32-784", "50,992", f"{r['autoencoder_params']:,}"],
        ["001 deep autoencoder", "222,384", f"{r['deep_autoencoder_params']:,}"],
        ["001 LeNet-5 with the C3 table", "(Table I)", f"{r['lenet5_c3_params']:,}"],
        [
            "003 grad of (x1 x2 sin x3 + e^(x1 x2)) / x3 at (1, 2, pi/2)",
            ", ".join(f"{v:.6g}" for v in r["lecture_grad"]),
            ", ".join(f"{v:.6g}" for v in r["autodiff_grad"]),
        ],
        [
            "002 softmax([z, 0]) = sigmoid(z): max difference on [-8, 8]",
            "0",
            f"{r['softmax_vs_sigmoid_max_diff']:.1e}",
        ],
        [
            "001 tanh(z) = 2 sigmoid(2z) - 1: max difference on [-8, 8]",
            "0",
            f"{r['tanh_vs_scaled_sigmoid_max_diff']:.1e}",
        ],
        ["003 char RNN trained on 'hell' -> 'ello' reads 'hell' as", "ello", r["hello_prediction"]],
    ]
    return system.table(["example", "lecture", "computed here"], rows, align="lll")
