"""saidwhat stats : speech acts and techniques per outlet and per week."""
from __future__ import annotations



def register(subparsers) -> None:
    from saidwhat.commands.query import add_filters
    from saidwhat.store.output import add_output_options

    p = subparsers.add_parser(
        "stats", help="speech acts and techniques per outlet and per week",
        description="Counts of statements per speech act (or stance), or of technique spans "
                    "per technique, by outlet, by week (weeks start on Monday), or both.")
    p.add_argument("--by", choices=("outlet", "week", "outlet-week"), default="outlet")
    p.add_argument("--of", choices=("acts", "techniques", "stances"), default=None,
                   help="what to count (default: acts, then techniques, in table format)")
    add_filters(p)
    p.add_argument("--columns", metavar="A,B,…", default=None, help="only these columns")
    add_output_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, print_error
    from saidwhat.store import open_store
    from saidwhat.store.output import print_mapping, write_frame

    what = [args.of] if args.of else (["acts", "techniques"] if args.format == "table"
                                       else ["acts"])
    try:
        with open_store(args.db, create=False) as store:
            frames = [(of, store.stats(by=args.by, of=of, outlet=args.outlet, since=args.since,
                                       until=args.until,
                                       speaker=args.speaker if of != "techniques" else None))
                      for of in what]
            summary = store.summary() if args.format == "table" and not args.output else None
        if summary:
            print_mapping(summary, title="store")
        for of, df in frames:
            if args.format == "table" and of == "techniques" and df.empty:
                print("no technique spans stored (the tagger was unavailable or found none)")
                continue
            if args.columns:
                from saidwhat.commands.query import pick_columns

                df = pick_columns(df, args.columns)
            write_frame(df, args.format, args.output, title=f"{of} per {args.by}")
    except SaidwhatError as exc:
        print_error(exc)
        return 2
    return 0
