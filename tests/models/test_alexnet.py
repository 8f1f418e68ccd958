"""Full-size AlexNet: hand-counted parameters per layer, shapes, the two-GPU split, errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxnets import models
from jaxnets.errors import InvalidArgumentError
from jaxnets.models import AlexNet

# Krizhevsky et al. 2012, 1000 classes; groups=2 halves the input maps of conv2/4/5:
#   conv1 11*11*3*96+96 = 34,944        conv2 2*(5*5*48*128+128) = 307,456
#   conv3 3*3*256*384+384 = 885,120     conv4 2*(3*3*192*192+192) = 663,936
#   conv5 2*(3*3*192*128+128) = 442,624 fc6 6*6*256*4096+4096 = 37,752,832
#   fc7 4096*4096+4096 = 16,781,312     fc8 4096*1000+1000 = 4,097,000
TWO_GPUS = {
    "conv1": 34_944,
    "conv2": 307_456,
    "conv3": 885_120,
    "conv4": 663_936,
    "conv5": 442_624,
    "fc6": 37_752_832,
    "fc7": 16_781_312,
    "fc8": 4_097_000,
}
# groups=1: conv2 5*5*96*256+256 = 614,656; conv4 3*3*384*384+384 = 1,327,488;
# conv5 3*3*384*256+256 = 884,992.
ONE_TOWER = {**TWO_GPUS, "conv2": 614_656, "conv4": 1_327_488, "conv5": 884_992}


def _per_layer(model) -> dict[str, int]:
    x = jax.ShapeDtypeStruct((1, 227, 227, 3), jnp.float32)
    params = jax.eval_shape(model.init, jax.random.key(0), x)["params"]
    return {k: sum(int(np.prod(p.shape)) for p in jax.tree.leaves(v)) for k, v in params.items()}


@pytest.mark.parametrize(
    ("groups", "expected"), [(2, TWO_GPUS), (1, ONE_TOWER)], ids=["two_gpus", "one_tower"]
)
def test_parameters_per_layer(groups, expected):
    assert _per_layer(AlexNet(groups=groups)) == expected
    assert sum(expected.values()) == {2: 60_965_224, 1: 62_378_344}[groups]


def test_shapes_through_the_network():
    rows = {r.path: r.output_shape for r in models.summary(AlexNet(), (227, 227, 3)).rows}
    assert rows["conv1"] == (1, 55, 55, 96)
    assert rows["pool1"] == (1, 27, 27, 96)
    assert rows["conv2"] == (1, 27, 27, 256)
    assert rows["pool2"] == (1, 13, 13, 256)
    assert rows["conv5"] == (1, 13, 13, 256)
    assert rows["pool5"] == (1, 6, 6, 256)
    assert rows["fc8"] == (1, 1000)


def test_a_tower_sees_only_its_half_of_the_maps():
    # conv2's first tower reads input maps 0-47 only: its output does not move when maps
    # 48-95 change. Checked on the layer alone (a full forward pass is 0.7 GFLOP).
    from jaxnets.models._alexnet import _GroupedConv

    conv = _GroupedConv(8, 3, 1, 2, "he")
    x = jax.random.normal(jax.random.key(0), (1, 6, 6, 4))
    variables = conv.init(jax.random.key(1), x)
    y = conv.apply(variables, x)
    y2 = conv.apply(variables, x.at[..., 2:].add(1.0))
    np.testing.assert_array_equal(y[..., :4], y2[..., :4])
    assert not np.allclose(y[..., 4:], y2[..., 4:])


@pytest.mark.parametrize("shape", [(1, 224, 224, 3), (227, 227, 3)])
def test_wrong_input_shape_is_refused(shape):
    with pytest.raises(InvalidArgumentError, match="227, 227, 3"):
        jax.eval_shape(AlexNet().init, jax.random.key(0), jnp.zeros(shape))
