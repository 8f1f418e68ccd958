"""Registry entries for convolutional and deep feed-forward models (perceptron, CNNs, deep nets)."""

from jaxnets.models._spec import ModelSpec

SPECS: dict[str, ModelSpec] = {}
