"""saidwhat query : statements from the store, filtered, as a table, JSONL, CSV or Parquet."""
from __future__ import annotations

import argparse


def store_int(text: str) -> int:
    """An argparse type: a whole number the store can compare (a larger one made the database
    driver raise: a traceback)."""
    from saidwhat.errors import message
    from saidwhat.store.schema import MAX_INTEGER

    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_INTEGER:
        raise argparse.ArgumentTypeError(message("bad_number", value=text, low=0,
                                                 high=MAX_INTEGER))
    return value


def add_filters(p, *, speaker: bool = True) -> None:
    if speaker:
        p.add_argument("--speaker", action="append", metavar="NAME",
                       help="speakers whose name or alias contains NAME (repeatable)")
        p.add_argument("--speaker-id", action="append", type=store_int, metavar="ID",
                       help="one speaker identity by id (repeatable)")
    p.add_argument("--outlet", action="append", metavar="NAME", help="outlet (repeatable)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before")


def register(subparsers) -> None:
    from saidwhat.store.output import add_output_options

    p = subparsers.add_parser(
        "query", help="statements from the store, filtered by speaker, act, outlet, date, text",
        description="Statements from the store. Filters combine with AND; a repeated filter "
                    "matches any of its values.")
    add_filters(p)
    p.add_argument("--act", action="append", metavar="ACT",
                   help="speech act: assertion, denial, accusation, … (repeatable)")
    p.add_argument("--channel", action="append", metavar="CHANNEL",
                   help="speech, thought or perception (repeatable)")
    p.add_argument("--stance", action="append", metavar="STANCE",
                   help="neutral, distancing or endorsing (repeatable)")
    p.add_argument("--kind", action="append", metavar="KIND",
                   help="direct, indirect, mixed or summary (repeatable)")
    p.add_argument("--technique", action="append", metavar="NAME",
                   help="propaganda technique in the statement (repeatable): its name "
                        "(Exaggeration,Minimisation), display name, one part (Exaggeration) "
                        "or an alias, any case, spaces, underscores and hyphens alike")
    p.add_argument("--text", metavar="WORDS",
                   help='full-text search over statement content: words, "phrases", OR, -word')
    p.add_argument("--limit", type=store_int, default=None,
                   help="at most this many rows (default 50 for table, all otherwise)")
    p.add_argument("--columns", metavar="A,B,…", default=None,
                   help="only these columns (default: all; table: a readable subset)")
    add_output_options(p)
    p.set_defaults(func=run)


def pick_columns(df, columns: str):
    """Only the named columns (comma-separated), in that order."""
    from saidwhat.errors import SaidwhatError

    wanted = [c.strip() for c in columns.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in df.columns]
    if unknown and not df.empty:
        raise SaidwhatError("bad_option", option="--columns", reason=(
            f"no column {', '.join(unknown)}; the columns are {', '.join(map(str, df.columns))}"))
    return df.reindex(columns=wanted)


TABLE_COLUMNS = ["published", "outlet", "speaker", "act", "stance", "content", "techniques"]


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, print_error
    from saidwhat.store import open_store
    from saidwhat.store.output import write_frame

    limit = args.limit if args.limit is not None else (50 if args.format == "table" else None)
    try:
        with open_store(args.db, create=False) as store:
            df = store.statements(speaker=args.speaker, speaker_id=args.speaker_id,
                                  act=args.act, stance=args.stance, kind=args.kind,
                                  channel=args.channel,
                                  technique=args.technique, outlet=args.outlet,
                                  since=args.since, until=args.until, text=args.text,
                                  limit=limit or None)
        if args.columns:
            df = pick_columns(df, args.columns)
        elif args.format == "table":
            df = df[TABLE_COLUMNS]
        write_frame(df, args.format, args.output, title=f"{len(df)} statements",
                    widths={"content": 6, "speaker": 2, "techniques": 2})
    except SaidwhatError as exc:
        print_error(exc)
        return 2
    return 0
