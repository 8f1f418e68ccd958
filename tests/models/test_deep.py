"""Deep plain/residual/highway MLPs and the BatchNorm + dropout MLP trained through ``fit``."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import data, models, train
from jaxnets.models import BatchNormMLP, DeepMLP
from tests.tolerances import tol


def _count(model, shape):
    return models.summary(model, shape).total_params


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # input 5*8+8 = 48, output 8*3+3 = 27, each dense 8x8 layer 8*8+8 = 72
        ("plain", 48 + 4 * 72 + 27),  # 4 layers
        ("residual", 48 + 2 * 2 * 72 + 27),  # 2 blocks of 2 layers
        ("highway", 48 + 4 * 2 * 72 + 27),  # 4 layers, each with a gate
    ],
)
def test_small_counts(kind, expected):
    assert _count(DeepMLP(depth=4, width=8, kind=kind, num_classes=3), (5,)) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 784*64+64 = 50,240; 30 * (64*64+64) = 124,800; 64*10+10 = 650
        ("deep_plain", 50_240 + 124_800 + 650),
        ("deep_residual", 50_240 + 124_800 + 650),
        ("deep_highway", 50_240 + 2 * 124_800 + 650),
        # 784*128+128 + 2*128 (bn) = 100,736; 128*128+128 + 256 = 16,768; 128*10+10 = 1,290
        ("mlp_bn_dropout", 100_736 + 16_768 + 1_290),
    ],
)
def test_registry_counts(name, expected):
    spec = models.get_spec(name)
    assert _count(models.create(name, num_classes=10), spec.example_input) == expected


def test_bad_options_are_explained():
    x = jnp.ones((1, 5))
    with pytest.raises(ValueError, match="kind"):
        DeepMLP(depth=4, kind="dense").init(jax.random.key(0), x)
    with pytest.raises(ValueError, match="even"):
        DeepMLP(depth=3, kind="residual").init(jax.random.key(0), x)


def test_residual_stack_starts_as_repeated_activation(x64):
    # Zero-initialised second layers: each block is act(x + 0), so the stack is tanh^(1+blocks).
    model = DeepMLP(depth=4, width=6, kind="residual", num_classes=2)
    x = jax.random.normal(jax.random.key(0), (3, 5), jnp.float64)
    params = model.init(jax.random.key(1), x)["params"]
    h = np.tanh(np.asarray(x) @ params["input"]["kernel"] + params["input"]["bias"])
    for _ in range(2):
        h = np.tanh(h)
    want = h @ params["output"]["kernel"] + params["output"]["bias"]
    np.testing.assert_allclose(
        model.apply({"params": params}, x), want, rtol=tol("float64", "exact")
    )


@pytest.mark.parametrize("kind", ["plain", "residual", "highway"])
def test_has_a_pulse(kind):
    x = jax.random.normal(jax.random.key(0), (8, 10))
    y = jnp.arange(8) % 3
    state = train.init_state(
        DeepMLP(depth=6, width=16, kind=kind, num_classes=3),
        optax.adam(1e-3),
        train.Objective(input_key="x"),
        (10,),
        key=jax.random.key(1),
    )
    losses = []
    for _ in range(3):
        state, metrics = train.train_step(state, {"x": x, "label": y})
        losses.append(float(metrics["loss"]))
    assert losses[2] < losses[1] < losses[0]


def test_batchnorm_mlp_has_a_pulse():
    # Dropout off so the three steps on one batch are deterministic.
    x = jax.random.normal(jax.random.key(0), (8, 10))
    y = jnp.arange(8) % 3
    model = BatchNormMLP(features=(16,), num_classes=3, dropout_rate=0.0)
    state = train.init_state(
        model, optax.adam(1e-2), train.Objective(input_key="x"), (10,), key=jax.random.key(1)
    )
    losses = []
    for _ in range(3):
        state, metrics = train.train_step(state, {"x": x, "label": y})
        losses.append(float(metrics["loss"]))
    assert losses[2] < losses[1] < losses[0]


@pytest.mark.slow
def test_batchnorm_mlp_fits_digits_and_evaluates_with_running_averages():
    ds = data.load_dataset("digits", seed=0)
    model = models.create("mlp_bn_dropout", num_classes=10, features=(64,))
    state = train.init_state(
        model, optax.adam(1e-2), train.Objective(), ds.input_shape, key=jax.random.key(0)
    )
    assert set(state.model_state) == {"batch_stats"}
    init_stats = jax.tree.map(np.asarray, state.model_state)
    config = train.FitConfig(epochs=2, batch_size=64, progress=False)
    result = train.fit(state, ds.train, ds.test, config)
    state = result.state
    assert result.history[1]["train_loss"] < result.history[0]["train_loss"]
    assert result.history[-1]["test_accuracy"] > 0.8
    # The running averages moved away from their initial values (0 mean, unit variance).
    stats = state.model_state["batch_stats"]["bn_0"]
    assert not np.allclose(stats["mean"], init_stats["batch_stats"]["bn_0"]["mean"])
    # Evaluation normalises with those averages: a single example gets the same logits alone
    # as in a batch, and they equal the closed form with the stored statistics.
    x = ds.test["image"][:32]
    logits = train.predict(state, x)
    np.testing.assert_allclose(
        train.predict(state, x[:1]),
        logits[:1],
        rtol=tol("float32", "values"),
        atol=tol("float32", "values"),
    )
    p = state.params
    h = x.reshape(32, -1) @ p["dense_0"]["kernel"] + p["dense_0"]["bias"]
    h = (h - stats["mean"]) / np.sqrt(stats["var"] + 1e-5) * p["bn_0"]["scale"] + p["bn_0"]["bias"]
    want = np.maximum(h, 0) @ p["output"]["kernel"] + p["output"]["bias"]
    np.testing.assert_allclose(
        logits, want, rtol=tol("float32", "values"), atol=tol("float32", "values")
    )
