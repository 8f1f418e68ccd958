"""AlexNet-style CNN and the DQN network: hand-counted parameters, shapes, errors, a pulse."""

import jax
import jax.numpy as jnp
import optax
import pytest

from jaxnets import models, train
from jaxnets.models import DQN, AlexNetSmall

# AlexNetSmall for 10 classes:
#   conv1 5*5*3*32+32 = 2,432       conv2 5*5*32*64+64 = 51,264   conv3 3*3*64*96+96 = 55,392
#   conv4 3*3*96*96+96 = 83,040     conv5 3*3*96*64+64 = 55,360
#   fc6 (4*4*64)*256+256 = 262,400  fc7 256*256+256 = 65,792      fc8 256*10+10 = 2,570
ALEXNET_ROWS = {
    "conv1": 2_432,
    "conv2": 51_264,
    "conv3": 55_392,
    "conv4": 83_040,
    "conv5": 55_360,
    "fc6": 262_400,
    "fc7": 65_792,
    "fc8": 2_570,
}
# DQN: conv1 8*8*4*32+32 = 8,224; conv2 4*4*32*64+64 = 32,832; conv3 3*3*64*64+64 = 36,928;
# fc4 (7*7*64)*512+512 = 3,136*512+512 = 1,606,144; q_values 512*A + A.
DQN_TRUNK = 8_224 + 32_832 + 36_928 + 1_606_144  # 1,684,128


@pytest.mark.parametrize(
    ("model", "input_shape", "expected"),
    [
        (AlexNetSmall(10), (32, 32, 3), sum(ALEXNET_ROWS.values())),  # 578,250
        (DQN(num_actions=6), (84, 84, 4), DQN_TRUNK + 512 * 6 + 6),  # 1,687,206
        (DQN(num_actions=4), (84, 84, 4), DQN_TRUNK + 512 * 4 + 4),  # 1,686,180
    ],
)
def test_parameter_counts(model, input_shape, expected):
    assert models.summary(model, input_shape).total_params == expected


def test_alexnet_summary_rows_and_shapes():
    rows = {r.path: r for r in models.summary(AlexNetSmall(10), (32, 32, 3)).rows}
    assert {k: rows[k].params for k in ALEXNET_ROWS} == ALEXNET_ROWS
    assert rows["pool1"].output_shape == (1, 16, 16, 32)
    assert rows["pool2"].output_shape == (1, 8, 8, 64)
    assert rows["pool5"].output_shape == (1, 4, 4, 64)
    assert rows["fc8"].output_shape == (1, 10)


def test_dqn_summary_shapes():
    rows = {r.path: r for r in models.summary(DQN(num_actions=6), (84, 84, 4)).rows}
    assert rows["conv1"].output_shape == (1, 20, 20, 32)  # (84 - 8) / 4 + 1
    assert rows["conv2"].output_shape == (1, 9, 9, 64)  # (20 - 4) / 2 + 1
    assert rows["conv3"].output_shape == (1, 7, 7, 64)  # (9 - 3) / 1 + 1
    assert rows["q_values"].output_shape == (1, 6)


@pytest.mark.parametrize(
    ("model", "shape"), [(AlexNetSmall(), (1, 28, 28, 1)), (DQN(), (1, 84, 84, 3))]
)
def test_wrong_input_is_explained(model, shape):
    with pytest.raises(ValueError, match="expects images"):
        model.init(jax.random.key(0), jnp.ones(shape))


def test_registry_entries():
    assert models.create("dqn", num_classes=4).num_actions == 4
    assert models.get_architecture("dqn").example_input == (84, 84, 4)
    assert models.get_spec("alexnet_small").example_input == (32, 32, 3)


def test_alexnet_dropout_is_active_only_in_training():
    model = AlexNetSmall(4)
    x = jax.random.uniform(jax.random.key(0), (2, 32, 32, 3))
    variables = jax.jit(model.init)(jax.random.key(1), x)

    @jax.jit
    def outputs(variables, x):  # one compiled call: two dropout masks and an eval pass
        a, b = (
            model.apply(variables, x, train=True, rngs={"dropout": jax.random.key(k)})
            for k in (2, 3)
        )
        return a, b, model.apply(variables, x, train=False)

    a, b, evaluated = outputs(variables, x)
    assert not jnp.allclose(a, b)
    assert jnp.array_equal(evaluated, model.apply(variables, x, train=False))


def _losses(model, input_shape, loss, label, tx, steps=3):
    x = jax.random.uniform(jax.random.key(0), (4, *input_shape))
    state = train.init_state(model, tx, train.Objective(loss), input_shape, key=jax.random.key(1))
    out = []
    for _ in range(steps):
        state, metrics = train.train_step(state, {"image": x, "label": label})
        out.append(float(metrics["loss"]))
    return out


@pytest.mark.parametrize(
    ("model", "shape", "loss", "label", "tx"),
    [
        # dropout off: the same batch three times must give falling losses
        (
            AlexNetSmall(3, dropout_rate=0.0),
            (32, 32, 3),
            "softmax_cross_entropy",
            jnp.array([0, 1, 2, 0]),
            optax.adam(1e-4),
        ),
        # Q-value regression towards fixed targets (B, A)
        (DQN(num_actions=2), (84, 84, 4), "squared", jnp.array([[1.0, -1.0]] * 4), optax.sgd(1e-4)),
    ],
    ids=["alexnet_small", "dqn"],
)
def test_has_a_pulse(model, shape, loss, label, tx):
    losses = _losses(model, shape, loss, label, tx)
    assert losses[2] < losses[1] < losses[0]
