"""Flax Linen building blocks used by :mod:`jaxnets.models`."""

from jaxnets.layers._activations import ACTIVATIONS, PReLU, activation

__all__ = ["ACTIVATIONS", "PReLU", "activation"]
