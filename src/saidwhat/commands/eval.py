"""``saidwhat eval``: score the pipeline on annotated corpora.

Each corpus is a sub-subcommand (``saidwhat eval polnear``, ...) added by its own
``_register_*`` function in :func:`register`; a new corpus adds one such function and its
``_run_*`` callable. Corpus loading, scoring and the pipeline are imported only when a command
runs, so that the CLI starts fast and works while the pipeline is missing.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_POLNEAR = Path("../shared/data/polnear")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="score statement extraction on an annotated corpus",
        description="Score statement extraction on an annotated corpus.")
    corpora = parser.add_subparsers(dest="corpus", metavar="CORPUS")
    parser.set_defaults(func=lambda args: _no_corpus(parser))
    _register_polnear(corpora)
    _register_speakers(corpora)
    _register_gum(corpora)
    from saidwhat.evaluation.ptc import add_ptc_parser  # PTC, SemEval-2020 Task 11
    add_ptc_parser(corpora)


def _no_corpus(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _register_polnear(corpora) -> None:
    parser = corpora.add_parser(
        "polnear", help="PolNeAR attribution relations (content, source, cue)",
        description="Run the pipeline on a PolNeAR split and score contents, sources (speaker "
                    "mentions) and cues against the gold attributions (first annotation file "
                    "per text).")
    parser.add_argument("--split", choices=("dev", "train"), default="dev",
                        help="which split to score (default: dev)")
    parser.add_argument("--data", type=Path, default=DEFAULT_POLNEAR,
                        help=f"the PolNeAR folder holding train/ and dev/ (default: {DEFAULT_POLNEAR})")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="score only the first N texts (in name order)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.set_defaults(func=_run_polnear)


def _register_speakers(corpora) -> None:
    from saidwhat.evaluation.speakers import DEFAULT_DATA, DEFAULT_TOOL, HALVES

    parser = corpora.add_parser(
        "speakers", help="statements with resolved speakers (speakers-dev)",
        description="Run the pipeline on speakers-dev and score statements, speaker names "
                    "and channels with the shared statementcheck tool's matching.")
    parser.add_argument("--half", choices=HALVES, default="all",
                        help="a: even positions in doc_id order (decide), b: odd (confirm)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--tool", type=Path, default=DEFAULT_TOOL,
                        help="the shared statementcheck.py whose matching is used")
    parser.add_argument("--errors", default="",
                        help="comma-separated error kinds to list: speaker,channel,missed,spurious")
    parser.add_argument("--workers", type=int, default=2)
    parser.set_defaults(func=_run_speakers)


def _run_speakers(args: argparse.Namespace) -> int:
    from saidwhat.evaluation.speakers import (evaluate_speakers, format_errors, format_report,
                                        load_gold, load_tool)
    from saidwhat.model import Document
    from saidwhat.pipeline import Options
    from saidwhat.pool import analyze_many

    if not (args.data / "gold.jsonl").is_file() or not args.tool.is_file():
        print(f"saidwhat eval speakers: need {args.data / 'gold.jsonl'} and {args.tool}",
              file=sys.stderr)
        return 2
    gold = load_gold(args.data, args.half)

    def analyze_texts(pairs):
        docs = [Document(id=doc_id, text=text, source=f"{doc_id}.txt") for doc_id, text in pairs]
        return list(analyze_many(docs, workers=args.workers, options=Options(techniques=False)))

    result = evaluate_speakers(gold, analyze_texts, load_tool(args.tool))
    print(f"speakers-dev half {args.half}: {len(gold)} articles")
    print(format_report(result))
    if args.errors:
        print(format_errors(result, args.errors.split(",")))
    return 0


def _register_gum(corpora) -> None:
    from saidwhat.evaluation.gum import DEFAULT_DATA, GENRES, SPLITS

    parser = corpora.add_parser(
        "gum", help="pronouns and descriptions resolved, on GUM news and interviews",
        description="Resolve subject pronouns and definite descriptions with the speaker "
                    "resolver and score them against GUM's coreference chains, beside a "
                    "most-recent-entity baseline.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"the gum-coref folder (default: {DEFAULT_DATA})")
    parser.add_argument("--genre", choices=(*GENRES, "all"), default="all")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all",
                        help="only the documents of this split in splits.md (default: all)")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="list the first N resolver errors with their sentence")
    parser.set_defaults(func=_run_gum)


def _run_gum(args: argparse.Namespace) -> int:
    from saidwhat.evaluation.gum import evaluate_gum, format_errors, format_report

    if not any(args.data.glob("*.conll")):
        print(f"saidwhat eval gum: no .conll files under {args.data} (use --data)",
              file=sys.stderr)
        return 2
    result = evaluate_gum(args.data, args.genre, args.split)
    print(format_report(result))
    if args.errors > 0:
        print(format_errors(result, args.errors))
    return 0


def _pipeline(text_dir: Path):
    """``analyze_text(doc_id, text) -> Analysis`` through the saidwhat pipeline, or None (with a
    message) when the pipeline is not installed. Technique tagging is off: no corpus scored
    here needs it, and it is the slowest stage."""
    try:
        from saidwhat.pipeline import Options, analyze
    except ModuleNotFoundError as exc:
        if exc.name != "saidwhat.pipeline":
            raise
        print("saidwhat eval: the analysis pipeline (saidwhat.pipeline) is not available",
              file=sys.stderr)
        return None
    from saidwhat.model import Document

    options = Options(techniques=False)

    def analyze_text(doc_id: str, text: str):
        document = Document(id=doc_id, text=text, source=str(text_dir / f"{doc_id}.txt"))
        return analyze(document, options)

    return analyze_text


def _run_polnear(args: argparse.Namespace) -> int:
    from saidwhat.evaluation.polnear import evaluate_polnear, format_report

    text_dir = args.data / args.split / "text"
    if not text_dir.is_dir():
        print(f"saidwhat eval polnear: no {args.split} split under {args.data} "
              f"(expected {text_dir}; use --data)", file=sys.stderr)
        return 2
    if args.limit is not None and args.limit < 1:
        print("saidwhat eval polnear: --limit must be at least 1", file=sys.stderr)
        return 2
    analyze_text = _pipeline(text_dir)
    if analyze_text is None:
        return 1
    result = evaluate_polnear(args.split, args.data, analyze_text, limit=args.limit,
                              progress=sys.stderr.isatty())
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(format_report(result))
    return 0
