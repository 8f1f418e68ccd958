"""The measured section of what_cnns_see's README, from its results.json record (no jax)."""

from experiments import _system as system


def report(record: dict) -> str:
    r = record["results"]
    knn = r["layer_knn"]
    stages = list(knn["trained"])
    shapes = r["layer_shapes"]
    layer_rows = [
        [
            s,
            "x".join(map(str, shapes[s])),
            r["receptive_fields"].get(s, "-") if s not in ("pixels", "output") else "-",
            system.pct(knn["trained"][s]),
            system.pct(knn["untrained"][s]),
        ]
        for s in stages
    ]
    embed_rows = [
        [
            "PCA" if e["method"] == "pca" else "t-SNE",
            e["source"],
            system.pct(e["knn_accuracy"]),
            f"{e['silhouette']:.3f}",
        ]
        for e in r["embeddings"]
    ]
    sal = r["saliency"]
    sal_rows = [
        [
            net,
            region.replace("_", " "),
            system.pct(sal[net][region]["saliency_share"]),
            system.pct(sal[net][region]["area_share"]),
            system.pct(sal[net][region]["images_concentrated"]),
        ]
        for net in ("trained", "untrained")
        for region in ("stroke", "near_stroke")
    ]
    cfg = record["config"]
    smooth = r["filter_smoothness"]
    return "\n\n".join(
        [
            f"LeNet-5 ({r['params']:,} parameters), {cfg['epochs']} epochs: test accuracy "
            f"**{system.pct(r['test_accuracy'], 2)}**. The pooled maps recomputed here "
            f"reproduce the model's C5 to {r['pool_check_max_abs']:.1g}.",
            f"Each layer on the first {cfg['embed_examples']:,} test digits: output shape, "
            "receptive field of its centre unit (pixels on a side, the support of its "
            f"gradient), and {cfg['knn']}-NN accuracy ({cfg['folds']}-fold cross-validated) "
            "of its features, trained net and the same net at initialisation:",
            system.table(
                ["layer", "shape", "receptive field", "k-NN trained", "k-NN untrained"],
                layer_rows,
                align="llrrr",
            ),
            "2-D embeddings of the same digits, scored by the k-NN accuracy of the 2-D points "
            "and their silhouette (by class; 1 is perfectly separated clusters, 0 overlap):",
            system.table(["method", "features", "k-NN on 2-D", "silhouette"], embed_rows),
            f"Saliency on the first {cfg['saliency_examples']:,} test digits: share of "
            "|d logit / d pixel| on the stroke (pixels above "
            f"{cfg['stroke_threshold']}) and within one pixel of it, against the share of the "
            "image that region covers, and the share of digits whose saliency is "
            "concentrated there (share above area):",
            system.table(
                ["net", "region", "saliency share", "area share", "digits concentrated"],
                sal_rows,
                align="llrrr",
            ),
            "First-layer filters: mean correlation of adjacent weights "
            f"{smooth['trained']:.3f} trained, {smooth['untrained']:.3f} at initialisation; "
            f"mean cosine between each trained filter and its start "
            f"{r['filter_change']['cosine_to_init']:.3f}, and training moved them by "
            f"{system.pct(r['filter_change']['relative_change'])} of their initial norm.",
            system.figures(record),
        ]
    )
