"""analyze(document) -> Analysis; a batch of documents parsed together (analyze_batch).

``analyze`` is a pure function of its document and the models (``saidwhat.models.Models``, loaded
once per process; without one the default models for the options): nothing else is kept between
calls, so a Spark executor or a pool worker can run it as it is.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Optional

from saidwhat import clean
from saidwhat.attribute.acts import speech_act
from saidwhat.attribute.channels import channel_of
from saidwhat.attribute.contents import refine
from saidwhat.attribute.extract import PieceReader, RawStatement
from saidwhat.attribute.nonstatements import verdict
from saidwhat.attribute.speakers import SpeakerResolver
from saidwhat.errors import SaidwhatError, message
from saidwhat.figures import figures_in
from saidwhat.language import SAMPLE_CHARS, check_english
from saidwhat.model import Analysis, Document, DocumentError, Entity, Span, Statement
from saidwhat.models import Models, load_models
from saidwhat.pieces import BATCH_CHARS, parse_pieces, readers, report_pieces

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT")
# A bare quote takes the previous statement's speaker only across this many paragraph breaks.
CARRY_OVER_PARAGRAPHS = 1


@dataclass(frozen=True)
class Options:
    techniques: bool = True
    min_score: float = 0.5
    # Attributions beyond the speech-verb rules, chosen by the learnt scorer when it is shipped.
    learned_candidates: bool = True
    # Content boundaries from the learnt CRF (attribute/contents.py) when its model is shipped;
    # ``content_model`` names another model file (training and evaluation use it).
    learned_contents: bool = True
    content_model: Optional[str] = None


# At most this many documents in a batch of the analysis pool (saidwhat.pool): a batch's
# results come back together, so a small bound keeps the stream and the progress bar moving
BATCH_DOCS = 16


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def models_for(options: Options, tagger_threads: Optional[int] = None) -> Models:
    """The models ``options`` ask for (loaded once per process)."""
    return load_models(techniques=options.techniques,
                       learned_candidates=options.learned_candidates,
                       learned_contents=options.learned_contents,
                       content_model=options.content_model, tagger_threads=tagger_threads)


def analyze(doc: Document, options: Options = Options(),
            models: Optional[Models] = None) -> Analysis:
    return analyze_batch([doc], options, models)[0]


def analyze_batch(docs: list[Document], options: Options = Options(),
                  models: Optional[Models] = None) -> list[Analysis]:
    """``analyze`` of each document, their report pieces parsed together (``parse_pieces``);
    each result is exactly what ``analyze`` gives that document alone."""
    if models is None:
        models = models_for(options)
    analyses = [_new_analysis(doc) for doc in docs]
    jobs: list[tuple[int, list[tuple[int, int]]]] = []
    for i, (doc, analysis) in enumerate(zip(docs, analyses)):
        with _errors_into(analysis):
            jobs.append((i, _prepare(doc, analysis)))
    try:
        parses = list(parse_pieces((docs[i].text[s:e] for i, pieces in jobs for s, e in pieces),
                                   models.nlp))
    except Exception:  # one document's failure must not stop the others: parse one by one
        parses = None
    at = 0
    for i, pieces in jobs:
        with _errors_into(analyses[i]):
            if parses is not None:
                own, at = parses[at:at + len(pieces)], at + len(pieces)
            else:
                own = list(parse_pieces((docs[i].text[s:e] for s, e in pieces), models.nlp))
            _analyze_parsed(docs[i].text, analyses[i], pieces, own, options, models)
    return analyses


def _new_analysis(doc: Document) -> Analysis:
    return Analysis(id=doc.id, source=doc.source, text=doc.text,
                    meta={k: v for k, v in (("url", doc.url), ("outlet", doc.outlet),
                                            ("published", doc.published),
                                            ("title", doc.title), ("format", doc.format))
                          if v})


@contextmanager
def _errors_into(analysis: Analysis):
    """A failure inside the block becomes the analysis' error."""
    try:
        yield
    except SaidwhatError as exc:
        analysis.errors.append(DocumentError(exc.code, str(exc)))
    except Exception as exc:  # one document's failure must not stop a batch
        analysis.errors.append(DocumentError("analysis_failed", message(
            "analysis_failed", reason=f"{type(exc).__name__}: {exc}")))


def _prepare(doc: Document, analysis: Analysis) -> list[tuple[int, int]]:
    """The document checked and cut into blocks; its report pieces."""
    text = doc.text
    if not text.strip():
        raise SaidwhatError("empty")
    lone = _LONE_SURROGATE.search(text)
    if lone is not None:  # no parser, UTF-8 output or database takes one (the readers replace them)
        raise SaidwhatError("bad_text", at=lone.start())
    analysis.blocks = clean.find_blocks(text, from_html=doc.format == "html")
    # before the parse, and on the report only: a French cookie banner on an English page
    # does not make it French
    language = check_english(_report_sample(text, analysis.blocks))
    if language is not None:
        analysis.meta["language"] = language
    return report_pieces(text, analysis.blocks)


def _report_sample(text: str, blocks) -> str:
    """The report blocks joined, only as far as the language check reads
    (``language.SAMPLE_CHARS``): a 5M-character text is not copied whole for it."""
    parts, size = [], 0
    for block in blocks:
        if block.kind == "report" and size < SAMPLE_CHARS:
            parts.append(text[block.start:min(block.end, block.start + SAMPLE_CHARS)])
            size += len(parts[-1]) + 1
    return "\n".join(parts)


