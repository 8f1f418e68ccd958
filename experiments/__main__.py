"""``python -m experiments render [--check] [NAME ...]``: READMEs from results.json."""

import sys

from experiments._system import cli

sys.exit(cli())
