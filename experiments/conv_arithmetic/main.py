"""The lectures' convolution arithmetic, computed by jaxnets' layers: the 5x5 * 3x3 example,
the 2x2 max pool, (W - F + 2P) / S + 1 and the stride that does not fit, output volumes and
weights per filter, the {-1, 1} edge detector's cost against a dense layer, full-size
AlexNet's parameter count, and the classic 3x3 kernels applied to a digit."""

from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import matplotlib
import numpy as np

from experiments import _system as system
from experiments.conv_arithmetic.config import ConvArithmeticConfig, get_config
from experiments.conv_arithmetic.report import report
from jaxnets import data, layers, models, plots

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# Lecture 001 "Convolution Operation" and "Pooling".
CONV_INPUT = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
CONV_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
POOL_INPUT = [[1, 3, 5, 3], [4, 2, 3, 1], [3, 1, 1, 3], [0, 1, 0, 4]]
# Lecture 003 "Features": the table of 3x3 filters (lecture 001 shows the second edge one).
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "edge (corners)": [[1, 0, -1], [0, 0, 0], [-1, 0, 1]],
    "edge (4-neighbour)": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "edge (8-neighbour)": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "box blur": [[1 / 9] * 3] * 3,
    "Gaussian blur": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
}
EDGE_1D = [[-1, 1]]  # lecture 001 "Convolution efficiency"
LECTURE_ALEXNET_PARAMS = 60_000_000  # lecture 000 "Case study: AlexNet"


def _params(variables) -> int:
    return sum(int(np.prod(p.shape)) for p in jax.tree.leaves(variables))


def volume(conv: nn.Module, shape: tuple[int, ...]) -> dict:
    """Output shape (without B), parameters and weights per filter of ``conv`` on ``shape``,
    from shapes alone (``jax.eval_shape``)."""
    x = jax.ShapeDtypeStruct((1, *shape), jnp.float32)
    out, variables = jax.eval_shape(lambda x: conv.init_with_output(jax.random.key(0), x), x)
    kernel = variables["params"]["kernel"].shape  # (F_h, F_w, C_in, C)
    return {
        "input": list(shape),
        "output": list(out.shape[1:]),
        "params": _params(variables),
        "weights_per_filter": int(np.prod(kernel[:3])),
        "params_per_filter": _params(variables) // kernel[3],
    }


def apply_kernels(image: np.ndarray, kernels: dict, padding: int) -> np.ndarray:
    """(H, W) image, K kernels F x F -> (H', W', K) through one bias-free ``Conv2D``."""
    stack = np.stack([np.asarray(k, np.float32) for k in kernels.values()], -1)  # (F, F, K)
    conv = layers.Conv2D(stack.shape[-1], stack.shape[:2], padding=padding, use_bias=False)
    params = {"params": {"kernel": jnp.asarray(stack)[:, :, None, :]}}  # (F, F, 1, K)
    return np.asarray(conv.apply(params, jnp.asarray(image, jnp.float32)[None, :, :, None])[0])


def total_variation(x: np.ndarray) -> float:
    """Sum of absolute differences between neighbouring pixels, down and across."""
    return float(np.abs(np.diff(x, axis=0)).sum() + np.abs(np.diff(x, axis=1)).sum())