def _analyze_parsed(text: str, analysis: Analysis, pieces, parses, options: Options,
                    models: Models) -> None:
    scorer = models.scorer if options.learned_candidates else None
    threshold = scorer.threshold if scorer else 1.0
    taggers = models.content_taggers if options.learned_contents and scorer else None
    resolver = SpeakerResolver()
    raw: list[tuple[PieceReader, RawStatement]] = []
    for reader in readers(text, pieces, parses):
        start = reader.offset
        resolver.register(reader.doc, start)
        if taggers is not None:
            found, scored = reader.scored(scorer)
            statements = refine(reader, found, scored, threshold, taggers)
        else:
            statements = reader.statements(scorer, threshold)
        raw.extend((reader, st) for st in statements)
        analysis.entities.extend(
            Entity(e.text, e.label_, start + e.start_char, start + e.end_char)
            for e in reader.ents if e.label_ in ENTITY_LABELS)

    previous_end: Optional[int] = None
    # (position, statement, index in ``made`` of the run's first part or None, reader)
    made: list[tuple[int, Statement, Optional[int], PieceReader]] = []
    for reader, st in sorted(raw, key=lambda pair: (pair[1].content or pair[1].cue)[0]):
        if st.carried and (previous_end is None or
                           _paragraph_breaks(text, previous_end, st.cue[0]) > CARRY_OVER_PARAGRAPHS):
            continue
        cue_token = st.extra.get("cue_token")
        if cue_token is None:
            words = reader.tokens_in(st.cue)
            cue_token = words[0] if words is not None and len(words) else None
        judged = verdict(st.cue_lemma, text[st.content[0]:st.content[1]] if st.content else None,
                         st.speaker_token, st.carried, cue_token, learnt="option" in st.extra,
                         option=st.extra.get("option"), confidence=st.confidence)
        if judged == "drop":
            continue
        if judged == "summary":  # "declined to comment": no content
            st.content, st.kind = None, "summary"
        mention_span = reader.clip_mention(st.speaker_span, st.cue, st.content)
        mention = Span(text[mention_span[0]:mention_span[1]], *mention_span) \
            if mention_span else None
        speaker = resolver.resolve(st.speaker_token, mention, reader.offset, carried=st.carried)
        channel = channel_of(st.cue_lemma, st.speaker_token.lemma_.lower()
                             if st.speaker_token is not None else None)
        head: Optional[int] = None
        for span, kind, link in reader.run_parts(st):
            cue, lemma, said_by = st.cue, st.cue_lemma, speaker
            if link == "cue":
                said_by = replace(speaker)
            elif link == "carried":  # a bare quote: its own cue, no mention
                cue, lemma = span, "quote"
                said_by = replace(speaker, mention=None, mention_kind="none")
            content = Span(text[span[0]:span[1]], *span) if span else None
            local = reader.tokens_in(span) if span else None
            act, stance = speech_act(lemma, list(local) if local is not None else [],
                                     content.text if content else "",
                                     cue_token if link != "carried" else None)
            if kind == "summary":
                act = act if act != "assertion" else "attack"
            statement = Statement(
                speaker=said_by, cue=Span(text[cue[0]:cue[1]], *cue), content=content,
                kind=kind, act=act, stance=stance, channel=channel,
                confidence=round(st.confidence, 2))
            sentence = reader.sentences_over(*statement.bounds())
            statement.sentence = Span(text[sentence[0]:sentence[1]], *sentence)
            made.append(((span or cue)[0], statement, head, reader))
            if head is None:
                head = len(made) - 1
        previous_end = (st.content or st.cue)[1]

    # in text order; a run's parts after its first, whose index they carry as ``continues``
    order = sorted(range(len(made)), key=lambda i: made[i][0])
    index_of = {i: k for k, i in enumerate(order)}
    for i in order:
        _, statement, head, reader = made[i]
        if head is not None:
            statement.continues = index_of[head]
        analysis.statements.append(statement)
        content = statement.content
        if content is not None:
            analysis.figures.extend(figures_in(reader.doc, reader.offset, content.start,
                                               content.end, len(analysis.statements) - 1,
                                               reader.ents))

    if options.techniques:
        _add_techniques(analysis, pieces, options, models)


def _paragraph_breaks(text: str, start: int, end: int) -> int:
    """How many paragraph breaks (runs of newlines) lie between two offsets."""
    return len(re.findall(r"\n\s*", text[start:end])) if end > start else 0


def _add_techniques(analysis: Analysis, pieces, options: Options, models: Models) -> None:
    """Technique spans inside report blocks (``pieces``, as they were parsed), when the
    technique model is installed."""
    if models.tagger is None:
        if models.tagger_unavailable and pieces:
            # Statements stand without techniques: say why the list is empty, fail nothing.
            analysis.techniques_note = f"unavailable: {models.tagger_unavailable}"
        return
    spans = []
    # a piece at a time, as spaCy parses them: the encoder's states for every window of a
    # text are held until its spans are classified (about 0.45 GB per million characters)
    for start, end in pieces:
        for span in models.tagger.tag(analysis.text[start:end], min_score=options.min_score):
            span.start += start
            span.end += start
            spans.append(span)
    analysis.techniques = spans
    for st in analysis.statements:
        if st.content:
            st.techniques = sorted({t.technique for t in spans
                                    if t.start < st.content.end and t.end > st.content.start})
