"""Registry entries for convolutional and deep feed-forward models (perceptron, CNNs, deep nets).

DQN and the full-size AlexNet are listed in ``ARCHITECTURES`` only: DQN is trained on a TD
error from an environment and AlexNet on ImageNet, which ``jaxnets train`` does not have, so
no loss is paired with them.
"""

from jaxnets.models._alexnet import AlexNet
from jaxnets.models._cnn import DQN, AlexNetSmall
from jaxnets.models._deep import BatchNormMLP, DeepMLP
from jaxnets.models._lenet import LeNet5
from jaxnets.models._perceptron import Perceptron, perceptron_train_step
from jaxnets.models._spec import ArchitectureSpec, ModelSpec


def _deep(kind: str):
    def build(num_classes: int, **kw):
        return DeepMLP(**{"kind": kind, "num_classes": num_classes, **kw})

    return build


SPECS: dict[str, ModelSpec] = {
    # Linear threshold units trained by the perceptron rule (no gradient, no learning rate);
    # the hinge loss only scores evaluation.
    "perceptron": ModelSpec(
        lambda num_classes, **kw: Perceptron(num_classes, **kw),
        "hinge",
        (28, 28, 1),
        description="perceptron: threshold units trained by the perceptron rule",
        step=perceptron_train_step,
    ),
    "lenet5_c3": ModelSpec(
        lambda num_classes, **kw: LeNet5(num_classes, **{"c3_table": True, **kw}),
        "softmax_cross_entropy",
        (28, 28, 1),
        description="LeNet-5 with the paper's C3 connection table (60,806 params)",
    ),
    "alexnet_small": ModelSpec(
        lambda num_classes, **kw: AlexNetSmall(num_classes, **kw),
        "softmax_cross_entropy",
        (32, 32, 3),
        description="AlexNet-style CNN for 32x32x3 images (5 conv, 3 dense, dropout)",
    ),
    "deep_plain": ModelSpec(
        _deep("plain"),
        "softmax_cross_entropy",
        (28, 28, 1),
        description="30-layer plain tanh MLP (hard to train)",
    ),
    "deep_residual": ModelSpec(
        _deep("residual"),
        "softmax_cross_entropy",
        (28, 28, 1),
        description="30-layer residual tanh MLP (15 two-layer blocks)",
    ),
    "deep_highway": ModelSpec(
        _deep("highway"),
        "softmax_cross_entropy",
        (28, 28, 1),
        description="30-layer highway tanh MLP",
    ),
    "mlp_bn_dropout": ModelSpec(
        lambda num_classes, **kw: BatchNormMLP(num_classes=num_classes, **kw),
        "softmax_cross_entropy",
        (28, 28, 1),
        description="MLP with BatchNorm and dropout (batch statistics in model_state)",
    ),
}

ARCHITECTURES: dict[str, ArchitectureSpec] = {
    "dqn": ArchitectureSpec(
        lambda num_classes, **kw: DQN(num_actions=num_classes, **kw),
        (84, 84, 4),
        use_instead="DQN is listed for its parameter count only (jaxnets summary --model dqn); "
        "it is trained on a TD error, not by jaxnets train.",
        description="Deep Q-Network (Mnih et al. 2015); num_classes = number of actions",
    ),
    "alexnet": ArchitectureSpec(
        lambda num_classes, **kw: AlexNet(num_classes=num_classes, **kw),
        (227, 227, 3),
        use_instead="AlexNet is listed for its parameter count only (jaxnets summary --model "
        "alexnet --num-classes 1000): it needs ImageNet; alexnet_small trains on 32x32 images.",
        description="AlexNet at the paper's size (Krizhevsky et al. 2012), two towers",
    ),
}
