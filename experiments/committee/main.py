"""A committee of CNNs (Ciresan et al.'s MCDNN, lecture 001): K nets trained as one vmapped
population on MNIST, each with its own initialisation and its own stream of random affine and
elastic distortions; at test time the committee averages the members' softmax outputs."""

import math
import time
from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import matplotlib
import matplotlib.ticker
import numpy as np

from experiments import _system as system
from experiments.committee.config import CommitteeConfig, get_config
from experiments.committee.report import report
from jaxnets import data, layers, models, plots, train
from jaxnets.data import MASK_KEY

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# fold_in(step key, 0) and (..., 1) are the dropout and noise streams of the train step;
# the distortions take their own.
AUGMENT_STREAM = 2


class SmallCNN(nn.Module):
    """(B, H, W, 1) -> 3x3 conv (SAME) -> ReLU -> 2x2 max pool -> dense -> ReLU -> logits."""

    features: int = 16
    hidden: int = 64
    num_classes: int = 10

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        x = nn.relu(layers.Conv2D(self.features, 3, padding=1, kernel_init="he", name="conv")(x))
        x = layers.MaxPool2D(2, name="pool")(x)  # (B, H/2, W/2, F)
        x = x.reshape(x.shape[0], -1)
        x = nn.relu(nn.Dense(self.hidden, name="hidden")(x))
        return nn.Dense(self.num_classes, name="output")(x)


def make_model(config: CommitteeConfig) -> nn.Module:
    if config.model == "lenet5":
        return models.LeNet5()
    if config.model == "small_cnn":
        return SmallCNN(config.small_cnn_features, config.small_cnn_hidden)
    raise ValueError(f"model must be 'lenet5' or 'small_cnn', got {config.model!r}")


def distort(config: CommitteeConfig, key: jax.Array, images: jax.Array) -> jax.Array:
    """One member's distortion of a batch (B, H, W, C): random affine, then elastic."""
    affine_key, elastic_key = jax.random.split(key)
    images = data.random_affine(
        affine_key,
        images,
        max_rotation=config.max_rotation,
        max_scale=config.max_scale,
        max_shift=config.max_shift,
    )
    if config.alpha > 0:
        images = data.elastic_distortion(elastic_key, images, config.alpha, config.sigma)
    return images


def member_keys(pstate: train.PopulationState) -> jax.Array:
    """(K,) distortion keys for the members' current steps: each member and step its own."""

    def one(key, step):
        return jax.random.fold_in(jax.random.fold_in(key, step), AUGMENT_STREAM)

    return jax.vmap(one)(pstate.state.key, pstate.state.step)


def distort_members(config: CommitteeConfig, pstate, images: jax.Array) -> jax.Array:
    """(K, B, H, W, C): the batch as each member sees it at its current step."""
    return jax.vmap(lambda key: distort(config, key, images))(member_keys(pstate))


def make_step(config: CommitteeConfig, steps_per_epoch: int):
    """``fit``'s step: distort the batch per member, anneal the rate, one population step."""

    def step(pstate: train.PopulationState, batch: dict):
        images = distort_members(config, pstate, batch["image"])  # (K, B, H, W, C)
        k = images.shape[0]
        batches = {
            "image": images,
            "label": jnp.broadcast_to(batch["label"], (k, *batch["label"].shape)),
        }
        # The population's learning rates are arrays in its optimizer state (optax's
        # inject_hyperparams): set each member's to the annealed rate of its current epoch.
        epoch = pstate.state.step // steps_per_epoch  # (K,)
        opt_state = pstate.state.opt_state
        rate = config.learning_rate * config.lr_decay ** epoch.astype(jnp.float32)
        hyper = {**opt_state.hyperparams, "learning_rate": rate}
        pstate = pstate.replace(
            state=pstate.state.replace(opt_state=opt_state._replace(hyperparams=hyper))
        )
        return train.population_train_step_per_member(pstate, batches)

    return step


def member_log_probs(pstate: train.PopulationState, images: jax.Array) -> jax.Array:
    """(K, B, classes) log-softmax outputs of every member, in inference mode."""
    logits = jax.vmap(train.predict, in_axes=(0, None))(pstate.state, images)
    return jax.nn.log_softmax(logits, axis=-1)


def committee_eval_step(pstate: train.PopulationState, batch: dict) -> dict:
    """Test metrics of the K members and, as entry K, of the committee: each (K + 1,).

    The committee's output is the mean of the members' softmax outputs; its loss is the
    cross-entropy of that mean. Padded rows (``mask`` False) count for nothing.
    """
    log_probs = member_log_probs(pstate, batch["image"])  # (K, B, C)
    k = log_probs.shape[0]
    committee = jax.nn.logsumexp(log_probs, axis=0) - math.log(k)  # log mean softmax (B, C)
    every = jnp.concatenate([log_probs, committee[None]])  # (K + 1, B, C)
    labels = batch["label"]
    nll = -jnp.take_along_axis(every, labels[None, :, None], axis=-1)[..., 0]  # (K + 1, B)
    correct = (jnp.argmax(every, axis=-1) == labels[None]).astype(jnp.float32)
    mask = batch.get(MASK_KEY)
    weight = jnp.ones(labels.shape) if mask is None else mask.astype(jnp.float32)
    count = jnp.sum(weight)
    return {
        "loss": jnp.sum(nll * weight, axis=1) / count,
        "accuracy": jnp.sum(correct * weight, axis=1) / count,
        "count": jnp.full((k + 1,), count),
    }


