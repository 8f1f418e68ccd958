"""Lecture 000's claims about dropout at test time and batch norm as a regularizer, measured
by the mc_dropout experiment."""

from experiments._claims import Claim, E, _r, pct
from experiments.mc_dropout.report import bn_variants

_CMD = E + "mc_dropout"


def _mc(records) -> dict:
    return _r(records, "mc_dropout")["mc_dropout"]


def _samples(records) -> int:
    return records["mc_dropout"]["config"]["samples"]


def _ensemble(records) -> str:
    c = _mc(records)["calibration"]
    det, mc = c["deterministic"], c["mc"]
    return (
        f"test accuracy MC mean (T = {_samples(records)}) {pct(mc['accuracy'], 2)} vs scaled "
        f"net {pct(det['accuracy'], 2)}, same class on {pct(_mc(records)['agreement'], 2)}; "
        f"ECE MC {pct(mc['ece'], 2)} vs scaled {pct(det['ece'], 2)}"
    )


def _ensemble_holds(records) -> bool:
    c = _mc(records)["calibration"]
    return abs(c["mc"]["accuracy"] - c["deterministic"]["accuracy"]) <= 0.005


def _entropies(records) -> tuple[float, float, float, float]:
    """MC entropy on test digits, uniform noise, blurred noise, and the mean over the nonzero
    rotation angles."""
    mc = _mc(records)
    kinds = mc["kinds"]
    rotated = [x["mc_entropy"] for x in mc["rotations"] if x["angle"] % 360]
    return (
        kinds["test digits"]["mc_entropy"],
        kinds["uniform noise"]["mc_entropy"],
        kinds["blurred noise"]["mc_entropy"],
        sum(rotated) / len(rotated),
    )


def _entropy_measure(records) -> str:
    digits, uniform, blurred, rotated = _entropies(records)
    unrotated = next(x for x in _mc(records)["rotations"] if x["angle"] == 0)["mc_entropy"]
    return (
        f"mean MC entropy (nats) test digits {digits:.3f}, uniform noise {uniform:.3f}, "
        f"blurred noise {blurred:.3f}; rotated digits {rotated:.3f} (mean over angles) vs "
        f"{unrotated:.3f} unrotated"
    )


def _entropy_holds(records) -> bool:
    digits, uniform, blurred, rotated = _entropies(records)
    unrotated = next(x for x in _mc(records)["rotations"] if x["angle"] == 0)["mc_entropy"]
    return uniform > digits and blurred > digits and rotated > unrotated


def _bn(records) -> dict:
    return bn_variants(_r(records, "mc_dropout")["batch_norm"])


def _bn_measure(records) -> str:
    v = _bn(records)
    rate = max(rate for _, rate in v)
    return (
        f"test - train loss (no dropout) plain {v[(False, 0.0)]['loss_gap']:.3f}, "
        f"batch norm {v[(True, 0.0)]['loss_gap']:.3f}; with dropout {rate:g}: plain "
        f"{v[(False, rate)]['loss_gap']:.3f}, batch norm {v[(True, rate)]['loss_gap']:.3f}; "
        f"test accuracy BN {pct(v[(True, 0.0)]['test_accuracy'])} vs BN + dropout "
        f"{pct(v[(True, rate)]['test_accuracy'])}"
    )


CLAIMS = [
    Claim(
        "000-dropout-ensemble",
        "000 Dropout; 002 Why does it work",
        "dropout trains an ensemble; at test time average masks (MC) or scale (inverted "
        "dropout), the scaled net approximating the ensemble's average",
        _CMD,
        _ensemble,
        _ensemble_holds,
        why="the MC average and the scaled net differ in test accuracy by more than 0.5 points",
    ),
    Claim(
        "000-mc-dropout-entropy",
        "000 Dropout (Monte Carlo approximation)",
        "the MC average over masks is an uncertainty estimate: its predictive entropy rises "
        "off the data distribution (issue 11, after Gal & Ghahramani 2016)",
        _CMD,
        _entropy_measure,
        _entropy_holds,
        why="the MC entropy on noise or on rotated digits is not above that on test digits",
    ),
    Claim(
        "000-bn-regularizes",
        "000 Batch normalization",
        "batch norm acts as a regularizer and slightly reduces the need for dropout",
        _CMD,
        _bn_measure,
        lambda R: _bn(R)[(True, 0.0)]["loss_gap"] < _bn(R)[(False, 0.0)]["loss_gap"],
        why="without dropout the batch-norm MLP's test - train loss gap is not smaller than "
        "the plain MLP's (mean over seeds)",
    ),
]
