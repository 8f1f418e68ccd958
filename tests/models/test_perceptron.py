"""The perceptron: step activation, the learning rule, convergence on separable data, XOR."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxnets import models, train
from jaxnets.models import (
    Perceptron,
    PerceptronParams,
    fit_perceptron,
    perceptron_predict,
    perceptron_update,
    step_activation,
)

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)


def test_step_activation():
    z = jnp.array([-2.0, -1e-6, 0.0, 3.0])
    np.testing.assert_array_equal(step_activation(z), [0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("x", "y", "lr", "w", "b"),
    [
        # y_hat = step(0) = 1 but y = 0: w -= lr x, b -= lr.
        ([1.0, 2.0], 0.0, 0.5, [-0.5, -1.0], -0.5),
        # y_hat = 1 = y: no change.
        ([1.0, 2.0], 1.0, 0.5, [0.0, 0.0], 0.0),
    ],
)
def test_perceptron_rule_from_zero(x, y, lr, w, b):
    params = PerceptronParams(jnp.zeros(2), jnp.zeros(()))
    new = perceptron_update(params, jnp.array(x), jnp.array(y), lr)
    np.testing.assert_array_equal(new.w, w)
    assert float(new.b) == b


def test_perceptron_rule_adds_the_example_on_a_false_negative():
    params = PerceptronParams(jnp.array([-1.0, 0.5]), jnp.array(-0.25))
    x = jnp.array([2.0, 1.0])  # score -2 + 0.5 - 0.25 < 0: predicted 0
    new = perceptron_update(params, x, jnp.array(1.0), lr=0.1)
    np.testing.assert_allclose(new.w, params.w + 0.1 * x)
    np.testing.assert_allclose(new.b, params.b + 0.1)


def _separable(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
    w, b = np.array([1.5, -2.0]), 0.3
    margin = x @ w + b
    keep = np.abs(margin) > 0.1  # a positive margin bounds the number of mistakes
    return x[keep], (margin[keep] > 0).astype(np.float32)


@pytest.mark.parametrize(
    ("name", "x", "y"),
    [
        ("and", XOR_X, np.array([0, 0, 0, 1], np.float32)),
        ("or", XOR_X, np.array([0, 1, 1, 1], np.float32)),
        ("random separable", *_separable()),
    ],
)
def test_converges_to_zero_errors_on_separable_data(name, x, y):
    fit = fit_perceptron(x, y, max_epochs=100)
    assert fit.converged, f"{name}: mistakes per epoch {fit.mistakes}"
    assert fit.mistakes[-1] == 0 and len(fit.mistakes) < 100
    np.testing.assert_array_equal(perceptron_predict(fit.params, jnp.asarray(x)), y)


def test_never_converges_on_xor():
    y = np.array([0, 1, 1, 0], np.float32)
    fit = fit_perceptron(XOR_X, y, max_epochs=50)
    assert not fit.converged
    assert len(fit.mistakes) == 50 and min(fit.mistakes) > 0
    accuracy = float(np.mean(np.asarray(perceptron_predict(fit.params, XOR_X)) == y))
    assert accuracy < 1.0


def test_bad_targets_are_explained():
    with pytest.raises(ValueError, match="0 or 1"):
        fit_perceptron(XOR_X, np.array([-1, 1, 1, -1]))
    with pytest.raises(ValueError, match=r"\(N, D\)"):
        fit_perceptron(XOR_X[:, 0], np.zeros(4))


def test_module_count_shape_and_registry():
    model = Perceptron(num_classes=10)
    # 28*28 inputs -> 10 units: 784*10 + 10
    assert models.summary(model, (28, 28, 1)).total_params == 7_850
    assert models.get_spec("perceptron").loss == "hinge"
    assert isinstance(models.create("perceptron", num_classes=3), Perceptron)


def test_module_has_a_pulse():
    x = jax.random.normal(jax.random.key(0), (16, 5))
    y = jnp.arange(16) % 3
    state = train.init_state(
        Perceptron(num_classes=3),
        optax.sgd(0.1),
        train.Objective("hinge", input_key="x"),
        (5,),
        key=jax.random.key(1),
    )
    losses = []
    for _ in range(3):
        state, metrics = train.train_step(state, {"x": x, "label": y})
        losses.append(float(metrics["loss"]))
    assert losses[2] < losses[1] < losses[0]


def _rule_state(num_classes: int, dim: int):
    import optax

    from jaxnets import train

    return train.init_state(
        Perceptron(num_classes, kernel_init="zeros"),
        optax.identity(),
        train.Objective("hinge", input_key="x"),
        (dim,),
        key=jax.random.key(0),
    )


def test_train_step_is_the_rule_applied_example_by_example():
    from jaxnets.models import PerceptronParams, perceptron_train_step, perceptron_update

    x = jnp.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0], [2.0, 1.0]])
    y = jnp.array([0, 1, 1, 0])
    state, metrics = perceptron_train_step(_rule_state(1, 2), {"x": x, "label": y})
    expected = PerceptronParams(jnp.zeros(2), jnp.zeros(()))
    mistakes = 0
    for xi, yi in zip(x, y, strict=True):
        mistakes += int(perceptron_predict(expected, xi) != yi)
        expected = perceptron_update(expected, xi, yi.astype(jnp.float32))
    units = state.params["units"]
    np.testing.assert_allclose(units["kernel"][:, 0], expected.w)
    np.testing.assert_allclose(units["bias"][0], expected.b)
    assert int(metrics["mistakes"]) == mistakes and int(state.step) == 1


def test_train_step_multiclass_moves_true_and_predicted_columns_and_skips_masked_rows():
    from jaxnets.models import perceptron_train_step

    x = jnp.array([[1.0, 2.0], [5.0, 5.0]])
    batch = {"x": x, "label": jnp.array([2, 1]), "mask": jnp.array([True, False])}
    state, metrics = perceptron_train_step(_rule_state(3, 2), batch)
    kernel = np.asarray(state.params["units"]["kernel"])
    # All scores 0: argmax predicts class 0, wrong; class 2 gains x, class 0 loses it.
    np.testing.assert_allclose(kernel, [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0]])
    assert float(metrics["mistakes"]) == 1.0 and float(metrics["count"]) == 1.0
