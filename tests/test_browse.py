"""`schv browse`: the real Datasette server on 127.0.0.1 serves the database read-only,
with titles and column descriptions from the data dictionary."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from schv.browse import datasette_metadata
from storage.dictionary import load_dictionary
from tests.analysis_data import fill
from tests.crawling import ROOT, run_schv, schv_command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    database = tmp_path / "schv.sqlite3"
    fill(f"sqlite:///{database}", tmp_path / "raw")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHV_")}
    env["SCHV_DATABASE_URL"] = f"sqlite:///{database}"
    env["SCHV_ALERTS_FEED_DIR"] = str(tmp_path / "feeds")
    server = subprocess.Popen(
        [*schv_command(), "browse", "--port", str(port)], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"schv browse did not start: {server.stderr.read()}")  # type: ignore[union-attr]
            time.sleep(0.2)
        yield base, database
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_pages_and_json_queries(served: tuple[str, Path]) -> None:
    base, database = served
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    status, page = _get(f"{base}/schv/answer_latency")
    assert status == 200
    latency = next(view for view in load_dictionary() if view.name == "answer_latency")
    assert latency.title in page
    assert latency.columns[-1].description.split(";")[0] in page
    sql = ("SELECT rowid AS id FROM question_fts WHERE question_fts MATCH 'innovatiesteun'")
    status, body = _get(f"{base}/schv.json?" + urllib.parse.urlencode(
        {"sql": sql, "_shape": "array"}))
    assert status == 200
    assert json.loads(body) == [{"id": 101}]
    status, body = _get(f"{base}/schv/written_questions.json?_shape=array&_size=100")
    assert status == 200 and len(json.loads(body)) == 6
    # The search box: Datasette's own escape_fts() passes the function allowlist.
    status, body = _get(f"{base}/schv/question_fts.json?_search=creatieve&_shape=array")
    assert status == 200 and [row["rowid"] for row in json.loads(body)] == [102]
    # Datasette lets through only SELECT; our authorizer stops what a SELECT can still do.
    for evil in ("SELECT load_extension('/tmp/evil')", "SELECT fts3_tokenizer('simple')"):
        status, body = _get(f"{base}/schv.json?" + urllib.parse.urlencode(
            {"sql": evil, "_shape": "array"}))
        assert status >= 400 and "not authorized" in body
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_metadata_comes_from_the_dictionary() -> None:
    metadata = datasette_metadata("schv")
    tables = metadata["databases"]["schv"]["tables"]
    assert set(tables) == {view.name for view in load_dictionary()}
    questions = tables["written_questions"]
    assert questions["title"] == "Written questions"
    assert questions["columns"]["status"].startswith("`asked`")


def test_postgres_and_missing_files_are_refused_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHV_")}
    env["SCHV_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    result = run_schv(["browse"], env, timeout=60)
    assert result.returncode == 2
    assert "SQLite databases only" in result.stderr and result.stderr.count("\n") == 1
    env["SCHV_DATABASE_URL"] = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    result = run_schv(["browse"], env, timeout=60)
    assert result.returncode == 1 and "database not found" in result.stderr
    assert not (tmp_path / "none.sqlite3").exists()


def test_feeds_are_served_from_the_feed_folder(served: tuple[str, Path]) -> None:
    base, database = served
    feeds = database.parent / "feeds"
    feeds.mkdir()
    (feeds / "innovatie.atom").write_bytes(b'<?xml version="1.0"?><feed/>')
    (feeds / "secret.txt").write_text("not a feed")
    with urllib.request.urlopen(f"{base}/-/feeds/innovatie.atom", timeout=10) as response:
        assert response.headers["content-type"].startswith("application/atom+xml")
        assert response.read() == b'<?xml version="1.0"?><feed/>'
    status, page = _get(f"{base}/-/feeds")
    assert status == 200 and "/-/feeds/innovatie.atom" in page and "secret" not in page
    for path in ("/-/feeds/missing.atom", "/-/feeds/..%2Fschv.atom", "/-/feeds/secret.txt"):
        assert _get(base + path)[0] == 404, path
