"""Every setting and command-line value is checked with bounds: a bad one is one line on
stderr naming it, exit code 2, and nothing runs. One table, through the real `main()`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config.settings import SPECS, machine_memory_mb
from schv.cli import main

# An address that refuses at once, in case a row's command got as far as the network.
_NOWHERE = "http://127.0.0.1:9"
_MEMORY = machine_memory_mb()
assert _MEMORY is not None  # Linux, where the tests run, says

# (id, argv, environment, config file bytes or None, the stderr line as a pattern)
BAD = [
    ("binary config file", ["config"], {}, b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00",
     r"schv: config: .*c\.toml: not a text file \(TOML must be UTF-8\)"),
    ("config file that is a folder", ["--config", ".", "config"], {}, None,
     r"schv: config: \.: cannot read"),
    ("database url without a path", ["status"], {"SCHV_DATABASE_URL": "sqlite:"}, None,
     r"schv: config: database\.url \(from SCHV_DATABASE_URL\): expected sqlite:///PATH"),
    ("database url in memory", ["status"], {"SCHV_DATABASE_URL": "sqlite://"}, None,
     r"database\.url .*expected sqlite:///PATH, naming the database file"),
    ("database url with an empty path", ["status"], {"SCHV_DATABASE_URL": "sqlite:///"}, None,
     r"database\.url .*expected sqlite:///PATH"),
    ("database url of another kind", ["status"], {"SCHV_DATABASE_URL": "mysql://x/y"}, None,
     r"database\.url .*expected an sqlite:///PATH or postgresql\+psycopg://"),
    ("query timeout inf", ["config"], {"SCHV_QUERY_TIMEOUT": "inf"}, None,
     r"query\.timeout \(from SCHV_QUERY_TIMEOUT\): expected a finite number, got 'inf'"),
    ("request timeout nan", ["config"], {"SCHV_POLITENESS_REQUEST_TIMEOUT": "nan"}, None,
     r"politeness\.request_timeout .*expected a finite number, got 'nan'"),
    ("parse time limit -1", ["config"], {"SCHV_PARSE_TIME_LIMIT": "-1"}, None,
     r"parse\.time_limit .*must be greater than 0 and at most 86400, got -1\.0"),
    ("timeout inf in the TOML file", ["config"], {}, b"[query]\ntimeout = inf\n",
     r"query\.timeout \(from .*c\.toml\): expected a finite number, got inf"),
    ("fraction nan in the TOML file", ["config"], {}, b"[alarms]\nfill_rate_drop = nan\n",
     r"alarms\.fill_rate_drop .*expected a finite number"),
    ("interval 10^12", ["config"], {"SCHV_SCHEDULE_INTERVAL": str(10**12)}, None,
     r"schedule\.interval .*must be between 0 and 31622400, got 1000000000000"),
    ("jitter 10^12", ["config"], {"SCHV_SCHEDULE_JITTER": str(10**12)}, None,
     r"schedule\.jitter .*must be between 0 and 86400"),
    ("retry back-off of a century", ["config"],
     {"SCHV_POLITENESS_RETRY_BACKOFF_MAX": "3e9"}, None,
     r"politeness\.retry_backoff_max .*must be between 0 and 86400"),
    ("document size 10^20", ["config"], {"SCHV_CRAWL_MAX_DOCUMENT_BYTES": str(10**20)}, None,
     r"crawl\.max_document_bytes .*must be between 1 and 4294967296"),
    ("re-check cadence beyond any date", ["config"],
     {"SCHV_TRACKING_RECHECK_CADENCE": "30:1, 182:99999999999"}, None,
     r"tracking\.recheck_cadence .*EVERY must be at most 36500 days"),
    ("memory limit beyond the machine", ["config"],
     {"SCHV_PARSE_MEMORY_LIMIT_MB": str(_MEMORY + 1)}, None,
     rf"parse\.memory_limit_mb .*must not exceed this machine's memory \({_MEMORY} MB"),
    ("memory limit negative", ["config"], {"SCHV_PARSE_MEMORY_LIMIT_MB": "-5"}, None,
     r"parse\.memory_limit_mb .*must not be negative"),
    ("setting not UTF-8", ["config"], {"SCHV_CRAWL_THEMES": "Economie\udcff"}, None,
     r"schv: config: SCHV_CRAWL_THEMES: not UTF-8 text"),
    ("cron that never fires", ["config"], {"SCHV_SCHEDULE_CRON": "0 6 31 2 *"}, None,
     r"schedule\.cron .*never fires"),
    ("cron on the 31st of short months", ["config"],
     {"SCHV_SCHEDULE_CRON": "0 6 31 4,6,9,11 *"}, None, r"schedule\.cron .*never fires"),
    ("negative --runs", ["status", "--runs", "-1"], {}, None,
     r"schv status: error: argument --runs: must be between 0 and 10000, got -1"),
    ("--runs beyond any database", ["status", "--runs", str(10**20)], {}, None,
     r"argument --runs: must be between 0 and 10000"),
    ("negative --limit of reparse", ["reparse", "--all", "--limit", "-1"], {}, None,
     r"schv reparse: error: argument --limit: must be between 0 and 1000000000, got -1"),
    ("zero --limit of search", ["search", "--limit", "0", "x"], {}, None,
     r"schv search: error: argument --limit: must be between 1 and 10000, got 0"),
    ("negative --max-runs", ["daemon", "--max-runs", "-1"], {}, None,
     r"schv daemon: error: argument --max-runs: must be between 1 and 1000000, got -1"),
    ("zero --max-runs", ["daemon", "--max-runs", "0"], {}, None,
     r"argument --max-runs: must be between 1 and 1000000, got 0"),
    ("--port out of range", ["browse", "--port", "70000"], {}, None,
     r"schv browse: error: argument --port: must be between 0 and 65535"),
    ("query --timeout inf", ["query", "--timeout", "inf", "SELECT 1"], {}, None,
     r"schv query: error: argument --timeout: expected a finite number, got 'inf'"),
    ("query --timeout -1", ["query", "--timeout", "-1", "SELECT 1"], {}, None,
     r"argument --timeout: must be greater than 0 and at most 86400, got '-1'"),
    ("query --timeout beyond the setting's bound", ["query", "--timeout", "1e12", "SELECT 1"],
     {}, None, r"argument --timeout: must be greater than 0 and at most 86400"),
    ("export --timeout nan", ["export", "--out", "x", "--timeout", "nan"], {}, None,
     r"schv export: error: argument --timeout: must be greater than 0 and at most 86400 "
     r"seconds, got 'nan'"),
    ("crawl --wait nan", ["crawl", "--wait", "nan"], {}, None,
     r"schv crawl: error: argument --wait: must be at least 0 and at most 604800 seconds"),
    ("crawl --wait -1", ["crawl", "--wait", "-1"], {}, None,
     r"argument --wait: must be at least 0 and at most 604800 seconds, got '-1'"),
    ("--since after crawl.until", ["crawl", "--since", "2025-01-01"],
     {"SCHV_CRAWL_UNTIL": "2024-06-30"}, None,
     r"schv: --since 2025-01-01 is after crawl\.until 2024-06-30: no publication date"),
    ("--until before crawl.since", ["crawl", "--until", "2018-01-01"],
     {"SCHV_CRAWL_SINCE": "2019-06-01"}, None,
     r"schv: crawl\.since 2019-06-01 is after --until 2018-01-01"),
    ("--since after today", ["crawl", "--since", "2999-01-01"], {}, None,
     r"schv: --since 2999-01-01 is after today"),
    ("--since after --until", ["crawl", "--since", "2024-02-01", "--until", "2024-01-01"],
     {}, None, r"schv: --since 2024-02-01 is after --until 2024-01-01"),
]


@pytest.mark.parametrize(("argv", "env", "config", "line"),
                         [pytest.param(*row[1:], id=row[0]) for row in BAD])
def test_bad_value_is_one_line_and_exit_2(
    argv: list[str], env: dict[str, str], config: bytes | None, line: str,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    import os

    for name in [n for n in os.environ if n.startswith("SCHV_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    defaults = {
        "SCHV_DATABASE_URL": f"sqlite:///{tmp_path / 'schv.sqlite3'}",
        "SCHV_DATABASE_RAW_DIR": str(tmp_path / "raw"),
        "SCHV_SEARCH_API_URL": _NOWHERE, "SCHV_OPENDATA_API_URL": _NOWHERE,
        "SCHV_DOCUMENT_BASE_URL": _NOWHERE, "SCHV_POLITENESS_RETRY_TIMES": "0",
    }
    for name, value in {**defaults, **env}.items():
        monkeypatch.setenv(name, value)
    if config is not None:
        (tmp_path / "c.toml").write_bytes(config)
        argv = ["--config", str(tmp_path / "c.toml"), *argv]
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1, err
    assert re.search(line, err), err
    # Nothing ran: no database, no raw folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == (["c.toml"] if config else [])


def test_every_number_setting_has_an_upper_bound() -> None:
    """A number without an upper bound lets 10^12 through to overflow later."""
    from config import load_settings

    unbounded = []
    for spec in SPECS:
        if spec.type not in (int, float):
            continue
        assert spec.check is not None, spec.dotted
        if spec.check(10**15) is None:
            unbounded.append(spec.dotted)
    assert unbounded == []
    load_settings(environ={})  # and the defaults pass their own bounds
