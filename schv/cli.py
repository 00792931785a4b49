"""The `schv` command: finds its subcommands in `schv.commands`."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

import schv.commands
from config import ConfigError, load_settings
from schv import __version__
from schv.output import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, not argparse's usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _command_modules() -> list[ModuleType]:
    modules = [
        importlib.import_module(f"schv.commands.{info.name}")
        for info in pkgutil.iter_modules(schv.commands.__path__)
    ]
    return sorted((m for m in modules if hasattr(m, "register")), key=lambda m: m.ORDER)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="schv",
        description="Follow the Flemish Parliament's written questions as a SQL database.",
    )
    parser.add_argument("--version", action="version", version=f"schv {__version__}")
    parser.add_argument("--config", metavar="PATH",
                        help="TOML file overriding the defaults (also $SCHV_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        return int(args.func(args, settings))
    except ConfigError as exc:
        print(f"schv: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(f"schv: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("schv: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`schv query ... | head`): nothing left to say. Point stdout
        # at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last line of defence: one line, not a traceback
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            message = " ".join(str(exc.orig).split())[:300]
            print(f"schv: database error: {message}", file=sys.stderr)
        else:
            print(f"schv: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
