"""The lecture's worked example, number by number, against the hand-derived formulas."""

import numpy as np
import pytest

from jaxnets.autodiff import (
    LECTURE_POINT,
    forward_sweep_table,
    grad,
    lecture_example,
    reverse_sweep_table,
    trace,
)
from tests.tolerances import tol

E2 = np.exp(2.0)
PI = np.pi
X3 = PI / 2
RTOL = tol(np.float64, "lecture")
ATOL = tol(np.float64, "lecture_atol")  # for cos(π/2), which is 6e-17 in float64

# x_i = (definition, value), in the lecture's numbering.
VALUES = {
    "x1": ("input", 1.0),
    "x2": ("input", 2.0),
    "x3": ("input", X3),
    "x4": ("x1 · x2", 2.0),
    "x5": ("sin(x3)", 1.0),
    "x6": ("exp(x4)", E2),
    "x7": ("x4 · x5", 2.0),
    "x8": ("x6 + x7", E2 + 2),
    "x9": ("x8 / x3", 2 * (E2 + 2) / PI),
}

# D_p x_i for p = e1, e2, e3, by the chain rule by hand (cos x3 = 0).
TANGENTS = {
    (1, 0, 0): [1, 0, 0, 2, 0, 2 * E2, 2, 2 * E2 + 2, (4 + 4 * E2) / PI],
    (0, 1, 0): [0, 1, 0, 1, 0, E2, 1, E2 + 1, (2 + 2 * E2) / PI],
    (0, 0, 1): [0, 0, 1, 0, 0, 0, 0, 0, (-8 - 4 * E2) / PI**2],
}

# (adjoint, term, contribution, running sum) in the order of the reverse sweep.
UPDATES = [
    ("x̄9", "seed", 1.0, 1.0),
    ("x̄8", "x̄9 · ∂x9/∂x8", 2 / PI, 2 / PI),
    ("x̄3", "x̄9 · ∂x9/∂x3", -4 * (2 + E2) / PI**2, -4 * (2 + E2) / PI**2),
    ("x̄6", "x̄8 · ∂x8/∂x6", 2 / PI, 2 / PI),
    ("x̄7", "x̄8 · ∂x8/∂x7", 2 / PI, 2 / PI),
    ("x̄4", "x̄7 · ∂x7/∂x4", 2 / PI, 2 / PI),
    ("x̄5", "x̄7 · ∂x7/∂x5", 4 / PI, 4 / PI),
    ("x̄4", "x̄6 · ∂x6/∂x4", 2 * E2 / PI, 2 * (1 + E2) / PI),  # x4 feeds x6 and x7
    ("x̄3", "x̄5 · ∂x5/∂x3", 0.0, -4 * (2 + E2) / PI**2),  # x3 feeds x5 and x9
    ("x̄1", "x̄4 · ∂x4/∂x1", (4 + 4 * E2) / PI, (4 + 4 * E2) / PI),
    ("x̄2", "x̄4 · ∂x4/∂x2", (2 + 2 * E2) / PI, (2 + 2 * E2) / PI),
]
GRADIENT = [(4 + 4 * E2) / PI, (2 + 2 * E2) / PI, (-8 - 4 * E2) / PI**2]


def test_trace_numbers_and_shares_x4():
    table = trace(lecture_example, *LECTURE_POINT)
    assert [row[0] for row in table.rows] == list(VALUES)
    for name, definition, value in table.rows:
        assert definition == VALUES[name][0]
        np.testing.assert_allclose(value, VALUES[name][1], rtol=RTOL, atol=ATOL)
    # x1·x2 is computed once: only one mul of the inputs appears.
    assert [row[1] for row in table.rows].count("x1 · x2") == 1
    assert table.notes == ("f = x9",)


@pytest.mark.parametrize("p", list(TANGENTS))
def test_forward_sweep_every_tangent(p):
    table = forward_sweep_table(lecture_example, LECTURE_POINT, np.array(p, dtype=float))
    assert [row[0] for row in table.rows] == list(VALUES)
    for (name, definition, value, tangent), expected in zip(table.rows, TANGENTS[p], strict=True):
        assert definition == VALUES[name][0]
        np.testing.assert_allclose(value, VALUES[name][1], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(tangent, expected, rtol=RTOL, atol=ATOL)


def test_reverse_sweep_every_adjoint_step():
    sweep = reverse_sweep_table(lecture_example, np.array(LECTURE_POINT))
    assert len(sweep.rows) == len(UPDATES)
    for row, expected in zip(sweep.rows, UPDATES, strict=True):
        assert row[:2] == expected[:2]
        np.testing.assert_allclose(row[2], expected[2], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(row[3], expected[3], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(sweep.grad, GRADIENT, rtol=RTOL)
    assert [row[0] for row in sweep.forward.rows] == list(VALUES)


def test_gradient_equals_the_three_forward_sweeps():
    """Reverse mode gives all of ∇f at once; forward mode gives one entry per sweep."""
    ours = grad(lecture_example, argnums=(0, 1, 2))(*LECTURE_POINT)
    np.testing.assert_allclose(ours, GRADIENT, rtol=RTOL)
    for k, p in enumerate(TANGENTS):
        d_p_f = forward_sweep_table(lecture_example, LECTURE_POINT, p).rows[-1][3]
        np.testing.assert_allclose(d_p_f, ours[k], rtol=RTOL)


def test_lecture_example_runs_in_jax(x64):
    import jax

    theirs = jax.grad(lecture_example, argnums=(0, 1, 2))(*LECTURE_POINT)
    np.testing.assert_allclose(theirs, GRADIENT, rtol=RTOL)


def test_tables_render_in_three_formats():
    sweep = reverse_sweep_table(lecture_example, LECTURE_POINT)
    step, total = f"{2 * E2 / PI:.6g}", f"{2 * (1 + E2) / PI:.6g}"  # the second x̄4 update
    assert f"x̄4       x̄6 · ∂x6/∂x4  {step}       {total}" in str(sweep)
    assert f"| x̄4 | x̄6 · ∂x6/∂x4 | {step} | {total} |" in sweep.to_markdown()
    latex = sweep.to_latex()
    assert r"$\bar{x}_{4}$ & $\bar{x}_{6} \cdot  \partial x_{6}/\partial x_{4}$" in latex
    assert latex.count(r"\begin{tabular}") == 3
    forward = forward_sweep_table(lecture_example, LECTURE_POINT, [0.0, 0.0, 1.0])
    assert forward.title == "Forward sweep, p = [0., 0., 1.]"
    assert f"x6   exp(x4)     {E2:.6g}  0" in forward.to_text()  # D_e3 exp(x1·x2) = 0
    with pytest.raises(ValueError, match="unknown format 'html'"):
        forward.render("html")
