"""Technique spans a reader would not accept, over the PolNeAR dev texts (issue 14): the share
of spans holding only function words or punctuation (goal 0), and beside it the spans that
cross a paragraph, cut a word, or are labelled Repetition though none of their words recurs.
The rules are those of saidwhat.rhetoric.spans; the texts are read from ../shared at run time.

    .venv/bin/python scripts/junk_spans.py                 # runs saidwhat analyze --format json
    .venv/bin/python scripts/junk_spans.py --json out.json  # reads a saved analyze output
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from saidwhat.clean import paragraphs
from saidwhat.rhetoric.spans import REPETITION, content_words, on_words, recurs, word_counts
from same_outputs import analyze_json  # beside this script

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "dev" / "text"


def analyse(save: Path | None) -> list[dict]:
    files = sorted(DEV.glob("*.txt"))
    if not files:
        raise SystemExit(f"no PolNeAR dev texts under {DEV}")
    return json.loads(analyze_json(files, save))


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    """Letters or digits on both sides of an edge, or an edge that on_words would move
    ("don" of "don't")."""
    return (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or \
        (end < len(text) and text[end - 1].isalnum() and text[end].isalnum()) or \
        on_words(text, start, end) != (start, end)


def count(analyses: list[dict]) -> dict:
    counts = {"documents": len(analyses), "spans": 0, "junk": 0, "cross_paragraph": 0,
              "cut_word": 0, "repetition": 0, "repetition_unrepeated": 0}
    examples: list[str] = []
    for analysis in analyses:
        text = analysis["text"]
        paras = paragraphs(text)
        words = word_counts(text)
        for t in analysis["techniques"]:
            s, e = t["start"], t["end"]
            span = text[s:e]
            counts["spans"] += 1
            if not content_words(span):
                counts["junk"] += 1
                examples.append(f"{t['technique']} {span!r} {t['score']}")
            if not any(a <= s and e <= b for a, b in paras):
                counts["cross_paragraph"] += 1
            counts["cut_word"] += _cuts_a_word(text, s, e)
            if t["technique"] == REPETITION:
                counts["repetition"] += 1
                counts["repetition_unrepeated"] += not recurs(span, words)
    counts["junk_share"] = counts["junk"] / counts["spans"] if counts["spans"] else 0.0
    counts["examples"] = examples[:20]
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="a saved `saidwhat analyze --format json` output")
    parser.add_argument("--save", type=Path, help="keep the analyze output here")
    args = parser.parse_args()
    analyses = json.loads(args.json.read_text(encoding="utf-8")) if args.json else analyse(args.save)
    analyses = [a for a in analyses if "/polnear/dev/" in a.get("source", "")] or analyses
    c = count(analyses)
    print(f"{c['documents']} documents, {c['spans']} technique spans")
    print(f"junk (only function words or punctuation): {c['junk']} "
          f"({c['junk_share']:.2%}; goal 0)")
    print(f"crossing a paragraph: {c['cross_paragraph']}; cutting a word: {c['cut_word']}; "
          f"Repetition whose words do not recur: {c['repetition_unrepeated']} of "
          f"{c['repetition']}")
    for line in c["examples"]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
