"""saidwhat stats : speech acts and techniques per outlet and per week."""
from __future__ import annotations


def register(subparsers) -> None:
    from saidwhat.commands.query import add_filters
    from saidwhat.store.output import add_output_options

    p = subparsers.add_parser(
        "stats", help="speech acts and techniques per outlet and per week",
        description="Counts of statements per speech act (or stance), by outlet, by week "
                    "(weeks start on Monday), or both; or, with --of techniques, technique "
                    "spans per technique beside spans per 1,000 words of report text and the "
                    "share of articles with the technique.")
    p.add_argument("--by", choices=("outlet", "week", "outlet-week"), default="outlet")
    p.add_argument("--of", choices=("acts", "techniques", "stances"), default=None,
                   help="what to count (default: acts, then techniques, in table format)")
    add_filters(p)
    p.add_argument("--technique", action="append", metavar="NAME",
                   help="only this technique (repeatable; any of its names, as in query): "
                        "its spans, or the statements with it")
    p.add_argument("--columns", metavar="A,B,…", default=None, help="only these columns")
    add_output_options(p)
    p.set_defaults(func=run)


def readable_rates(df):
    """The technique rates as a terminal table has room for them: the share of articles as
    "4 of 5 (80%)", so that the technique's name keeps a readable width in 80 columns."""
    keys = [c for c in ("outlet", "week") if c in df.columns]
    share = [f"{w} of {n} ({s:.0%})" for w, n, s in zip(
        df["articles_with"], df["articles"], df["share_of_articles"])]
    out = df[keys + ["technique", "spans"]].copy()
    out["per 1,000 words"] = df["spans_per_1000_words"]
    out["articles with it"] = share
    out["words"] = df["words"]
    return out


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, print_error
    from saidwhat.store import open_store
    from saidwhat.store.output import print_mapping, write_frame

    what = [args.of] if args.of else (["acts", "techniques"] if args.format == "table"
                                       else ["acts"])
    try:
        with open_store(args.db, create=False) as store:
            frames = [(of, store.stats(by=args.by, of=of, outlet=args.outlet, since=args.since,
                                       until=args.until, technique=args.technique,
                                       speaker=args.speaker if of != "techniques" else None))
                      for of in what]
            summary = store.summary() if args.format == "table" and not args.output else None
        if summary:
            print_mapping(summary, title="store")
        for of, df in frames:
            if args.format == "table" and of == "techniques" and df.empty:
                dated = " in dated articles" if "week" in args.by else ""
                print(f"no technique spans stored{dated} (the tagger was unavailable or found "
                      f"none)")
                continue
            if args.columns:
                from saidwhat.commands.query import pick_columns

                df = pick_columns(df, args.columns)
            elif args.format == "table" and of == "techniques":
                df = readable_rates(df)
            write_frame(df, args.format, args.output, title=f"{of} per {args.by}",
                        widths={"technique": 3, "articles with it": 2})
    except SaidwhatError as exc:
        print_error(exc)
        return 2
    return 0
