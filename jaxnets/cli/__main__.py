"""``python -m jaxnets.cli``: the ``jaxnets`` console script."""

from jaxnets.cli import console

console()
