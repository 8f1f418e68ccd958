"""The measured section of worked_examples' README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r = record["results"]
    rows = [
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
    ]
    return system.table(["example", "lecture", "computed here"], rows, align="lll")
