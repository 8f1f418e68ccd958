"""Lecture 004's greedy layer-wise pre-training (Erhan et al. 2010), measured by ``pretraining``."""

import statistics

from experiments._claims import Claim, E, _r
from experiments.pretraining.report import gains, summary

NAME = "pretraining"


def _cells(records):
    return _r(records, NAME)["cells"]


def _measure(records) -> str:
    cells = _cells(records)
    pre, rnd = summary(cells, "pretrained"), summary(cells, "random")
    parts = [
        f"{100 * p['fraction']:g}% labels {100 * p['mean']:.1f}% vs {100 * r['mean']:.1f}% "
        f"(gain {100 * statistics.fmean(gains(cells, p['fraction'])):+.1f})"
        for p, r in zip(pre, rnd, strict=True)
    ]
    seeds = len(records[NAME]["config"]["seeds"])
    return f"test acc pretrained vs random, mean of {seeds} seeds: " + "; ".join(parts)


def _fewest(records) -> float:
    return min(c["fraction"] for c in _cells(records))


CLAIMS = [
    Claim(
        "004-pretraining",
        "004 Random Parameter Initializations (Erhan et al. 2010)",
        "greedy layer-wise (autoencoder) pre-training initialises a deep sigmoid net better "
        "than random init; it helps most with few labels",
        E + NAME,
        _measure,
        lambda R: statistics.fmean(gains(_cells(R), _fewest(R))) > 0,
        why="pre-trained nets do not beat random init on average with the fewest labels",
    ),
]
