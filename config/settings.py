"""Load, override and validate the configuration.

Precedence, lowest first: `defaults.toml` beside this module, the file given with
`--config` (or `SCHV_CONFIG`), then environment variables. Every key is declared once in
`SPECS`; its environment variable name, type and check come from there, and the README's
configuration table is checked against it by a test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")


class ConfigError(ValueError):
    """A configuration problem, worded as one line that names the key; `problem` is the
    part about the value alone."""

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem or message


def _url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "expected an http(s) URL"
    return None


def _db_url(value: str) -> str | None:
    if value.startswith("sqlite:"):
        # `sqlite:`, `sqlite://` (in memory: lost when the command ends) and `sqlite:///`
        # name no file.
        path = value.removeprefix("sqlite:///") if value.startswith("sqlite:///") else ""
        if not path.split("?", 1)[0] or path == ":memory:":
            return "expected sqlite:///PATH, naming the database file"
        return None
    if not value.startswith(("postgresql://", "postgresql+psycopg://")):
        return "expected an sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE URL"
    return None


def _date_or_empty(value: str) -> str | None:
    if value == "":
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return "expected a date as YYYY-MM-DD"
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def between(low: float, high: float, *, above: bool = False) -> Callable[[float], str | None]:
    """A check of `low <= value <= high` (`above`: `low < value`). Every number has an
    upper bound too: far beyond any sane value, a huge number only overflows later (a
    date past year 9999, a C int in SQLite's busy timeout) or means "never"."""
    lower = f"greater than {_number(low)}" if above else f"at least {_number(low)}"
    wording = (f"must be {lower} and at most {_number(high)}" if above
               else f"must be between {_number(low)} and {_number(high)}")

    def check(value: float) -> str | None:
        too_low = value <= low if above else value < low
        return wording if too_low or value > high else None

    return check


_MINUTE, _HOUR, _DAY = 60, 3600, 86400
_YEAR = 366 * _DAY
# A timeout or time limit in seconds: more than 0, at most a day.
_SECONDS = between(0, _DAY, above=True)


def machine_memory_mb() -> int | None:
    """Physical memory of this machine in MB, or None where the system does not say."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return None


def _memory_limit(value: int) -> str | None:
    if value < 0:
        return "must not be negative (0 = no limit)"
    memory = machine_memory_mb()
    if memory is not None and value > memory:
        return f"must not exceed this machine's memory ({memory} MB; 0 = no limit)"
    return None


def _non_empty(value: Any) -> str | None:
    return None if value else "must not be empty"


def _timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "unknown time zone"
    return None


def _cron(value: str) -> str | None:
    if len(value.split()) != 5:
        return "expected a 5-field cron expression like '0 6 * * *'"
    try:
        from config.cron import cron_trigger

        trigger = cron_trigger(value, "UTC")
    except ValueError as exc:
        return f"invalid cron expression ({exc})"
    # APScheduler accepts days that no month has (`31 2`) and then never fires; it looks
    # for the next time up to the year 9999.
    if trigger.get_next_fire_time(None, dt.datetime.now(dt.UTC)) is None:
        return "the cron expression never fires (no such date)"
    return None


def parse_cadence(value: str) -> tuple[tuple[int, int], ...]:
    """`"30:1, 182:7, 730:30"` -> ((30, 1), (182, 7), (730, 30)): up to AGE days old,
    every EVERY days. Raises ValueError."""
    stages = []
    for part in value.split(","):
        age, sep, every = part.strip().partition(":")
        if not sep or not age.strip().isdigit() or not every.strip().isdigit():
            raise ValueError(f"stage {part.strip()!r} is not AGE:EVERY in days")
        stages.append((int(age), int(every)))
    ages = [age for age, _ in stages]
    if ages != sorted(set(ages)):
        raise ValueError("ages must increase")
    # An interval past 100 years would only overflow date arithmetic (an age is only
    # compared, so "100000" may stand for "any age").
    if any(every > 36500 for _, every in stages):
        raise ValueError("EVERY must be at most 36500 days")
    return tuple(stages)


def _cadence(value: str) -> str | None:
    if not value.strip():
        return None  # no re-checks at all
    try:
        parse_cadence(value)
    except ValueError as exc:
        return f"expected stages like '30:1, 182:7, 730:30' ({exc})"
    return None


def _status_codes(value: list[int]) -> str | None:
    bad = [c for c in value if not 100 <= c <= 599]
    return f"not HTTP status codes: {bad}" if bad else None


@dataclass(frozen=True)
class Spec:
    section: str
    key: str
    type: type
    help: str
    check: Callable[[Any], str | None] | None = None
    env_name: str = ""
    # Taken from the environment only, never from a file, and never printed.
    secret: bool = False

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}"

    @property
    def env(self) -> str:
        return self.env_name or f"SCHV_{self.section}_{self.key}".upper()


# `sources` keys drop the section from their environment names because operators already
# rely on SCHV_SEARCH_API_URL and SCHV_OPENDATA_API_URL.
SPECS: tuple[Spec, ...] = (
    Spec("database", "url", str, "SQLAlchemy database URL", _db_url),
    Spec("database", "raw_dir", str, "Folder of raw documents, content-addressed by sha256",
         _non_empty),
    Spec("sources", "search_api_url", str, "Document search API (discovery)", _url,
         "SCHV_SEARCH_API_URL"),
    Spec("sources", "opendata_api_url", str, "Open data API (question details)", _url,
         "SCHV_OPENDATA_API_URL"),
    Spec("sources", "document_base_url", str, "Document host (pfile downloads)", _url,
         "SCHV_DOCUMENT_BASE_URL"),
    Spec("sources", "page_base_url", str, "Web site (detail pages for humans)", _url,
         "SCHV_PAGE_BASE_URL"),
    Spec("sources", "search_collection", str, "Search API collection", _non_empty,
         "SCHV_SEARCH_COLLECTION"),
    Spec("sources", "search_page_size", int, "Hits per search page (API maximum 100)",
         between(1, 100),
         "SCHV_SEARCH_PAGE_SIZE"),
    Spec("sources", "search_hit_cap", int, "Most hits one search query returns; larger "
         "date ranges are split", between(1, 1_000_000), "SCHV_SEARCH_HIT_CAP"),
    Spec("sources", "opendata_batch_size", int, "Question ids per /schv/lijst request",
         between(1, 200),
         "SCHV_OPENDATA_BATCH_SIZE"),
    Spec("crawl", "themes", list, "Themes to crawl (environment: separated by ';')",
         _non_empty),
    Spec("crawl", "since", str, "First publication date to discover (YYYY-MM-DD)",
         _date_or_empty),
    Spec("crawl", "until", str, "Last publication date to discover; empty = today",
         _date_or_empty),
    Spec("crawl", "server_side_theme_filter", bool,
         "Also ask the search API to filter by theme"),
    Spec("crawl", "download_documents", bool, "Download and parse the documents"),
    Spec("crawl", "max_document_bytes", int, "Largest document downloaded, in bytes",
         between(1, 2**32)),
    Spec("politeness", "user_agent", str, "User-Agent sent with every request", _non_empty),
    Spec("politeness", "obey_robots_txt", bool, "Obey robots.txt"),
    Spec("politeness", "concurrent_requests_per_host", int, "Requests in flight per host",
         between(1, 8)),
    Spec("politeness", "download_delay", float, "Seconds between requests to one host",
         between(0, _HOUR)),
    Spec("politeness", "autothrottle", bool, "Adapt the delay to the server's latency"),
    Spec("politeness", "autothrottle_target_concurrency", float,
         "AutoThrottle's target requests in flight per host", between(0, 8, above=True)),
    Spec("politeness", "autothrottle_max_delay", float, "AutoThrottle's largest delay",
         between(0, _HOUR, above=True)),
    Spec("politeness", "request_timeout", float, "Seconds before a request times out",
         _SECONDS),
    Spec("politeness", "retry_times", int, "Retries of a failed request", between(0, 100)),
    Spec("politeness", "retry_http_codes", list, "HTTP statuses that are retried",
         _status_codes),
    Spec("politeness", "retry_backoff_base", float, "First retry delay in seconds, doubled "
         "each attempt", between(0, _HOUR)),
    Spec("politeness", "retry_backoff_max", float, "Longest wait before a retry, "
         "Retry-After included", between(0, _DAY)),
    Spec("schedule", "cron", str, "When the daemon crawls (cron, 5 fields)", _cron),
    Spec("schedule", "timezone", str, "Time zone of the cron expression", _timezone),
    Spec("schedule", "jitter", int, "Random delay added to each scheduled run, seconds",
         between(0, _DAY)),
    Spec("schedule", "misfire_grace_time", int, "How late a missed run may still start, "
         "seconds", between(1, _YEAR)),
    Spec("schedule", "crawl_time_limit", int, "Seconds before a scheduled crawl is stopped",
         between(1, 30 * _DAY)),
    Spec("schedule", "interval", int, "Seconds between runs instead of the cron expression; "
         "0 = use the cron expression", between(0, _YEAR)),
    Spec("schedule", "shutdown_grace", int, "On SIGTERM, seconds a running crawl may take to "
         "finish before it is stopped", between(0, _DAY)),
    Spec("tracking", "overlap_days", int, "An incremental crawl re-reads this many days of "
         "publication dates before the last successful run", between(0, 3650)),
    Spec("tracking", "recheck_cadence", str, "Re-check of unanswered questions, "
         "`AGE:EVERY` in days: up to AGE days old, every EVERY days; older: never",
         _cadence),
    Spec("tracking", "document_retries", int, "Incremental crawls retry a failed document "
         "this many times, waiting 2^attempts hours in between", between(0, 100)),
    Spec("alarms", "degraded_exit_code", int, "Exit code of a degraded crawl (0 = succeed)",
         between(0, 125)),
    Spec("alarms", "fill_rate_drop", float, "Degraded when a field is filled in less than "
         "this fraction of its usual share of questions", between(0, 1)),
    Spec("alarms", "min_sample", int, "Questions a run must touch before fill rates are "
         "compared", between(1, 1_000_000)),
    Spec("query", "timeout", float, "Seconds before `schv query` stops a statement",
         _SECONDS),
    Spec("parse", "workers", int, "Parser processes; 0 = one per CPU", between(0, 256)),
    Spec("parse", "time_limit", float, "Seconds one document may take to parse before its "
         "worker is killed (status timeout)", _SECONDS),
    Spec("parse", "memory_limit_mb", int, "Address space one parser process may use, in MB "
         "(over it: status too_large); 0 = no limit", _memory_limit),
    Spec("alerts", "feed_dir", str, "Folder the Atom feeds are written to after every run",
         _non_empty),
    Spec("alerts", "feed_entries", int, "Newest entries kept in each feed", between(1, 100_000)),
    Spec("alerts", "webhook_secret", str, "Key of the webhooks' HMAC-SHA256 signature "
         "header (environment only); empty = unsigned", secret=True),
    Spec("alerts", "timeout", float, "Seconds before a webhook or SMTP server is given up "
         "for this run", _SECONDS),
    Spec("alerts", "retries", int, "Retries of a webhook within one run (then: next run)",
         between(0, 100)),
    Spec("alerts", "backoff", float, "First webhook retry delay in seconds, doubled each "
         "retry; Retry-After wins", between(0, 3600)),
    Spec("alerts", "smtp_host", str, "SMTP server for e-mail alerts; empty = no e-mail"),
    Spec("alerts", "smtp_port", int, "SMTP port", between(1, 65535)),
    Spec("alerts", "smtp_starttls", bool, "Upgrade the SMTP connection with STARTTLS"),
    Spec("alerts", "smtp_user", str, "SMTP login; empty = no login"),
    Spec("alerts", "smtp_password", str, "SMTP password (environment only)", secret=True),
    Spec("alerts", "email_from", str, "From address of alert e-mails", _non_empty),
)

_ITEM_TYPES: dict[str, type] = {"retry_http_codes": int, "themes": str}


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    raw_dir: str


@dataclass(frozen=True)
class SourcesSettings:
    search_api_url: str
    opendata_api_url: str
    document_base_url: str
    page_base_url: str
    search_collection: str
    search_page_size: int
    search_hit_cap: int
    opendata_batch_size: int


@dataclass(frozen=True)
class CrawlSettings:
    themes: tuple[str, ...]
    since: str
    until: str
    server_side_theme_filter: bool
    download_documents: bool
    max_document_bytes: int


@dataclass(frozen=True)
class PolitenessSettings:
    user_agent: str
    obey_robots_txt: bool
    concurrent_requests_per_host: int
    download_delay: float
    autothrottle: bool
    autothrottle_target_concurrency: float
    autothrottle_max_delay: float
    request_timeout: float
    retry_times: int
    retry_http_codes: tuple[int, ...]
    retry_backoff_base: float
    retry_backoff_max: float


@dataclass(frozen=True)
class ScheduleSettings:
    cron: str
    timezone: str
    jitter: int
    misfire_grace_time: int
    crawl_time_limit: int
    interval: int = 0
    shutdown_grace: int = 600


@dataclass(frozen=True)
class TrackingSettings:
    overlap_days: int = 45
    recheck_cadence: str = "30:1, 182:7, 730:30"
    document_retries: int = 5

    @property
    def cadence(self) -> tuple[tuple[int, int], ...]:
        return parse_cadence(self.recheck_cadence) if self.recheck_cadence.strip() else ()


@dataclass(frozen=True)
class AlarmSettings:
    degraded_exit_code: int = 1
    fill_rate_drop: float = 0.5
    min_sample: int = 10


@dataclass(frozen=True)
class AlertSettings:
    feed_dir: str = "data/feeds"
    feed_entries: int = 100
    webhook_secret: str = ""
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password: str = ""
    email_from: str = "schv@localhost"


@dataclass(frozen=True)
class QuerySettings:
    timeout: float


@dataclass(frozen=True)
class ParseSettings:
    workers: int = 0
    time_limit: float = 60.0
    memory_limit_mb: int = 1024


_SECTIONS: dict[str, type] = {
    "database": DatabaseSettings,
    "sources": SourcesSettings,
    "crawl": CrawlSettings,
    "politeness": PolitenessSettings,
    "schedule": ScheduleSettings,
    "tracking": TrackingSettings,
    "alarms": AlarmSettings,
    "query": QuerySettings,
    "parse": ParseSettings,
    "alerts": AlertSettings,
}


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings
    sources: SourcesSettings
    crawl: CrawlSettings
    politeness: PolitenessSettings
    schedule: ScheduleSettings
    query: QuerySettings
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    alarms: AlarmSettings = field(default_factory=AlarmSettings)
    parse: ParseSettings = field(default_factory=ParseSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    # Where each value came from ("default", a file path, or an environment variable).
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)

    def replace(self, **changes: Any) -> Settings:
        """A copy with `section.key`-style changes, e.g. replace(**{"crawl.since": "..."});
        values are validated like any other source."""
        raw = {s.dotted: getattr(getattr(self, s.section), s.key) for s in SPECS}
        origins = dict(self.origins)
        for dotted, value in changes.items():
            spec = _spec_for(dotted, "override")
            raw[dotted] = _coerce(spec, value, "command line")
            origins[dotted] = "command line"
        return _build(raw, origins)


_BY_DOTTED = {s.dotted: s for s in SPECS}


def _spec_for(dotted: str, origin: str) -> Spec:
    try:
        return _BY_DOTTED[dotted]
    except KeyError:
        raise ConfigError(f"{origin}: unknown setting '{dotted}'") from None


def _where(spec: Spec, origin: str) -> str:
    return f"{spec.dotted} (from {origin})"


def _coerce(spec: Spec, value: Any, origin: str) -> Any:
    """Turn a TOML value or an environment string into the spec's type, or fail naming
    the key."""
    def fail(what: str) -> ConfigError:
        problem = f"{what}, got {value!r}"
        return ConfigError(f"config: {_where(spec, origin)}: {problem}", problem)

    from_env = isinstance(value, str) and origin.startswith("SCHV_")
    if spec.type is bool:
        if isinstance(value, bool):
            return value
        if from_env and value.strip().lower() in {"1", "true", "yes", "on"}:
            return True
        if from_env and value.strip().lower() in {"0", "false", "no", "off"}:
            return False
        raise fail("expected true or false")
    if spec.type is int:
        if isinstance(value, bool):
            raise fail("expected a whole number")
        if isinstance(value, int):
            return value
        if from_env:
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise fail("expected a whole number")
    if spec.type is float:
        if isinstance(value, bool):
            raise fail("expected a number")
        number: float | None = None
        if isinstance(value, int | float):
            number = float(value)
        elif from_env:
            with contextlib.suppress(ValueError):
                number = float(value.strip())
        if number is None:
            raise fail("expected a number")
        # TOML has inf and nan, float() reads them: as a time or a fraction they mean
        # nothing (nan passes every comparison as false).
        if not math.isfinite(number):
            raise fail("expected a finite number")
        return number
    if spec.type is list:
        item_type = _ITEM_TYPES[spec.key]
        if from_env:
            sep = ";" if item_type is str else ","
            value = [part.strip() for part in value.split(sep) if part.strip()]
        if not isinstance(value, list | tuple):
            raise fail("expected a list")
        items = []
        for item in value:
            if item_type is int and isinstance(item, str):
                try:
                    item = int(item)
                except ValueError:
                    raise fail("expected whole numbers") from None
            if not isinstance(item, item_type) or isinstance(item, bool):
                raise fail(f"expected a list of {item_type.__name__}")
            items.append(item.strip() if isinstance(item, str) else item)
        return tuple(items)
    if not isinstance(value, str):
        raise fail("expected text")
    return value.strip()


def parse_setting(dotted: str, text: str) -> Any:
    """`text` (a command-line value) as the setting `dotted` would take it; ConfigError
    with the problem alone, as the caller names the option."""
    spec = _spec_for(dotted, "option")
    try:
        value = _coerce(spec, text, "SCHV_")  # read as an environment string is
    except ConfigError as exc:
        raise ConfigError(exc.problem) from None
    problem = spec.check(value) if spec.check else None
    if problem:
        raise ConfigError(f"{problem}, got {text!r}")
    return value


def _check(spec: Spec, value: Any, origin: str) -> None:
    if spec.check is None:
        return
    problem = spec.check(value)
    if problem:
        raise ConfigError(f"config: {_where(spec, origin)}: {problem}, got {value!r}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config: file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config: {path}: not a text file (TOML must be UTF-8)") from None
    except OSError as exc:
        raise ConfigError(f"config: {path}: cannot read ({exc.strerror})") from None


def _apply_file(raw: dict[str, Any], origins: dict[str, str], path: Path) -> None:
    for section, table in _read_toml(path).items():
        if section not in _SECTIONS:
            raise ConfigError(f"config: {path}: unknown section [{section}]")
        if not isinstance(table, dict):
            raise ConfigError(f"config: {path}: [{section}] must be a table")
        for key, value in table.items():
            spec = _spec_for(f"{section}.{key}", str(path))
            if spec.secret and value != "":
                raise ConfigError(
                    f"config: {path}: {spec.dotted} is a secret: set it in the environment "
                    f"({spec.env}), not in a file"
                )
            raw[spec.dotted] = _coerce(spec, value, str(path))
            origins[spec.dotted] = str(path)


def _build(raw: dict[str, Any], origins: dict[str, str]) -> Settings:
    for spec in SPECS:
        if spec.dotted not in raw:
            raise ConfigError(f"config: {spec.dotted} has no value (defaults.toml incomplete)")
        _check(spec, raw[spec.dotted], origins.get(spec.dotted, "default"))
    sections = {
        name: cls(**{s.key: raw[s.dotted] for s in SPECS if s.section == name})
        for name, cls in _SECTIONS.items()
    }
    settings = Settings(**sections, origins=origins)
    crawl = settings.crawl
    if crawl.since and crawl.until and crawl.since > crawl.until:
        raise ConfigError(
            f"config: crawl.since ({crawl.since}) is after crawl.until ({crawl.until})"
        )
    return settings


def load_settings(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Defaults, then `path` (or $SCHV_CONFIG), then environment variables."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    origins: dict[str, str] = {}
    _apply_file(raw, origins, DEFAULTS_PATH)
    origins = {k: "default" for k in origins}
    chosen = path if path is not None else env.get("SCHV_CONFIG") or None
    if chosen is not None:
        _apply_file(raw, origins, Path(chosen))
    for spec in SPECS:
        if spec.env in env:
            value = env[spec.env]
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # bytes that were not UTF-8, kept as surrogates
                raise ConfigError(f"config: {spec.env}: not UTF-8 text") from None
            raw[spec.dotted] = _coerce(spec, value, spec.env)
            origins[spec.dotted] = spec.env
    known = {s.env for s in SPECS} | {"SCHV_CONFIG"}
    unknown = sorted(
        k for k in env if k.startswith("SCHV_") and k not in known and not k.startswith("SCHV_TEST")
    )
    if unknown:
        raise ConfigError(f"config: unknown environment variable {unknown[0]}")
    return _build(raw, origins)
