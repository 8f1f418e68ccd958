"""Inputs checked at the API boundary: once per split (in ``fit`` and ``evaluate``) and per
batch for the direct ``train_step`` call, so the compiled loop itself costs nothing extra.

Each problem is one :class:`~jaxnets.errors.InvalidArgumentError` or
:class:`~jaxnets.errors.InvalidTypeError` naming the argument and how to fix it, rather than
a NaN loss with advice to lower the learning rate, or an error from inside JAX.
"""

from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets.errors import InvalidArgumentError, InvalidTypeError
from jaxnets.train._state import TrainState

LABEL_KEY = "label"


def check_batch(state: TrainState, batch, name: str = "batch") -> None:
    """Raise a clear error when ``batch`` does not fit the model ``state`` was built for.

    Checks keys, per-example shape and dtype (float inputs for float models, integer token
    ids for token models) and the label count; values are not read.
    """
    if not isinstance(batch, Mapping):
        raise InvalidTypeError(
            f"{name} must be a dict of arrays (e.g. {{'image': ..., 'label': ...}}), "
            f"got {type(batch).__name__}"
        )
    input_key = state.objective.input_key
    for key in (input_key, LABEL_KEY) if state.objective.target == "label" else (input_key,):
        if key not in batch:
            raise InvalidArgumentError(f"{name} has no {key!r} entry (keys: {sorted(batch)})")
    x = batch[input_key]
    spec = state.input_spec
    if tuple(np.shape(x)[1:]) != spec.shape:
        raise InvalidArgumentError(
            f"{name} has inputs of per-example shape {tuple(np.shape(x)[1:])} but the model "
            f"was initialised for {spec.shape}; reshape the data or re-create the state with "
            f"input_shape={tuple(np.shape(x)[1:])}."
        )
    dtype = _dtype(x)
    want_float = jnp.issubdtype(jnp.dtype(spec.dtype), jnp.floating)
    if want_float and not jnp.issubdtype(dtype, jnp.floating):
        raise InvalidTypeError(
            f"{name} inputs must be floating point (got {dtype}); convert pixels with "
            "x.astype('float32') / 255 (the jaxnets.data loaders do)."
        )
    if not want_float and not jnp.issubdtype(dtype, jnp.integer):
        raise InvalidTypeError(f"this model takes integer token ids; {name} has dtype {dtype}")
    if state.objective.target == "label":
        y = batch[LABEL_KEY]
        if np.shape(y)[:1] != np.shape(x)[:1]:
            raise InvalidArgumentError(
                f"{name} has {len(y)} labels for {len(x)} inputs; they must pair up"
            )
        if state.objective.has_accuracy and not jnp.issubdtype(_dtype(y), jnp.integer):
            raise InvalidTypeError(f"{name} labels must be integer class ids")


def _dtype(a) -> np.dtype:
    # An array's own dtype, never np.asarray(a[:0]).dtype: slicing a device array dispatches a
    # computation and reading it waits for every queued step, so train_step would wait for
    # the previous step each call. Host lists are small; converting them is fine.
    return np.dtype(a.dtype) if hasattr(a, "dtype") else np.asarray(a).dtype


def check_split(state: TrainState, split, name: str) -> None:
    """``check_batch`` for a whole split, plus its values: finite inputs, labels in range.

    Reads the split once (host arrays; a few milliseconds for MNIST), so call it once per
    split, not per step.
    """
    check_batch(state, split, name)
    x = np.asarray(split[state.objective.input_key])
    if len(x) == 0:
        raise InvalidArgumentError(f"{name} is empty: it needs at least one example")
    if jnp.issubdtype(x.dtype, jnp.floating) and not np.isfinite(x).all():
        bad = int(np.flatnonzero(~np.isfinite(x.reshape(len(x), -1)).all(axis=1))[0])
        raise InvalidArgumentError(
            f"{name} has non-finite inputs (NaN or inf), first at example {bad}; clean the "
            "data before training"
        )
    if state.objective.target == "label" and state.objective.has_accuracy:
        classes = num_classes(state)
        y = np.asarray(split[LABEL_KEY])
        low, high = int(y.min()), int(y.max())
        if low < 0 or high >= classes:
            raise InvalidArgumentError(
                f"{name} has labels in [{low}, {high}] but the model outputs {classes} classes; "
                f"labels must lie in [0, {classes - 1}] (set num_classes to match the data)"
            )


def num_classes(state: TrainState) -> int:
    """K, the size of the model's output's last axis (shape evaluation only, no compute)."""
    spec = state.input_spec
    x = jax.ShapeDtypeStruct((1, *spec.shape), jnp.dtype(spec.dtype))
    variables = {"params": state.params, **state.model_state}
    out = jax.eval_shape(lambda v, x: state.apply_fn(v, x, train=False), variables, x)
    return int(out.shape[-1])
