"""One crawl and one daemon per database, tested with two real processes on SQLite (lock
file) and PostgreSQL (advisory lock)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.locks import LockBusy, LockLost, database_lock
from tests.crawling import ROOT, replica_env, run_schv, schv_command
from tests.replica import Replica

_HOLDER = """
import sys
from storage.locks import database_lock
with database_lock(sys.argv[1], sys.argv[2]):
    print("held", flush=True)
    sys.stdin.read()
"""


class Holder:
    """Another process holding a lock until released (stdin closed) or killed."""

    def __init__(self, url: str, name: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, url, name], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)



def test_a_held_lock_refuses_a_second_holder_until_released(database_url: str) -> None:
    holder = Holder(database_url, "crawl")
    try:
        with (
            pytest.raises(LockBusy, match="another crawl is running"),
            database_lock(database_url, "crawl", wait=0),
        ):
            pass
        started = time.monotonic()
        with pytest.raises(LockBusy), database_lock(database_url, "crawl", wait=1.0):
            pass
        assert time.monotonic() - started >= 1.0
        # The daemon lock is another lock.
        with database_lock(database_url, "daemon", wait=0):
            pass
    finally:
        holder.release()
    with database_lock(database_url, "crawl", wait=0):
        pass


def test_a_lock_dies_with_its_process(database_url: str) -> None:
    holder = Holder(database_url, "crawl")
    holder.kill()
    # Released by the kernel (flock) or the server (session ends): no stale lock.
    with database_lock(database_url, "crawl", wait=5):
        pass


def test_sqlite_lock_file_lies_beside_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'schv.sqlite3'}"
    with database_lock(url, "crawl"):
        assert (tmp_path / "data" / "schv.sqlite3.crawl.lock").exists()


def test_manual_crawl_during_a_crawl_exits_or_waits(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    env = replica_env(replica.base_url, database_url, tmp_path / "raw",
                      SCHV_CRAWL_DOWNLOAD_DOCUMENTS="false")
    holder = Holder(database_url, "crawl")
    try:
        busy = run_schv(["crawl", "-q"], env)
        assert busy.returncode == 75
        assert "another crawl is running" in busy.stderr and "--wait" in busy.stderr
        assert "Traceback" not in busy.stderr
        assert replica.counts_by_kind()["search"] == 0

        waiting = subprocess.Popen([*schv_command(), "crawl", "-q", "--wait"], env=env,
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(1.5)
        assert waiting.poll() is None
        assert replica.counts_by_kind()["search"] == 0
    finally:
        holder.release()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, out + err
    assert "crawl #1 ok" in out


def test_a_second_daemon_refuses_to_start(
    replica: Replica, database_url: str, tmp_path: Path
) -> None:
    env = replica_env(replica.base_url, database_url, tmp_path / "raw")
    holder = Holder(database_url, "daemon")
    try:
        second = run_schv(["daemon"], env, timeout=60)
    finally:
        holder.release()
    assert second.returncode == 75
    assert "another schv daemon is running" in second.stderr
    assert "refusing to start" in second.stderr
    assert replica.counts_by_kind()["search"] == 0


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _wait_for(what: str, probe: Callable[[], object], timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


_FETCHED = "SELECT count(*) FROM document WHERE fetched_at IS NOT NULL"
# The crawl lock's backend (storage.locks: classid 0x5C4F, objid 1).
_LOCK_BACKEND = (
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 23631 "
    "AND objid = 1 AND granted AND database = (SELECT oid FROM pg_database "
    "WHERE datname = current_database())"
)


@pytest.mark.postgres
def test_a_crawl_that_loses_its_postgres_lock_stops_before_its_next_write(
    replica: Replica, postgres_database_url: str, tmp_path: Path
) -> None:
    """The server ends the lock's connection mid-crawl (as a restart or a network cut
    would). The lock is gone, so another crawl could start: the first writes nothing more
    and fails, saying why; the next crawl finishes the work."""
    url = postgres_database_url
    # Slow enough that documents arrive one by one, after the lock is taken.
    env = replica_env(replica.base_url, url, tmp_path / "raw",
                      SCHV_POLITENESS_DOWNLOAD_DELAY="0.25",
                      SCHV_POLITENESS_CONCURRENT_REQUESTS_PER_HOST="1")
    first = subprocess.Popen([*schv_command(), "crawl", "-q"], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Store.open migrates the fresh database first; the document table comes then.
        _wait_for("the first stored document",
                  lambda: _scalar(url, "SELECT to_regclass('document') IS NOT NULL")
                  and _scalar(url, _FETCHED))
        backend = _scalar(url, _LOCK_BACKEND)
        assert backend is not None
        assert _scalar(url, f"SELECT pg_terminate_backend({backend})") is True
        at_loss = _scalar(url, _FETCHED)
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 1, out + err
    assert "crawl lock was lost (its database connection dropped" in out
    assert "crawl lock was lost" in err and "Traceback" not in err
    # At most a write that had passed its check as the connection went.
    assert _scalar(url, _FETCHED) <= at_loss + 1  # type: ignore[operator]
    assert _scalar(url, "SELECT count(*) FROM document") > _scalar(url, _FETCHED)  # type: ignore[operator]
    status, message = _scalar(url, "SELECT array[status, message] FROM crawl_run")  # type: ignore[misc]
    assert status == "failed" and "crawl lock was lost" in message

    second = run_schv(["crawl", "-q"], env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _scalar(url, _FETCHED) == _scalar(url, "SELECT count(*) FROM document")


def test_a_deleted_lock_file_is_a_lost_lock(tmp_path: Path) -> None:
    """Deleting the lock file lets a second holder in: the first must notice."""
    url = f"sqlite:///{tmp_path / 'schv.sqlite3'}"
    with database_lock(url, "crawl") as lock:
        lock.ensure_held()
        (tmp_path / "schv.sqlite3.crawl.lock").unlink()
        with (
            database_lock(url, "crawl", wait=0),
            pytest.raises(LockLost, match=r"^the crawl lock was lost \(its lock file "
                                          r".*schv.sqlite3.crawl.lock was replaced\)"),
        ):
            lock.ensure_held()
        with pytest.raises(LockLost):  # and stays lost
            lock.ensure_held()
