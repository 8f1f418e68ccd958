"""Where a study lives, and how workers notice one another's deaths.

Storage is any Optuna storage: an SQLAlchemy URL (``sqlite:///runs/tune/study.db``, the
default in the workdir, or ``postgresql://...`` for many machines) or a journal file
(``journal:PATH``, or a path ending in ``.log``/``.journal``). Each worker stamps its
running trials with a ``heartbeat`` time every ``heartbeat_s``; any worker that finds a
running trial whose stamp is older than ``grace_s`` marks it failed and enqueues its
parameters again, so a killed worker's trial is re-asked by whoever is alive. This works the
same on journal and RDB storages (Optuna's own heartbeat is RDB-only).
"""

import threading
import time
from pathlib import Path

import optuna
from optuna.trial import TrialState

from jaxnets.errors import InvalidArgumentError

JOURNAL_SUFFIXES = (".log", ".journal")
# Updating a finished trial raises RuntimeError in Optuna 4.0 and its subclass
# optuna.exceptions.UpdateFinishedTrialError from a later release on.
_FINISHED = RuntimeError


def describe(url: str) -> tuple[str, str]:
    """``(kind, target)``: ``("journal", path)`` or ``("rdb", url)``."""
    if url.startswith("journal:"):
        return "journal", url[len("journal:") :]
    if "://" not in url and url.endswith(JOURNAL_SUFFIXES):
        return "journal", url
    if "://" not in url:
        raise InvalidArgumentError(
            f"cannot open storage {url!r}: expected an SQLAlchemy URL (sqlite:///study.db, "
            "postgresql://...) or a journal file (journal:PATH or PATH.log)"
        )
    return "rdb", url


def open_storage(url: str) -> optuna.storages.BaseStorage:
    """Open (creating if new) the storage at ``url``; one InvalidArgumentError if it cannot be.

    Nothing is created when the URL is malformed or its folder does not exist.
    """
    kind, target = describe(url)
    if kind == "journal":
        path = Path(target)
        if not path.parent.is_dir():
            raise InvalidArgumentError(f"cannot open storage {url!r}: no folder {path.parent}")
        from optuna.storages.journal import JournalFileBackend

        try:
            return optuna.storages.JournalStorage(JournalFileBackend(str(path)))
        except OSError as err:
            raise InvalidArgumentError(f"cannot open storage {url!r}: {err}") from None
    if target.startswith("sqlite:///"):
        path = Path(target[len("sqlite:///") :])
        if not path.parent.is_dir():
            raise InvalidArgumentError(f"cannot open storage {url!r}: no folder {path.parent}")
    try:
        return optuna.storages.RDBStorage(target)
    except Exception as err:  # SQLAlchemy's many errors: a bad dialect, host, driver, file
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InvalidArgumentError(f"cannot open storage {url!r}: {first}") from None


class Heartbeat:
    """A daemon thread stamping ``user_attrs["heartbeat"] = time.time()`` on the trials
    given to :meth:`watch` until they are :meth:`release`-d."""

    def __init__(self, storage, interval_s: float):
        self.storage, self.interval_s = storage, interval_s
        self._trials: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def watch(self, trial_ids) -> None:
        with self._lock:
            self._trials.update(trial_ids)
        for trial_id in trial_ids:
            self._stamp(trial_id)

    def release(self, trial_ids) -> None:
        with self._lock:
            self._trials.difference_update(trial_ids)

    def _stamp(self, trial_id: int) -> None:
        try:
            self.storage.set_trial_user_attr(trial_id, "heartbeat", time.time())
        except _FINISHED:  # told or failed meanwhile
            self.release([trial_id])

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            with self._lock:
                trials = list(self._trials)
            for trial_id in trials:
                self._stamp(trial_id)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def fail_stale_trials(study: optuna.Study, grace_s: float) -> list[int]:
    """Mark running trials without a heartbeat for ``grace_s`` failed and enqueue them again.

    Returns the numbers of the trials this call failed (a trial another worker failed first
    is skipped). The re-asked copy carries ``user_attrs["retry_of"]``.
    """
    now, failed = time.time(), []
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        stamp = t.user_attrs.get("heartbeat")
        if stamp is None and t.datetime_start is not None:
            stamp = t.datetime_start.timestamp()
        if stamp is None or now - stamp <= grace_s:
            continue
        try:
            study._storage.set_trial_user_attr(t._trial_id, "failed_because", "no heartbeat")
            study._storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
        except _FINISHED:  # another worker failed it first
            continue
        study.enqueue_trial(t.params, user_attrs={"retry_of": t.number})
        failed.append(t.number)
    return failed
