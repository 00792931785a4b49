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
- No server function that reaches past the rows (GUARDED_FUNCTIONS): advisory locks (a
  query holding the crawl lock's key would stop every crawl), large objects and server
  files. A read-only transaction stops none of them. PostgreSQL grants the advisory and
  large-object functions to PUBLIC, and no grant can be denied to one role, so EXECUTE is
  revoked from PUBLIC in this database and the advisory-lock functions, which schv's own
  crawl and migration locks need, go back to the database owner and the migrating user.
  Only a superuser can do that (the functions belong to the bootstrap superuser); until
  one has, `schv query` refuses PostgreSQL.
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


# pg_catalog functions by name, every overload. Those that PostgreSQL itself keeps from
# PUBLIC (the file functions, lo_import/lo_export) are listed all the same: a grant an
# administrator once made for another purpose must not reach the reader role.
GUARDED_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "advisory-lock": (
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock",
        "pg_try_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_shared",
        "pg_advisory_unlock_all", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared",
        "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared",
    ),
    "large-object": (
        "lo_create", "lo_creat", "lo_open", "lo_close", "loread", "lowrite", "lo_lseek",
        "lo_lseek64", "lo_tell", "lo_tell64", "lo_truncate", "lo_truncate64", "lo_unlink",
        "lo_import", "lo_export", "lo_from_bytea", "lo_get", "lo_put",
    ),
    "file": (
        "pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_ls_dir",
        "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir",
        "pg_ls_logicalsnapdir", "pg_ls_logicalmapdir", "pg_ls_replslotdir",
        "pg_current_logfile",
        # adminpack, when installed
        "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_logdir_ls",
    ),
}
GUARDED_NAMES = tuple(name for names in GUARDED_FUNCTIONS.values() for name in names)
# What PostgreSQL grants PUBLIC by default, given back by a downgrade.
_PUBLIC_BY_DEFAULT = tuple(
    name for name in GUARDED_FUNCTIONS["advisory-lock"] + GUARDED_FUNCTIONS["large-object"]
    if name not in ("lo_import", "lo_export")
)

# The guarded functions `role` may execute here (through PUBLIC, a direct grant or a role
# it belongs to), as `name(argument types)`. Parameters: role, names.
REACHABLE_FUNCTIONS_SQL = (
    "SELECT p.oid::regprocedure::text FROM pg_proc p "
    "WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname = ANY(%(names)s) "
    "AND has_function_privilege(%(role)s, p.oid, 'EXECUTE') ORDER BY 1"
)


def reachable_functions(bind: Connection) -> list[str]:
    """The guarded functions schv_reader can still execute in this database."""
    return list(
        bind.exec_driver_sql(
            REACHABLE_FUNCTIONS_SQL, {"names": list(GUARDED_NAMES), "role": READER_ROLE}
        ).scalars()
    )


_GUARD_FIX = "schv query refuses PostgreSQL until a superuser runs schv db reader-role"


def unguarded_message(reachable: list[str]) -> str:
    more = f" and {len(reachable) - 1} more" if len(reachable) > 1 else ""
    return (
        f"the role {READER_ROLE} may still call {reachable[0]}{more} (advisory-lock, "
        f"large-object or file functions) in this database; {_GUARD_FIX}"
    )


def _one_line(exc: sa.exc.DBAPIError) -> str:
    return " ".join(str(exc.orig).split())


def setup_reader_role(bind: Connection, *, guard: bool = True) -> str | None:
    """Create or complete the role and function, and (`guard`) take the guarded functions
    from it; None when done, else why not (one line).

    A failure is contained in a savepoint: the caller's transaction (a migration) goes on,
    and `schv query` refuses PostgreSQL, naming what is missing.
    """
    if not _role_exists(bind):
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
    return guard_functions(bind) if guard else None


def _role_exists(bind: Connection) -> bool:
    return bool(bind.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": READER_ROLE}
    ).scalar())


def _signatures(bind: Connection, names: tuple[str, ...]) -> list[str]:
    return list(bind.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = "
        "'pg_catalog'::regnamespace AND p.proname = ANY(%(names)s) ORDER BY 1",
        {"names": list(names)},
    ).scalars())


def guard_functions(bind: Connection) -> str | None:
    """Take the guarded functions from PUBLIC and schv_reader; None when schv_reader can
    reach none of them, else why not (one line). A non-superuser's REVOKE on a function it
    does not own is a warning, not an error, hence the check afterwards."""
    keep = bind.execute(sa.text(
        "SELECT DISTINCT quote_ident(r.rolname) FROM pg_roles r WHERE NOT r.rolsuper AND "
        "(r.rolname = current_user OR r.oid = (SELECT datdba FROM pg_database "
        "WHERE datname = current_database()))"
    )).scalars().all()
    # Without the role (its creation failed and was reported) PUBLIC still loses them.
    exists = _role_exists(bind)
    grantees = f"PUBLIC, {READER_ROLE}" if exists else "PUBLIC"
    try:
        with bind.begin_nested():
            for signature in _signatures(bind, GUARDED_NAMES):
                bind.exec_driver_sql(f"REVOKE EXECUTE ON FUNCTION {signature} FROM {grantees}")
            for signature in _signatures(bind, GUARDED_FUNCTIONS["advisory-lock"]):
                for role in keep:
                    bind.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {signature} TO {role}")
    except sa.exc.DBAPIError as exc:
        return (
            f"cannot take the advisory-lock, large-object and file functions from "
            f"{READER_ROLE} ({_one_line(exc)}); {_GUARD_FIX}"
        )
    reachable = reachable_functions(bind) if exists else []
    return unguarded_message(reachable) if reachable else None


def unguard_functions(bind: Connection) -> None:
    """Give PUBLIC back what PostgreSQL grants it by default (a downgrade)."""
    for signature in _signatures(bind, _PUBLIC_BY_DEFAULT):
        bind.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {signature} TO PUBLIC")


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
    if not _role_exists(bind):
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    bind.execute(sa.text(f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" REVOKE SELECT ON '
                         f"TABLES FROM {READER_ROLE}"))
    bind.execute(sa.text(f'REVOKE SELECT ON ALL TABLES IN SCHEMA "{schema}" FROM {READER_ROLE}'))
    bind.execute(sa.text(f'REVOKE USAGE ON SCHEMA "{schema}" FROM {READER_ROLE}'))
