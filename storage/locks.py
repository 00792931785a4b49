"""One crawl (and one daemon) per database, across processes.

SQLite: an exclusive `flock` on a lock file beside the database (`<db>.crawl.lock`,
`<db>.daemon.lock`); PostgreSQL: a session advisory lock held on a dedicated connection.
Both are released by the operating system or the server when the holder dies, even by
SIGKILL, so a crashed crawl never blocks the next one.

A lock can also go while its holder lives: the server ends the lock's connection (a
restart, pg_terminate_backend, a network cut), or someone deletes the lock file. Another
crawl may then start at once, so the holder asks `HeldLock.ensure_held()` before each
write and stops on LockLost. The advisory key is out of reach of `schv query`
(storage/reader_role.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from storage.db import _sqlite_file, normalize_url

LockName = Literal["crawl", "daemon"]

# pg_try_advisory_lock(classid, objid): the two-integer key space never meets the
# one-bigint key of the migration lock (storage.db).
_PG_CLASS = 0x5C4F
_PG_OBJECTS: dict[str, int] = {"crawl": 1, "daemon": 2}
_POLL_SECONDS = 0.5


class LockError(RuntimeError):
    """The lock cannot be taken or kept; the message says why, in one line."""


class LockBusy(LockError):
    """Another process holds the lock; the message says which kind and, if known, which pid."""


class LockLost(LockError):
    """The lock stopped being ours while we held it: nothing more may be written."""


def _one_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return " ".join(str(cause).split())[:200]


def lock_path(database: Path, name: LockName) -> Path:
    return database.with_name(f"{database.name}.{name}.lock")


class _FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        # The pid is only for the busy message; the flock itself is what counts.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return True

    def holder(self) -> str:
        try:
            pid = self.path.read_text().strip()
        except OSError:
            return ""
        return f" (pid {pid})" if pid.isdigit() else ""

    def lost(self) -> str | None:
        """Why the lock is no longer ours, or None. A waiter that finds the path free
        (deleted, or replaced by another file) creates and locks a new file there."""
        assert self.fd is not None
        try:
            on_disk = os.stat(self.path)
        except FileNotFoundError:
            return f"its lock file {self.path} was deleted"
        held = os.fstat(self.fd)
        if (held.st_dev, held.st_ino) != (on_disk.st_dev, on_disk.st_ino):
            return f"its lock file {self.path} was replaced"
        return None

    def release(self) -> None:
        if self.fd is not None:
            # Unlock before close so a waiter never sees a truncated file as ours.
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


class _AdvisoryLock:
    def __init__(self, url: str, name: LockName) -> None:
        self.engine = create_engine(normalize_url(url), poolclass=NullPool)
        self.key = (_PG_CLASS, _PG_OBJECTS[name])
        self.connection: Any = None
        # The server process holding the lock: a session lock lives exactly as long.
        self.backend: int | None = None
        self.gone = False

    def try_acquire(self) -> bool:
        if self.connection is None:
            self.connection = self.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        try:
            got, backend = self.connection.execute(
                text("SELECT pg_try_advisory_lock(:c, :o), pg_backend_pid()"),
                {"c": self.key[0], "o": self.key[1]},
            ).one()
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
                raise LockError(
                    f"this database user may not take schv's locks ({_one_line(exc)}); the "
                    "README's schv_reader section says which grant it needs"
                ) from None
            raise
        self.backend = int(backend)
        return bool(got)

    def lost(self) -> str | None:
        """Why the lock is no longer ours, or None. On a dropped connection SQLAlchemy
        would quietly connect again, to a session that holds nothing: hence the pid."""
        if self.gone:
            return "its database connection dropped"
        try:
            backend = self.connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        except SQLAlchemyError as exc:
            self.gone = True
            return f"its database connection dropped: {_one_line(exc)}"
        if backend != self.backend:
            self.gone = True
            return "its database connection dropped and was replaced"
        return None

    def holder(self) -> str:
        if self.connection is None:
            return ""
        pid = self.connection.execute(
            text(
                "SELECT a.client_addr, a.application_name, l.pid FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.classid = :c AND l.objid = :o "
                "AND l.granted AND l.database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database()) LIMIT 1"
            ),
            {"c": self.key[0], "o": self.key[1]},
        ).first()
        return f" (server backend pid {pid.pid})" if pid is not None else ""

    def release(self) -> None:
        if self.connection is not None:
            # A session that does not hold the lock has nothing to unlock.
            with contextlib.suppress(Exception):
                if not self.gone:
                    self.connection.execute(
                        text("SELECT pg_advisory_unlock(:c, :o)"),
                        {"c": self.key[0], "o": self.key[1]},
                    )
            self.connection.close()
            self.connection = None
        self.engine.dispose()


def _describe(name: LockName) -> str:
    return "another schv daemon is running" if name == "daemon" else "another crawl is running"


class HeldLock:
    """What `database_lock` yields: ask `ensure_held()` before each write."""

    def __init__(self, name: LockName, lock: _FileLock | _AdvisoryLock | None) -> None:
        self.name = name
        self._lock = lock
        self._lost: str | None = None

    def ensure_held(self) -> None:
        """Raise LockLost (a one-line reason) once the lock is no longer ours; from then
        on, always."""
        if self._lost is None and self._lock is not None:
            why = self._lock.lost()
            if why:
                self._lost = (
                    f"the {self.name} lock was lost ({why}); stopped, as another "
                    f"{self.name} may be running now"
                )
        if self._lost is not None:
            raise LockLost(self._lost)


@contextlib.contextmanager
def database_lock(url: str, name: LockName, *, wait: float | None = 0) -> Iterator[HeldLock]:
    """Hold the `name` lock of the database at `url` for the `with` block.

    `wait`: 0 = fail at once with LockBusy, None = wait as long as it takes, a number =
    wait up to that many seconds. An in-memory SQLite database is private to its process
    and needs no lock.
    """
    parsed = normalize_url(url)
    lock: _FileLock | _AdvisoryLock
    if parsed.get_backend_name() == "sqlite":
        database = _sqlite_file(parsed)
        if database is None:
            yield HeldLock(name, None)
            return
        lock = _FileLock(lock_path(database.resolve(), name))
    else:
        lock = _AdvisoryLock(url, name)
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while not lock.try_acquire():
            if deadline is not None and time.monotonic() >= deadline:
                raise LockBusy(f"{_describe(name)} on this database{lock.holder()}")
            time.sleep(_POLL_SECONDS)
        yield HeldLock(name, lock)
    finally:
        lock.release()
