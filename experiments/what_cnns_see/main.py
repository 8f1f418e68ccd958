"""What a trained LeNet-5 sees: its first-layer filters, the feature maps of every layer for
one digit, saliency maps (the gradient of the class score with respect to the input), how
well each layer's features separate the classes, and 2-D embeddings (PCA, t-SNE) of the
penultimate features against the raw pixels and the same net untrained."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from scipy import ndimage
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.metrics import silhouette_score
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits

from experiments import _system as system
from experiments.what_cnns_see import figures
from experiments.what_cnns_see.config import WhatCNNsSeeConfig, get_config
from experiments.what_cnns_see.report import report
from jaxnets import data, layers, models, optim, train

STAGES = ("pixels", "C1", "S2", "C3", "S4", "C5", "F6", "output")


def stages(model, params, x: jax.Array, pool=layers.max_pool) -> dict[str, jax.Array]:
    """Every layer's output for images ``x`` (B, 28, 28, 1), after its nonlinearity.

    The convolutions and dense layers come from flax's ``capture_intermediates`` (each
    submodule's output: pre-activation); the activation is the model's and the pooled maps
    are ``pool`` of the activated conv maps, as LeNet5 computes them. C1 (B, 28, 28, 6),
    S2 (B, 14, 14, 6), C3 (B, 10, 10, 16), S4 (B, 5, 5, 16), C5 (B, 120), F6 (B, 84),
    output (B, 10) logits.
    """
    logits, state = model.apply(
        {"params": params}, x, capture_intermediates=True, mutable=["intermediates"]
    )
    captured = {k: v["__call__"][0] for k, v in state["intermediates"].items() if k != "__call__"}
    act = layers.activation(model.activation)
    c1, c3 = act(captured["c1"]), act(captured["c3"])
    return {
        "pixels": x,
        "C1": c1,
        "S2": pool(c1, 2),
        "C3": c3,
        "S4": pool(c3, 2),
        "C5": act(captured["c5"]),
        "F6": act(captured["f6"]),
        "output": logits,
        "c5_pre": captured["c5"],
    }


# One compiled program per (model, pool, shapes) instead of one per operation.
stages_jit = jax.jit(stages, static_argnums=(0,), static_argnames=("pool",))


def pool_check(params, maps: dict) -> float:
    """Largest |C5 from the model - dense(S4 as computed here)|: the recomputed pooling is
    the model's own."""
    s4 = maps["S4"].reshape(len(maps["S4"]), -1)
    c5 = s4 @ params["c5"]["kernel"] + params["c5"]["bias"]
    return float(jnp.abs(c5 - maps["c5_pre"]).max())


def knn_accuracy(features: np.ndarray, labels: np.ndarray, k: int, folds: int) -> float:
    """Mean ``folds``-fold cross-validated accuracy of a k-nearest-neighbour classifier."""
    flat = np.asarray(features, np.float64).reshape(len(features), -1)
    knn = KNeighborsClassifier(n_neighbors=k)
    with threadpool_limits(1):  # see embed
        return float(cross_val_score(knn, flat, labels, cv=folds).mean())


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    with threadpool_limits(1):  # see embed
        return float(silhouette_score(points, labels))


def embed(features: np.ndarray, method: str, config: WhatCNNsSeeConfig) -> np.ndarray:
    flat = np.asarray(features, np.float64).reshape(len(features), -1)
    if method == "pca":
        return PCA(2, random_state=config.seed).fit_transform(flat)
    tsne = TSNE(2, perplexity=config.perplexity, init="pca", random_state=config.seed)
    # One OpenMP thread: on a shared, loaded CPU t-SNE's threads spin against each other
    # (measured: 300 points 31 s wall with 2 threads, 2.4 s with one).
    with threadpool_limits(1):
        return tsne.fit_transform(flat)


