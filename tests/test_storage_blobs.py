"""The content-addressed raw document store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from storage import BlobStore


def test_put_get_and_layout(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "raw")
    data = b"%PDF-1.7 question and answer"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha) == tmp_path / "raw" / sha[:2] / sha[2:4] / sha
    assert store.exists(sha)
    assert store.get(sha) == data


def test_put_twice_keeps_one_file_untouched(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    sha = store.put(b"same bytes")
    before = store.path(sha).stat()
    assert store.put(b"same bytes") == sha
    after = store.path(sha).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [store.path(sha)]  # no temporary files left behind


def test_missing_and_malformed_digests(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    missing = "0" * 64
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.get(missing)
    for bad in ("../../etc/passwd", "ABC", "g" * 64):
        with pytest.raises(ValueError):
            store.path(bad)


def test_empty_content_is_a_valid_blob(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    sha = store.put(b"")
    assert store.get(sha) == b""
