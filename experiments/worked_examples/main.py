"""The lectures' worked numbers, computed by the library: parameter counts, the autodiff
example's gradient and two activation identities (the convolution arithmetic is
``experiments.conv_arithmetic``, the hello RNN ``experiments.rnn_names``)."""

import math
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from experiments import _system as system
from experiments.worked_examples.config import WorkedExamplesConfig, get_config
from experiments.worked_examples.report import report
from jaxnets import models


def _count(model, shape) -> int:
    variables = jax.eval_shape(model.init, jax.random.key(0), jnp.zeros((1, *shape)))
    return sum(int(np.prod(p.shape)) for p in jax.tree.leaves(variables["params"]))


def run(config: WorkedExamplesConfig, data_dir: str | None, out: Path) -> dict:
    del config, data_dir, out

    def f(v):  # lecture 003's example
        return (v[0] * v[1] * jnp.sin(v[2]) + jnp.exp(v[0] * v[1])) / v[2]

    grad = jax.grad(f)(jnp.array([1.0, 2.0, math.pi / 2]))
    e2 = math.e**2
    lecture_grad = [(4 + 4 * e2) / math.pi, (2 + 2 * e2) / math.pi, (-8 - 4 * e2) / math.pi**2]
    z = jnp.linspace(-8, 8, 1001)
    softmax_vs_sigmoid = jnp.abs(
        jax.nn.softmax(jnp.stack([z, 0 * z], -1))[:, 0] - jax.nn.sigmoid(z)
    )
    tanh_vs_sigmoid = jnp.abs(jnp.tanh(z) - (2 * jax.nn.sigmoid(2 * z) - 1))
    return {
        "mlp_3_4_2_params": _count(models.MLP((4, 2)), (3,)),
        "mlp_3_4_4_1_params": _count(models.MLP((4, 4, 1)), (3,)),
        "autoencoder_params": _count(models.create("autoencoder"), (784,)),
        "deep_autoencoder_params": _count(models.create("deep_autoencoder"), (784,)),
        "lenet5_c3_params": _count(models.create("lenet5_c3"), (28, 28, 1)),
        "autodiff_grad": np.asarray(grad).tolist(),
        "lecture_grad": lecture_grad,
        "softmax_vs_sigmoid_max_diff": float(softmax_vs_sigmoid.max()),
        "tanh_vs_scaled_sigmoid_max_diff": float(tanh_vs_sigmoid.max()),
    }


def plot(record: dict, out: Path) -> list[str]:
    del record, out  # numbers only
    return []


def main(argv=None) -> dict:
    return system.main(
        "worked_examples",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
