"""saidwhat watch SOURCE … : poll feeds, sitemaps and home pages, ingesting only new articles."""
from __future__ import annotations

import signal
import sys


def register(subparsers) -> None:
    from saidwhat.commands.ingest import add_analysis_options

    p = subparsers.add_parser(
        "watch", help="poll feeds, sitemaps and home pages; ingest only new articles",
        description="Poll RSS/Atom feeds, sitemaps (and sitemap indexes) and home pages that "
                    "link feeds, and ingest the articles they list that the store does not "
                    "hold yet: conditional GETs (ETag, Last-Modified), robots.txt, at least "
                    "--delay seconds between requests to one host, and a doubling wait after "
                    "a source fails. Each poll prints a line on stderr. Ctrl-C or SIGTERM "
                    "stops it cleanly; after a kill it resumes where it was. See docs/watch.md.")
    p.add_argument("sources", nargs="+", metavar="URL",
                   help="feed, sitemap, sitemap index or home page (http or https)")
    p.add_argument("--db", metavar="PATH|URL", default=None,
                   help="SQLite file or postgresql://user:password@host/db "
                        "(default $SAIDWHAT_DB or ./saidwhat.db)")
    p.add_argument("--every", default="15m", metavar="INTERVAL",
                   help="time between two polls of a source, e.g. 90s, 15m, 1h (default 15m)")
    p.add_argument("--once", action="store_true",
                   help="poll every source once and exit (for cron): exit status 1 when a "
                        "source failed; a source waiting after errors is passed over")
    p.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                   help="least time between two requests to one host (default 1; a longer "
                        "Crawl-delay in its robots.txt wins)")
    p.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                   help="limit of one fetch, redirects included (default 20)")
    p.add_argument("--workers", type=int, default=1,
                   help="analysis processes (default 1)")
    add_analysis_options(p)
    p.add_argument("--quiet", action="store_true", help="no per-article error lines")
    p.set_defaults(func=run)


def _stop(signum, frame):
    # SIGTERM ends the watch the way Ctrl-C does: ingest stores what is analysed whole, and
    # the article in flight is dropped (its next poll fetches it again).
    raise KeyboardInterrupt


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, error_line, print_error
    from saidwhat.pipeline import Options
    from saidwhat.store import open_store
    from saidwhat.watch import Watcher, parse_interval

    try:
        every = parse_interval(args.every)
        for option, value in (("--delay", args.delay), ("--timeout", args.timeout)):
            if not (value >= 0 if option == "--delay" else value > 0):
                raise SaidwhatError("bad_option", option=option, reason=f"{value} is out of range")
        store = open_store(args.db)
    except SaidwhatError as exc:
        print_error(exc)
        return 2

    def report(source: str, code: str, message: str) -> None:
        if not args.quiet:
            print(error_line(source, code, message), file=sys.stderr)

    def show(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    watcher = Watcher(store, every=every, delay=args.delay, allow_private=args.allow_private,
                      timeout=args.timeout, max_chars=args.max_chars,
                      workers=max(args.workers or 1, 1), report=report, show=show,
                      options=Options(techniques=not args.no_techniques,
                                      min_score=args.min_score))
    previous = signal.signal(signal.SIGTERM, _stop)
    failed = False
    try:
        with store:
            if args.once:
                results = watcher.round(args.sources, once=True)
                failed = any(r.error is not None for r in results)
                if any(r.interrupted for r in results):
                    show("watch: stopped")
            else:
                watcher.forever(args.sources)
                show("watch: stopped")
    except KeyboardInterrupt:
        show("watch: stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 1 if failed else 0
