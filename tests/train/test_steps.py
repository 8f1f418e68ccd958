import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import models, optim, train
from jaxnets.train._checks import check_batch
from tests.tolerances import tol


def _state(model=None, lr=0.1, loss="softmax_cross_entropy", shape=(4,), **objective):
    model = model or models.MLP((8, 3))
    tx = optim.from_config(optim.OptimizerConfig("sgd", lr))
    return train.init_state(
        model, tx, train.Objective(loss=loss, **objective), shape, key=jax.random.key(0)
    )


def _batch(n=6, shape=(4,), classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "image": rng.normal(size=(n, *shape)).astype(np.float32),
        "label": rng.integers(0, classes, n).astype(np.int32),
    }


def test_train_step_is_one_sgd_step_on_the_mean_loss():
    state = _state()
    batch = _batch()
    params0 = jax.tree.map(np.array, state.params)
    model = models.MLP((8, 3))

    def loss(p):
        logits = model.apply({"params": p}, batch["image"])
        return optax.softmax_cross_entropy_with_integer_labels(logits, batch["label"]).mean()

    expected = jax.tree.map(lambda p, g: p - 0.1 * g, params0, jax.grad(loss)(params0))
    new_state, metrics = train.train_step(state, batch)
    for a, b in zip(jax.tree.leaves(new_state.params), jax.tree.leaves(expected), strict=True):
        np.testing.assert_allclose(a, b, rtol=tol("float32", "params"), atol=1e-7)
    np.testing.assert_allclose(metrics["loss"], loss(params0), rtol=tol("float32", "values"))
    assert int(new_state.step) == 1 and float(metrics["count"]) == 6


def test_mask_excludes_padded_rows():
    state = _state()
    batch = _batch(n=6)
    padded = {k: np.concatenate([v, v[:2]]) for k, v in batch.items()}
    padded["mask"] = np.array([True] * 6 + [False] * 2)
    padded["label"][-2:] = (padded["label"][-2:] + 1) % 3  # garbage in padded rows
    a = train.eval_step(state, batch)
    b = train.eval_step(state, padded)
    np.testing.assert_allclose(a["loss"], b["loss"], rtol=tol("float32", "values"))
    np.testing.assert_allclose(a["accuracy"], b["accuracy"])
    assert float(b["count"]) == 6


def test_l2_penalty_changes_the_update_not_the_reported_loss():
    batch = _batch()
    plain, _ = train.train_step(_state(), batch)
    decayed, metrics = train.train_step(_state(l2=1.0), batch)
    _, plain_metrics = train.train_step(_state(), batch)
    np.testing.assert_allclose(metrics["loss"], plain_metrics["loss"])
    k0 = _state().params["dense_0"]["kernel"]
    # With L2 weight 1 the kernel update gains -lr * W.
    diff = decayed.params["dense_0"]["kernel"] - plain.params["dense_0"]["kernel"]
    np.testing.assert_allclose(diff, -0.1 * k0, rtol=1e-4, atol=1e-6)


def test_sown_losses_join_the_objective():
    import flax.linen as nn

    class WithAux(nn.Module):
        @nn.compact
        def __call__(self, x, *, train=False):
            y = nn.Dense(3)(x)
            self.sow("losses", "activity", 0.5 * jnp.mean(jnp.abs(y)))
            return y

    state = _state(model=WithAux())
    batch = _batch()
    metrics = train.eval_step(state, batch)
    logits = WithAux().apply({"params": state.params}, batch["image"])
    ce = optax.softmax_cross_entropy_with_integer_labels(logits, batch["label"]).mean()
    aux = 0.5 * jnp.mean(jnp.abs(logits))
    np.testing.assert_allclose(metrics["aux_loss"], aux, rtol=1e-6)
    np.testing.assert_allclose(metrics["loss"], ce + aux, rtol=1e-6)


def test_dropout_key_is_folded_per_step():
    import flax.linen as nn

    class Noisy(nn.Module):
        @nn.compact
        def __call__(self, x, *, train=False):
            x = nn.Dropout(0.5, deterministic=not train)(x)
            return nn.Dense(3)(x)

    batch = _batch()
    # Same parameters and base key: only the step number differs, so only the mask does.
    _, at_0 = train.train_step(_state(model=Noisy()), batch)
    _, at_5 = train.train_step(_state(model=Noisy()).replace(step=jnp.int32(5)), batch)
    _, at_0_again = train.train_step(_state(model=Noisy()), batch)
    assert float(at_0["loss"]) != float(at_5["loss"])
    assert float(at_0_again["loss"]) == float(at_0["loss"])


@pytest.mark.parametrize(
    ("batch", "error", "match"),
    [
        (
            {"image": np.zeros((2, 5), np.float32), "label": np.zeros(2, np.int32)},
            ValueError,
            r"per-example shape \(5,\)",
        ),
        (
            {"image": np.zeros((2, 4), np.uint8), "label": np.zeros(2, np.int32)},
            TypeError,
            "floating point",
        ),
        ({"image": np.zeros((2, 4), np.float32)}, ValueError, "label"),
        (
            {"image": np.zeros((2, 4), np.float32), "label": np.zeros(3, np.int32)},
            ValueError,
            "3 labels for 2 inputs",
        ),
    ],
)
def test_check_batch_explains_bad_input(batch, error, match):
    with pytest.raises(error, match=match):
        check_batch(_state(), batch)


class _Unsliceable:
    """An array stand-in (shape, dtype, len) whose values must not be touched."""

    def __init__(self, array):
        self.shape, self.dtype, self._n = array.shape, array.dtype, len(array)

    def __len__(self):
        return self._n

    def __getitem__(self, index):
        raise AssertionError("check_batch sliced the batch")

    def __array__(self, *args, **kwargs):
        raise AssertionError("check_batch read the batch's values")


def test_check_batch_reads_no_values_of_device_arrays():
    # Reproduction: check_batch read the labels' dtype as np.asarray(y[:0]).dtype. On a device
    # array that slice is a dispatched computation and np.asarray waits for it, behind every
    # queued step: each train_step waited for the previous one (no asynchronous dispatch).
    batch = _batch()
    check_batch(_state(), {k: _Unsliceable(np.asarray(v)) for k, v in batch.items()})


def test_predict_matches_apply():
    state = _state()
    x = _batch()["image"]
    expected = models.MLP((8, 3)).apply({"params": state.params}, x)
    np.testing.assert_allclose(train.predict(state, x), expected, rtol=1e-6)
