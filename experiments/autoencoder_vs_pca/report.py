"""The measured section of autoencoder_vs_pca's README, from its results.json record (no jax)."""

from experiments import _system as system

LABELS = {
    "pca": "PCA",
    "linear": "linear AE",
    "autoencoder": "dense AE",
    "deep_autoencoder": "deep AE",
}


def cell(results: dict, method: str, code: int) -> dict:
    """The row of ``method`` at code size ``code``."""
    return next(r for r in results["rows"] if r["method"] == method and r["code"] == code)


def ratio(results: dict, method: str, code: int) -> float:
    """``method``'s test MSE over PCA's at the same code size (< 1: it beats PCA)."""
    return cell(results, method, code)["mse"] / cell(results, "pca", code)["mse"]


def _list(codes: list[int]) -> str:
    return ", ".join(str(c) for c in codes) if codes else "none"


def report(record: dict) -> str:
    results, config = record["results"], record["config"]
    methods, codes = config["methods"], config["code_sizes"]
    dim = results["input_dim"]
    mse_rows = []
    for code in codes:
        best = min(methods, key=lambda m: cell(results, m, code)["mse"])
        mse_rows.append(
            [
                code,
                f"{dim / code:.1f}x",
                *[f"{cell(results, m, code)['mse']:.4f}" for m in methods],
                LABELS[best],
            ]
        )
    first = system.table(
        ["code", "compression", *[f"{LABELS[m]} MSE" for m in methods], "best"], mse_rows
    )
    detail_rows = [
        [
            r["code"],
            LABELS[r["method"]],
            f"{r['params']:,}",
            system.pct(r["variance_kept"]),
            "-" if r["bce"] is None else f"{r['bce']:.1f}",
            f"{r['train_s']:.0f} s" if "train_s" in r else "-",
        ]
        for r in results["rows"]
    ]
    detail = system.table(
        ["code", "method", "params", "test variance kept", "test BCE (nats/image)", "train time"],
        detail_rows,
    )
    lecture = config["lecture_code"]
    nonlinear = [m for m in ("autoencoder", "deep_autoencoder") if m in methods]
    vs = "; ".join(
        f"{LABELS[m]} at code {c}: {ratio(results, m, c):.2f}x PCA's MSE"
        for m in nonlinear
        for c in codes
    )
    at = ", ".join(f"{LABELS[m]} {cell(results, m, lecture)['mse']:.4f}" for m in methods)
    verdicts = []
    for m in nonlinear:
        wins = [c for c in codes if ratio(results, m, c) < 1]
        losses = [c for c in codes if c not in wins]
        verdicts.append(
            f"the {LABELS[m]} beats PCA at every code size"
            if not losses
            else f"the {LABELS[m]} beats PCA at codes {_list(wins)} and not at {_list(losses)}"
        )
    if "linear" in methods:
        worst = max(abs(ratio(results, "linear", c) - 1) for c in codes)
        verdicts.append(
            f"the linear AE's error is within {system.pct(worst)} of PCA's at every code"
        )
    return (
        f"Test MSE per pixel on the {config['dataset']} test set ({dim} pixels in [0, 1]); the "
        f"mean training image (code 0) scores {results['mean_image_mse']:.4f}. Autoencoders: "
        f"{config['epochs']} epochs, Adam {config['learning_rate']:g}, batch "
        f"{config['batch_size']}, seed {config['seed']}.\n\n"
        + first
        + "\n\n"
        + f"At code {lecture} ({dim} / {lecture} = {dim / lecture:.1f}x compression): {at}.\n\n"
        + f"Error relative to PCA at the same code size: {vs}. So {'; '.join(verdicts)}.\n\n"
        + detail
        + "\n\n"
        + system.figures(record)
        + "\n\nReconstruction grids: top row test inputs, then PCA and each autoencoder at "
        "the code size in the file name."
    )
