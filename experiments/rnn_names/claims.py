"""Lecture claims shown by rnn_names: the simple RNN's equation trained on names, the "hello"
example, new names sampled from the model, and the simple RNN against the gated cells."""

from experiments._claims import Claim, E, _r, pct

NAME = "rnn_names"
CMD = E + NAME


def _models(records) -> dict:
    return {m["label"]: m for m in _r(records, NAME)["models"]}


def _nats(records, label) -> float:
    return _models(records)[label]["heldout_nats_per_char"]


def _gated(records) -> list[str]:
    return [label for label in _models(records) if label in ("lstm", "gru")]


def _hello_steps(records) -> str:
    return ", ".join(
        f"{s['input']}->{s['top']} ({s['p_top']:.2f})" for s in _r(records, NAME)["hello"]["steps"]
    )


CLAIMS = [
    Claim(
        "003-rnn-equation",
        "003 Recurrent neural networks",
        "s_t = f(U x_t + W s_{t-1}), o_t = softmax(V s_t), U, V, W shared over t",
        f"`{CMD}`; tests/layers/test_recurrent.py",
        lambda R: (
            f"simple tanh RNN on names: held-out {_nats(R, 'rnn'):.3f} nats/char vs "
            f"{_r(R, NAME)['unigram_nats_per_char']:.3f} for the character frequencies"
        ),
        lambda R: _nats(R, "rnn") < _r(R, NAME)["unigram_nats_per_char"],
        why="the trained RNN does not beat the character frequencies",
    ),
    Claim(
        "003-hello",
        "003 RNN example",
        "trained on 'hello' over h, e, l, o it predicts 'ello'",
        CMD,
        lambda R: f"reads 'hell' as '{_r(R, NAME)['hello']['prediction']}': {_hello_steps(R)}",
        lambda R: _r(R, NAME)["hello"]["prediction"] == "ello",
        why="the trained RNN's top predictions are not 'ello'",
    ),
    Claim(
        "003-names",
        "003 RNN on baby names",
        "a char RNN samples new names that are not among its training names",
        CMD,
        lambda R: "; ".join(
            f"{label} {pct(m['novel_fraction'])} new ({m['heldout_nats_per_char']:.3f} nats/char)"
            for label, m in _models(R).items()
        ),
        lambda R: _models(R)["rnn"]["novel_fraction"] > 0.5,
        why="most of the simple RNN's samples are training names",
    ),
    Claim(
        "004-gated-cells",
        "004 The vanishing gradient problem; RNN, LSTM, GRU cells",
        "a plain RNN learns long-term dependencies poorly (vanishing gradients); the gated "
        "LSTM and GRU cells do better: the simple RNN trails them on held-out nats/char",
        CMD,
        lambda R: (
            ", ".join(f"{label} {_nats(R, label):.3f}" for label in ["rnn", *_gated(R)])
            + " nats/char"
        ),
        lambda R: all(_nats(R, "rnn") > _nats(R, label) for label in _gated(R)),
        why="on names (at most 15 letters) the simple RNN is not behind every gated cell",
    ),
]