def worked_examples() -> dict:
    """Lecture 001's convolution and pooling examples, lecture 003's output sizes."""
    x = jnp.asarray(CONV_INPUT, jnp.float32)[None, :, :, None]  # (1, 5, 5, 1)
    kernel = jnp.asarray(CONV_KERNEL, jnp.float32)[:, :, None, None]  # (3, 3, 1, 1)
    conv = layers.Conv2D(1, kernel_size=3, use_bias=False)
    conv_out = conv.apply({"params": {"kernel": kernel}}, x)[0, :, :, 0]
    pool_out = layers.max_pool(jnp.asarray(POOL_INPUT, jnp.float32)[None, :, :, None], 2)
    sizes, layer_widths = {}, {}
    for stride in (1, 2, 3):
        try:
            sizes[stride] = layers.conv_output_size(5, 3, padding=1, stride=stride)
        except ValueError as error:
            sizes[stride] = str(error)
        # The same 1-D example through the layer: width 5, F = 3, P = 1 (a 1-row image).
        conv1d = layers.Conv2D(1, (1, 3), stride=(1, stride), padding=(0, 1))
        try:
            layer_widths[stride] = volume(conv1d, (1, 5, 1))["output"][1]
        except ValueError as error:
            layer_widths[stride] = str(error)
    return {
        "conv_example": {
            "input": CONV_INPUT,
            "kernel": CONV_KERNEL,
            "output": np.asarray(conv_out).round(6).tolist(),
        },
        "max_pool_example": {
            "input": POOL_INPUT,
            "output": np.asarray(pool_out)[0, :, :, 0].round(6).tolist(),
        },
        "output_sizes": {
            "W": 5,
            "F": 3,
            "P": 1,
            "formula": {str(s): v for s, v in sizes.items()},
            "conv2d_layer": {str(s): v for s, v in layer_widths.items()},
        },
    }


def xla_flops(fn, *args) -> float:
    """XLA's operation count for ``fn`` on abstract ``args`` (lowered, never run)."""
    cost = jax.jit(fn).lower(*args).cost_analysis()
    cost = cost[0] if isinstance(cost, list | tuple) else cost
    return float(cost["flops"])


def edge_detector(width: int = 320, height: int = 280) -> dict:
    """Lecture 001: the kernel {-1, 1} on a width x height image, against a dense layer that
    maps the same pixels to the same outputs. Counts from the layers' shapes (the lecture's
    way: multiplies and adds per output; one multiply per dense weight) and XLA's own count
    of the two lowered programs."""
    # impl="xla": XLA's count of its convolution op, the lecture's direct convolution (on CPU
    # "auto" would compute this 1-channel layer as a banded matmul, another count).
    conv = layers.Conv2D(1, kernel_size=(1, 2), use_bias=False, impl="xla")
    shape = (height, width, 1)
    conv_volume = volume(conv, shape)
    out_h, out_w, _ = conv_volume["output"]
    taps = conv_volume["weights_per_filter"]
    dense = nn.Dense(out_h * out_w, use_bias=False)
    flat = jax.ShapeDtypeStruct((1, height * width), jnp.float32)
    dense_vars = jax.eval_shape(dense.init, jax.random.key(0), flat)
    image = jax.ShapeDtypeStruct((1, *shape), jnp.float32)
    conv_vars = jax.eval_shape(conv.init, jax.random.key(0), image)
    return {
        "input_wh": [width, height],
        "output_wh": [out_w, out_h],
        "ops_per_output": 2 * taps - 1,  # taps multiplies, taps - 1 adds
        "conv_ops": out_h * out_w * (2 * taps - 1),
        "conv_params": _params(conv_vars),
        "dense_weights": _params(dense_vars),  # one multiply each
        "xla_conv_flops": xla_flops(conv.apply, conv_vars, image),
        "xla_dense_flops": xla_flops(dense.apply, dense_vars, flat),
    }


def dense_equivalent(image: np.ndarray) -> dict:
    """The {-1, 1} convolution of an H x W image is a dense layer whose matrix (the
    convolution's Jacobian) is almost all zeros: its shape, non-zeros, and that it gives
    the same output."""
    conv = layers.Conv2D(1, kernel_size=(1, 2), use_bias=False)
    kernel = {"params": {"kernel": jnp.asarray(EDGE_1D, jnp.float32)[:, :, None, None]}}
    h, w = image.shape

    def f(flat):
        return conv.apply(kernel, flat.reshape(1, h, w, 1)).reshape(-1)

    x = jnp.asarray(image, jnp.float32).reshape(-1)
    matrix = np.asarray(jax.jacfwd(f)(x))  # (H (W - 1), H W)
    return {
        "image_hw": [h, w],
        "matrix_shape": list(matrix.shape),
        "nonzeros": int(np.count_nonzero(matrix)),
        "max_abs_diff": float(np.abs(matrix @ np.asarray(x) - np.asarray(f(x))).max()),
    }


