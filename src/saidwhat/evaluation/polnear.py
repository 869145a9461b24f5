"""Evaluation of statement extraction against PolNeAR (Newell, Margolin & Ruths, LREC 2018).

PolNeAR annotates attribution relations in US election news in brat standoff: ``T`` lines are
spans (``Source``, ``Cue``, ``Content``, plus ``Attribution`` anchors and ``Discuss`` /
``Discard`` marks we do not use) and ``E`` lines tie one attribution's Source, Cue and Content
together. This module

* loads one split (``train`` or ``dev``) into :class:`GoldDocument` objects. Some texts were
  annotated by several annotators (``attributions/NAME_ANNOTATOR.ann``); we always use the
  **first annotation file in sorted file-name order** for each text, so that runs compare;
* derives, for each gold attribution, its kind (``direct`` / ``mixed`` / ``indirect``, from quote
  marks: :func:`quote_kind`) and its source kind (``name`` / ``pronoun`` / ``description`` /
  ``none``: :func:`source_kind`);
* scores predicted :class:`~saidwhat.model.Statement` objects against the gold
  (:func:`score`): precision / recall / F1 of content, source (the speaker mention) and cue, with
  exact, trimmed-exact and >= 50 % overlap matching, an end-to-end attribution score, and
  content recall by gold kind and by gold source kind;
* runs a whole split through an ``analyze_text`` callable (:func:`evaluate_polnear`) and prints
  the result (:func:`format_report`).

Matching rules (all in :func:`score`):

* a span with several segments is compared as its hull (first start, last end);
* ``exact``: identical character offsets; ``exact-trimmed``: identical after :func:`trim_span`
  on both sides (whitespace, quote marks, trailing ``.,;:`` and a leading ``that ``);
  ``overlap50``: the shared characters are at least half of the *longer* span, so each span
  covers at least half of the other;
* matching is one-to-one and greedy, best overlap first: a prediction can match one gold item;
* empty spans (start == end) and missing ones count as absent;
* a predicted statement without content is left out of the content and attribution scores, but
  its cue and mention still count for the cue and source scores;
* a quote run is one statement per quote in saidwhat's output (``Statement.continues``) but
  one discontinuous attribution in PolNeAR: :func:`merge_runs` joins each run back into its
  first statement before anything is counted;
* gold attributions are counted per attribution: a source or cue shared by two attributions is
  two gold items, just as two predicted statements give two mentions.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Sequence

from saidwhat.model import Analysis, Span, Statement, overlap

SPLITS = ("train", "dev")
KINDS = ("direct", "mixed", "indirect")
SOURCE_KINDS = ("name", "pronoun", "description", "none")
FIELDS = ("content", "source", "cue")
MODES = ("exact", "exact-trimmed", "overlap50")
THRESHOLD = 0.5
ANNOTATION_CHOICE = "first annotation file in sorted order per text"

Segment = tuple[int, int]

# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


@dataclass(frozen=True)
class GoldAttribution:
    """One annotated attribution: segments are ``(start, end)`` offsets into the text.

    ``content`` and ``cue`` are empty tuples in the few attributions that lack them; ``source``
    is None when the attribution has no source (``Attribution-no-source``)."""
    id: str
    content: tuple[Segment, ...]
    cue: tuple[Segment, ...]
    source: Optional[tuple[Segment, ...]]
    kind: str  # direct | mixed | indirect (see quote_kind)
    source_kind: str  # name | pronoun | description | none (see source_kind)


@dataclass
class GoldDocument:
    """One PolNeAR text with the attributions of the annotation file we use for it."""
    id: str
    text: str
    attributions: list[GoldAttribution]
    annotation_file: str = ""


SpanTable = dict[str, tuple[str, tuple[Segment, ...]]]
Event = tuple[str, list[tuple[str, str]]]


def parse_ann(ann: str) -> tuple[SpanTable, list[Event]]:
    """Parse brat standoff into ``({T id: (label, segments)}, [(E id, [(role, T id), ...])])``.

    Lines that are neither ``T`` nor ``E`` lines are skipped: besides other brat records, a few
    PolNeAR ``T`` lines carry span text with line breaks, whose continuation lines must not be
    read as records."""
    spans: SpanTable = {}
    events: list[Event] = []
    for line in ann.split("\n"):
        line = line.rstrip("\r")
        if m := _T_LINE.match(line):
            segments = []
            for part in m.group(3).split(";"):
                start, end = part.split()
                segments.append((int(start), int(end)))
            spans[m.group(1)] = (m.group(2), tuple(segments))
        elif m := _E_LINE.match(line):
            args = []
            for arg in m.group(2).split():
                role, _, span_id = arg.partition(":")
                if span_id:
                    args.append((role, span_id))
            events.append((m.group(1), args))
    return spans, events


def attributions_from_ann(ann: str, text: str,
                          case_counts: Optional[Mapping[str, int]] = None) -> list[GoldAttribution]:
    """The gold attributions of one ``.ann`` file, with their derived kinds.

    ``case_counts`` (for :func:`source_kind`) defaults to the counts of ``text`` alone.

    ``Content``, ``Content2``, ... arguments of one event are merged into one content (PolNeAR
    uses ``Content2`` for a second, separate piece of the same attribution)."""
    spans, events = parse_ann(ann)
    if case_counts is None:
        case_counts = word_case_counts([text])
    result = []
    for event_id, args in events:
        content: list[Segment] = []
        cue: list[Segment] = []
        source: Optional[list[Segment]] = None
        for role, span_id in args:
            if span_id not in spans:
                continue
            segments = spans[span_id][1]
            base = role.rstrip("0123456789")
            if base == "Content":
                content.extend(segments)
            elif base == "Cue":
                cue.extend(segments)
            elif base == "Source":
                source = (source or []) + list(segments)
        content.sort()
        cue.sort()
        source_segments = tuple(sorted(source)) if source else None
        source_text = segments_text(text, source_segments) if source_segments else None
        result.append(GoldAttribution(
            id=event_id,
            content=tuple(content),
            cue=tuple(cue),
            source=source_segments,
            kind=quote_kind(segments_text(text, content)),
            source_kind=source_kind(source_text, case_counts),
        ))
    return result


def annotation_files(split_dir: Path) -> dict[str, Path]:
    """Map each text name of a split to the annotation file we use for it (the first in sorted
    order among ``attributions/NAME_ANNOTATOR.ann``)."""
    chosen: dict[str, Path] = {}
    for path in sorted((split_dir / "attributions").glob("*.ann")):
        # Text names contain underscores too; the annotator id is the part after the last one.
        name = path.stem.rsplit("_", 1)[0]
        chosen.setdefault(name, path)
    return chosen


def load_split(data_dir: Path, split: str, limit: Optional[int] = None) -> list[GoldDocument]:
    """Load the texts of ``split`` (sorted by name, at most ``limit``) with their gold.

    Source kinds use the word case counts of all the split's texts, whatever ``limit``, so that
    a document's gold does not depend on how many others are loaded."""
    if split not in SPLITS:
        raise ValueError(f"unknown PolNeAR split {split!r}: use one of {', '.join(SPLITS)}")
    split_dir = Path(data_dir) / split
    if not (split_dir / "text").is_dir():
        raise FileNotFoundError(f"no PolNeAR {split} split under {data_dir} (expected {split_dir / 'text'})")
    chosen = annotation_files(split_dir)
    texts = {path.stem: path.read_text(encoding="utf-8")
             for path in sorted((split_dir / "text").glob("*.txt"))}
    case_counts = word_case_counts(texts.values())
    docs = []
    for name, text in list(texts.items())[:limit]:
        ann_path = chosen.get(name)
        ann = ann_path.read_text(encoding="utf-8") if ann_path else ""
        docs.append(GoldDocument(id=name, text=text,
                                 attributions=attributions_from_ann(ann, text, case_counts),
                                 annotation_file=ann_path.name if ann_path else ""))
    return docs


