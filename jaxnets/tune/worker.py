"""A worker process: ``python -m jaxnets.tune.worker SPEC.json`` joins a study and works on it.

The spec (written by :func:`jaxnets.tune.tune` for ``workers > 1``, or by hand for workers on
other machines sharing one storage URL) holds ``base`` (a RunConfig), ``space``, ``config``
(TuneConfig fields, with ``storage``), ``workdir`` and ``worker`` (an integer that offsets the
sampler's seed).
"""

import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from jaxnets.train import RunConfig
    from jaxnets.tune._space import SearchSpace
    from jaxnets.tune._study import TuneConfig, run_worker

    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text())
    config = dict(spec["config"])
    config["manual"] = tuple(config.get("manual", ()))
    run_worker(
        RunConfig.from_dict(spec["base"]),
        SearchSpace.from_dict(spec["space"]),
        TuneConfig(**config),
        Path(spec["workdir"]),
        worker=int(spec["worker"]),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
