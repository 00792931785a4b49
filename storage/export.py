"""Export the public views to files: CSV, JSON Lines or Parquet, one file per view.

Values are typed by the data dictionary (storage/dictionary), not by the driver, so both
databases export the same files: dates as ISO dates (Parquet `date32`), booleans as
true/false, amounts and counts as numbers, timestamps in UTC. Parquet needs pyarrow, the
optional extra `schv[parquet]`: it is large, and CSV and JSON Lines need nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.dictionary import ViewDoc, load_dictionary
from storage.query import QueryError, _single_statement
from storage.readonly import read_connection

FORMATS = ("csv", "jsonl", "parquet")
_EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}
_BATCH = 5000


@dataclass(frozen=True)
class ExportedView:
    view: str
    path: Path
    rows: int


def _to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _to_timestamp(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value))
    # SQLite keeps UTC wall time without a zone (storage.models.UTCDateTime).
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _to_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _to_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _to_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _to_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


# Dictionary type -> Python converter. Unknown types export as text.
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "integer": _to_int,
    "real": _to_float,
    "number": _to_float,
    "boolean": _to_bool,
    "date": _to_date,
    "timestamp": _to_timestamp,
    "text": _to_text,
}


def _converter(type_name: str) -> Callable[[Any], Any]:
    return _CONVERTERS.get(type_name, _to_text)


def _arrow_type(type_name: str) -> Any:
    import pyarrow as pa

    return {
        "integer": pa.int64(),
        "real": pa.float64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }.get(type_name, pa.string())


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _jsonable(value)


def choose_views(names: Sequence[str] | None) -> list[ViewDoc]:
    """The documented views to export: all, or those named (QueryError for unknown ones)."""
    views = load_dictionary()
    if not names:
        return views
    known = {view.name: view for view in views}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise QueryError(
            f"unknown view: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    return [known[name] for name in dict.fromkeys(names)]


def export_views(
    url: str,
    out_dir: Path,
    fmt: str,
    *,
    views: Sequence[str] | None = None,
    where: str | None = None,
    timeout: float = 600.0,
) -> list[ExportedView]:
    """Write each chosen view to `out_dir/<view>.<fmt>`; `where` filters every view.

    `where` is an SQL condition on the views' columns (e.g. `asked_on >= '2024-01-01'`),
    run on a read-only connection as part of one statement.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise QueryError(
                "Parquet export needs pyarrow: pip install 'schv[parquet]'"
            ) from None
    chosen = choose_views(views)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with read_connection(url, timeout=timeout) as connection:
        for view in chosen:
            sql = f"SELECT * FROM {view.name}"
            if where and where.strip():
                sql = _single_statement(f"{sql} WHERE {where}")
            path = out_dir / f"{view.name}.{_EXTENSIONS[fmt]}"
            try:
                result = connection.execute(text(sql).execution_options(stream_results=True))
                columns = list(result.keys())
                rows = _typed_rows(view, columns, result)
                count = _WRITERS[fmt](path, view, columns, rows)
            except DBAPIError as exc:
                path.unlink(missing_ok=True)
                message = " ".join(str(exc.orig).split())
                raise QueryError(f"cannot export {view.name}: {message}") from None
            results.append(ExportedView(view=view.name, path=path, rows=count))
    return results


def _typed_rows(
    view: ViewDoc, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Iterator[list[Any]]:
    types = {column.name: column.type for column in view.columns}
    converters = [_converter(types.get(name, "text")) for name in columns]
    for row in rows:
        yield [convert(value) for convert, value in zip(converters, row, strict=True)]


def _write_csv(
    path: Path, _view: ViewDoc, columns: Sequence[str], rows: Iterable[list[Any]]
) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(value) for value in row])
            count += 1
    return count


def _write_jsonl(
    path: Path, _view: ViewDoc, columns: Sequence[str], rows: Iterable[list[Any]]
) -> int:
    count = 0
    out: TextIO
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            record = {c: _jsonable(v) for c, v in zip(columns, row, strict=True)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_parquet(
    path: Path, view: ViewDoc, columns: Sequence[str], rows: Iterable[list[Any]]
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {column.name: column.type for column in view.columns}
    schema = pa.schema([pa.field(name, _arrow_type(types.get(name, "text"))) for name in columns])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[list[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _BATCH:
                writer.write_table(_arrow_table(schema, columns, batch))
                count += len(batch)
                batch = []
        # Always one write, so an empty view still gives a file with its schema.
        writer.write_table(_arrow_table(schema, columns, batch))
        count += len(batch)
    return count


def _arrow_table(schema: Any, columns: Sequence[str], batch: list[list[Any]]) -> Any:
    import pyarrow as pa

    arrays = [
        pa.array([row[i] for row in batch], type=schema.field(i).type)
        for i in range(len(columns))
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


_WRITERS: dict[str, Callable[[Path, ViewDoc, Sequence[str], Iterable[list[Any]]], int]] = {
    "csv": _write_csv,
    "jsonl": _write_jsonl,
    "parquet": _write_parquet,
}
