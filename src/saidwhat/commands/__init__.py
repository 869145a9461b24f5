"""Subcommands of the ``saidwhat`` CLI: one module each, each with ``register(subparsers)``."""
