"""Multi-host set-up: one process per host, joined through a coordinator.

Every process runs the same program. After :func:`initialize_distributed`, ``jax.devices()``
lists the devices of all processes, so :func:`jaxnets.train.make_mesh` spans them and
``fit(parallel="sharded")`` trains over all of them: each process reads only its own rows of
every global batch (:func:`jaxnets.train.shard_batch`), only process 0 writes
``metrics.jsonl`` and ``config.json``, and every process takes part in checkpoint saves (orbax
coordinates the writes).
"""

import os
from dataclasses import dataclass

import jax

ENV_COORDINATOR = "JAXNETS_COORDINATOR"
ENV_NUM_PROCESSES = "JAXNETS_NUM_PROCESSES"
ENV_PROCESS_ID = "JAXNETS_PROCESS_ID"


@dataclass(frozen=True)
class DistributedConfig:
    """Where the coordinator listens (``host:port``), how many processes, and which one this is.

    ``coordinator=None`` means a single-process run.
    """

    coordinator: str | None = None
    num_processes: int | None = None
    process_id: int | None = None

    @classmethod
    def from_env(cls, environ=None) -> "DistributedConfig":
        """Read ``JAXNETS_COORDINATOR``, ``JAXNETS_NUM_PROCESSES``, ``JAXNETS_PROCESS_ID``."""
        environ = os.environ if environ is None else environ

        def integer(name):
            value = environ.get(name)
            return int(value) if value not in (None, "") else None

        return cls(
            environ.get(ENV_COORDINATOR) or None,
            integer(ENV_NUM_PROCESSES),
            integer(ENV_PROCESS_ID),
        )

    def __post_init__(self):
        if self.coordinator is None:
            return
        if self.num_processes is None or self.process_id is None:
            raise ValueError(
                "a multi-host run needs the coordinator address, the number of processes and "
                f"this process's id (flags or {ENV_NUM_PROCESSES}/{ENV_PROCESS_ID})"
            )
        if not 0 <= self.process_id < self.num_processes:
            raise ValueError(f"process id {self.process_id} is not in [0, {self.num_processes})")


def initialize_distributed(config: DistributedConfig | None = None) -> bool:
    """Join the multi-host run ``config`` describes (default: from the environment).

    Call once, before any other jax call that touches devices. Returns False (and does
    nothing) for a single-process config. On CPU the cross-process collectives go through
    gloo.

    >>> initialize_distributed(DistributedConfig())  # no coordinator: single process
    False
    """
    config = DistributedConfig.from_env() if config is None else config
    if config.coordinator is None:
        return False
    # Only the CPU client reads this; without it CPU processes cannot all-reduce.
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=config.coordinator,
        num_processes=config.num_processes,
        process_id=config.process_id,
    )
    return True
