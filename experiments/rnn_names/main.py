"""Character-level RNN, LSTM, GRU and GRU with layer norm on names: held-out nats per
character for each, samples from each, and the lecture's "hello" RNN step by step."""

import math
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import optax

from experiments import _system as system
from experiments.rnn_names.config import RNNNamesConfig, get_config
from experiments.rnn_names.report import report
from jaxnets import data, models, plots, train
from jaxnets.train import FitConfig, Objective, fit, init_state

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# --quick trains on these 136 instead of names.txt, so the smoke test needs no data files.
QUICK_NAMES = (
    "emma olivia ava isabella sophia mia charlotte amelia harper evelyn abigail emily "
    "ella elizabeth camila luna sofia avery mila aria scarlett penelope layla chloe "
    "victoria madison eleanor grace nora riley zoey hannah hazel lily ellie violet "
    "liam noah oliver elijah james william benjamin lucas henry theodore jack levi alexander "
    "jackson mateo daniel michael mason sebastian ethan logan owen samuel jacob asher aiden "
    "john joseph wyatt david leo luke julian hudson grayson matthew ezra gabriel carter isaac "
    "jayden luca anthony dylan lincoln thomas maverick elias josiah charles caleb christopher "
    "ezekiel miles jaxon isaiah andrew joshua nathan nolan adrian cameron santiago eli aaron "
    "ryan angel cooper waylon easton kai christian landon colton roman axel brooks jonathan "
    "robert jameson ian everett greyson wesley jeremiah hunter leonardo jordan jose bennett "
    "silas nicholas parker beau weston austin connor carson dominic xavier"
).split()
HELLO_VOCAB = "helo"  # lecture 003: "input training word is hello, 4 allowed letters helo"
# The sequence loss counts each name's real characters only (its "length"), and examples
# weigh by their length: train and test losses are nats per character.
OBJECTIVE = Objective(loss="sequence_softmax_cross_entropy", input_key="x")


def unigram_nats_per_char(train_split: dict, test_split: dict, vocab_size: int) -> float:
    """Cross-entropy (nats/char) on the test characters of the training characters' frequencies
    (add-one smoothed): the score of a model that ignores the preceding characters."""

    def counts(split):
        mask = np.arange(split["label"].shape[1]) < split["length"][:, None]
        return np.bincount(split["label"][mask], minlength=vocab_size)

    train_counts, test_counts = counts(train_split), counts(test_split)
    p = (train_counts + 1) / (train_counts.sum() + vocab_size)
    return float(-(test_counts * np.log(p)).sum() / test_counts.sum())


def hello(config: RNNNamesConfig) -> dict:
    """Train the lecture's simple RNN on "hell" -> "ello" through fit, then read "hell" and
    record each step's output distribution o_t = softmax(V s_t) over h, e, l, o."""
    encode = {c: i for i, c in enumerate(HELLO_VOCAB)}
    x = np.array([[encode[c] for c in "hell"]] * 8, np.int32)  # 8 copies: a batch of 8
    y = np.array([[encode[c] for c in "ello"]] * 8, np.int32)
    model = models.CharLM(vocab_size=len(HELLO_VOCAB), hidden=config.hello_hidden, cell="rnn")
    state = init_state(
        model,
        optax.adam(config.hello_learning_rate),
        OBJECTIVE,
        (4,),
        key=jax.random.key(config.seed),
        dtype=jnp.int32,
    )
    fit_config = FitConfig(epochs=config.hello_steps, batch_size=8, progress=False)
    result = fit(state, {"x": x, "label": y}, config=fit_config)
    probs = np.asarray(jax.nn.softmax(train.predict(result.state, jnp.asarray(x[:1]))[0]))
    steps = []
    for t, (given, target) in enumerate(zip("hell", "ello", strict=True)):
        top = int(probs[t].argmax())
        steps.append(
            {
                "step": t + 1,
                "input": given,
                "target": target,
                "top": HELLO_VOCAB[top],
                "p_top": float(probs[t, top]),
                "probs": {c: float(probs[t, i]) for i, c in enumerate(HELLO_VOCAB)},
            }
        )
    return {
        "num_params": train.num_params(result.state.params),
        "final_loss": result.history[-1]["train_loss"],
        "prediction": "".join(s["top"] for s in steps),
        "steps": steps,
    }


