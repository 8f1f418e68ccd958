"""Lecture claims about what convolutional layers learn and see, shown by what_cnns_see."""

from itertools import pairwise

from experiments._claims import Claim, E, _r, pct

NAME = "what_cnns_see"
CMD = E + NAME
# The stages of LeNet-5 in order: input, then after each CONV-ReLU-POOL and dense layer.
HIERARCHY = ("pixels", "S2", "S4", "C5", "F6")
RECEPTIVE = ("C1", "S2", "C3", "S4", "C5")
# "Rises stage by stage" allows a step back of half a point: about the sampling error of a
# 98% accuracy on 2,000 digits (sqrt(0.98 * 0.02 / 2000) = 0.3%).
NOISE = 0.005


def _w(records) -> dict:
    return _r(records, NAME)


def _knn(records, net: str) -> dict:
    return _w(records)["layer_knn"][net]


def _hierarchy_holds(records) -> bool:
    trained = [_knn(records, "trained")[s] for s in HIERARCHY]
    rising = all(b >= a - NOISE for a, b in pairwise(trained))
    gained = trained[-1] > trained[0] + 0.05
    return rising and gained and _knn(records, "trained")["F6"] > _knn(records, "untrained")["F6"]


def _fields(records) -> list[int]:
    return [_w(records)["receptive_fields"][s] for s in RECEPTIVE]


CLAIMS = [
    Claim(
        "000-feature-maps",
        "000 Feature Maps, Feature Abstractions; 001 Lower level to more complex features",
        "each conv layer turns the image into a stack of feature maps, lower to higher level",
        CMD,
        lambda R: (
            "maps of every layer for one digit: "
            + ", ".join(
                "x".join(map(str, _w(R)["layer_shapes"][s])) for s in ("C1", "S2", "C3", "S4")
            )
            + ", then 120 and 84 units"
        ),
        # LeNet-5's volumes (lecture 000's CONV-POOL-CONV-POOL) on a 28x28 digit padded to 32.
        lambda R: (
            [_w(R)["layer_shapes"][s] for s in ("C1", "S2", "C3", "S4")]
            == [[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16]]
        ),
        why="the feature-map volumes are not LeNet-5's 28x28x6, 14x14x6, 10x10x16, 5x5x16",
    ),
    Claim(
        "001-hierarchical-features",
        "001 What is the deep learning? (hierarchical features)",
        "a deep structure learns rich hierarchical features, extracted through multiple stages",
        CMD,
        lambda R: (
            "5-NN accuracy of the features "
            + " -> ".join(f"{s} {pct(_knn(R, 'trained')[s])}" for s in HIERARCHY)
            + f"; untrained F6 {pct(_knn(R, 'untrained')['F6'])}"
        ),
        _hierarchy_holds,
        why="the classes do not separate better stage after stage (within half a point), or "
        "no better than in the untrained net",
    ),
    Claim(
        "003-multiscale",
        "003 Multi-scale Feature Detection",
        "CONV/ReLU/POOL layers use features on smaller scales to detect features on larger ones",
        CMD,
        lambda R: (
            "receptive field of a centre unit: "
            + ", ".join(f"{s} {w}x{w}" for s, w in zip(RECEPTIVE, _fields(R), strict=True))
        ),
        lambda R: all(b > a for a, b in pairwise(_fields(R))) and _fields(R)[-1] == 28,
        why="the receptive fields do not grow layer by layer to the whole image",
    ),
    Claim(
        "003-cnn-learns-filters",
        "003 Features",
        "a CNN learns its filters (edge detectors, blurs, ...) on its own",
        CMD,
        lambda R: (
            "C1's 5x5 filters after training: cosine "
            f"{_w(R)['filter_change']['cosine_to_init']:.2f} to their random start, moved "
            f"{pct(_w(R)['filter_change']['relative_change'])} of its norm; adjacent-weight "
            f"correlation {_w(R)['filter_smoothness']['untrained']:.2f} -> "
            f"{_w(R)['filter_smoothness']['trained']:.2f}"
        ),
        # Learnt edge detectors and blurs are smooth: neighbouring weights agree.
        lambda R: (
            _w(R)["filter_smoothness"]["trained"] > _w(R)["filter_smoothness"]["untrained"] + 0.2
        ),
        why="after 3 epochs (99% test accuracy) C1's filters are still close to their random "
        "start and no smoother than it: the later layers do most of the learning here, and "
        "smooth edge/blur-like first-layer filters need longer training or larger images",
    ),
]
