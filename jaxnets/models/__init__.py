"""Models as pure Flax Linen modules, used through ``init``/``apply``.

Every model is called as ``model.apply(variables, x, train=...)`` on a batch (B, ...).
:func:`create` builds a listed model by name; :func:`get_spec` gives a trainable model's
loss (:func:`model_names`), :func:`architecture_names` are listed for summaries only;
:func:`sample` draws from any generative model (char LM, VAE, GAN generator).
"""

from jaxnets.models._alexnet import AlexNet
from jaxnets.models._autoencoders import (
    ConvAutoencoder,
    DenoisingAutoencoder,
    SparseAutoencoder,
    corrupt,
)
from jaxnets.models._cnn import DQN, AlexNetSmall
from jaxnets.models._deep import BatchNormMLP, DeepMLP
from jaxnets.models._gan import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from jaxnets.models._lenet import LENET_C3_TABLE, LeNet5
from jaxnets.models._mlp import MLP, DenseAutoencoder, LinearClassifier
from jaxnets.models._perceptron import (
    Perceptron,
    PerceptronFit,
    PerceptronParams,
    fit_perceptron,
    perceptron_predict,
    perceptron_train_step,
    perceptron_update,
    step_activation,
)
from jaxnets.models._registry import (
    architecture_names,
    create,
    get_architecture,
    get_spec,
    model_names,
    register,
)
from jaxnets.models._rnn import CharLM, TokenInput
from jaxnets.models._sample import sample
from jaxnets.models._sampled_softmax import (
    SampledSoftmax,
    SampledSoftmaxClassifier,
    candidates,
    negative_sampling_loss,
    unigram_distribution,
)
from jaxnets.models._sequence import SequenceClassifier
from jaxnets.models._spec import ArchitectureSpec, ModelSpec
from jaxnets.models._summary import Summary, SummaryRow, summary
from jaxnets.models._vae import VAE, reparameterize

__all__ = [
    "DQN",
    "LENET_C3_TABLE",
    "MLP",
    "VAE",
    "AlexNet",
    "AlexNetSmall",
    "ArchitectureSpec",
    "BatchNormMLP",
    "CharLM",
    "ConvAutoencoder",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "DeepMLP",
    "DenoisingAutoencoder",
    "DenseAutoencoder",
    "LeNet5",
    "LinearClassifier",
    "MLPDiscriminator",
    "MLPGenerator",
    "ModelSpec",
    "Perceptron",
    "PerceptronFit",
    "PerceptronParams",
    "SampledSoftmax",
    "SampledSoftmaxClassifier",
    "SequenceClassifier",
    "SparseAutoencoder",
    "Summary",
    "SummaryRow",
    "TokenInput",
    "architecture_names",
    "candidates",
    "corrupt",
    "create",
    "fit_perceptron",
    "get_architecture",
    "get_spec",
    "model_names",
    "negative_sampling_loss",
    "perceptron_predict",
    "perceptron_train_step",
    "perceptron_update",
    "register",
    "reparameterize",
    "sample",
    "step_activation",
    "summary",
    "unigram_distribution",
]
