"""Latent arithmetic and interpolation with a DCGAN on MNIST (lecture 003, Radford et al.):
train the gan experiment's DCGAN with jaxnets.train.fit, score its samples each epoch with a
LeNet-5 (the fraction it labels confidently), then decode "a - b + c" codes and paths between
codes and let the classifier label them."""

import time
from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import optax

from experiments import _system as system
from experiments.dcgan_arithmetic import latent
from experiments.dcgan_arithmetic.config import DCGANArithmeticConfig, get_config
from experiments.dcgan_arithmetic.report import report
from jaxnets import data, models, plots
from jaxnets.train import (
    FitConfig,
    Objective,
    evaluate,
    fit,
    gan_train_step,
    init_gan_state,
    init_state,
    num_params,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def train_classifier(config: DCGANArithmeticConfig, dataset) -> tuple:
    """The judge: (probs_fn images (N, H, W, 1) -> softmax (N, K), its measurements)."""
    spec = models.get_spec(config.classifier)
    model = models.create(
        config.classifier, num_classes=dataset.num_classes, **dict(config.classifier_options)
    )
    objective = Objective(spec.loss, spec.target, dataset.input_key)
    state = init_state(
        model,
        optax.adam(config.classifier_lr),
        objective,
        dataset.input_shape,
        key=jax.random.key(config.seed),
    )
    fit_config = FitConfig(
        epochs=config.classifier_epochs, batch_size=64, seed=config.seed, progress=False
    )
    start = time.perf_counter()
    result = fit(state, dataset.train, dataset.test, fit_config)
    seconds = time.perf_counter() - start
    variables = {"params": result.state.params, **result.state.model_state}

    def probs_fn(images):
        return jax.nn.softmax(model.apply(variables, images), axis=-1)

    judge = jax.jit(probs_fn)
    test = dataset.test[dataset.input_key]
    noise = np.asarray(jax.random.uniform(jax.random.key(config.seed + 1), test.shape, test.dtype))
    return probs_fn, {
        "name": config.classifier,
        "epochs": config.classifier_epochs,
        "test_accuracy": result.history[-1]["test_accuracy"],
        "train_s": seconds,
        # The score's two anchors: real test digits and uniform noise images.
        "real": latent.legibility(judge(test), config.confidence),
        "noise": latent.legibility(judge(noise), config.confidence),
    }


def legibility_eval_fn(probs_fn, confidence: float):
    """``eval_fn(gan_state, {"z": (B, L)}) -> metrics`` for ``fit``: the judge's terms of
    G(z) (:func:`latent.legibility_terms`) and the mean D(G(z))."""

    def eval_fn(state, batch):
        z = batch["z"]
        mask = batch.get(data.MASK_KEY)
        weights = jnp.ones(z.shape[:1]) if mask is None else mask.astype(jnp.float32)
        images = state.g_apply({"params": state.g_params}, z)
        terms = latent.legibility_terms(probs_fn(images), weights, confidence)
        d_fake = jax.nn.sigmoid(state.d_apply({"params": state.d_params}, images))
        terms["d_fake"] = jnp.sum(d_fake * weights) / terms["count"]
        return terms

    return eval_fn


def _row(epoch: int, scores: dict, num_classes: int, train: dict | None = None) -> dict:
    row = {"epoch": epoch, "confident": scores["confident"], "eval_d_fake": scores["d_fake"]}
    summary = latent.summarize(scores, num_classes)
    row.update(class_entropy=summary["class_entropy"], inception_score=summary["inception_score"])
    if train is not None:
        row["epoch_s"] = train["epoch_s"]
        row.update({k: train[f"train_{k}"] for k in ("d_loss", "g_loss", "d_real", "d_fake")})
    return row


def _say(row: dict) -> None:
    print(f"  epoch {row['epoch']}: {row['test_confident']:.1%} of the codes legible", flush=True)


def train_gan(config: DCGANArithmeticConfig, dataset, probs_fn) -> tuple:
    """Train the DCGAN through ``fit``, scoring fixed codes after every epoch (its test split
    is ``{"z": codes}``, scored by :func:`legibility_eval_fn`). Returns (generator, params,
    measurements)."""
    gan = config.gan
    generator = models.create(gan.generator, **dict(gan.generator_options))
    discriminator = models.create(gan.discriminator, **dict(gan.discriminator_options))
    init_key, eval_key = jax.random.split(jax.random.key(config.seed))
    state = init_gan_state(
        generator,
        discriminator,
        optax.adam(config.learning_rate, b1=config.b1),
        optax.adam(gan.d_learning_rate or config.learning_rate, b1=config.b1),
        image_shape=dataset.input_shape,
        latent_dim=config.latent_dim,
        key=init_key,
    )
    codes = {"z": np.asarray(jax.random.normal(eval_key, (config.eval_samples, config.latent_dim)))}
    eval_fn = legibility_eval_fn(probs_fn, config.confidence)
    train = dataset.train
    if gan.train_examples is not None:
        train = {k: v[: gan.train_examples] for k, v in train.items()}
    k = dataset.num_classes
    history = [_row(0, evaluate(state, codes, 1000, eval_fn=eval_fn), k)]
    fit_config = FitConfig(
        epochs=gan.epochs, batch_size=config.batch_size, seed=config.seed, progress="lines"
    )
    start = time.perf_counter()
    result = fit(
        state, train, codes, fit_config, step=gan_train_step, eval_fn=eval_fn, on_epoch=_say
    )
    seconds = time.perf_counter() - start
    for row in result.history:
        scores = {name.removeprefix("test_"): v for name, v in row.items() if "test_" in name}
        history.append(_row(row["epoch"], scores, k, row))
    legible = [r["epoch"] for r in history if r["confident"] > config.legible_fraction]
    return (
        generator,
        result.state.g_params,
        {
            "g_params": num_params(result.state.g_params),
            "d_params": num_params(result.state.d_params),
            "steps_per_epoch": len(train[dataset.input_key]) // config.batch_size,
            "train_s": seconds,
            "compile_s": result.compile_s,
            "epochs_to_legible": legible[0] if legible else None,
            "history": history,
        },
    )


def _decoder(generator, g_params, probs_fn):
    """``look(z (N, L)) -> (images, labels, top probability)`` with the trained G and judge."""
    decode = jax.jit(lambda z: generator.apply({"params": g_params}, z))
    judge = jax.jit(probs_fn)

    def look(z):
        images = np.asarray(decode(jnp.asarray(z, jnp.float32)))
        probs = np.asarray(judge(images))
        return images, probs.argmax(-1), probs.max(-1)

    return look


def _random_like(rng, directions: np.ndarray) -> np.ndarray:
    """Random directions (N, L) with the norms of ``directions`` (the arithmetic's control)."""
    r = rng.standard_normal(directions.shape)
    scale = np.linalg.norm(directions, axis=1, keepdims=True)
    return (r * scale / np.linalg.norm(r, axis=1, keepdims=True)).astype(np.float32)


def arithmetic(config: DCGANArithmeticConfig, look, pool: dict, rng) -> tuple[dict, list]:
    """Two analogies "a - b + c" on exemplar means of legible pool samples, each with a
    control that adds a random direction of the same norm to c instead of (a - b).

    - ``class``: a = digit A, b = digit B, c = another B: intended, c's code turned into an A;
    - ``style``: a = the heaviest-inked thirds of digit K, b = its lightest third, c = a
      digit J ("man with glasses - man + woman"): intended, still a J with more ink than c.
    Returns (measurements, figure rows).
    """
    z, labels, ink = pool["z"], pool["labels"], pool["ink"]
    members = {k: np.flatnonzero(pool["legible"] & (labels == k)) for k in range(10)}
    m = config.exemplars
    enough = [k for k, idx in members.items() if len(idx) >= 3 * m + 1]
    if len(enough) < 2:
        raise ValueError(
            f"the analogies need two digits with {3 * m + 1} exemplars each in the pool; "
            f"got { ({k: len(v) for k, v in members.items()}) }: train longer or enlarge the pool"
        )
    results, figure = {}, []
    for kind in ("class", "style"):
        codes, intended, c_index, concepts = [], [], [], []
        for _ in range(config.arithmetic_trials):
            a, b = rng.choice(enough, 2, replace=False)
            if kind == "class":
                ea = rng.choice(members[a], m, replace=False)
                *eb, c = rng.choice(members[b], m + 1, replace=False)
                target = a
            else:  # a, b: the extreme thirds of digit a by ink; c: a digit b
                by_ink = members[a][np.argsort(ink[members[a]])]
                third = len(by_ink) // 3
                ea = rng.choice(by_ink[-third:], m, replace=False)
                eb = rng.choice(by_ink[:third], m, replace=False)
                c = rng.choice(members[b])
                target = b
            codes.append(latent.analogy(z[ea], z[np.asarray(eb)], z[c]))
            intended.append(target)
            c_index.append(c)
            concepts.append((z[ea].mean(0), z[np.asarray(eb)].mean(0)))
        codes = np.stack(codes)
        c_index, intended = np.asarray(c_index), np.asarray(intended)
        control = z[c_index] + _random_like(rng, codes - z[c_index])
        images, got, top = look(np.concatenate([codes, control]))
        n = len(codes)
        ok = got[:n] == intended
        ok_control = got[n:] == intended
        if kind == "style":
            more_ink = images[:n].mean((1, 2, 3)) > ink[c_index]
            more_ink_control = images[n:].mean((1, 2, 3)) > ink[c_index]
            ok, ok_control = ok & more_ink, ok_control & more_ink_control
        results[kind] = {
            "trials": n,
            "intended": float(ok.mean()),
            "intended_confident": float((ok & (top[:n] > config.confidence)).mean()),
            "control_intended": float(ok_control.mean()),
        }
        if kind == "style":
            results[kind]["more_ink"] = float(more_ink.mean())
            results[kind]["control_more_ink"] = float(more_ink_control.mean())
        for i in range(config.shown):
            za, zb = concepts[i]
            figure.append((kind, np.stack([za, zb, z[c_index[i]], codes[i]])))
    return results, figure


def interpolation(config: DCGANArithmeticConfig, look, pool: dict, rng) -> tuple[dict, list]:
    """Paths between legible samples of two different digits; the judge labels each point."""
    labels, legible = pool["labels"], pool["legible"]
    idx = np.flatnonzero(legible)
    pairs = []
    while len(pairs) < config.interpolation_pairs:
        i, j = rng.choice(idx, 2, replace=False)
        if labels[i] != labels[j]:
            pairs.append((i, j))
    out, figure = {}, []
    p = config.path_points
    for kind in ("linear", "slerp"):
        paths = [latent.interpolate(pool["z"][i], pool["z"][j], p, kind) for i, j in pairs]
        _, got, top = look(np.concatenate(paths))
        got, top = got.reshape(len(pairs), p), top.reshape(len(pairs), p)
        start = np.array([labels[i] for i, _ in pairs])
        end = np.array([labels[j] for _, j in pairs])
        inner, inner_top = got[:, 1:-1], top[:, 1:-1]
        changes = np.array([latent.label_changes(row) for row in got])
        ends = (got[:, 0] == start) & (got[:, -1] == end)
        out[kind] = {
            "pairs": len(pairs),
            "ends_kept": float(ends.mean()),
            # a -> b in one switch: every point is a or b, and the label changes once
            "one_switch": float((ends & (changes == 1)).mean()),
            "mean_changes": float(changes.mean()),
            "inner_a_or_b": float(((inner == start[:, None]) | (inner == end[:, None])).mean()),
            "inner_confident": float((inner_top > config.confidence).mean()),
            "shown_labels": got[: config.shown].tolist(),
            "shown_top": top[: config.shown].tolist(),
        }
        if kind == "linear":
            figure = [np.asarray(path) for path in paths[: config.shown]]
    return out, figure


def _captioned_grid(rows: list[np.ndarray], look, path: Path, *, headers, row_names=None):
    """Rows of decoded codes, each image captioned with the judge's label and probability."""
    images = [look(codes) for codes in rows]
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(0.9 * n_cols + 0.6, 1.1 * n_rows + 0.4), squeeze=False
    )
    for r, (ims, got, top) in enumerate(images):
        for c in range(n_cols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c >= len(ims):
                ax.axis("off")
                continue
            ax.imshow(ims[c, ..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xlabel(f"{got[c]} ({top[c]:.2f})", fontsize=7, labelpad=1)
            if r == 0 and headers:
                ax.set_title(headers[c], fontsize=8)
        if row_names:
            axes[r, 0].set_ylabel(row_names[r], fontsize=7)
    fig.tight_layout(pad=0.2)
    plots.save_figure(fig, path, dpi=90)


def run(config: DCGANArithmeticConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    probs_fn, classifier = train_classifier(config, dataset)
    generator, g_params, gan = train_gan(config, dataset, probs_fn)
    look = _decoder(generator, g_params, probs_fn)
    pool_key = jax.random.fold_in(jax.random.key(config.seed), 1)
    z = np.asarray(jax.random.normal(pool_key, (config.pool, config.latent_dim)))
    images, labels, top = look(z)
    pool = {
        "z": z,
        "labels": labels,
        "legible": top > config.exemplar_confidence,
        "ink": images.mean((1, 2, 3)),
    }
    rng = np.random.default_rng(config.seed)
    arith, arith_rows = arithmetic(config, look, pool, rng)
    interp, interp_rows = interpolation(config, look, pool, rng)
    plots.image_grid(images[:64], out / "samples.png", f"DCGAN samples, {config.gan.epochs} ep")
    _captioned_grid(
        [codes for _, codes in arith_rows],
        look,
        out / "arithmetic.png",
        headers=["a", "b", "c", "a - b + c"],
        row_names=[kind for kind, _ in arith_rows],
    )
    _captioned_grid(interp_rows, look, out / "interpolation.png", headers=None)
    pool_probs = np.asarray(jax.jit(probs_fn)(images))
    return {
        "classifier": classifier,
        "gan": gan,
        "pool": {"size": config.pool, **latent.legibility(pool_probs, config.confidence)},
        "arithmetic": arith,
        "interpolation": interp,
    }


def plot(record: dict, out: Path) -> list[str]:
    results = record["results"]
    history = results["gan"]["history"]
    config = record["config"]
    epochs = [r["epoch"] for r in history]
    fig, left = plt.subplots(figsize=(5.5, 3.4))
    left.plot(epochs, [r["confident"] for r in history], "o-", label="confident fraction (G)")
    left.axhline(config["legible_fraction"], color="gray", ls=":", label="legible threshold")
    left.axhline(
        results["classifier"]["real"]["confident"], color="C2", ls="--", label="real test digits"
    )
    left.set_xlabel("epoch")
    left.set_ylabel(f"fraction with p > {config['confidence']}")
    left.set_ylim(0, 1.35)  # room for the legend above the curves
    right = left.twinx()
    right.plot(epochs, [r["inception_score"] for r in history], "s-", color="C1", label="IS")
    right.set_ylabel("inception-score analogue (max 10)")
    right.set_ylim(0, 13.5)
    lines = left.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    left.legend(
        lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="upper left", framealpha=0.9
    )
    fig.tight_layout()
    plots.save_figure(fig, out / "legibility.png")
    return ["legibility.png", "samples.png", "arithmetic.png", "interpolation.png"]


def main(argv=None) -> dict:
    return system.main(
        "dcgan_arithmetic",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