def augmentation_stats(config: CommitteeConfig, pstate, images: np.ndarray) -> dict:
    """How different the members' distorted copies of the same images are (step 0).

    ``member_mad``: mean absolute pixel difference between members' copies (0 would mean
    one shared stream); ``input_mad``: between each copy and the undistorted image.
    """
    copies = np.asarray(distort_members(config, pstate, jnp.asarray(images)))  # (K, B, H, W, C)
    k = copies.shape[0]
    pairs = [np.abs(copies[i] - copies[j]).mean() for i in range(k) for j in range(i + 1, k)]
    return {
        "member_mad": float(np.mean(pairs)),
        "min_member_mad": float(np.min(pairs)),
        "input_mad": float(np.abs(copies - images[None]).mean()),
    }


def save_samples(config: CommitteeConfig, pstate, images: np.ndarray, path: Path) -> None:
    """Row 0 the test digits; then, per shown member, its distortions at steps 0 and 1."""
    rows = [("input", images)]
    for step in (0, 1):
        at_step = pstate.replace(
            state=pstate.state.replace(step=jnp.full_like(pstate.state.step, step))
        )
        copies = np.asarray(distort_members(config, at_step, jnp.asarray(images)))
        for m in range(min(config.members_shown, copies.shape[0])):
            rows.append((f"member {m}\nstep {step}", copies[m]))
    fig, axes = plt.subplots(
        len(rows), len(images), figsize=(0.8 * len(images), 0.85 * len(rows)), squeeze=False
    )
    for r, (name, array) in enumerate(rows):
        for c in range(len(images)):
            axes[r, c].imshow(array[c, ..., 0], cmap="gray", vmin=0, vmax=1)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=7)
    fig.tight_layout(pad=0.2)
    plots.save_figure(fig, path, dpi=80)


def run(config: CommitteeConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    train_split = dataset.train
    if config.train_subset is not None:
        train_split = {k: v[: config.train_subset] for k, v in train_split.items()}
    model = make_model(config)
    keys = jax.random.split(jax.random.key(config.seed), config.members)
    pstate = train.init_population(
        model,
        train.Objective(input_key=dataset.input_key),
        dataset.input_shape,
        keys=keys,
        optimizer="adam",
        learning_rate=config.learning_rate,
    )
    shown = dataset.test["image"][: config.samples_shown]
    aug = augmentation_stats(config, pstate, dataset.test["image"][:256])
    save_samples(config, pstate, shown, out / "augmented_samples.png")

    n_train = data.split_length(train_split)
    steps_per_epoch = n_train // config.batch_size
    start = time.perf_counter()

    def over_budget(row: dict) -> bool:  # would one more epoch like this one overrun?
        return time.perf_counter() - start + row["epoch_s"] > config.train_budget_s

    fit_config = train.FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress="lines",
        divergence_factor=None,  # the population's loss is a list of K values
    )
    result = train.fit(
        pstate,
        train_split,
        dataset.test,
        fit_config,
        step=make_step(config, steps_per_epoch),
        eval_fn=committee_eval_step,
        on_epoch=over_budget,
    )
    train_s = time.perf_counter() - start

    curve = []
    seconds = 0.0
    for row in result.history:
        seconds += row["epoch_s"]
        errors = [100.0 * (1.0 - a) for a in row["test_accuracy"]]  # K members, committee
        curve.append(
            {
                "epoch": row["epoch"],
                "train_s": seconds,
                "member_error_pct": errors[:-1],
                "committee_error_pct": errors[-1],
                "member_train_error_pct": [100.0 * (1.0 - a) for a in row["train_accuracy"]],
                "member_test_loss": row["test_loss"][:-1],
                "committee_test_loss": row["test_loss"][-1],
                "learning_rate": config.learning_rate * config.lr_decay ** (row["epoch"] - 1),
            }
        )
    final = curve[-1]
    members = final["member_error_pct"]
    return {
        "dataset": config.dataset,
        "model": config.model,
        "params_per_member": train.num_params(
            jax.tree.map(lambda p: p[0], result.state.state.params)
        ),
        "train_examples": n_train,
        "test_examples": data.split_length(dataset.test),
        "epochs_run": len(curve),
        "stopped_by_budget": len(curve) < config.epochs,
        "compile_s": result.compile_s,
        "train_s": train_s,
        "member_error_pct": members,
        "mean_member_error_pct": float(np.mean(members)),
        "best_member_error_pct": float(np.min(members)),
        "committee_error_pct": final["committee_error_pct"],
        "augmentation": aug,
        "curve": curve,
    }


def plot(record: dict, out: Path) -> list[str]:
    curve = record["results"]["curve"]
    epochs = [c["epoch"] for c in curve]
    fig, ax = plt.subplots(figsize=(6, 4))
    members = np.array([c["member_error_pct"] for c in curve])  # (epochs, K)
    for k in range(members.shape[1]):
        ax.plot(
            epochs,
            members[:, k],
            color="tab:gray",
            alpha=0.7,
            marker=".",
            label="members" if k == 0 else None,
        )
    ax.plot(
        epochs,
        [c["committee_error_pct"] for c in curve],
        color="tab:red",
        marker="o",
        label=f"committee of {members.shape[1]}",
    )
    ax.axhline(0.23, color="tab:blue", ls="--", lw=1, label="MCDNN committee (lecture)")
    ax.axhline(0.39, color="tab:green", ls=":", lw=1, label="best earlier result (lecture)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test error (%)")
    ax.set_yscale("log")
    ax.set_yticks([0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20])
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    every = [*members.ravel(), 0.23]
    ax.set_ylim(0.8 * min(every), 1.25 * max(every))
    ax.set_title(f"{record['results']['dataset']}: members vs committee")
    ax.legend(fontsize=8)
    fig.tight_layout()
    plots.save_figure(fig, out / "error_vs_epoch.png")
    return ["error_vs_epoch.png", "augmented_samples.png"]


def main(argv=None) -> dict:
    return system.main(
        "committee",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
