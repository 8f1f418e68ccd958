"""``jaxnets autodiff``: print the trace, the forward sweeps and the reverse sweep.

Without arguments it works the lecture example f(x) = (x1·x2·sin x3 + exp(x1·x2)) / x3 at
x = (1, 2, π/2). ``--expr`` takes another expression in x1..xn, which is parsed with
``ast`` and evaluated by walking the tree: only the names x1..xn, numbers, ``+ - * / **``,
unary minus and calls to the ``anp`` functions below are accepted, never ``eval``.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Callable

import numpy as np

from . import numpy as anp
from ._sweeps import LECTURE_POINT, lecture_example, lecture_tables

FUNCTIONS: dict[str, Callable] = {
    "sin": anp.sin,
    "cos": anp.cos,
    "exp": anp.exp,
    "log": anp.log,
    "tanh": anp.tanh,
    "sigmoid": anp.sigmoid,
    "relu": anp.relu,
    "sqrt": anp.sqrt,
    "square": anp.square,
    "maximum": anp.maximum,
}
_BINARY = {
    ast.Add: anp.add,
    ast.Sub: anp.subtract,
    ast.Mult: anp.multiply,
    ast.Div: anp.divide,
    ast.Pow: anp.power,
}
_VARIABLE = re.compile(r"x([1-9][0-9]*)")
_MAX_LENGTH = 1000  # deep nesting would only exhaust the recursion limit


class ExpressionError(ValueError):
    """An expression that ``parse_expression`` does not accept, with the reason."""


def _check(node: ast.AST) -> None:
    """Reject every syntax element outside the small allowed grammar."""
    if isinstance(node, ast.Expression):
        return _check(node.body)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left)
        return _check(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _check(node.operand)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return None
    if isinstance(node, ast.Name) and _VARIABLE.fullmatch(node.id):
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function {node.func.id!r}; allowed: {', '.join(sorted(FUNCTIONS))}"
            )
        if node.keywords:
            raise ExpressionError(f"{node.func.id}() takes positional arguments only")
        for arg in node.args:
            _check(arg)
        return None
    if isinstance(node, ast.Name):
        raise ExpressionError(f"unknown name {node.id!r}: variables are x1, x2, ..., xn")
    raise ExpressionError(
        f"{ast.unparse(node)!r} is not allowed: use x1..xn, numbers, + - * / **, unary minus "
        "and calls to " + ", ".join(sorted(FUNCTIONS))
    )


def _evaluate(node: ast.AST, xs: tuple):
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, xs), _evaluate(node.right, xs))
    if isinstance(node, ast.UnaryOp):
        return anp.negative(_evaluate(node.operand, xs))
    if isinstance(node, ast.Constant):
        return float(node.value)  # never Python ints: 9**9**9 must not run for ever
    if isinstance(node, ast.Name):
        return xs[int(node.id[1:]) - 1]
    return FUNCTIONS[node.func.id](*(_evaluate(a, xs) for a in node.args))


def parse_expression(text: str, n_variables: int) -> Callable:
    """``f(x1, ..., xn)`` computing ``text``; raises ``ExpressionError`` when ``text`` uses
    anything but the allowed grammar or a variable beyond ``x{n_variables}``."""
    if len(text) > _MAX_LENGTH:
        raise ExpressionError(f"expression longer than {_MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"cannot parse {text!r}: {error.msg}") from None
    _check(tree)
    used = {int(n.id[1:]) for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id[0] == "x"}
    if used and max(used) > n_variables:
        raise ExpressionError(
            f"the expression uses x{max(used)} but the point has {n_variables} coordinates"
        )
    return lambda *xs: _evaluate(tree.body, xs)


def _parse_point(text: str) -> tuple[float, ...]:
    try:
        point = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise ExpressionError(f"--at expects comma-separated numbers, got {text!r}") from None
    if not all(np.isfinite(point)):
        raise ExpressionError(f"--at must be finite numbers, got {text!r}")
    return point


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``--expr``, ``--at`` and ``--format`` on ``parser``."""
    parser.add_argument(
        "--expr",
        default=None,
        help='expression in x1..xn, e.g. "x1*x2 + sin(x3)" (default: the lecture example)',
    )
    parser.add_argument(
        "--at",
        default=None,
        help="the point, comma-separated, e.g. 1,2,1.5708 (default: 1,2,pi/2)",
    )
    parser.add_argument("--format", choices=("text", "markdown", "latex"), default="text")


def run(args: argparse.Namespace) -> int:
    """Print the tables; 0 on success, 2 (with a message on stderr) for a bad expression."""
    try:
        point = LECTURE_POINT if args.at is None else _parse_point(args.at)
        f = lecture_example if args.expr is None else parse_expression(args.expr, len(point))
        if args.expr is None and len(point) != 3:
            raise ExpressionError(f"the lecture example takes 3 values, --at gave {len(point)}")
        # Overflow and poles show up as inf/nan in the tables; the warnings add nothing.
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            output = lecture_tables(args.format, f, point)
    except ExpressionError as error:
        print(f"jaxnets autodiff: error: {error}", file=sys.stderr)
        return 2
    print(output)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jaxnets autodiff", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