def segments_text(text: str, segments: Iterable[Segment]) -> str:
    """The text of the segments, joined by a space (as brat shows discontinuous spans)."""
    return " ".join(text[a:b] for a, b in segments)


# --------------------------------------------------------------------------------------------
# Gold kinds
# --------------------------------------------------------------------------------------------

_OPEN_QUOTES = "\u201c\u00ab\u201e"  # “ « „
_CLOSE_QUOTES = "\u201d\u00bb"  # ” »
# Words that may stand outside the quote marks of a direct content: annotators sometimes take
# the complementizer or the conjunction between two quoted pieces into the span.
LINKING_WORDS = frozenset({"that", "and", "but"})


def quote_kind(content: str) -> str:
    """``direct``, ``mixed`` or ``indirect``, from the quote marks in a content's text.

    Double quote marks (“ ” " « » „, and '' as some papers type them) always count; a closing
    mark before a letter, outside a quote, is taken for a mistyped opening one. Single marks
    (‘ ’ ') count only as a pair opened after a non-letter and closed before a non-letter, so
    that apostrophes (It’s, Clinton’s) are not taken for quotes. A quote left open runs to the
    end (quoted paragraphs reopen without closing). No quote marks: indirect; no word outside
    quotes but :data:`LINKING_WORDS`: direct; otherwise mixed."""
    content = content.replace("''", '"')
    outside: list[str] = []
    double = single = seen = False
    for i, ch in enumerate(content):
        prev = content[i - 1] if i else " "
        following = content[i + 1] if i + 1 < len(content) else " "
        if ch in _OPEN_QUOTES:
            double = seen = True
        elif ch in _CLOSE_QUOTES:
            double = not double and following.isalnum()
            seen = True
        elif ch == '"':
            double, seen = not double, True
        elif ch in "\u2018'" and not single and not prev.isalnum() and following.isalnum():
            single = seen = True
        elif ch in "\u2019'" and single and not following.isalnum():
            single = False
        else:
            outside.append(" " if double or single else ch)
            continue
        outside.append(" ")
    if not seen:
        return "indirect"
    words = re.findall(r"\w+", "".join(outside).lower())
    return "direct" if all(w in LINKING_WORDS for w in words) else "mixed"


