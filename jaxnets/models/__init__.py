"""Models as pure Flax Linen modules, used through ``init``/``apply``.

Every model is called as ``model.apply(variables, x, train=...)`` on a batch (B, ...).
"""

from jaxnets.models._lenet import LeNet5
from jaxnets.models._mlp import MLP, DenseAutoencoder, LinearClassifier
from jaxnets.models._registry import create, get_spec, model_names, register
from jaxnets.models._spec import ModelSpec
from jaxnets.models._summary import Summary, SummaryRow, summary

__all__ = [
    "MLP",
    "DenseAutoencoder",
    "LeNet5",
    "LinearClassifier",
    "ModelSpec",
    "Summary",
    "SummaryRow",
    "create",
    "get_spec",
    "model_names",
    "register",
    "summary",
]
