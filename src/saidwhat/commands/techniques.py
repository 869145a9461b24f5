"""``saidwhat techniques``: the catalogue of propaganda techniques the tagger knows."""
from __future__ import annotations

import json


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "techniques", help="list the propaganda techniques (name, definition, example)",
        description="List the 14 propaganda techniques of the Propaganda Techniques Corpus "
                    "(SemEval-2020 Task 11) that `saidwhat analyze` tags: name, one-line "
                    "definition and an example.")
    p.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from saidwhat.rhetoric.catalogue import CATALOGUE
    if args.json:
        print(json.dumps([t.to_dict() for t in CATALOGUE], indent=2))
        return 0
    for t in CATALOGUE:
        print(f"{t.name}  ({t.title})")
        print(f"    {t.definition}")
        print(f"    e.g. \"{t.example}\"")
    return 0
