"""saidwhat analyze FILE|FOLDER|- … : who said what, as a table, JSON or JSONL."""
from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "analyze", help="report every attributed statement of one or more articles",
        description="Analyse articles (text or HTML files, folders, JSONL, feeds, sitemaps, "
                    "URLs, or - for stdin) and report who said what. Bad inputs are reported "
                    "per document; the rest go on.")
    p.add_argument("inputs", nargs="+", metavar="PATH",
                   help="file, folder, .jsonl, .warc(.gz), http(s) URL, feed or sitemap "
                        "(file or URL), or - for stdin")
    p.add_argument("--format", choices=("table", "json", "jsonl"), default="table")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--min-score", type=float, default=0.5,
                   help="lowest technique score to report (0-1, default 0.5)")
    p.add_argument("--no-techniques", action="store_true", help="skip the technique tagger")
    p.add_argument("--max-chars", type=int, default=None,
                   help="refuse documents longer than this many characters")
    p.add_argument("--allow-private", action="store_true",
                   help="let URLs reach private, loopback and link-local addresses")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (shown on a terminal's stderr for several documents)")
    p.set_defaults(func=run)


def run(args) -> int:
    from contextlib import nullcontext

    from saidwhat.commands.ingest import count_inputs
    from saidwhat.pipeline import Options
    from saidwhat.pool import analyze_many
    from saidwhat.read import MAX_CHARS, read_inputs

    options = Options(techniques=not args.no_techniques, min_score=args.min_score)
    items = read_inputs(args.inputs, max_chars=args.max_chars or MAX_CHARS,
                        allow_private=args.allow_private)
    # The bar goes to stderr, and only to a terminal: stdout stays pure JSON, and a pipe or a
    # test's captured stderr gets no control characters. One document needs no bar.
    progress = not args.no_progress and sys.stderr.isatty()
    total = count_inputs(args.inputs) if progress else None
    progress = progress and total != 1
    if progress:
        from tqdm import tqdm

        # clears the bar while a document's output or errors are written, then redraws it
        around_output = tqdm.external_write_mode
    else:
        around_output = nullcontext
    failed = 0
    docs = []
    for analysis in analyze_many(items, workers=args.workers, options=options,
                                 progress=progress, total=total):
        failed += bool(analysis.errors)
        with around_output():
            _report_errors(analysis)
            if args.format == "json":
                docs.append(analysis.to_dict())
            elif args.format == "jsonl":
                sys.stdout.write(json.dumps(analysis.to_dict(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            elif not analysis.errors:
                from saidwhat.render import print_table

                print_table(analysis)
    if args.format == "json":
        json.dump(docs[0] if len(docs) == 1 else docs, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 1 if failed else 0


def _report_errors(analysis) -> None:
    from saidwhat.errors import error_line

    for error in analysis.errors:
        print(error_line(analysis.source, error.code, error.message), file=sys.stderr)
