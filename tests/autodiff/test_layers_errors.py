"""Clear errors for bad shapes, and the numpy layers standing alone without jax."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from jaxnets.autodiff import layers as L


def _ones(*shape):
    return np.ones(shape)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # The lecture's example: (5 - 3 + 2*1) / 3 + 1 is not an integer.
        (
            lambda: L.conv2d_forward(
                _ones(1, 5, 5, 1), _ones(3, 3, 1, 1), _ones(1), stride=3, padding=1
            ),
            r"stride does not fit: \(W - F \+ 2P\) / S \+ 1 = \(5 - 3 \+ 2\*1\) / 3 \+ 1",
        ),
        (
            lambda: L.conv2d_forward(_ones(5, 5, 1), _ones(3, 3, 1, 1), _ones(1)),
            "x must have rank 4",
        ),
        (lambda: L.conv2d_forward(_ones(1, 5, 5, 1), _ones(3, 3, 1), _ones(1)), "kernel must have"),
        (
            lambda: L.conv2d_forward(_ones(1, 5, 5, 2), _ones(3, 3, 1, 4), _ones(4)),
            r"x.shape\[3\] \(C\) must equal kernel.shape\[2\]: 2 != 1",
        ),
        (
            lambda: L.conv2d_forward(_ones(1, 5, 5, 1), _ones(3, 3, 1, 4), _ones(3)),
            r"b.shape\[0\] \(D\) must equal kernel.shape\[3\]",
        ),
        (
            lambda: L.conv2d_forward(_ones(1, 2, 2, 1), _ones(5, 5, 1, 1), _ones(1)),
            "window F=5 is larger than the padded input",
        ),
        (lambda: L.dense_forward(_ones(2, 3), _ones(3), _ones(3)), "W must have rank 2"),
        (
            lambda: L.dense_forward(_ones(2, 3), _ones(4, 5), _ones(4)),
            r"x.shape\[-1\] \(D\) must equal W.shape\[1\]: 3 != 5",
        ),
        (lambda: L.dense_forward(_ones(3), _ones(4, 3), _ones(4), "swish"), "unknown activation"),
        (lambda: L.max_pool_forward(_ones(4, 4, 1)), "x must have rank 4"),
        (lambda: L.max_pool_forward(_ones(1, 5, 5, 1), window=2), "stride does not fit"),
        (
            lambda: L.softmax_cross_entropy_forward(_ones(2, 3), _ones(2, 4)),
            r"targets.shape != logits.shape",
        ),
        (lambda: L.rnn_forward(_ones(3), _ones(3, 2), _ones(2, 1), _ones(2, 2), _ones(2, 2)), "xs"),
        (
            lambda: L.rnn_forward(_ones(3, 1), _ones(3, 2), _ones(2, 1), _ones(3, 3), _ones(2, 2)),
            r"W.shape must be \(H, H\)",
        ),
        (
            lambda: L.rnn_forward(_ones(3, 1), _ones(3, 5), _ones(2, 1), _ones(2, 2), _ones(2, 2)),
            r"targets.shape must be \(..., T, C\)",
        ),
    ],
)
def test_bad_shapes_raise_value_errors_that_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_backward_rejects_a_cotangent_of_the_wrong_shape():
    _, cache = L.dense_forward(_ones(2, 3), _ones(4, 3), _ones(4))
    with pytest.raises(ValueError, match=r"y_bar.shape must equal y.shape"):
        L.dense_backward(cache, _ones(2, 3))


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="x must be numeric"):
        L.dense_forward(np.array([["a", "b"]]), _ones(1, 2), _ones(1))


def test_output_size_is_the_lecture_formula():
    # (W - F + 2P) / S + 1 with W = 7, F = 3, P = 1, S = 2: (7 - 3 + 2) / 2 + 1 = 4.
    assert L.output_size(7, 3, 2, 1, what="t") == 4
    y, _ = L.conv2d_forward(_ones(1, 7, 7, 1), _ones(3, 3, 1, 1), _ones(1), stride=2, padding=1)
    assert y.shape == (1, 4, 4, 1)


def test_numpy_layers_run_without_jax():
    # Blocks `import jax` and loads the layer package without running the parent
    # `jaxnets.autodiff` __init__ (not ours), then runs a forward/backward of every layer.
    root = Path(__file__).resolve().parents[2]
    script = f"""
import importlib.abc, sys, types
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "jax" or name.startswith("jax."):
            raise ImportError("jax is blocked in this test")
sys.meta_path.insert(0, Block())
for name, sub in (("jaxnets", "jaxnets"), ("jaxnets.autodiff", "jaxnets/autodiff")):
    module = types.ModuleType(name)
    module.__path__ = [{str(root)!r} + "/" + sub]
    sys.modules[name] = module
import numpy as np
from jaxnets.autodiff import layers as L
rng = np.random.default_rng(0)
x, W1, W2 = rng.normal(size=(2, 3)), np.ones((4, 3)), np.ones((2, 4))
y, c = L.mlp_forward(x, W1, np.ones(4), W2, np.ones(2))
L.mlp_backward(c, np.ones_like(y))
y, c = L.conv2d_forward(rng.normal(size=(1, 4, 4, 1)), np.ones((3, 3, 1, 2)), np.ones(2), padding=1)
y, c = L.max_pool_forward(L.conv2d_backward(c, y).x)
L.max_pool_backward(c, y)
targets = np.eye(2)[[0, 1, 0]]
loss, c = L.rnn_forward(np.ones((3, 2)), targets, np.ones((2, 2)), np.eye(2), np.eye(2))
L.rnn_backward(c)
try:
    L.dense_vjp
except ImportError:
    print("bridge needs jax")
assert not any(m == "jax" or m.startswith("jax.") for m in sys.modules)
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["bridge", "needs", "jax", "ok"]
