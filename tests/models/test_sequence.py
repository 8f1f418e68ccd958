import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import models
from jaxnets.train import Objective, init_state, train_step
from tests.tolerances import tol

pytestmark = pytest.mark.usefixtures("fast_compiles")


@pytest.mark.parametrize(
    ("cell", "embed", "expected"),
    [
        # embedding 6·3 = 18; cell G·(4·(3 + 4) + 4) = 32 G; head 4·2 + 2 = 10.
        ("rnn", 3, 18 + 32 + 10),
        ("lstm", 3, 18 + 4 * 32 + 10),
        ("gru", 3, 18 + 3 * 32 + 10),
        # one-hot: D = V = 6, GRU 3·(4·10 + 4) = 132.
        ("gru", None, 132 + 10),
    ],
)
def test_param_counts(cell, embed, expected):
    model = models.SequenceClassifier(num_classes=2, vocab_size=6, hidden=4, cell=cell, embed=embed)
    variables = model.init(jax.random.key(0), jnp.zeros((1, 5), jnp.int32))
    assert sum(p.size for p in jax.tree.leaves(variables)) == expected


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_right_padding_does_not_change_the_prediction(pooling):
    model = models.SequenceClassifier(3, vocab_size=6, hidden=4, pooling=pooling, pad_token=0)
    short = jnp.array([[1, 5, 2]], jnp.int32)
    padded = jnp.array([[1, 5, 2, 0, 0, 0]], jnp.int32)
    variables = model.init(jax.random.key(0), padded)
    out = model.apply(variables, padded)
    assert out.shape == (1, 3)
    np.testing.assert_allclose(out, model.apply(variables, short), rtol=tol("float32", "values"))
    unmasked = models.SequenceClassifier(3, vocab_size=6, hidden=4, pooling=pooling)
    assert not np.allclose(unmasked.apply(variables, padded), out)  # the mask matters


def test_unknown_pooling_is_an_error():
    model = models.SequenceClassifier(2, vocab_size=6, pooling="max")
    with pytest.raises(ValueError, match="pooling must be one of"):
        model.init(jax.random.key(0), jnp.zeros((1, 3), jnp.int32))


def _count_task(key, n, length=10):
    """Tokens uniform over 1..4; the class is whether token 3 occurs more than twice.

    The count is Binomial(10, 1/4): P(count <= 2) = 0.526, so either constant guess is right
    about half the time.
    """
    tokens = jax.random.randint(key, (n, length), 1, 5)
    return {"x": tokens, "label": (jnp.sum(tokens == 3, axis=1) > 2).astype(jnp.int32)}


def test_learns_to_count_a_token_above_chance():
    model = models.SequenceClassifier(2, vocab_size=5, hidden=16, embed=8, pooling="mean")
    state = init_state(
        model,
        optax.adam(0.01),
        Objective(input_key="x"),
        (10,),
        key=jax.random.key(0),
        dtype=jnp.int32,
    )
    train, test = _count_task(jax.random.key(1), 512), _count_task(jax.random.key(2), 512)
    majority = max(float(test["label"].mean()), 1 - float(test["label"].mean()))
    for step in range(100):
        rows = slice(64 * (step % 8), 64 * (step % 8 + 1))
        state, _ = train_step(state, {k: v[rows] for k, v in train.items()})
    logits = model.apply({"params": state.params}, test["x"])
    accuracy = float(jnp.mean(jnp.argmax(logits, -1) == test["label"]))
    assert accuracy > majority + 0.3, (accuracy, majority)


def test_registry_entry_has_a_pulse():
    spec = models.get_spec("sequence_classifier")
    model = models.create("sequence_classifier", num_classes=2, hidden=8)
    state = init_state(
        model,
        optax.adam(0.02),
        Objective(loss=spec.loss, input_key="x"),
        spec.example_input,
        key=jax.random.key(0),
        dtype=jnp.int32,
    )
    batch = _count_task(jax.random.key(1), 16, spec.example_input[0])
    state, first = train_step(state, batch)
    state, second = train_step(state, batch)
    assert float(second["loss"]) < float(first["loss"])
