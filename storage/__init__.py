"""Storage: schema, migrations, upserts, raw documents, run history, read-only queries.

Knows nothing of HTTP or Scrapy; it accepts the plain records of `storage.records`.
"""

from storage.blobs import BlobStore
from storage.db import current_revision, head_revision, make_engine, upgrade
from storage.query import QueryError, QueryResult, readonly_query
from storage.records import DocumentState, KnownState
from storage.repository import Store

__all__ = [
    "BlobStore",
    "DocumentState",
    "KnownState",
    "QueryError",
    "QueryResult",
    "Store",
    "current_revision",
    "head_revision",
    "make_engine",
    "readonly_query",
    "upgrade",
]
