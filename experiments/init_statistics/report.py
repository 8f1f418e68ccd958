"""The measured section of init_statistics's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r, config = record["results"], record["config"]
    rows = []
    for s in r["schemes"]:
        first, last = s["layers"][0], s["layers"][-1]
        what = "saturated (abs > 0.99)" if s["activation"] == "tanh" else "dead (h = 0)"
        rows.append(
            [
                s["label"],
                s["activation"],
                f"{first['std']:.3f}",
                f"{s['layers'][2]['std']:.3f}",
                f"{last['std']:.4f}",
                f"{system.pct(last['saturated'])} {what}",
                f"{first['grad_norm']:.3g}",
                f"{last['grad_norm']:.3g}",
            ]
        )
    table = system.table(
        [
            "init",
            "act",
            "std layer 1",
            "std layer 3",
            "std layer 10",
            "layer 10 units",
            "grad norm layer 1",
            "grad norm layer 10",
        ],
        rows,
    )
    by_name = {s["initializer"]: s for s in r["schemes"]}
    lecture = [
        [
            "N(0, 1), layer 1",
            config["lecture_normal_std"][0],
            by_name["normal"]["layers"][0]["std"],
        ],
        [
            "N(0, 1), layer 10",
            config["lecture_normal_std"][1],
            by_name["normal"]["layers"][-1]["std"],
        ],
    ] + [
        [f"randn / sqrt(fan_in), layer {i + 1}", v, by_name["fan_in_normal"]["layers"][i]["std"]]
        for i, v in enumerate(config["lecture_fan_in_std"])
    ]
    lecture_table = system.table(
        ["std of", "lecture", "here"], [[a, f"{b:.3f}", f"{c:.3f}"] for a, b, c in lecture]
    )
    sym_rows = [
        [
            s["initializer"],
            " / ".join(
                f"{d} of {n}"
                for d, n in zip(s["distinct_units"], s["units_per_layer"], strict=True)
            ),
            f"{max(s['max_spread']):.3g}",
            system.pct(s["test_accuracy"]),
        ]
        for s in r["symmetry"]
    ]
    sym_table = system.table(
        [
            "init",
            "distinct hidden units after training",
            "largest unit-to-mean difference",
            "test accuracy",
        ],
        sym_rows,
    )
    return (
        table
        + "\n\nAgainst the lecture's printed run:\n\n"
        + lecture_table
        + f"\n\nW = 0 symmetry: a tanh MLP {tuple(config['symmetry_features'])} on the digits, "
        f"Adam 1e-2, {config['symmetry_epochs']} epochs:\n\n"
        + sym_table
        + "\n\n"
        + system.figures(record)
    )
