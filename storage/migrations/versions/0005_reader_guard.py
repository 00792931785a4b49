"""The reader role reaches no advisory-lock, large-object or file function.

Revision ID: 0005
Revises: 0004

PostgreSQL only (SQLite: nothing to do; its guard is the authorizer in storage/query.py).
`schv query` runs as `schv_reader` in a read-only transaction, which still lets it take
the crawl lock's advisory key and so stop every crawl, and read large objects. EXECUTE on
those functions (and the file functions) is revoked from PUBLIC in this database; the
advisory-lock ones go back to the database owner and the migrating user, whose crawls
and migrations take such locks (storage/reader_role.py). Needs a superuser: anyone else
gets a warning, the migration goes on, and `schv query` refuses PostgreSQL, saying why,
until a superuser runs `schv db reader-role`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from alembic import op

from storage.reader_role import guard_functions, unguard_functions

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("schv.migrations")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    warning = guard_functions(bind)
    if warning:
        log.warning("schv: %s", warning)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        unguard_functions(bind)
