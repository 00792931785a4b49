"""One crawl (and one daemon) per database, across processes.

SQLite: an exclusive `flock` on a lock file beside the database (`<db>.crawl.lock`,
`<db>.daemon.lock`); PostgreSQL: a session advisory lock held on a dedicated connection.
Both are released by the operating system or the server when the holder dies, even by
SIGKILL, so a crashed crawl never blocks the next one.
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
from sqlalchemy.pool import NullPool

from storage.db import _sqlite_file, normalize_url

LockName = Literal["crawl", "daemon"]

# pg_try_advisory_lock(classid, objid): the two-integer key space never meets the
# one-bigint key of the migration lock (storage.db).
_PG_CLASS = 0x5C4F
_PG_OBJECTS: dict[str, int] = {"crawl": 1, "daemon": 2}
_POLL_SECONDS = 0.5


class LockBusy(RuntimeError):
    """Another process holds the lock; the message says which kind and, if known, which pid."""


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

    def try_acquire(self) -> bool:
        if self.connection is None:
            self.connection = self.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        got = self.connection.execute(
            text("SELECT pg_try_advisory_lock(:c, :o)"), {"c": self.key[0], "o": self.key[1]}
        ).scalar_one()
        return bool(got)

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
            with contextlib.suppress(Exception):
                self.connection.execute(
                    text("SELECT pg_advisory_unlock(:c, :o)"),
                    {"c": self.key[0], "o": self.key[1]},
                )
            self.connection.close()
            self.connection = None
        self.engine.dispose()


def _describe(name: LockName) -> str:
    return "another schv daemon is running" if name == "daemon" else "another crawl is running"


@contextlib.contextmanager
def database_lock(url: str, name: LockName, *, wait: float | None = 0) -> Iterator[None]:
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
            yield
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
        yield
    finally:
        lock.release()
