"""The command line's behaviour at its edges: a reader that goes away, usage errors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from storage import Store
from tests.crawling import ROOT, schv_command


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with Store.open(url, tmp_path / "raw"):
        pass
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHV_")}
    env["SCHV_DATABASE_URL"] = url
    # Far more rows than a pipe buffer holds, so the writer meets the closed pipe.
    sql = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) "
           "SELECT x FROM c")
    child = subprocess.Popen(
        [*schv_command(), "query", sql], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().strip() == b"x"
    child.stdout.close()  # like `| head -1`
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 0
    assert stderr == ""


def test_usage_errors_are_one_line() -> None:
    result = subprocess.run(
        [*schv_command(), "query", "--format", "xml", "SELECT 1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "invalid choice: 'xml'" in lines[0]
