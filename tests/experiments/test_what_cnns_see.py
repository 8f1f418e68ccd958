"""What LeNet-5 sees (lectures 000, 001, 003): on a small MNIST slice, its penultimate
features separate the digits better than the pixels do, its receptive fields grow layer by
layer, and its saliency sits on and around the stroke."""

import pytest

from experiments.what_cnns_see.claims import CLAIMS
from experiments.what_cnns_see.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


@pytest.fixture(scope="module")
def record(tmp_path_factory, mnist_dir):
    out = tmp_path_factory.mktemp("what_cnns_see")
    return main(["--quick", "--out", str(out), "--data-dir", str(mnist_dir)]), out


def _embedding(r, method, source):
    return next(e for e in r["embeddings"] if (e["method"], e["source"]) == (method, source))


def test_penultimate_features_separate_classes_better_than_pixels(record):
    r = record[0]["results"]
    assert r["test_accuracy"] > 0.85  # 2 epochs on 3,000 digits (measured 0.929)
    # 5-NN accuracy of the 2-D t-SNE map of 300 test digits (measured: trained F6 0.91,
    # pixels 0.81, untrained F6 0.52) and its class silhouette (0.52, 0.16, -0.04).
    trained = _embedding(r, "tsne", "trained F6")
    pixels = _embedding(r, "tsne", "pixels")
    untrained = _embedding(r, "tsne", "untrained F6")
    assert trained["knn_accuracy"] > pixels["knn_accuracy"] + 0.04
    assert trained["knn_accuracy"] > untrained["knn_accuracy"] + 0.2
    assert trained["silhouette"] > pixels["silhouette"] + 0.15
    # In the full feature spaces (measured: F6 0.923 trained, 0.517 untrained, pixels 0.783).
    knn = r["layer_knn"]
    assert knn["trained"]["F6"] > knn["trained"]["pixels"] + 0.08
    assert knn["trained"]["F6"] > knn["untrained"]["F6"] + 0.2


def test_receptive_fields_grow_to_the_whole_image(record):
    r = record[0]["results"]
    # C1 5x5; S2 pools 2 of them: 6; C3 5 S2 units 2 pixels apart: 6 + 4*2 = 14; S4: 16;
    # C5 sees all of S4 (16 + 4*4 = 32, clipped to the 28x28 image).
    assert r["receptive_fields"] == {"C1": 5, "S2": 6, "C3": 14, "S4": 16, "C5": 28}
    assert r["pool_check_max_abs"] < 1e-4  # the pooled maps are the model's own


def test_saliency_concentrates_on_the_stroke(record):
    near = record[0]["results"]["saliency"]["trained"]["near_stroke"]
    # Share of |d logit / d pixel| within one pixel of the stroke against that region's
    # share of the image (measured 0.33 vs 0.21, on every one of 200 digits). The untrained
    # net concentrates too (0.46; ReLUs over the blank background are off), so this shows
    # where the gradient lives, not that it was learnt.
    assert near["saliency_share"] > 1.3 * near["area_share"]
    assert near["images_concentrated"] > 0.9


def test_claims_and_figures(record):
    rec, out = record
    records = {"what_cnns_see": rec}
    by_id = {c.id: c for c in CLAIMS}
    assert by_id["003-multiscale"].holds(records), by_id["003-multiscale"].measure(records)
    # Stage by stage on 300 digits (measured: pixels 0.783, S2 0.843, S4 0.880, C5 0.920,
    # F6 0.917): the pooled stages each separate the digits better than the one before. (C5
    # to F6 is within the sampling error of 300 digits, so it is left to the full run.)
    knn = rec["results"]["layer_knn"]["trained"]
    assert knn["pixels"] < knn["S2"] < knn["S4"] < knn["F6"]
    for name in rec["figures"]:
        assert (out / name).read_bytes()[:4] == b"\x89PNG"
