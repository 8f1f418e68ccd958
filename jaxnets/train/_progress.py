"""Progress display: a bar per epoch with rate and ETA, compile time reported apart."""

import sys
import time

from tqdm.auto import tqdm


class Progress:
    """Prints compile times and per-epoch bars (examples/s, ETA) to stderr when enabled.

    Disabled progress prints nothing, so tests and library callers stay quiet.
    """

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._bar = None

    def compiled(self, what: str, seconds: float) -> None:
        if self.enabled:
            print(f"compiled {what} in {seconds:.2f} s", file=sys.stderr, flush=True)

    def note(self, message: str) -> None:
        """A line of its own (early stopping, resuming), when enabled."""
        if self.enabled:
            print(message, file=sys.stderr, flush=True)

    def start_epoch(self, epoch: int, epochs: int, examples: int) -> None:
        if self.enabled:
            self._bar = tqdm(
                total=examples,
                desc=f"epoch {epoch}/{epochs}",
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

    def end_epoch(self, summary: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(summary, refresh=True)
            self._bar.close()
            self._bar = None


class Stopwatch:
    """``with Stopwatch() as t: ...; t.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
