"""Registry entries for autoencoders, VAE and GAN."""

from jaxnets.models._spec import ModelSpec

SPECS: dict[str, ModelSpec] = {}
