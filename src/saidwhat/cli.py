"""The ``saidwhat`` command line.

Each subcommand lives in its own module under ``saidwhat.commands`` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the parsed
arguments and returning an exit code). Keeping one module per command lets the stages grow
independently without editing one shared file.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from saidwhat import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saidwhat",
        description="Who said what, how, and with which rhetoric, in news articles.")
    parser.add_argument("--version", action="version", version=f"saidwhat {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"saidwhat.commands.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
