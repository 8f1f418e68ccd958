import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import models
from jaxnets.errors import InvalidArgumentError
from jaxnets.train import Objective, init_state, train_step
from tests.tolerances import tol

CELLS = ["rnn", "lstm", "gru"]
HELLO = "helo"  # the lecture's vocabulary: h, e, l, o
OBJECTIVE = Objective(loss="sequence_softmax_cross_entropy", input_key="x")


pytestmark = pytest.mark.usefixtures("fast_compiles")


def _encode(text: str) -> jax.Array:
    return jnp.array([[HELLO.index(c) for c in text]], jnp.int32)


@pytest.mark.parametrize("cell", CELLS)
def test_hello_learns_to_predict_ello(cell):
    model = models.CharLM(vocab_size=4, hidden=8, cell=cell)
    state = init_state(
        model, optax.adam(0.05), OBJECTIVE, (4,), key=jax.random.key(0), dtype=jnp.int32
    )
    batch = {"x": _encode("hell"), "label": _encode("ello")}
    state, first = train_step(state, batch)
    for _ in range(150):
        state, metrics = train_step(state, batch)
    assert float(metrics["loss"]) < 0.1 * float(first["loss"])
    predicted = jnp.argmax(model.apply({"params": state.params}, batch["x"]), axis=-1)
    assert "".join(HELLO[i] for i in predicted[0]) == "ello"


@pytest.mark.parametrize(
    ("cell", "embed", "expected"),
    [
        # cell G·(H·(D + H) + H) with D = V = 4 (one-hot), H = 3; head H·V + V = 16.
        ("rnn", None, 1 * (3 * 7 + 3) + 16),
        ("lstm", None, 4 * (3 * 7 + 3) + 16),
        ("gru", None, 3 * (3 * 7 + 3) + 16),
        # embedding V·2 = 8, then D = 2: GRU 3·(3·5 + 3) = 54, head 16.
        ("gru", 2, 8 + 54 + 16),
    ],
)
def test_param_counts(cell, embed, expected):
    model = models.CharLM(vocab_size=4, hidden=3, cell=cell, embed=embed)
    variables = model.init(jax.random.key(0), jnp.zeros((1, 5), jnp.int32))
    assert sum(p.size for p in jax.tree.leaves(variables)) == expected


def test_rejects_float_and_unbatched_tokens():
    model = models.CharLM(vocab_size=4, hidden=3)
    with pytest.raises(TypeError, match=r"dtype=jnp\.int32"):
        model.init(jax.random.key(0), jnp.zeros((1, 5)))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        model.init(jax.random.key(0), jnp.zeros((5,), jnp.int32))


@pytest.fixture(scope="module")
def lm():
    model = models.CharLM(vocab_size=6, hidden=8, cell="lstm", embed=4)
    params = model.init(jax.random.key(0), jnp.zeros((1, 5), jnp.int32))["params"]
    return model, params


def test_step_matches_the_full_sequence(lm):
    # The step-by-step path used for sampling computes the same logits as __call__.
    model, params = lm
    tokens = jax.random.randint(jax.random.key(1), (3, 5), 0, 6)
    full = model.apply({"params": params}, tokens)
    carry = model.apply({"params": params}, 3, method=models.CharLM.initial_carry)
    for t in range(5):
        carry, logits = model.apply({"params": params}, carry, tokens[:, t], method="step")
        np.testing.assert_allclose(logits, full[:, t], rtol=tol("float32", "values"), atol=1e-6)


def test_sample_shapes_determinism_and_stop_token(lm):
    model, params = lm
    prefix = jnp.zeros((64, 1), jnp.int32)
    kwargs = dict(prefix=prefix, length=12, temperature=1.5)
    variables = {"params": params}
    a = models.sample(model, variables, key=jax.random.key(0), **kwargs)
    b = models.sample(model, variables, key=jax.random.key(0), **kwargs)
    c = models.sample(model, variables, key=jax.random.key(1), **kwargs)
    assert a.shape == (64, 12) and a.dtype == jnp.int32
    assert ((a >= 0) & (a < 6)).all()
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()
    stopped = np.asarray(
        models.sample(model, variables, key=jax.random.key(0), stop_token=2, **kwargs)
    )
    for row in stopped:
        hits = np.flatnonzero(row == 2)
        if hits.size:  # after the first stop token, only stop tokens
            assert (row[hits[0] :] == 2).all()
    assert any((row == 2).any() for row in stopped)


def test_low_temperature_sampling_is_greedy_decoding(lm):
    model, params = lm
    prefix = jnp.array([[1, 4], [3, 0]], jnp.int32)
    out = models.sample(
        model, {"params": params}, key=jax.random.key(0), prefix=prefix, length=4, temperature=1e-4
    )
    tokens = prefix
    for _ in range(4):  # greedy decoding by re-reading the whole sequence each time
        logits = model.apply({"params": params}, tokens)[:, -1]
        tokens = jnp.concatenate([tokens, jnp.argmax(logits, -1)[:, None]], axis=1)
    np.testing.assert_array_equal(out, tokens[:, 2:])


@pytest.mark.parametrize("name", ["char_rnn", "char_lstm", "char_gru"])
def test_registry_entry_has_a_pulse(name):
    spec = models.get_spec(name)
    model = models.create(name, num_classes=5, hidden=16)
    objective = Objective(loss=spec.loss, input_key="x")
    state = init_state(
        model,
        optax.adam(0.02),
        objective,
        spec.example_input,
        key=jax.random.key(0),
        dtype=jnp.int32,
    )
    tokens = jax.random.randint(jax.random.key(1), (8, spec.example_input[0] + 1), 0, 5)
    batch = {"x": tokens[:, :-1], "label": tokens[:, 1:]}
    state, first = train_step(state, batch)
    state, second = train_step(state, batch)
    assert float(second["loss"]) < float(first["loss"])


def test_sample_repeats_a_one_dimensional_prefix_num_times(lm):
    model, params = lm
    variables = {"params": params}
    kwargs = dict(key=jax.random.key(0), length=6, temperature=1.0)
    one = models.sample(model, variables, prefix=jnp.array([1, 4]), num=3, **kwargs)
    tiled = models.sample(model, variables, prefix=jnp.array([[1, 4]] * 3), **kwargs)
    np.testing.assert_array_equal(one, tiled)
    # A bare params tree (what a train state holds) is read the same way as the variables.
    bare = models.sample(model, params, prefix=jnp.array([[1, 4]] * 3), **kwargs)
    np.testing.assert_array_equal(bare, tiled)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"length": 3}, "needs prefix="),
        ({"prefix": jnp.zeros((2, 1), jnp.int32), "length": 3, "num": 3}, "num=3 sequences"),
        ({"prefix": jnp.zeros((2, 1), jnp.int32), "length": 3, "top_k": 2}, "unexpected"),
    ],
)
def test_sample_refuses_bad_char_lm_arguments(lm, kwargs, match):
    model, params = lm
    with pytest.raises(InvalidArgumentError, match=match):
        models.sample(model, {"params": params}, key=jax.random.key(0), **kwargs)
