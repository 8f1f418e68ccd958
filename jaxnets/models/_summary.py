"""Keras-style model summary: per-layer output shape and parameter count, and the total."""

from dataclasses import dataclass

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np


@dataclass(frozen=True)
class SummaryRow:
    """One layer: its path in the module tree, type, output shape (B first) and own params."""

    path: str
    kind: str
    output_shape: tuple[int, ...]
    params: int


@dataclass(frozen=True)
class Summary:
    """The rows in call order and the totals; ``str(summary)`` is the printable table."""

    model: str
    rows: tuple[SummaryRow, ...]
    total_params: int

    def __str__(self) -> str:
        header = ("Layer (type)", "Output shape", "Param #")
        body = [(f"{r.path} ({r.kind})", str(r.output_shape), f"{r.params:,}") for r in self.rows]
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(3)]
        rule = "-" * (sum(widths) + 4)

        def line(row):
            return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}"

        lines = [f'Model: "{self.model}"', rule, line(header), rule.replace("-", "=")]
        lines += [line(row) for row in body]
        lines += [rule, f"Total params: {self.total_params:,}"]
        return "\n".join(lines)


def _count(tree) -> int:
    return int(sum(np.prod(x.shape) for x in jax.tree.leaves(tree)))


def summary(
    model: nn.Module, input_shape: tuple[int, ...], batch_size: int = 1, dtype=jnp.float32
) -> Summary:
    """Summarise ``model`` on inputs of per-example shape ``input_shape``.

    Only shapes are traced (``jax.eval_shape``), so summarising a large model costs no FLOPs.
    ``dtype`` is the input dtype (int32 for token models). Rows come in call order (a layer
    before the layers nested in it); each counts the parameters a layer owns directly, so
    the rows add up to the total.
    """
    x = jax.ShapeDtypeStruct((batch_size, *input_shape), dtype)
    variables = jax.eval_shape(model.init, jax.random.key(0), x)
    params = variables.get("params", {})
    calls: list[list] = []

    def record(next_fun, args, kwargs, context):
        if context.method_name != "__call__":
            return next_fun(*args, **kwargs)
        entry = [context.module.path, type(context.module).__name__, None]
        calls.append(entry)  # appended on entry, so parents precede their children
        out = next_fun(*args, **kwargs)
        entry[2] = out
        return out

    def run(variables, x):
        with nn.intercept_methods(record):
            return model.apply(variables, x)

    jax.eval_shape(run, variables, x)
    rows = []
    seen = set()
    for path, kind, out in calls:
        # Lifted transforms (nn.scan) trace a module more than once; count it once.
        if path in seen:
            continue
        seen.add(path)
        own = params
        for name in path:
            own = own.get(name, {})
        direct = {k: v for k, v in own.items() if not isinstance(v, dict)}
        shape = tuple(out.shape) if hasattr(out, "shape") else ()
        rows.append(SummaryRow("/".join(path) or "(model)", kind, shape, _count(direct)))
    total = _count(params)
    if sum(r.params for r in rows) != total:
        raise RuntimeError("summary lost parameters: a submodule was never called")
    return Summary(type(model).__name__, tuple(rows), total)
