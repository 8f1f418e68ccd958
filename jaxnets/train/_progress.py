"""What a run shows while it works, on stderr: compile time apart, then each epoch.

Three modes, as Keras' ``verbose``: ``"bar"`` draws a bar per epoch (examples/s, ETA, the
running loss) and leaves it with the epoch's metrics; ``"lines"`` prints exactly one line
per epoch (for logs and pipes: no carriage-return frames); ``False`` prints nothing.
``True`` (the default) picks ``"bar"`` in a terminal and ``"lines"`` otherwise.
"""

import sys
import time

from tqdm.auto import tqdm

MODES = (True, False, "bar", "lines")


def resolve_mode(progress) -> str | None:
    """``"bar"``, ``"lines"`` or None (silent) for a ``FitConfig.progress`` value."""
    if progress is True:
        return "bar" if sys.stderr.isatty() else "lines"
    return progress or None


class Progress:
    """Prints compile times, notes and per-epoch progress to stderr in the chosen mode."""

    def __init__(self, mode=True):
        self.mode = resolve_mode(mode)
        self.enabled = self.mode is not None
        self._bar = None
        self._epoch = ""

    def compiling(self, what: str) -> None:
        """Say what is being compiled, before the (possibly long) compilation starts."""
        if self.enabled:
            print(f"compiling {what} ...", end="", file=sys.stderr, flush=True)

    def compiled(self, seconds: float) -> None:
        if self.enabled:
            print(f" compiled in {seconds:.2f} s", file=sys.stderr, flush=True)

    def note(self, message: str) -> None:
        """A line of its own (early stopping, resuming), when enabled."""
        if self.enabled:
            print(message, file=sys.stderr, flush=True)

    def start_epoch(self, epoch: int, epochs: int, examples: int) -> None:
        self._epoch = f"epoch {epoch}/{epochs}"
        if self.mode == "bar":
            self._bar = tqdm(
                total=examples,
                desc=self._epoch,
                unit="ex",
                unit_scale=True,
                leave=True,
                file=sys.stderr,
                dynamic_ncols=True,
            )

    def advance(self, examples: int, **postfix: float) -> None:
        if self._bar is not None:
            self._bar.update(examples)
            if postfix:
                self._bar.set_postfix({k: f"{v:.4g}" for k, v in postfix.items()}, refresh=False)

    def end_epoch(self, summary: str, seconds: float, examples: int) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(summary, refresh=True)
            self._bar.close()
            self._bar = None
        elif self.mode == "lines":
            rate = examples / max(seconds, 1e-9)
            print(
                f"{self._epoch}: {examples:,} examples in {seconds:.2f} s ({rate:,.0f}/s), "
                f"{summary}",
                file=sys.stderr,
                flush=True,
            )


class Stopwatch:
    """``with Stopwatch() as t: ...; t.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