def alexnet() -> dict:
    """Full-size AlexNet: per-layer rows and totals, from shapes only (``jax.eval_shape``)."""
    out = {"lecture_params": LECTURE_ALEXNET_PARAMS}
    for groups in (2, 1):
        model = models.AlexNet(groups=groups)
        x = jax.ShapeDtypeStruct((1, 227, 227, 3), jnp.float32)
        params = jax.eval_shape(model.init, jax.random.key(0), x)["params"]
        out[f"groups{groups}_params"] = _params(params)
    table = models.summary(models.AlexNet(), (227, 227, 3))
    out["layers"] = [
        {"layer": r.path, "kind": r.kind, "output": list(r.output_shape[1:]), "params": r.params}
        for r in table.rows
        if r.path != "(model)" and "/" not in r.path  # a tower's two halves summed below
    ]
    top = {row["layer"]: row for row in out["layers"]}
    for r in table.rows:
        if "/" in r.path:
            top[r.path.split("/")[0]]["params"] += r.params
    return out


def kernels_on(image: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """Lecture 003's filters on ``image`` (zero padding 1, same size): per kernel the total
    variation against the image's, the identity's largest change, the response to a flat
    (constant) image, and the (H, W, K) outputs."""
    outputs = apply_kernels(image, KERNELS, padding=1)
    flat = apply_kernels(np.ones((5, 5), np.float32), KERNELS, padding=0)  # (3, 3, K)
    tv = total_variation(image)
    rows = []
    for k, name in enumerate(KERNELS):
        rows.append(
            {
                "name": name,
                "kernel": np.asarray(KERNELS[name]).round(6).tolist(),
                "tv_ratio": total_variation(outputs[..., k]) / tv,
                "flat_response": float(flat[1, 1, k]),
                "max_abs_change": float(np.abs(outputs[..., k] - image).max()),
            }
        )
    return rows, outputs


def save_kernels_figure(image, outputs, edge, label, path: Path) -> None:
    names = ["input", *KERNELS, "{-1, 1} (001)"]
    panels = [image, *np.moveaxis(outputs, -1, 0), edge]
    fig, axes = plt.subplots(3, 3, figsize=(7.5, 8))
    for ax, name, panel in zip(axes.flat, names, panels, strict=True):
        if "edge" in name or "{" in name:
            bound = float(np.abs(panel).max()) or 1.0
            ax.imshow(panel, cmap="RdBu_r", vmin=-bound, vmax=bound)
        else:
            ax.imshow(panel, cmap="gray")
        ax.set_title(f"{name} {'x'.join(map(str, panel.shape))}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"Lecture 003's kernels on a test digit (label {label}); red > 0 > blue")
    fig.tight_layout()
    plots.save_figure(fig, path, dpi=80)


def run(config: ConvArithmeticConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    image = np.asarray(dataset.test[dataset.input_key][config.digit_index, :, :, 0])
    label = int(dataset.test["label"][config.digit_index])
    kernel_rows, outputs = kernels_on(image)
    edge = apply_kernels(image, {"{-1, 1}": EDGE_1D}, padding=0)[..., 0]
    save_kernels_figure(image, outputs, edge, label, out / "kernels.png")
    return {
        **worked_examples(),
        "six_filters": volume(layers.Conv2D(6, 5), (32, 32, 3)),
        "alexnet_conv1": volume(layers.Conv2D(96, 11, stride=4), (227, 227, 3)),
        "edge_detector": edge_detector(),
        "dense_equivalent": dense_equivalent(image),
        "alexnet": alexnet(),
        "digit": {"dataset": config.dataset, "index": config.digit_index, "label": label},
        "kernels": kernel_rows,
        "edge_on_digit_hw": list(edge.shape),
    }


def plot(record: dict, out: Path) -> list[str]:
    del record, out  # the kernel figure is drawn by run, from the image
    return ["kernels.png"]


def main(argv=None) -> dict:
    return system.main(
        "conv_arithmetic",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
