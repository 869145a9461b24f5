"""saidwhat speakers : the most quoted speakers of the store, with acts and techniques."""
from __future__ import annotations

import sys


def register(subparsers) -> None:
    from saidwhat.commands.query import add_filters, store_int
    from saidwhat.store.output import add_output_options

    p = subparsers.add_parser(
        "speakers", help="most quoted speakers, with their acts and techniques",
        description="Speakers (people and organisations, one identity across the corpus) by "
                    "number of statements, with a breakdown by speech act and technique.")
    p.add_argument("--name", action="append", metavar="NAME",
                   help="speakers whose name or alias contains NAME (repeatable)")
    p.add_argument("--type", choices=("PERSON", "ORG", "person", "org"), default=None,
                   help="people or organisations only")
    add_filters(p, speaker=False)
    p.add_argument("--act", action="append", metavar="ACT",
                   help="count only statements with this act (repeatable)")
    p.add_argument("--min-statements", type=store_int, default=1, metavar="N")
    p.add_argument("--limit", type=store_int, default=20,
                   help="how many speakers (default 20; 0: all)")
    p.add_argument("--rebuild", action="store_true",
                   help="first resolve every stored statement's speaker again (after the "
                        "identity rule changed); no analysis is rerun")
    p.add_argument("--columns", metavar="A,B,…", default=None, help="only these columns")
    add_output_options(p)
    p.set_defaults(func=run)


TABLE_COLUMNS = ["speaker_id", "name", "type", "statements", "documents", "outlets", "acts",
                 "techniques"]


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, print_error
    from saidwhat.store import open_store
    from saidwhat.store.output import write_frame

    try:
        with open_store(args.db, create=False) as store:
            if args.rebuild:
                n = store.rebuild_speakers()
                print(f"rebuilt {n} speaker identities", file=sys.stderr)
            df = store.speakers(limit=args.limit or None, name=args.name, type=args.type,
                                outlet=args.outlet, since=args.since, until=args.until,
                                act=args.act, min_statements=args.min_statements)
        if args.columns:
            from saidwhat.commands.query import pick_columns

            df = pick_columns(df, args.columns)
        elif args.format == "table":
            df = df[[c for c in TABLE_COLUMNS if c in df.columns]]
        write_frame(df, args.format, args.output, title=f"{len(df)} most quoted speakers",
                    widths={"name": 3, "acts": 4, "techniques": 3, "aliases": 4})
    except SaidwhatError as exc:
        print_error(exc)
        return 2
    return 0