def receptive_fields(model, params) -> dict[str, int]:
    """Width of the input region each stage's centre unit depends on: the support of its
    gradient in the same net made linear with average pooling (so no ReLU or max switches
    a pixel off)."""
    linear = model.clone(activation="linear", pooling="avg")
    x = jnp.zeros((1, 28, 28, 1))
    widths = {}
    for name in ("C1", "S2", "C3", "S4", "C5"):

        def unit(x, name=name):
            out = stages(linear, params, x, pool=layers.avg_pool)[name][0]
            centre = tuple(s // 2 for s in out.shape[:-1])
            return out[(*centre, 0)]

        support = np.abs(np.asarray(jax.jit(jax.grad(unit))(x)[0, :, :, 0])) > 0
        rows, cols = np.nonzero(support)
        widths[name] = int(max(rows.max() - rows.min(), cols.max() - cols.min()) + 1)
    return widths


def saliency(model, params, x: jax.Array, labels: np.ndarray) -> np.ndarray:
    """d(logit of the true class)/d(input) for each image: (B, 28, 28)."""

    def score(x):
        logits = model.apply({"params": params}, x)
        return jnp.take_along_axis(logits, jnp.asarray(labels)[:, None], axis=1).sum()

    return np.asarray(jax.jit(jax.grad(score))(x))[..., 0]


def saliency_stats(grads: np.ndarray, images: np.ndarray, threshold: float) -> dict:
    """Share of |saliency| on the stroke (pixels above ``threshold``) and within one pixel of
    it, against the share of the image those regions cover; means over images."""
    mass = np.abs(grads)
    mass = mass / mass.reshape(len(mass), -1).sum(-1)[:, None, None]
    stroke = images > threshold
    near = np.stack([ndimage.binary_dilation(s) for s in stroke])
    out = {}
    for name, mask in (("stroke", stroke), ("near_stroke", near)):
        share = (mass * mask).reshape(len(mass), -1).sum(-1)
        area = mask.reshape(len(mask), -1).mean(-1)
        out[name] = {
            "saliency_share": float(share.mean()),
            "area_share": float(area.mean()),
            "images_concentrated": float((share > area).mean()),
        }
    return out


def filter_smoothness(kernel: np.ndarray) -> float:
    """Mean correlation of horizontally and vertically adjacent weights over the filters of
    a (F, F, 1, C) kernel: about 0 for independent random weights, high for smooth strokes
    and edges."""
    values = []
    for c in range(kernel.shape[-1]):
        k = kernel[:, :, 0, c]
        pairs = [(k[:, :-1].ravel(), k[:, 1:].ravel()), (k[:-1].ravel(), k[1:].ravel())]
        values += [np.corrcoef(a, b)[0, 1] for a, b in pairs]
    return float(np.mean(values))


def filter_change(trained: np.ndarray, initial: np.ndarray) -> dict:
    """How far training moved (F, F, 1, C) filters from their initialisation: the mean
    cosine between each filter and its start, and ||W - W0|| / ||W0|| over all of them."""
    a = trained.reshape(-1, trained.shape[-1])
    b = initial.reshape(-1, initial.shape[-1])
    cosine = (a * b).sum(0) / (np.linalg.norm(a, axis=0) * np.linalg.norm(b, axis=0))
    return {
        "cosine_to_init": float(cosine.mean()),
        "relative_change": float(np.linalg.norm(a - b) / np.linalg.norm(b)),
    }


def train_lenet(config: WhatCNNsSeeConfig, dataset) -> tuple:
    """The registered model through ``fit``; returns (model, initial params, result)."""
    spec = models.get_spec(config.model)
    model = models.create(config.model, num_classes=dataset.num_classes)
    split = dataset.train
    if config.train_examples is not None:
        split = {k: v[: config.train_examples] for k, v in split.items()}
    steps = config.epochs * (len(split["label"]) // config.batch_size)
    tx = optim.from_config(
        optim.OptimizerConfig("adam", config.learning_rate, optim.ScheduleConfig("cosine")),
        total_steps=steps,
    )
    objective = train.Objective(spec.loss, spec.target, dataset.input_key)
    state = train.init_state(
        model, tx, objective, dataset.input_shape, key=jax.random.key(config.seed)
    )
    initial = jax.tree.map(np.array, state.params)  # a copy: fit donates the state's buffers
    fit_config = train.FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    return model, initial, train.fit(state, split, dataset.test, fit_config)


def run(config: WhatCNNsSeeConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    model, initial, result = train_lenet(config, dataset)
    trained = result.state.params
    nets = {"trained": trained, "untrained": initial}
    images = dataset.test[dataset.input_key]
    labels = np.asarray(dataset.test["label"])

    n = config.embed_examples
    x, y = jnp.asarray(images[:n]), labels[:n]
    maps = {name: stages_jit(model, params, x) for name, params in nets.items()}
    layer_knn = {
        name: {s: knn_accuracy(m[s], y, config.knn, config.folds) for s in STAGES}
        for name, m in maps.items()
    }
    sources = {
        "pixels": np.asarray(x),
        "untrained F6": np.asarray(maps["untrained"]["F6"]),
        "trained F6": np.asarray(maps["trained"]["F6"]),
    }
    embeddings, points = {}, {}
    for method in ("pca", "tsne"):
        for source, features in sources.items():
            xy = embed(features, method, config)
            points[(method, source)] = xy
            embeddings[f"{method} {source}"] = {
                "method": method,
                "source": source,
                "knn_accuracy": knn_accuracy(xy, y, config.knn, config.folds),
                "silhouette": silhouette(xy, y),
            }

    m = config.saliency_examples
    sx, sy = jnp.asarray(images[:m]), labels[:m]
    grads = {name: saliency(model, params, sx, sy) for name, params in nets.items()}
    stroke = {
        name: saliency_stats(g, np.asarray(sx)[..., 0], config.stroke_threshold)
        for name, g in grads.items()
    }

    kernels = {name: np.asarray(params["c1"]["kernel"]) for name, params in nets.items()}
    digit = jnp.asarray(images[config.digit_index : config.digit_index + 1])
    digit_maps = {k: np.asarray(v[0]) for k, v in stages_jit(model, trained, digit).items()}
    figures.filters(kernels, out / "filters.png")
    figures.feature_maps(digit_maps, int(labels[config.digit_index]), out / "feature_maps.png")
    figures.saliency(np.asarray(sx)[: config.show, ..., 0], grads, sy, out / "saliency.png")
    figures.embeddings(points, y, embeddings, out / "embeddings.png")
    return {
        "params": train.num_params(trained),
        "test_accuracy": result.history[-1]["test_accuracy"],
        "history": [
            {k: row[k] for k in ("epoch", "train_loss", "test_loss", "test_accuracy")}
            for row in result.history
        ],
        "layer_shapes": {s: list(v.shape[1:]) for s, v in maps["trained"].items() if s in STAGES},
        "pool_check_max_abs": pool_check(trained, maps["trained"]),
        "layer_knn": layer_knn,
        "embeddings": list(embeddings.values()),
        "saliency": stroke,
        "filter_smoothness": {name: filter_smoothness(k) for name, k in kernels.items()},
        "filter_change": filter_change(kernels["trained"], kernels["untrained"]),
        "receptive_fields": receptive_fields(model, trained),
        "digit": {"index": config.digit_index, "label": int(labels[config.digit_index])},
        "predicted_digit": int(np.argmax(digit_maps["output"])),
    }


def plot(record: dict, out: Path) -> list[str]:
    figures.layer_knn(record["results"]["layer_knn"], out / "layer_knn.png")
    return ["filters.png", "feature_maps.png", "saliency.png", "embeddings.png", "layer_knn.png"]


def main(argv=None) -> dict:
    return system.main(
        "what_cnns_see",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
