"""jaxnets: neural networks from perceptron to GANs as pure-function JAX/Flax/Optax code.

``import jaxnets`` exposes the subpackages, each imported on first use (so ``jaxnets
autodiff`` never pays for orbax or TFDS):

- :mod:`jaxnets.models`: Flax Linen models and their registry; :mod:`jaxnets.layers`
- :mod:`jaxnets.losses`, :mod:`jaxnets.optim` (optax by config, schedules),
  :mod:`jaxnets.initializers`
- :mod:`jaxnets.data`: data sets and the one batch iterator
- :mod:`jaxnets.train`: the state, compiled steps, ``fit``, checkpoints, parallel paths
- :mod:`jaxnets.autodiff`: the teaching module (numpy only)
- :mod:`jaxnets.errors`: ``UserError``, the family of "bad input" errors

>>> import jaxnets
>>> jaxnets.train.fit.__name__
'fit'
"""

import importlib
import importlib.metadata

SUBPACKAGES = (
    "autodiff",
    "data",
    "errors",
    "initializers",
    "layers",
    "losses",
    "models",
    "optim",
    "plots",
    "train",
)
__all__ = ["__version__", *SUBPACKAGES]
__version__ = importlib.metadata.version("jaxnets")


def __getattr__(name: str):
    if name in SUBPACKAGES:
        return importlib.import_module(f"jaxnets.{name}")
    raise AttributeError(f"module 'jaxnets' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
