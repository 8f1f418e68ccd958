"""Forward versus reverse mode, measured: the cost of a full Jacobian both ways.

For f: R^n -> R^m with k primitives, forward mode needs n jvps of k rule applications
each and stores no intermediates; reverse mode needs one recorded forward pass (k nodes,
all of them kept on the tape) and m reverse sweeps of k vjp rule applications. These are
counted while the Jacobians are actually computed, not derived from the formula.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import numpy as anp
from ._core import concrete, counting
from ._forward import jacfwd
from ._reverse import jacrev, record
from ._tables import Table


@dataclass(frozen=True)
class JacobianCosts:
    """Measured costs of the Jacobian of ``f`` at one point ``x`` of shape ``(n,)``.

    ``forward_primitives``: primitives in one evaluation of ``f`` (k, the Wengert list).
    ``jvp_rule_applications``: jvp rules applied by ``jacfwd`` (n jvps).
    ``tape_records``: nodes recorded by ``jacrev``'s single forward pass.
    ``vjp_rule_applications``: vjp rules applied by ``jacrev`` (m reverse sweeps).
    ``tape_nodes`` / ``tape_bytes``: intermediates on the tape and their total ``nbytes``
    (inputs excluded); forward mode keeps none of them alive.
    ``max_abs_difference``: between the two Jacobians, as a check.
    """

    n_inputs: int
    n_outputs: int
    forward_primitives: int
    jvp_rule_applications: int
    tape_records: int
    vjp_rule_applications: int
    tape_nodes: int
    tape_bytes: int
    max_abs_difference: float

    def table(self) -> Table:
        n, m, k = self.n_inputs, self.n_outputs, self.forward_primitives
        return Table(
            f"Jacobian of f: R^{n} -> R^{m} ({k} primitives per evaluation)",
            ("mode", "sweeps", "rule applications", "per sweep", "stored intermediates"),
            (
                (
                    "forward (jacfwd)",
                    n,
                    self.jvp_rule_applications,
                    _per(self.jvp_rule_applications, n),
                    "0 B",
                ),
                (
                    "reverse (jacrev)",
                    m,
                    self.vjp_rule_applications,
                    _per(self.vjp_rule_applications, m),
                    f"{self.tape_bytes} B in {self.tape_nodes} nodes",
                ),
            ),
            (
                f"reverse mode also records the forward pass once: {self.tape_records} nodes",
                f"max |J_fwd - J_rev| = {self.max_abs_difference:.3g}",
            ),
        )

    def __str__(self) -> str:
        return str(self.table())


def _per(total: int, sweeps: int) -> str:
    return f"{total / sweeps:g}" if sweeps else "-"


def jacobian_costs(f: Callable[[Any], Any], x: Any) -> JacobianCosts:
    """Compute the Jacobian of ``f`` (one array in, one array out) at ``x`` both ways,
    counting primitive evaluations and rule applications, and the tape's bytes."""
    x = anp.asarray(x)
    # A plain call f(x) on numpy arrays would run `a * b` as numpy, out of sight: the
    # primitives are counted on the tape instead.
    rec = record(f, (x,))
    with counting() as fwd:
        j_fwd = jacfwd(f)(x)
    with counting() as rev:
        j_rev = jacrev(f)(x)
    intermediates = [node for node in rec.tape if node.prim is not None]
    return JacobianCosts(
        n_inputs=int(np.size(x)),
        n_outputs=sum(int(np.size(concrete(v))) for v in rec.out_values),
        forward_primitives=len(intermediates),
        jvp_rule_applications=fwd["jvp"],
        tape_records=rev["record"],
        vjp_rule_applications=rev["vjp"],
        tape_nodes=len(intermediates),
        tape_bytes=sum(int(np.asarray(concrete(n.value)).nbytes) for n in intermediates),
        max_abs_difference=float(np.max(np.abs(j_fwd - j_rev), initial=0.0)),
    )
