"""The `jaxnets autodiff` command: default run, --expr, formats and rejected input."""

import argparse

import numpy as np
import pytest

from jaxnets.autodiff import command


def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    code = command.run(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_prints_trace_three_forward_sweeps_and_reverse_sweep(capsys):
    code, out, err = _run([], capsys)
    assert code == 0 and err == ""
    assert out.count("Forward sweep") == 3 and "Reverse sweep" in out
    e2, pi = np.exp(2.0), np.pi
    assert f"x9   x8 / x3     {2 * (e2 + 2) / pi:.6g}" in out
    assert f"x̄4       x̄6 · ∂x6/∂x4  {2 * e2 / pi:.6g}       {2 * (1 + e2) / pi:.6g}" in out
    assert f"x̄1   {(4 + 4 * e2) / pi:.6g}" in out


def test_expression_at_a_point(capsys):
    code, out, _ = _run(["--expr", "x1*x2 + sin(x3)", "--at", "1,2,0.5"], capsys)
    assert code == 0
    assert f"x6   x4 + x5     {2 + np.sin(0.5):.6g}" in out
    assert f"x̄3   {np.cos(0.5):.6g}" in out


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_formats(fmt, capsys):
    code, out, _ = _run(["--expr", "-x1 ** 2 / tanh(x2)", "--at", "0.5,1", "--format", fmt], capsys)
    assert code == 0
    assert ("| x3 | x1 ** 2 |" in out) if fmt == "markdown" else (r"\begin{tabular}" in out)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("__import__('os').system('echo hi')", "is not allowed"),
        ("x1.real", "is not allowed"),
        ("open('f')", "unknown function 'open'"),
        ("y + x1", "unknown name 'y'"),
        ("x1 + x5", "uses x5 but the point has 3 coordinates"),
        ("x1 if x2 else x3", "is not allowed"),
        ("x1 +", "cannot parse"),
        ("sin(x1, out=x2)", "positional arguments only"),
        ("x1 % 2", "is not allowed"),
        ("[x1][0]", "is not allowed"),
        ("x1 " * 400, "longer than 1000 characters"),
    ],
)
def test_rejected_expressions(expr, message, capsys):
    code, out, err = _run(["--expr", expr], capsys)
    assert code == 2 and out == ""
    assert message in err and err.startswith("jaxnets autodiff: error:")


def test_bad_point(capsys):
    code, _, err = _run(["--at", "1,two,3"], capsys)
    assert code == 2 and "comma-separated numbers" in err
    code, _, err = _run(["--at", "1,2"], capsys)
    assert code == 2 and "takes 3 values" in err


def test_huge_constant_powers_do_not_hang(capsys):
    code, out, _ = _run(["--expr", "x1 + 9**9**9", "--at", "1"], capsys)
    assert code == 0 and "inf" in out