def train_model(config: RNNNamesConfig, dataset, cell: str, layer_norm: bool):
    model = models.CharLM(
        vocab_size=dataset.num_classes,
        hidden=config.hidden,
        cell=cell,
        embed=config.embed,
        layer_norm=layer_norm,
    )
    total_steps = config.epochs * (len(dataset.train["x"]) // config.batch_size)
    tx = optax.adam(optax.cosine_decay_schedule(config.learning_rate, total_steps, alpha=0.05))
    state = init_state(
        model, tx, OBJECTIVE, dataset.input_shape, key=jax.random.key(config.seed), dtype=jnp.int32
    )
    fit_config = FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    start = time.perf_counter()
    result = fit(state, dataset.train, dataset.test, fit_config)
    seconds = time.perf_counter() - start
    return model, result, seconds


def sample_names(config: RNNNamesConfig, model, params, length: int) -> list[str]:
    prefix = jnp.full((config.num_samples, 1), data.END_TOKEN, jnp.int32)  # the start token
    tokens = models.sample(
        model,
        params,
        key=jax.random.key(config.seed + 1),
        prefix=prefix,
        length=length,
        temperature=config.temperature,
        stop_token=data.END_TOKEN,
    )
    return [name for name in map(data.decode_name, np.asarray(tokens)) if name]


def run(config: RNNNamesConfig, data_dir: str | None, out: Path) -> dict:
    if config.quick_names:
        data_dir = out / "quick_names.txt"
        data_dir.write_text("\n".join(QUICK_NAMES) + "\n")
    dataset = data.load_dataset("names", data_dir=data_dir, seed=config.seed)
    train_split, test_split = dataset.train, dataset.test
    train_names = {data.decode_name(row) for row in train_split["label"]}
    all_names = train_names | {data.decode_name(row) for row in test_split["label"]}
    results, samples = [], {}
    for label, cell, layer_norm in config.models:
        model, result, seconds = train_model(config, dataset, cell, layer_norm)
        history = result.history
        names = sample_names(config, model, result.state.params, dataset.input_shape[0])
        samples[label] = names
        results.append(
            {
                "label": label,
                "cell": cell,
                "layer_norm": layer_norm,
                "num_params": train.num_params(result.state.params),
                "seconds": round(seconds, 1),
                "heldout_nats_per_char": history[-1]["test_loss"],
                "train_nats_per_char": history[-1]["train_loss"],
                "num_samples": len(names),
                "novel_fraction": sum(n not in train_names for n in names) / max(len(names), 1),
                "novel_fraction_vs_all_names": (
                    sum(n not in all_names for n in names) / max(len(names), 1)
                ),
                "first_samples": names[:20],
                "history": [
                    {k: row[k] for k in ("epoch", "step", "train_loss", "test_loss")}
                    for row in history
                ],
            }
        )
    text = "".join(f"# {label}\n" + "".join(f"{n}\n" for n in ns) for label, ns in samples.items())
    (out / "samples.txt").write_text(text)
    return {
        "train_names": len(train_split["x"]),
        "test_names": len(test_split["x"]),
        "vocab_size": dataset.num_classes,
        "unigram_nats_per_char": unigram_nats_per_char(
            train_split, test_split, dataset.num_classes
        ),
        "uniform_nats_per_char": math.log(dataset.num_classes),
        "models": results,
        "hello": hello(config),
    }


def plot(record: dict, out: Path) -> list[str]:
    r = record["results"]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for m in r["models"]:
        epochs = [row["epoch"] for row in m["history"]]
        ax.plot(epochs, [row["test_loss"] for row in m["history"]], marker=".", label=m["label"])
    ax.set(
        xlabel="epoch",
        ylabel="held-out nats / character",
        title="character models on names: held-out loss "
        f"(unigram: {r['unigram_nats_per_char']:.2f})",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    plots.save_figure(fig, out / "heldout_loss.png", dpi=100)
    return ["heldout_loss.png"]


def main(argv=None) -> dict:
    return system.main(
        "rnn_names",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
