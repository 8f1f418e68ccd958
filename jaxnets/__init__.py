"""jaxnets: neural networks from perceptron to GANs as pure-function JAX/Flax/Optax code."""
