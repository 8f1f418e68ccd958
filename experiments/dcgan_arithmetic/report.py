"""The measured section of dcgan_arithmetic's README, from its results.json record (no jax)."""

from experiments import _system as system


def _pct(x: float) -> str:
    return system.pct(x, 0)


def report(record: dict) -> str:
    r = record["results"]
    config = record["config"]
    judge, gan = r["classifier"], r["gan"]
    conf = config["confidence"]
    needed = gan["epochs_to_legible"]
    legible = (
        f"first exceeds {_pct(config['legible_fraction'])} at epoch **{needed}** "
        f"({needed * gan['steps_per_epoch']:,} steps of {config['batch_size']})"
        if needed is not None
        else f"never exceeds {_pct(config['legible_fraction'])} in {len(gan['history']) - 1} epochs"
    )
    head = (
        f"Judge: {judge['name']} ({judge['epochs']} epochs, {judge['train_s']:.0f} s), test "
        f"accuracy {_pct(judge['test_accuracy'])}. Labelled with p > {conf}: real test digits "
        f"{_pct(judge['real']['confident'])} (inception-score analogue "
        f"{judge['real']['inception_score']:.2f}), uniform noise "
        f"{_pct(judge['noise']['confident'])} ({judge['noise']['inception_score']:.2f}).\n\n"
        f"DCGAN: {gan['g_params']:,} / {gan['d_params']:,} parameters (G / D), "
        f"{len(gan['history']) - 1} epochs in {gan['train_s']:.0f} s. The fraction of "
        f"{config['eval_samples']} fixed codes whose sample the judge labels with p > {conf} "
        f"{legible}."
    )
    rows = [
        [
            h["epoch"],
            f"{h.get('epoch_s', 0):.0f} s" if "epoch_s" in h else "-",
            _pct(h["confident"]),
            f"{h['class_entropy']:.2f}",
            f"{h['inception_score']:.2f}",
            f"{h['d_real']:.2f}" if "d_real" in h else "-",
            f"{h['eval_d_fake']:.2f}",
        ]
        for h in gan["history"]
    ]
    curve = system.table(
        ["epoch", "time", f"p > {conf}", "H(p(y)) nats", "IS analogue", "D(real)", "D(G(z))"],
        rows,
    )
    a = r["arithmetic"]
    arith = system.table(
        ["analogy", "trials", "as intended", "and confident", "control (random direction)"],
        [
            [
                "class: mean(A) - mean(B) + a B -> an A",
                a["class"]["trials"],
                _pct(a["class"]["intended"]),
                _pct(a["class"]["intended_confident"]),
                _pct(a["class"]["control_intended"]),
            ],
            [
                "style: heavy K - light K + a J -> a heavier J",
                a["style"]["trials"],
                _pct(a["style"]["intended"]),
                _pct(a["style"]["intended_confident"]),
                _pct(a["style"]["control_intended"]),
            ],
        ],
    )
    i = r["interpolation"]
    interp = system.table(
        [
            *("path", "pairs", "ends kept", "A -> B in one switch", "label changes"),
            *("inner A or B", "inner confident"),
        ],
        [
            [
                kind,
                v["pairs"],
                _pct(v["ends_kept"]),
                _pct(v["one_switch"]),
                f"{v['mean_changes']:.2f}",
                _pct(v["inner_a_or_b"]),
                _pct(v["inner_confident"]),
            ]
            for kind, v in i.items()
        ],
    )
    shown = "\n".join(
        "- " + " ".join(f"{label}({p:.2f})" for label, p in zip(row, top, strict=True))
        for row, top in zip(i["linear"]["shown_labels"], i["linear"]["shown_top"], strict=True)
    )
    return (
        f"{head}\n\n{curve}\n\n(D(real): epoch mean over the training steps; D(G(z)): on the "
        f"fixed codes after the epoch; epoch 0 is the untrained generator.)\n\n"
        f"Arithmetic on the mean codes of {config['exemplars']} legible exemplars per concept "
        f"(from {config['pool']:,} samples, of which {_pct(r['pool']['confident'])} legible):\n\n"
        f"{arith}\n\nInterpolation between legible samples of two different digits "
        f"({config['path_points']} codes per path, ends included):\n\n{interp}\n\n"
        f"Labels (probability) along the linear paths shown:\n\n{shown}\n\n"
        + system.figures(record)
    )
