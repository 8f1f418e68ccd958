"""Lecture 001's autoencoder vs PCA question, measured by ``autoencoder_vs_pca``."""

from experiments._claims import Claim, E, _r
from experiments.autoencoder_vs_pca.report import LABELS, cell, ratio

NAME = "autoencoder_vs_pca"
# A linear AE cannot beat PCA's squared error beyond test-set noise; within this share of
# PCA's error at every code size it has found the principal subspace (measured: at most
# 1.01x, at code 64).
LINEAR_TOLERANCE = 0.05
SMALL_CODES = (2, 8)


def _res(records):
    return _r(records, NAME)


def _codes(records):
    return records[NAME]["config"]["code_sizes"]


def _at_lecture_code(records) -> str:
    res, code = _res(records), records[NAME]["config"]["lecture_code"]
    errors = ", ".join(
        f"{LABELS[m]} {cell(res, m, code)['mse']:.4f}" for m in records[NAME]["config"]["methods"]
    )
    dim = res["input_dim"]
    return f"{dim}/{code} = {dim / code:.1f}x; test MSE/pixel at code {code}: {errors}"


def _linear_matches_pca(records) -> bool:
    return all(
        abs(ratio(_res(records), "linear", c) - 1) <= LINEAR_TOLERANCE for c in _codes(records)
    )


def _deep_vs_pca(records) -> str:
    res = _res(records)
    parts = [f"code {c}: deep {ratio(res, 'deep_autoencoder', c):.2f}x" for c in _codes(records)]
    dense = ", ".join(f"{ratio(res, 'autoencoder', c):.2f}x" for c in _codes(records))
    return f"MSE / PCA's: {'; '.join(parts)}; dense (one ReLU layer) {dense}"


CLAIMS = [
    Claim(
        "001-ae-vs-pca",
        "001 Single dense layer example; Autoencoder example",
        "784 -> 32 code is ~24.5x compression; 'how does this differ from PCA?': a linear AE "
        "only finds PCA's subspace (Baldi & Hornik 1989), so it matches PCA's error",
        E + NAME,
        lambda R: (
            _at_lecture_code(R)
            + f"; linear AE within {LINEAR_TOLERANCE:.0%} of PCA at codes "
            + ", ".join(str(c) for c in _codes(R))
            + (": yes" if _linear_matches_pca(R) else ": no")
        ),
        lambda R: _res(R)["input_dim"] / 32 == 24.5 and _linear_matches_pca(R),
        why="the linear AE's error is not PCA's (not converged to the principal subspace)",
    ),
    Claim(
        "001-deep-ae-vs-pca",
        "001 Deep Autoencoders (Hinton & Salakhutdinov 2006)",
        "a deep nonlinear autoencoder reconstructs better than PCA at small codes",
        E + NAME,
        _deep_vs_pca,
        lambda R: all(ratio(_res(R), "deep_autoencoder", c) < 1 for c in SMALL_CODES),
        why="the deep AE's test MSE is not below PCA's at codes 2 and 8",
    ),
]
