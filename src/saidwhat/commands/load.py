"""saidwhat load DIR --db URL: put the output of 'saidwhat spark analyze' into a store."""
from __future__ import annotations

import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "load", help="bulk-load the Parquet output of 'saidwhat spark analyze' into a store",
        description="Load the tables written by 'saidwhat spark analyze' into a store "
                    "(PostgreSQL with COPY, SQLite in batches) in one transaction, so that "
                    "'saidwhat query', 'speakers', 'stats' and 'serve' work on them. "
                    "Documents already stored (same content hash) are skipped: loading twice "
                    "adds nothing.")
    p.add_argument("output", metavar="DIR", help="the --out folder of the Spark job (or a URI)")
    p.add_argument("--db", metavar="PATH|URL", default=None,
                   help="SQLite file or postgresql://user:password@host/db "
                        "(default $SAIDWHAT_DB or ./saidwhat.db)")
    p.set_defaults(func=run)


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, print_error
    from saidwhat.spark.load import summary_of

    try:
        summary = summary_of(args.output, args.db)
    except SaidwhatError as exc:
        print_error(exc)
        return 2
    print(summary.line(), file=sys.stderr)
    return 0