# Pronouns that stand for a speaker named elsewhere: personal, possessive and relative ones
# (PolNeAR annotates "who" or "which" as the source of a relative clause).
PRONOUNS = frozenset("""
    i me my we us our you your he him his she her hers it its they them their theirs
    who whom whose which that this these those
""".split())
# Capitalised words that do not make a source a name: determiners and quantifiers that open a
# sentence, and party / nationality words that describe a group ("Republicans", "The Republican
# nominee").
NOT_NAMES = frozenset("""
    the a an this that these those some many several most all both few other another each
    every any no one two three four five his her their its our my your i
    everyone everybody someone somebody nobody anyone
    republican republicans democrat democrats democratic american americans
""".split())
_WORD = re.compile(r"[^\W\d_]+")


def word_case_counts(texts: Iterable[str]) -> Counter:
    """How often each word occurs, spelt with exactly this capitalisation, in ``texts``."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(_WORD.findall(text))
    return counts


def source_kind(source: Optional[str], case_counts: Optional[Mapping[str, int]] = None) -> str:
    """``none``, ``pronoun``, ``name`` or ``description`` for a gold source text.

    ``pronoun``: the source is a single pronoun ("he", "they", "who"). ``name``: it holds a
    capitalised word outside :data:`NOT_NAMES` ("Trump", "The New York Post", "Sen. Ted Cruz").
    Anything else is a ``description`` ("a source", "officials", "the campaign").
    The first word is capitalised at a sentence start anyway; given ``case_counts`` (see
    :func:`word_case_counts`), it counts only if the texts write it capitalised more often than
    in lower case ("Trump", not "Protesters")."""
    if source is None or not source.strip():
        return "none"
    words = _WORD.findall(source)
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return "pronoun"
    for i, word in enumerate(words):
        if not word[0].isupper() or word.lower() in NOT_NAMES:
            continue
        if i == 0 and case_counts is not None and case_counts.get(word.lower(), 0) >= case_counts.get(word, 0):
            continue
        return "name"
    return "description"


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------

_TRIM_START = " \t\n\r\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"
_TRIM_END = _TRIM_START + ".,;:"


def trim_span(text: str, start: int, end: int) -> Segment:
    """``(start, end)`` trimmed of whitespace and quote marks on both sides, of ``.,;:`` at the
    end, and of a leading complementizer ``that `` (as shared/tools/seedcheck.py trims,
    plus "that"). A span that trims to nothing is returned unchanged."""
    s, e = start, end
    for _ in range(2):  # twice: 'that “Quote”' loses "that " and then the quote mark
        while s < e and text[s] in _TRIM_START:
            s += 1
        if text.startswith("that", s) and s + 4 < e and text[s + 4].isspace():
            s += 5
    while e > s and text[e - 1] in _TRIM_END:
        e -= 1
    return (s, e) if s < e else (start, end)


def hull(segments: Sequence[Segment]) -> Optional[Segment]:
    """The smallest ``(start, end)`` covering all segments, or None for no (or empty) span."""
    if not segments:
        return None
    start, end = min(a for a, _ in segments), max(b for _, b in segments)
    return (start, end) if start < end else None


def span_similarity(text: str, a: Segment, b: Segment, mode: str) -> float:
    """How well span ``a`` matches span ``b`` under ``mode``: 0 when they do not match, else a
    positive score used to match the best pairs first."""
    if mode == "exact":
        return 1.0 if a == b else 0.0
    if mode == "exact-trimmed":
        return 1.0 if trim_span(text, *a) == trim_span(text, *b) else 0.0
    if mode == "overlap50":
        score = overlap(a, b)
        return score if score >= THRESHOLD else 0.0
    raise ValueError(f"unknown matching mode {mode!r}")


def greedy_match(scores: Mapping[tuple[int, int], float]) -> dict[int, int]:
    """One-to-one matching ``{prediction index: gold index}`` from pair scores ``{(p, g): s}``
    (pairs with s > 0 only), taking the best-scoring pairs first; ties go to earlier items."""
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for (p, g), s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if s > 0 and p not in matched and g not in taken:
            matched[p] = g
            taken.add(g)
    return matched


def match_spans(text: str, predicted: Sequence[Segment], gold: Sequence[Segment], mode: str) -> dict[int, int]:
    """One-to-one matching of predicted spans to gold spans under ``mode``."""
    scores = {}
    for p, ps in enumerate(predicted):
        for g, gs in enumerate(gold):
            # Spans that do not overlap can match in no mode (trimming only shrinks them).
            if ps[0] < gs[1] and gs[0] < ps[1]:
                s = span_similarity(text, ps, gs, mode)
                if s > 0:
                    scores[(p, g)] = s
    return greedy_match(scores)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

@dataclass
class Tally:
    """True positives, predictions and gold items of one score."""
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, tp: int, pred: int, gold: int) -> None:
        self.tp += tp
        self.pred += pred
        self.gold += gold

    def as_dict(self) -> dict:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "pred": self.pred, "gold": self.gold,
                "precision": p, "recall": r, "f1": f1}


@dataclass
class _Scorer:
    """Accumulates the counts of :func:`score` over documents."""
    spans: dict[tuple[str, str], Tally] = field(default_factory=dict)
    attribution: Tally = field(default_factory=Tally)
    by_kind: dict[str, Counter] = field(default_factory=dict)
    by_source_kind: dict[str, Counter] = field(default_factory=dict)
    agreement: dict[str, Counter] = field(default_factory=dict)

    def add_document(self, doc: GoldDocument, statements: Sequence[Statement]) -> None:
        text = doc.text
        statements = merge_runs(statements, text)
        gold = doc.attributions
        gold_hulls = {
            "content": [hull(a.content) for a in gold],
            "cue": [hull(a.cue) for a in gold],
            "source": [hull(a.source or ()) for a in gold],
        }
        pred_hulls = {
            "content": [_span_hull(s.content) for s in statements],
            "cue": [_span_hull(s.cue) for s in statements],
            "source": [_span_hull(s.speaker.mention) for s in statements],
        }
        content_match: dict[int, int] = {}
        for name in FIELDS:
            # Keep the original indices so that matches can be traced back to statements.
            p_idx = [i for i, h in enumerate(pred_hulls[name]) if h]
            g_idx = [i for i, h in enumerate(gold_hulls[name]) if h]
            p_spans = [pred_hulls[name][i] for i in p_idx]
            g_spans = [gold_hulls[name][i] for i in g_idx]
            for mode in MODES:
                matched = match_spans(text, p_spans, g_spans, mode)
                self.spans.setdefault((name, mode), Tally()).add(len(matched), len(p_spans), len(g_spans))
                if name == "content" and mode == "overlap50":
                    content_match = {p_idx[p]: g_idx[g] for p, g in matched.items()}

        e2e_match = self._match_attributions(pred_hulls, gold_hulls, gold)
        self.attribution.add(len(e2e_match),
                             sum(1 for h in pred_hulls["content"] if h),
                             sum(1 for h in gold_hulls["content"] if h))

        content_found = set(content_match.values())
        e2e_found = set(e2e_match.values())
        for g, att in enumerate(gold):
            if not gold_hulls["content"][g]:
                continue
            for table, key in ((self.by_kind, att.kind), (self.by_source_kind, att.source_kind)):
                counter = table.setdefault(key, Counter())
                counter["gold"] += 1
                counter["content"] += g in content_found
                counter["attribution"] += g in e2e_found
        for p, g in content_match.items():
            statement, att = statements[p], gold[g]
            mention_kind = statement.speaker.mention_kind if statement.speaker.mention else "none"
            for key, right in (("kind", statement.kind == att.kind),
                               ("source_kind", mention_kind == att.source_kind)):
                counter = self.agreement.setdefault(key, Counter())
                counter["matched"] += 1
                counter["correct"] += right

    @staticmethod
    def _match_attributions(pred_hulls, gold_hulls, gold) -> dict[int, int]:
        """End-to-end matching: content at >= 50 % and the right source (see :func:`score`)."""
        scores = {}
        for p, pc in enumerate(pred_hulls["content"]):
            if not pc:
                continue
            for g, gc in enumerate(gold_hulls["content"]):
                if not gc:
                    continue
                content_score = overlap(pc, gc)
                if content_score < THRESHOLD:
                    continue
                ps, gs = pred_hulls["source"][p], gold_hulls["source"][g]
                if gs is None:
                    right, source_score = ps is None, 1.0
                else:
                    source_score = overlap(ps, gs) if ps else 0.0
                    right = source_score >= THRESHOLD
                if right:
                    # Content decides the order; the source only breaks ties.
                    scores[(p, g)] = content_score + source_score / 1000
        return greedy_match(scores)

    def result(self) -> dict:
        return {
            "scores": {
                **{name: {mode: self.spans.get((name, mode), Tally()).as_dict() for mode in MODES}
                   for name in FIELDS},
                "attribution": {"overlap50": self.attribution.as_dict()},
            },
            "recall_by_kind": _recall_table(self.by_kind, KINDS),
            "recall_by_source_kind": _recall_table(self.by_source_kind, SOURCE_KINDS),
            "agreement": {key: {"matched": c["matched"], "correct": c["correct"],
                                "accuracy": c["correct"] / c["matched"] if c["matched"] else 0.0}
                          for key, c in ((k, self.agreement.get(k, Counter()))
                                         for k in ("kind", "source_kind"))},
        }


def merge_runs(statements: Sequence[Statement], text: str) -> list[Statement]:
    """The statements with each quote run as one: a statement that ``continues`` another is
    folded into the run's first, whose content then runs from the first start to the last end
    (as PolNeAR's hull of a discontinuous content does) and which keeps its speaker and cue.
    The run is ``direct`` when all its parts are, else ``mixed``. The input is left as it is."""
    merged: list[Statement] = []
    position: dict[int, int] = {}  # input index -> index in merged
    for i, st in enumerate(statements):
        first = merged[position[st.continues]] if st.continues in position else None
        if first is None or first.content is None or st.content is None:
            position[i] = len(merged)
            merged.append(replace(st, continues=None))
            continue
        start = min(first.content.start, st.content.start)
        end = max(first.content.end, st.content.end)
        first.content = Span(text[start:end], start, end)
        if first.kind != st.kind:
            first.kind = "mixed"
    return merged


def _span_hull(span: Optional[Span]) -> Optional[Segment]:
    return (span.start, span.end) if span is not None and span.start < span.end else None


def _recall_table(table: Mapping[str, Counter], keys: Sequence[str]) -> dict:
    rows = {}
    for key in list(keys) + sorted(set(table) - set(keys)):
        c = table.get(key, Counter())
        n = c["gold"]
        rows[key] = {"gold": n, "content": c["content"], "attribution": c["attribution"],
                     "recall_content": c["content"] / n if n else 0.0,
                     "recall_attribution": c["attribution"] / n if n else 0.0}
    return rows


def score(gold: Sequence[GoldDocument], predictions: Mapping[str, Sequence[Statement]]) -> dict:
    """Score predicted statements (``{document id: statements}``) against the gold documents.

    Returns ``{"scores": {field: {mode: {tp, pred, gold, precision, recall, f1}}},
    "recall_by_kind": ..., "recall_by_source_kind": ..., "agreement": ...}`` where field is
    ``content``, ``source`` (the speaker mention) or ``cue`` and mode is ``exact``,
    ``exact-trimmed`` or ``overlap50``; ``scores["attribution"]["overlap50"]`` is end-to-end:
    a statement is right when its content matches a gold content at >= 50 % overlap and its
    mention matches that attribution's source at >= 50 % (when the gold has no source, the
    statement must have no mention). Recall tables give, per gold kind (direct / mixed /
    indirect) and per gold source kind (name / pronoun / description / none), the gold count and
    the recall of content (>= 50 %) and of end-to-end attribution. ``agreement`` is, over
    content matches, how often ``Statement.kind`` equals the gold kind and
    ``speaker.mention_kind`` (``none`` without a mention) the gold source kind.
    Micro-averaged: counts are summed over documents before dividing. Quote runs are scored
    as one statement each (:func:`merge_runs`)."""
    scorer = _Scorer()
    for doc in gold:
        scorer.add_document(doc, predictions.get(doc.id, ()))
    return scorer.result()


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------

def evaluate_polnear(split: str, data_dir: Path, analyze_text: Callable[[str, str], Analysis],
                     limit: Optional[int] = None, progress: bool = False) -> dict:
    """Analyse every text of a PolNeAR split with ``analyze_text(doc_id, text)`` and score it.

    Returns :func:`score`'s result plus ``split``, ``documents``, ``annotation_choice``, ``gold``
    and ``predicted`` counts, and ``failures`` (documents whose analysis raised, reported errors
    or changed the text; an exception or changed text scores as no predictions)."""
    docs = load_split(Path(data_dir), split, limit)
    predictions: dict[str, list[Statement]] = {}
    failures = []
    iterator: Iterable[GoldDocument] = docs
    if progress:
        from tqdm import tqdm  # only the CLI wants a progress bar
        iterator = tqdm(docs, desc=f"PolNeAR {split}", unit="doc")
    for doc in iterator:
        try:
            analysis = analyze_text(doc.id, doc.text)
        except Exception as exc:  # noqa: BLE001 -- one broken document must not stop the run
            failures.append({"document": doc.id, "error": f"{type(exc).__name__}: {exc}"})
            continue
        if analysis.text != doc.text:
            failures.append({"document": doc.id, "error": "the analysis text differs from the input: offsets cannot be compared"})
            continue
        if analysis.errors:
            failures.append({"document": doc.id, "error": "; ".join(f"{e.code}: {e.message}" for e in analysis.errors)})
        predictions[doc.id] = merge_runs(analysis.statements, doc.text)

    statements = [s for ss in predictions.values() for s in ss]
    result = {
        "corpus": "PolNeAR",
        "split": split,
        "documents": len(docs),
        "annotation_choice": ANNOTATION_CHOICE,
        "gold": {
            "attributions": sum(len(d.attributions) for d in docs),
            "content": sum(1 for d in docs for a in d.attributions if hull(a.content)),
            "source": sum(1 for d in docs for a in d.attributions if hull(a.source or ())),
            "cue": sum(1 for d in docs for a in d.attributions if hull(a.cue)),
        },
        "predicted": {
            "statements": len(statements),
            "content": sum(1 for s in statements if _span_hull(s.content)),
            "source": sum(1 for s in statements if _span_hull(s.speaker.mention)),
            "cue": sum(1 for s in statements if _span_hull(s.cue)),
        },
        "failures": failures,
    }
    result.update(score(docs, predictions))
    return result


def format_report(result: dict) -> str:
    """A plain-text report of an :func:`evaluate_polnear` result."""
    gold, pred = result["gold"], result["predicted"]
    lines = [
        f"{result.get('corpus', 'PolNeAR')} {result['split']}: {result['documents']} documents "
        f"({result['annotation_choice']})",
        f"gold: {gold['attributions']} attributions, {gold['content']} contents, "
        f"{gold['source']} sources, {gold['cue']} cues",
        f"predicted: {pred['statements']} statements, {pred['content']} contents, "
        f"{pred['source']} mentions, {pred['cue']} cues",
        "",
    ]
    headers = ["exact", "exact-trimmed", "overlap>=50%"]
    lines.append(f"{'':<13}" + "".join(f"{h:^23}" for h in headers))
    lines.append(f"{'':<13}" + "".join(f"{'P':>7}{'R':>7}{'F1':>7}  " for _ in headers))
    for name in FIELDS:
        cells = "".join(_prf(result["scores"][name][mode]) for mode in MODES)
        lines.append(f"{name:<13}{cells}")
    e2e = result["scores"]["attribution"]["overlap50"]
    lines.append(f"{'attribution':<13}{'':<46}{_prf(e2e)}")
    lines.append("  (attribution = content >= 50% and source mention >= 50%; "
                 "no gold source needs no mention)")
    lines.append("  (exact-trimmed = exact after trimming both spans of edge spaces, quote marks, "
                 "punctuation and a leading \"that\",")
    lines.append("   which PolNeAR keeps in a content and saidwhat's contract leaves out)")
    for title, key in (("gold kind", "recall_by_kind"), ("gold source kind", "recall_by_source_kind")):
        lines += ["", f"recall by {title}:", f"  {'':<12}{'gold':>6}{'content>=50%':>15}{'attribution':>14}"]
        for kind, row in result[key].items():
            lines.append(f"  {kind:<12}{row['gold']:>6}{row['recall_content']:>15.3f}"
                         f"{row['recall_attribution']:>14.3f}")
    agreement = result.get("agreement", {})
    if agreement:
        lines += ["", "on content matches (>= 50%):"]
        for key, label in (("kind", "statement kind = gold kind"),
                           ("source_kind", "mention kind = gold source kind")):
            a = agreement[key]
            lines.append(f"  {label:<34}{a['accuracy']:.3f} ({a['correct']}/{a['matched']})")
    if result.get("failures"):
        lines += ["", f"{len(result['failures'])} documents with problems:"]
        lines += [f"  {f['document']}: {f['error']}" for f in result["failures"]]
    return "\n".join(lines)


def _prf(t: dict) -> str:
    return f"{t['precision']:>7.3f}{t['recall']:>7.3f}{t['f1']:>7.3f}  "
