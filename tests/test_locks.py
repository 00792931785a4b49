"""One crawl and one daemon per database, tested with two real processes on SQLite (lock
file) and PostgreSQL (advisory lock)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.locks import LockBusy, database_lock
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
