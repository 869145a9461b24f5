"""saidwhat ingest PATH|URL … : analyse articles into the store (parallel, idempotent, resumable)."""
from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "ingest", help="analyse articles into a store (SQLite or PostgreSQL) for querying",
        description="Analyse articles (text/HTML files, folders, .jsonl, .warc/.warc.gz, "
                    "http(s) URLs, or - for stdin) and store documents, statements, speakers, "
                    "techniques and figures. Documents already stored (same content hash) are "
                    "skipped, so an interrupted ingest resumes when run again. Documents that "
                    "cannot be read or analysed go to the errors table; the rest go on.")
    p.add_argument("inputs", nargs="+", metavar="PATH|URL",
                   help="file, folder, .jsonl, .warc(.gz), http(s) URL, feed or sitemap "
                        "(file or URL), or - for stdin")
    p.add_argument("--db", metavar="PATH|URL", default=None,
                   help="SQLite file or postgresql://user:password@host/db "
                        "(default $SAIDWHAT_DB or ./saidwhat.db)")
    p.add_argument("--workers", type=int, default=None,
                   help="analysis processes (default: all cores)")
    p.add_argument("--metadata", metavar="CSV|TSV", default=None,
                   help="outlet, date, title and URL per file (columns such as filename, "
                        "publisher/outlet, publication_date/published, title, url)")
    add_analysis_options(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--quiet", action="store_true", help="no per-document error lines")
    p.set_defaults(func=run)


def add_analysis_options(p) -> None:
    """The options of ingest and watch for how articles are read and analysed."""
    p.add_argument("--no-techniques", action="store_true", help="skip the technique tagger")
    p.add_argument("--min-score", type=float, default=0.5,
                   help="lowest technique score to keep (0-1, default 0.5)")
    p.add_argument("--max-chars", type=int, default=None,
                   help="refuse documents longer than this many characters")
    p.add_argument("--allow-private", action="store_true",
                   help="allow URLs on private, loopback and link-local addresses")


def count_inputs(inputs: list[str]):
    """How many documents the inputs hold, when that is cheap to know (else None)."""
    from saidwhat.read import iter_folder, iter_warcs
    from saidwhat.read.url import is_url
    from saidwhat.read.warc import is_warc

    total = 0
    for raw in inputs:
        if raw == "-":
            return None
        if is_url(raw):
            total += 1
            continue
        path = Path(raw)
        if path.is_dir():
            if next(iter_warcs(path), None) is not None:
                return None
            total += sum(1 for _ in iter_folder(path))
        elif is_warc(path):
            return None
        elif path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, error_line, print_error
    from saidwhat.pipeline import Options
    from saidwhat.pool import default_workers
    from saidwhat.read import MAX_CHARS, read_inputs
    from saidwhat.store import open_store
    from saidwhat.store.ingest import ingest, load_metadata

    try:
        metadata = load_metadata(args.metadata) if args.metadata else None
        store = open_store(args.db)
    except SaidwhatError as exc:
        print_error(exc)
        return 2
    workers = args.workers if args.workers and args.workers > 0 else default_workers()
    options = Options(techniques=not args.no_techniques, min_score=args.min_score)
    items = read_inputs(args.inputs, max_chars=args.max_chars or MAX_CHARS,
                        allow_private=args.allow_private)

    def report(source: str, code: str, message: str) -> None:
        if not args.quiet:
            print(error_line(source, code, message), file=sys.stderr)

    progress = not args.no_progress and sys.stderr.isatty()
    total = count_inputs(args.inputs) if progress else None
    with store:
        summary = ingest(store, items, workers=workers, options=options, metadata=metadata,
                         progress=progress, total=total, report=report)
    print(("interrupted: " if summary.interrupted else "") + summary.line(), file=sys.stderr)
    if summary.interrupted:
        print("run the same command again to resume: stored documents are skipped",
              file=sys.stderr)
        return 130
    return 1 if summary.failed else 0
