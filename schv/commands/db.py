"""`schv db upgrade`: apply migrations."""

from __future__ import annotations

import argparse

from config import Settings
from schv.output import EXIT_OK, EXIT_USAGE, CommandError

ORDER = 90


def upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage import make_engine
    from storage import upgrade as apply_migrations
    from storage.db import current_revision

    engine = make_engine(settings.database.url)
    try:
        before = current_revision(engine)
        apply_migrations(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"database already at revision {after}")
    else:
        print(f"database upgraded from {before or 'empty'} to {after}")
    return EXIT_OK


def reader_role(args: argparse.Namespace, settings: Settings) -> int:
    from storage import make_engine
    from storage.reader_role import READER_FUNCTION, READER_ROLE, setup_reader_role

    engine = make_engine(settings.database.url)
    try:
        if engine.dialect.name != "postgresql":
            raise CommandError("the reader role is for PostgreSQL only", EXIT_USAGE)
        with engine.begin() as connection:
            problem = setup_reader_role(connection)
    finally:
        engine.dispose()
    if problem:
        raise CommandError(problem)
    print(f"role {READER_ROLE} and function {READER_FUNCTION} are set up")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database maintenance")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser(
        "upgrade", help="apply migrations up to the newest schema"
    ).set_defaults(func=upgrade)
    actions.add_parser(
        "reader-role",
        help="(PostgreSQL, as an administrator) set up the SELECT-only role schv query uses",
    ).set_defaults(func=reader_role)
