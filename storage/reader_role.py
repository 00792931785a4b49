"""PostgreSQL's SELECT-only role `schv_reader` and the function `schv query` runs user SQL
through. Set up by migration 0003; idempotent, so an administrator can run it again by
hand after fixing what stopped the migration (it logs why):

    SCHV_DATABASE_URL=postgresql+psycopg://admin@host/schv schv db reader-role

- `schv_reader`: NOLOGIN, USAGE and SELECT on schv's schema (also on tables and views that
  later migrations create). Roles are server-wide: several schv databases share it.
- `schv_readonly_rows(sql, lines)`: a SECURITY DEFINER function owned by schv_reader that
  runs one statement and returns each row as a JSON array (column order and duplicate
  names kept). Inside a SECURITY DEFINER function PostgreSQL refuses any change of `role`,
  so `set_config('role', 'none', ...)` cannot climb back to the login user, as it can
  after a plain SET ROLE. EXPLAIN and SHOW cannot be a subquery: their lines come back one
  by one. Only members of schv_reader may execute it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

READER_ROLE = "schv_reader"
READER_FUNCTION = "schv_readonly_rows"

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {READER_FUNCTION}(statement text, lines boolean DEFAULT false)
RETURNS SETOF json
LANGUAGE plpgsql
SECURITY DEFINER
AS $fn$
DECLARE
    line text;
BEGIN
    IF lines THEN
        FOR line IN EXECUTE statement LOOP
            RETURN NEXT json_build_array(line);
        END LOOP;
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT (SELECT coalesce(json_agg(e.value ORDER BY e.n), ''[]''::json) '
        'FROM json_each(row_to_json(q)) WITH ORDINALITY AS e(key, value, n)) FROM ('
        || chr(10) || statement || chr(10) || ') AS q';
END
$fn$
"""


def _one_line(exc: sa.exc.DBAPIError) -> str:
    return " ".join(str(exc.orig).split())


def setup_reader_role(bind: Connection) -> str | None:
    """Create or complete the role and function; None when done, else why not (one line).

    A failure is contained in a savepoint: the caller's transaction (a migration) goes on,
    and `schv query` refuses PostgreSQL, naming what is missing.
    """
    exists = bind.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": READER_ROLE}
    ).scalar()
    if not exists:
        try:
            with bind.begin_nested():
                bind.execute(sa.text(f"CREATE ROLE {READER_ROLE} NOLOGIN"))
        except sa.exc.DBAPIError as exc:
            return (
                f"cannot create the role {READER_ROLE} ({_one_line(exc)}); schv query refuses "
                f"PostgreSQL until an administrator runs CREATE ROLE {READER_ROLE} NOLOGIN "
                "and then schv db reader-role"
            )
    try:
        with bind.begin_nested():
            _grant(bind)
    except sa.exc.DBAPIError as exc:
        return (
            f"cannot set up the role {READER_ROLE} for this database ({_one_line(exc)}); "
            "schv query refuses PostgreSQL until a superuser, or the database owner with "
            "CREATEROLE, runs schv db reader-role"
        )
    return None


def _grant(bind: Connection) -> None:
    def run(sql: str) -> None:
        bind.execute(sa.text(sql))

    superuser = bind.execute(
        sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if not superuser:
        # Ownership can only be handed to a role one belongs to.
        run(f"GRANT {READER_ROLE} TO CURRENT_USER")
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    run(f'GRANT USAGE ON SCHEMA "{schema}" TO {READER_ROLE}')
    run(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {READER_ROLE}')
    # Views and tables of later migrations, created by this same user.
    run(f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT SELECT ON TABLES TO {READER_ROLE}')
    run(_FUNCTION_SQL)
    # The new owner needs CREATE on the schema only for the hand-over.
    run(f'GRANT CREATE ON SCHEMA "{schema}" TO {READER_ROLE}')
    run(f"ALTER FUNCTION {READER_FUNCTION}(text, boolean) OWNER TO {READER_ROLE}")
    run(f'REVOKE CREATE ON SCHEMA "{schema}" FROM {READER_ROLE}')
    run(f"REVOKE ALL ON FUNCTION {READER_FUNCTION}(text, boolean) FROM PUBLIC")
    run(f"GRANT EXECUTE ON FUNCTION {READER_FUNCTION}(text, boolean) TO {READER_ROLE}")


def drop_reader_grants(bind: Connection) -> None:
    """Undo setup_reader_role for this database; the server-wide role itself is kept,
    other schv databases may use it."""
    bind.execute(sa.text(f"DROP FUNCTION IF EXISTS {READER_FUNCTION}(text, boolean)"))
    exists = bind.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": READER_ROLE}
    ).scalar()
    if not exists:
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    bind.execute(sa.text(f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" REVOKE SELECT ON '
                         f"TABLES FROM {READER_ROLE}"))
    bind.execute(sa.text(f'REVOKE SELECT ON ALL TABLES IN SCHEMA "{schema}" FROM {READER_ROLE}'))
    bind.execute(sa.text(f'REVOKE USAGE ON SCHEMA "{schema}" FROM {READER_ROLE}'))
