"""SQLite with write transactions queued in arrival order.

SQLite admits one writer at a time. A writer that finds the database locked
sleeps in its busy handler and tries again, so under load a request can lose
the race over and over: the benchmark saw a median of 0.2 s beside a worst
case of 21 s, close to the busy timeout after which a sale fails with
"database is locked". Inside one server process the writers are queued here
instead, first come first served, before BEGIN IMMEDIATE; the busy handler
then only arbitrates between processes.
"""

import collections
import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class FifoLock:
    """A lock handed to waiters in the order they asked for it."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Event] = collections.deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            try:
                self._waiters.remove(turn)
            except ValueError:
                return True  # handed over just as the wait ran out
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # stays held: it passes on
            else:
                self._held = False


_writers = FifoLock()


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer_turn = False

    def _start_transaction_under_autocommit(self):
        timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
        if not _writers.acquire(timeout):
            raise OperationalError(
                "database is locked: no write turn within the timeout"
            )
        self._holds_writer_turn = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_turn_end()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_turn_end()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_turn_end()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_turn_end()

    def _writer_turn_end(self) -> None:
        if self._holds_writer_turn:
            self._holds_writer_turn = False
            _writers.release()
