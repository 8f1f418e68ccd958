"""The lectures' worked numbers, computed by the library: the convolution and max-pool
examples, output sizes, parameter counts, the autodiff example's gradient, hello -> ello."""

import math
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

from experiments import _system as system
from experiments.worked_examples.config import WorkedExamplesConfig, get_config
from experiments.worked_examples.report import report
from jaxnets import layers, models, train

CONV_INPUT = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
CONV_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
POOL_INPUT = [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]
HELLO = "helo"


def _shape_and_params(conv: layers.Conv2D, shape: tuple[int, ...]) -> tuple[list[int], int]:
    x = jax.ShapeDtypeStruct((1, *shape), jnp.float32)
    out, variables = jax.eval_shape(lambda x: conv.init_with_output(jax.random.key(0), x), x)
    n = sum(int(np.prod(p.shape)) for p in jax.tree.leaves(variables))
    return list(out.shape[1:]), n


def _count(model, shape) -> int:
    variables = jax.eval_shape(model.init, jax.random.key(0), jnp.zeros((1, *shape)))
    return sum(int(np.prod(p.shape)) for p in jax.tree.leaves(variables["params"]))


def hello(config: WorkedExamplesConfig) -> str:
    """Train a char RNN on 'hell' -> 'ello' through fit; its argmax reading of 'hell'."""
    encode = {c: i for i, c in enumerate(HELLO)}
    x = np.array([[encode[c] for c in "hell"]] * 8, np.int32)  # 8 copies: a batch of 8
    y = np.array([[encode[c] for c in "ello"]] * 8, np.int32)
    model = models.CharLM(vocab_size=len(HELLO), hidden=config.hidden, cell=config.cell)
    state = train.init_state(
        model,
        optax.adam(config.learning_rate),
        train.Objective("sequence_softmax_cross_entropy", input_key="x"),
        (4,),
        key=jax.random.key(config.seed),
        dtype=jnp.int32,
    )
    fit_config = train.FitConfig(epochs=config.steps, batch_size=8, progress=False)
    result = train.fit(state, {"x": x, "label": y}, config=fit_config)
    predicted = np.asarray(train.predict(result.state, jnp.asarray(x[:1]))).argmax(-1)[0]
    return "".join(HELLO[i] for i in predicted)


def run(config: WorkedExamplesConfig, data_dir: str | None, out: Path) -> dict:
    del data_dir, out
    x = jnp.asarray(CONV_INPUT, jnp.float32)[None, :, :, None]  # (1, 5, 5, 1)
    kernel = jnp.asarray(CONV_KERNEL, jnp.float32)[:, :, None, None]  # (3, 3, 1, 1)
    conv = layers.Conv2D(1, kernel_size=3, stride=1, padding=0, use_bias=False)
    conv_out = conv.apply({"params": {"kernel": kernel}}, x)[0, :, :, 0]
    pool_out = layers.max_pool(jnp.asarray(POOL_INPUT, jnp.float32)[None, :, :, None], 2)
    try:
        layers.conv_output_size(5, 3, 1, 3)
        stride3 = "fits"
    except ValueError as error:
        stride3 = str(error)
    image_shape, image_params = _shape_and_params(layers.Conv2D(6, 5), (32, 32, 3))
    alex_shape, alex_params = _shape_and_params(layers.Conv2D(96, 11, stride=4), (227, 227, 3))
    edge_shape, _ = _shape_and_params(
        layers.Conv2D(1, kernel_size=(1, 2), use_bias=False), (280, 320, 1)
    )

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
        "conv_output": np.asarray(conv_out).round(6).tolist(),
        "max_pool_output": np.asarray(pool_out)[0, :, :, 0].round(6).tolist(),
        "output_size_stride1": layers.conv_output_size(5, 3, 1, 1),
        "output_size_stride2": layers.conv_output_size(5, 3, 1, 2),
        "output_size_stride3": stride3,
        "six_5x5x3_filters_on_32x32x3": image_shape,
        "params_per_5x5x3_filter": image_params // 6,
        "alexnet_conv1_shape": alex_shape,
        "alexnet_conv1_params_per_filter": alex_params // 96,
        "edge_kernel_320x280_output_hw": edge_shape[:2],
        "mlp_3_4_2_params": _count(models.MLP((4, 2)), (3,)),
        "mlp_3_4_4_1_params": _count(models.MLP((4, 4, 1)), (3,)),
        "autoencoder_params": _count(models.create("autoencoder"), (784,)),
        "deep_autoencoder_params": _count(models.create("deep_autoencoder"), (784,)),
        "lenet5_c3_params": _count(models.create("lenet5_c3"), (28, 28, 1)),
        "autodiff_grad": np.asarray(grad).tolist(),
        "lecture_grad": lecture_grad,
        "softmax_vs_sigmoid_max_diff": float(softmax_vs_sigmoid.max()),
        "tanh_vs_scaled_sigmoid_max_diff": float(tanh_vs_sigmoid.max()),
        "hello_prediction": hello(config),
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
