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
    p.set_defaults(func=run)


def run(args) -> int:
    from saidwhat.pipeline import Options, analyze_many
    from saidwhat.read import MAX_CHARS, read_inputs

    options = Options(techniques=not args.no_techniques, min_score=args.min_score)
    items = read_inputs(args.inputs, max_chars=args.max_chars or MAX_CHARS,
                        allow_private=args.allow_private)
    failed = 0
    results = analyze_many(items, workers=args.workers, options=options)
    if args.format == "json":
        docs = []
        for analysis in results:
            failed += bool(analysis.errors)
            _report_errors(analysis)
            docs.append(analysis.to_dict())
        payload = docs[0] if len(docs) == 1 else docs
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.format == "jsonl":
        for analysis in results:
            failed += bool(analysis.errors)
            _report_errors(analysis)
            sys.stdout.write(json.dumps(analysis.to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
    else:
        from saidwhat.render import print_table

        for analysis in results:
            failed += bool(analysis.errors)
            _report_errors(analysis)
            if not analysis.errors:
                print_table(analysis)
    return 1 if failed else 0


def _report_errors(analysis) -> None:
    from saidwhat.errors import error_line

    for error in analysis.errors:
        print(error_line(analysis.source, error.code, error.message), file=sys.stderr)
