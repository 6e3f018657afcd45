"""SQLite WAL checkpoints on an OS thread of their own, not inside a request's commit.

By default SQLite checkpoints when a commit finds the WAL over 1,000 pages, in the committing
connection: under eventlet that stalls the whole hub for milliseconds every ~50 proposals, and
was the largest part of the intake's p99 at one client. Service processes therefore register
their database files here; one daemon thread (a real one, outside the hub) runs a PASSIVE
checkpoint on each every half second, which never waits for readers or writers. Commits still
checkpoint by themselves past BACKSTOP_PAGES, so the WAL stays bounded if this thread lags.
"""

import logging
import os
import sqlite3

from eventlet import patcher

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 0.5
BACKSTOP_PAGES = 10_000  # ~40 MB of WAL at 4 KiB pages
_threading = patcher.original("threading")  # the hub must not schedule this loop


class Checkpointer:
    def __init__(self, interval: float = INTERVAL_SECONDS):
        self.interval = interval
        self.paths: set[str] = set()
        self.lock = _threading.Lock()
        self.stopped = _threading.Event()
        self.thread: object | None = None

    def register(self, path: str) -> None:
        with self.lock:
            self.paths.add(os.path.abspath(path))
            if self.thread is None:
                thread = _threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
                thread.start()
                self.thread = thread

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            with self.lock:
                paths = sorted(self.paths)
            for path in paths:
                if not checkpoint(path):
                    with self.lock:
                        self.paths.discard(path)


def checkpoint(path: str) -> bool:
    """One PASSIVE checkpoint of `path`; False once the file is gone (a finished test's)."""
    try:
        # mode=rw: never create a database that has been deleted since it was registered.
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, check_same_thread=False)
    except sqlite3.OperationalError:
        return os.path.exists(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error as exc:  # busy or locked: the next round will do it
        log.debug("checkpoint of %s deferred: %s", path, exc)
    finally:
        connection.close()
    return True


CHECKPOINTER = Checkpointer()
