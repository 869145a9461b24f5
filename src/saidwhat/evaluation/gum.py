"""Pronouns and definite descriptions resolved by :class:`SpeakerResolver`, scored on GUM.

The corpus is ``../shared/data/gum-coref``: the news and interview documents of GUM (Zeldes
2017) with coreference chains, entity types and Wikipedia identities. It is read where it lies
and never copied into the repository.

Text. A document's text is its tokens joined by single spaces, one sentence per line, with
each token's character offsets kept. The README promises a blank line between sentences, but
the files have none (the token index runs over the whole document), so where a document has
no blank lines a sentence ends after ``.``, ``!`` or ``?`` and the closing quotes or brackets
that follow it. Headlines and bylines therefore run into the first sentence.

Cases. The text is parsed with saidwhat's spaCy pipeline; the resolver registers the whole
document once and then resolves, in text order, every subject (``nsubj``/``nsubjpass``) that is

* a personal pronoun: he/she (him/her) or they/it (them), or
* the head of a definite description: a common noun with the determiner the/this/that.

All of them are resolved, whatever the gold says, so that the resolver's salience (its last
speaker) owes nothing to the annotation. A subject is scored when its gold mention (for a
pronoun, the one-token mention of it; for a description, the smallest mention holding both
the noun and its determiner, headed by the noun) is of type person or organization and its
chain has a *named* mention before it. A mention is named when its head (its spaCy token whose
own head lies outside it) is a proper noun, or when the chain has a Wikipedia identity and that
head is capitalised and not a pronoun or determiner; a head that is a title or role word of the
resolver's lexicon ("a Professor at …", "the Director of …") makes a description, not a name.
(The identity is written on every mention of the chain, pronouns included, so on its own it
does not make a mention a name; nor do a mention's other proper nouns: "the company that
bought Twitter".)

Right. The answer is right when its name, normalised by the shared statementcheck tool's
``norm_name`` (lower case, no punctuation, no "'s", no leading article or honorific),

* equals the normalised text of one of the chain's named mentions before the subject, or
* has among its words the head word of the longest of them (for a person, the surname:
  "Charles Bolden" for "NASA Administrator Charles Bolden"), or
* is the expansion of one of them as an acronym, or its acronym ("Korean Central News
  Agency" for "KCNA").

An unresolved subject named after itself ("the company" -> "company", "she") is wrong.

Baseline, judged the same way and blind to the gold chains: the most recent spaCy PERSON
entity before the subject for he/she, the most recent ORG entity for they/it and descriptions.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from saidwhat.attribute.lexicon import ROLES, TITLE_WORDS, TITLES

# The resolver (and spaCy with it) is imported where a document is scored, not here: the CLI
# reads this module's constants to build its parser.

DEFAULT_DATA = Path("../shared/data/gum-coref")
GENRES = ("news", "interview")
SPLITS = ("train", "dev", "test")
KINDS = ("he/she", "they/it", "description")
SCORED_TYPES = ("person", "organization")
SUBJECT_DEPS = ("nsubj", "nsubjpass")
PRONOUN_KINDS = {"he": "he/she", "she": "he/she", "him": "he/she", "her": "he/she",
                 "they": "they/it", "it": "they/it", "them": "they/it"}
DETERMINERS = ("the", "this", "that")
_SENTENCE_END = {".", "!", "?"}
_CLOSERS = {'"', "'", "”", "’", ")", "]", "»"}
# one bracket of an entities field: "(type-ID[-Identity]", "type-ID[-Identity])" or both
_PIECE = re.compile(r"\([^()]*\)|\([^()]*|[^()]*\)")
_BRACKET = re.compile(r"(\()?([a-z]+)-(\d+)(?:-([^()]+?))?(\))?")


@dataclass
class Mention:
    start: int  # first token
    end: int  # one past the last token
    type: str
    chain: str
    identity: Optional[str] = None  # Wikipedia title, percent-encoded as in the corpus


@dataclass
class GumDocument:
    name: str
    tokens: list[str]
    sentences: list[tuple[int, int]]  # token ranges [start, end)
    mentions: list[Mention]
    text: str = ""
    offsets: list[tuple[int, int]] = field(default_factory=list)  # token -> characters

    @property
    def genre(self) -> str:
        return self.name.split("_")[1] if self.name.count("_") >= 2 else ""

    def mention_text(self, mention: Mention) -> str:
        return " ".join(self.tokens[mention.start:mention.end])

    def sentence_of(self, token: int) -> tuple[int, int]:
        starts = [s for s, _ in self.sentences]
        return self.sentences[bisect_right(starts, token) - 1]


def _punctuation_sentences(tokens: list[str]) -> list[tuple[int, int]]:
    sentences, start, i = [], 0, 0
    while i < len(tokens):
        if tokens[i] in _SENTENCE_END:
            while i + 1 < len(tokens) and tokens[i + 1] in _CLOSERS:
                i += 1
            sentences.append((start, i + 1))
            start = i + 1
        i += 1
    if start < len(tokens):
        sentences.append((start, len(tokens)))
    return sentences


def _build_text(doc: GumDocument) -> None:
    lines, offsets, at = [], [], 0
    for start, end in doc.sentences:
        words = doc.tokens[start:end]
        for word in words:
            offsets.append((at, at + len(word)))
            at += len(word) + 1  # the space after it, or the newline ending the sentence
        lines.append(" ".join(words))
    doc.text, doc.offsets = "\n".join(lines), offsets


def parse_conll(text: str) -> list[GumDocument]:
    """Documents of a CoNLL coreference file: ``# begin document NAME``, then one token a line
    (``index<TAB>word<TAB>entities``, entity brackets ``(type-ID[-Identity]`` … ``)``)."""
    docs: list[GumDocument] = []
    doc: Optional[GumDocument] = None
    breaks: list[int] = []
    open_: dict[tuple[str, str], list[int]] = defaultdict(list)

    def finish() -> None:
        if doc is None:
            return
        inner = [b for b in breaks if 0 < b < len(doc.tokens)]
        bounds = sorted({0, *inner, len(doc.tokens)})
        doc.sentences = (list(zip(bounds, bounds[1:])) if inner
                         else _punctuation_sentences(doc.tokens))
        doc.mentions.sort(key=lambda m: (m.start, -m.end))
        _build_text(doc)
        docs.append(doc)

    for line in text.splitlines():
        if line.startswith("# begin document"):
            finish()
            doc, breaks = GumDocument(line.split(maxsplit=3)[3].strip(), [], [], []), []
            open_.clear()
        elif line.startswith("#"):
            continue
        elif not line.strip():
            if doc is not None:
                breaks.append(len(doc.tokens))
        elif doc is not None:
            _, word, entities = line.split("\t")[:3]
            i = len(doc.tokens)
            doc.tokens.append(word)
            if entities == "_":
                continue
            for piece in _PIECE.findall(entities):
                parts = _BRACKET.fullmatch(piece)
                if parts is None:
                    continue
                opens, kind, chain, identity, closes = parts.groups()
                key = (kind, chain)
                if opens:
                    open_[key].append(i)
                if closes:
                    start = open_[key].pop() if open_[key] else i
                    doc.mentions.append(Mention(start, i + 1, kind, chain, identity or None))
    finish()
    return docs


def read_splits(path: Path) -> dict[str, str]:
    """Document name -> split, from ``splits.md`` (``## dev`` then ``  * GUM_…`` lines)."""
    splits, current = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        elif current and line.strip().startswith("* "):
            splits[line.strip()[2:].strip()] = current
    return splits


def load_documents(data: Path = DEFAULT_DATA, genre: str = "all",
                   split: str = "all") -> list[GumDocument]:
    splits = read_splits(data / "splits.md") if split != "all" else {}
    docs = []
    for path in sorted(data.glob("*.conll")):
        for doc in parse_conll(path.read_text(encoding="utf-8")):
            if genre != "all" and doc.genre != genre:
                continue
            if split != "all" and splits.get(doc.name) != split:
                continue
            docs.append(doc)
    return docs


# -- cases ---------------------------------------------------------------------------------------

@dataclass
class Case:
    doc: str
    genre: str
    kind: str
    token: int  # gold token index of the subject
    text: str  # the subject as written
    named: list[str]  # the chain's named mentions before it, in text order
    head_word: str  # the normalised head word of the longest of them
    sentence: str = ""
    resolver: str = ""
    baseline: str = ""
    resolver_right: bool = False
    baseline_right: bool = False


def _gold_index(doc: GumDocument):
    starts = [s for s, _ in doc.offsets]
    return lambda char: bisect_right(starts, char) - 1


def _mention_head(mention: Mention, spacy_of: list[list]):
    """The mention's syntactic head: its spaCy token whose own head lies outside it, a noun
    or pronoun first ("For Inspiration and Recognition of …" is headed by "Inspiration")."""
    inside = [t for g in range(mention.start, mention.end) for t in spacy_of[g]]
    at = {t.i for t in inside}
    tops = [t for t in inside if t.head.i not in at or t.head.i == t.i]
    return next((t for t in tops if t.pos_ in ("PROPN", "NOUN", "PRON", "NUM")),
                tops[0] if tops else None)


def _is_named(mention: Mention, spacy_of: list[list]) -> bool:
    head = _mention_head(mention, spacy_of)
    if head is None or head.lower_ in TITLE_WORDS or head.lower_ in ROLES \
            or head.lower_ in TITLES:
        return False  # "a Professor at …", "the Director of …": capitalised descriptions
    if head.pos_ == "PROPN":
        return True
    return bool(mention.identity) and head.text[:1].isupper() and head.pos_ not in ("PRON", "DET")


def _kind(token) -> Optional[str]:
    if token.dep_ not in SUBJECT_DEPS:
        return None
    if token.lower_ in PRONOUN_KINDS:
        return PRONOUN_KINDS[token.lower_]
    if token.pos_ == "NOUN" and _determiner(token) is not None:
        return "description"
    return None


def _determiner(token):
    return next((c for c in token.children if c.dep_ == "det" and c.lower_ in DETERMINERS
                 and c.i < token.i), None)


def _gold_mention(doc: GumDocument, kind: str, tokens: list[int]) -> Optional[Mention]:
    """The smallest gold mention holding all of ``tokens``; for a pronoun, exactly it."""
    lo, hi = min(tokens), max(tokens) + 1
    fitting = [m for m in doc.mentions if m.start <= lo and hi <= m.end
               and (kind == "description" or (m.start, m.end) == (lo, hi))]
    return min(fitting, key=lambda m: m.end - m.start, default=None)


def _judge(name: str, named: list[str], head_word: str, norm: Callable[[str], str]) -> bool:
    from saidwhat.attribute.speakers import acronym_of

    n = norm(name)
    if not n:
        return False
    return (n in {norm(m) for m in named} or (bool(head_word) and head_word in n.split())
            or any(acronym_of(m, name) or acronym_of(name, m) for m in named))


def _mark(doc: GumDocument, token: int) -> str:
    start, end = doc.sentence_of(token)
    return " ".join(f"[{w}]" if start + i == token else w
                    for i, w in enumerate(doc.tokens[start:end]))


def evaluate_document(doc: GumDocument, nlp, norm: Callable[[str], str]) -> list[Case]:
    from saidwhat.attribute.speakers import SpeakerResolver
    from saidwhat.model import Span

    parsed = nlp(doc.text)
    gold_of = _gold_index(doc)
    spacy_of: list[list] = [[] for _ in doc.tokens]
    for t in parsed:
        if not t.is_space:
            spacy_of[gold_of(t.idx)].append(t)
    heads = {id(m): _mention_head(m, spacy_of) for m in doc.mentions}
    named_mentions = [m for m in doc.mentions if _is_named(m, spacy_of)]

    resolver = SpeakerResolver()
    resolver.register(parsed, 0)
    people = [e for e in parsed.ents if e.label_ == "PERSON"]
    orgs = [e for e in parsed.ents if e.label_ == "ORG"]
    cases = []
    for token in parsed:
        kind = _kind(token)
        if kind is None:
            continue
        # every candidate is resolved, scored or not: the resolver must not see the gold
        speaker = resolver.resolve(token, Span(token.text, token.idx, token.idx + len(token)), 0)
        g = gold_of(token.idx)
        held = [g] if kind != "description" else [g, gold_of(_determiner(token).idx)]
        mention = _gold_mention(doc, kind, held)
        if mention is None or mention.type not in SCORED_TYPES:
            continue
        head = heads[id(mention)]
        if kind == "description" and (head is None or head.i != token.i):
            continue  # the noun is not the mention's head ("the head of NATO")
        earlier = [m for m in named_mentions if m.chain == mention.chain and m.end <= mention.start]
        if not earlier:
            continue
        longest = max(earlier, key=lambda m: (m.end - m.start, m.start))
        head = heads[id(longest)]  # named, so it has one
        case = Case(doc.name, doc.genre, kind, g, token.text,
                    [doc.mention_text(m) for m in earlier],
                    norm(head.text), _mark(doc, g))
        case.resolver = speaker.name
        case.resolver_right = _judge(speaker.name, case.named, case.head_word, norm)
        pool = people if kind == "he/she" else orgs
        previous = [e for e in pool if e.end <= token.i]
        case.baseline = previous[-1].text if previous else ""
        case.baseline_right = _judge(case.baseline, case.named, case.head_word, norm)
        cases.append(case)
    return cases


def _norm_name() -> Callable[[str], str]:
    """The shared statementcheck tool's name normalisation, so that every saidwhat score
    compares names the same way."""
    from saidwhat.evaluation.speakers import DEFAULT_TOOL, load_tool

    return load_tool(DEFAULT_TOOL).norm_name


def score(cases: Iterable[Case]) -> dict:
    """``{genre: {kind: {"n", "resolver", "baseline"}}}`` (accuracies), with ``all`` rows."""
    counts: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for c in cases:
        for genre in (c.genre, "all"):
            for kind in (c.kind, "all"):
                row = counts[genre][kind]
                row[0] += 1
                row[1] += c.resolver_right
                row[2] += c.baseline_right
    return {genre: {kind: {"n": n, "resolver": r / n, "baseline": b / n}
                    for kind, (n, r, b) in kinds.items()}
            for genre, kinds in counts.items()}


def evaluate_gum(data: Path = DEFAULT_DATA, genre: str = "all", split: str = "all",
                 nlp=None, norm: Optional[Callable[[str], str]] = None,
                 docs: Optional[list[GumDocument]] = None) -> dict:
    if nlp is None:
        from saidwhat.nlp import get_nlp
        nlp = get_nlp()
    norm = norm or _norm_name()
    docs = docs if docs is not None else load_documents(data, genre, split)
    cases = [c for doc in docs for c in evaluate_document(doc, nlp, norm)]
    return {"documents": len(docs), "cases": len(cases), "scores": score(cases),
            "errors": [c for c in cases if not c.resolver_right]}


def format_report(result: dict) -> str:
    lines = [f"GUM: {result['documents']} documents, {result['cases']} scored subjects",
             f"{'genre':<10} {'kind':<12} {'n':>5} {'resolver':>9} {'baseline':>9}"]
    for genre in (*GENRES, "all"):
        kinds = result["scores"].get(genre)
        if not kinds:
            continue
        for kind in (*KINDS, "all"):
            row = kinds.get(kind)
            if row:
                lines.append(f"{genre:<10} {kind:<12} {row['n']:>5} {row['resolver']:>9.3f} "
                             f"{row['baseline']:>9.3f}")
    return "\n".join(lines)


def format_errors(result: dict, limit: int) -> str:
    errors = result["errors"]
    lines = [f"resolver errors ({len(errors)}, first {min(limit, len(errors))}):"]
    for c in errors[:limit]:
        lines.append(f"- {c.doc} [{c.kind}] {c.text!r} -> resolver {c.resolver!r}, baseline "
                     f"{c.baseline!r}; gold named before: {' | '.join(dict.fromkeys(c.named))}")
        lines.append(f"    {c.sentence}")
    return "\n".join(lines)
