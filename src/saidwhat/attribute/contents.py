"""Content boundaries learnt from PolNeAR: a linear-chain CRF over the tokens of a paragraph.

The rules (extract.py) and the candidate scorer (scorer.py) decide *that* a verb reports
something; where the reported content starts and ends follows conventions that no single rule
states (PolNeAR keeps the antecedent of "which he said", runs a quote on over the attribution in
its middle, keeps the infinitive of "urged them to …", stops before "he added" …). The CRF reads
each token's parse together with what the rules and the scorer proposed around it (stacking) and
labels it B, I or O of a content; ``refine`` then gives each statement the CRF content that
overlaps its own and adds the scored candidates whose content the CRF confirms.

Learning and Viterbi decoding are CRFsuite's (python-crfsuite); only the features and the
mapping back to statements are written here, because they depend on this project's parse
and statements. The model is trained by ``saidwhat train contents`` on PolNeAR train.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from spacy.attrs import (DEP, ENT_TYPE, HEAD, IDX, IS_SPACE, LEMMA, LENGTH, LOWER, POS,
                         SENT_START, TAG)

from saidwhat.attribute.cues import cue_tokens
from saidwhat.attribute.extract import RawStatement
from saidwhat.attribute.lexicon import BELIEF_VERBS, SPEECH_VERBS
from saidwhat.model import overlap

MODEL_PATH = Path(__file__).with_name("content_tagger.crfsuite")


def source_model_path(content_model: Path) -> Path:
    """The source CRF ships beside the content CRF: ``NAME.crfsuite`` -> ``NAME-sources.crfsuite``."""
    return content_model.with_name(content_model.stem + "-sources" + content_model.suffix)


@lru_cache(maxsize=2)
def load_tagger(path: Optional[str] = None):
    """``(content tagger, source tagger or None)``, or None when the content model file or
    python-crfsuite is missing."""
    file = Path(path) if path else MODEL_PATH
    if not file.exists():
        return None
    try:
        import pycrfsuite
    except ImportError:
        return None
    taggers = []
    for model in (file, source_model_path(file)):
        if model.exists():
            tagger = pycrfsuite.Tagger()
            tagger.open(str(model))
            taggers.append(tagger)
        else:
            taggers.append(None)
    return tuple(taggers)


def paragraphs(spaces: list[bool], breaks: list[bool]) -> list[list[int]]:
    """Token indices of a parsed piece cut at line breaks, whitespace tokens left out;
    ``spaces[i]``: token i is whitespace, ``breaks[i]``: a line break is in it or after it."""
    result: list[list[int]] = []
    current: list[int] = []
    for i, (space, brk) in enumerate(zip(spaces, breaks)):
        if not space:
            current.append(i)
        if brk and current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def _char_tags(reader, found, scored) -> tuple[dict[int, str], dict[int, str]]:
    """Per token index: the tag the rule statements give it (B/I of a content with its kind,
    cue, source) and the tag of the most probable candidate covering it (B/I with a
    probability tenth and the candidate's option)."""
    rule: dict[int, str] = {}
    for st in found:
        if st.content:
            kind = st.kind + ("_bare" if st.carried else "")
            for k, token in enumerate(reader.tokens_in(st.content) or ()):
                rule[token.i] = ("B:" if k == 0 else "I:") + kind
        for name, segment in (("cue", st.cue), ("src", st.speaker_span)):
            if segment:
                for token in reader.tokens_in(segment) or ():
                    rule.setdefault(token.i, name)
    best: dict[int, tuple[float, str]] = {}
    for p, cand in scored:
        span = reader.tokens_in(cand.content)
        if span is None:
            continue
        tenth = min(9, int(p * 10))
        for k, token in enumerate(span):
            if p > best.get(token.i, (-1.0, ""))[0]:
                best[token.i] = (p, f"{'B' if k == 0 else 'I'}:{tenth}:{cand.option}")
        cue = cand.cue
        if p > best.get(cue.i, (-1.0, ""))[0]:
            best[cue.i] = (p, f"cue:{tenth}")
    return rule, {i: tag for i, (_, tag) in best.items()}


def _lexicon(lemma: str) -> str:
    return "speech" if lemma in SPEECH_VERBS else "belief" if lemma in BELIEF_VERBS else ""


def _reporting_ancestors(heads: list[int], deps: list[str], kinds: list[str]) -> list[str]:
    """Per token, how it hangs from the nearest reporting verb above it: "speech:ccomp" when
    it lies in the clausal complement of a speech verb, "rulecue:dobj" below a rule cue, and
    so on (up to six steps up the parse; "" when none). One pass with memoisation, since
    walking up from every token was a tenth of the analysis time."""
    memo: dict[int, tuple[str, int]] = {}

    def walk(i: int) -> tuple[str, int]:
        if i in memo:
            return memo[i]
        h = heads[i]
        if h == i:
            found = ("", 99)
        elif kinds[h]:
            found = (f"{kinds[h]}:{deps[i]}", 1)
        else:
            above, steps = walk(h)
            found = (above, steps + 1)
        memo[i] = found
        return found

    return [label if steps <= 6 else "" for label, steps in map(walk, range(len(heads)))]


_COLUMNS = [IDX, LENGTH, IS_SPACE, LOWER, LEMMA, POS, TAG, DEP, HEAD, ENT_TYPE, SENT_START]


@lru_cache(maxsize=65536)
def _lower_of(word: str) -> str:
    return word.lower()


def sequence_features(reader, found, scored, reporting_only: bool = False
                      ) -> list[tuple[list[tuple[int, int]], list[list[str]]]]:
    """(character bounds of each token, features per token) for every paragraph of the piece;
    with ``reporting_only``, only for the paragraphs where something may be reported: a rule
    statement, a candidate, a word of saying or believing, or a quote."""
    doc = reader.doc
    rule, cand = _char_tags(reader, found, scored)
    # Token attributes read once, as one array: spaCy builds a Python object per token
    # access, which made this loop a sixth of the analysis after the parse.
    strings = doc.vocab.strings
    columns = doc.to_array(_COLUMNS).T.tolist() if len(doc) else [[] for _ in _COLUMNS]
    idxs, lengths, spaces, lower_ids, lemma_ids, pos_ids, tag_ids, dep_ids, rel_heads, \
        ent_ids, sent_starts = columns
    offset = reader.offset
    text = doc.text
    bounds = [(offset + i, offset + i + n) for i, n in zip(idxs, lengths)]
    spaces = [bool(x) for x in spaces]
    breaks = [bool(x) and "\n" in text[i:i + n] for x, i, n in zip(spaces, idxs, lengths)]
    lowers = [strings[x] for x in lower_ids]
    lemmas = [_lower_of(strings[x]) for x in lemma_ids]
    poses = [strings[x] if x else "" for x in pos_ids]
    tags = [strings[x] if x else "" for x in tag_ids]
    deps = [strings[x] if x else "" for x in dep_ids]
    heads = [i + (h if h < 2 ** 63 else h - 2 ** 64) for i, h in enumerate(rel_heads)]
    ents = [strings[x] if x else "" for x in ent_ids]
    starts = [x == 1 for x in sent_starts]
    lexes = [_lexicon(lemma) for lemma in lemmas]
    kinds = list(lexes)
    for i, tag in cand.items():
        if tag.startswith("cue:"):
            kinds[i] = "cand" + tag[4]
    for i, tag in rule.items():
        if tag == "cue":
            kinds[i] = "rulecue"
    ancestors = _reporting_ancestors(heads, deps, kinds)
    quoted = [False] * len(doc)
    for q in reader.quotes:
        for t in reader.tokens_in((q.start, q.end)) or ():
            quoted[t.i] = True
    result = []
    for indices in paragraphs(spaces, breaks):
        if reporting_only and not any(i in rule or i in cand or lexes[i] or quoted[i]
                                      for i in indices):
            continue
        own = []
        for i in indices:
            h = heads[i]
            f = [
                "b",
                "w=" + lowers[i],
                "p=" + poses[i],
                "t=" + tags[i],
                "d=" + deps[i],
                "hd=" + deps[h] + ":" + deps[i],
                "hp=" + poses[h],
                "r=" + rule.get(i, "O"),
                "c=" + cand.get(i, "O"),
                "q=" + str(quoted[i]),
            ]
            if poses[h] in ("VERB", "AUX"):
                f.append("hl=" + lemmas[h])
                if lexes[h]:
                    f.append("hx=" + lexes[h] + ":" + deps[i])
            if lexes[i]:
                f.append("x=" + lexes[i])
            if ancestors[i]:
                f.append("a=" + ancestors[i])
            if starts[i]:
                f.append("ss")
            if ents[i]:
                f.append("e=" + ents[i])
            own.append(f)
        features = []
        n = len(indices)
        for k in range(n):
            f = list(own[k])
            for d in (-2, -1, 1, 2):
                j = k + d
                if 0 <= j < n:
                    o = own[j]
                    # neighbours: word, rule tag, candidate tag, dependency
                    f.append(f"{d}w={o[1][2:]}")
                    f.append(f"{d}{o[7]}")
                    f.append(f"{d}{o[8]}")
                    if abs(d) == 1:
                        f.append(f"{d}{o[4]}")
                        f.append(f"{d}{o[9]}")
                else:
                    f.append(f"{d}edge")
            f.append(f"rr={own[k][7]}|{own[k - 1][7] if k else 'start'}")
            features.append(f)
        result.append(([bounds[i] for i in indices], features))
    return result


def labelled_spans(bounds: list[tuple[int, int]], labels: list[str], begin: str = "B",
                   inner: str = "I") -> list[tuple[int, int]]:
    """Character spans of the ``begin``/``inner`` runs in one paragraph's labels
    (``bounds``: each token's character start and end)."""
    spans = []
    start = None
    last = None
    for (token_start, token_end), label in zip(bounds, labels):
        if label == begin or (label == inner and start is None):
            if start is not None:
                spans.append((start, last))
            start = token_start
        elif label != inner and start is not None:
            spans.append((start, last))
            start = None
        last = token_end
    if start is not None:
        spans.append((start, last))
    return spans


def _clip(span, own, statements):
    """``span`` cut so that it takes in no other statement's content: a quote that follows
    an indirect statement and has a statement of its own stays that statement's."""
    start, end = span
    for other in statements:
        if other.content is None or other.content == own:
            continue
        o_start, o_end = other.content
        if own[1] <= o_start < end:
            end = o_start
        elif start < o_end <= own[0]:
            start = o_end
    return start, end


def _short_of_source(reader, span, st):
    """``span`` kept off the statement's own source where the rules found the content wholly
    before it and nothing but the attribution follows ("There is no evidence, the regional
    commission said, according to a wire service"). A content after its source may take it
    in ("A further 17 firms, according to the report, had …"), and so may one the rules found
    around it ("This campaign, he says, is different"): PolNeAR's convention."""
    verb = st.extra.get("cue_token")
    if st.speaker_span is None or st.content is None or verb is None:
        return span
    start, end = span
    s_start = st.speaker_span[0]
    if not st.content[1] <= s_start < end or end > reader.end(verb.right_edge):
        return span
    said_after = any(c.i > verb.i and c.dep_ not in _ATTRIBUTION_DEPS for c in verb.children)
    return span if said_after else (start, s_start)


# what may follow a cue in its own attribution ("said on Monday, according to Reuters")
_ATTRIBUTION_DEPS = ("punct", "advmod", "npadvmod", "prep", "dobj", "dative")


def _from_governor(reader, span):
    """A statement for a CRF content that no rule or candidate proposed: its cue is the word
    that governs the content from outside it ("criticized [Clinton for accepting …]"), its
    speaker that word's subject."""
    local = reader.tokens_in(span)
    if local is None:
        return None
    inside = {t.i for t in local}
    governors = []
    for token in local:
        head = token.head
        if head.i in inside:
            continue
        if head.pos_ == "ADP" and head.head.i not in inside:
            head = head.head  # "talked about [X]", "his support for [X]"
        if not reader.inside_quote(head):
            governors.append(head)
    verbs = [g for g in governors if g.pos_ in ("VERB", "AUX")]
    nouns = [g for g in governors if g.pos_ == "NOUN"]
    if not verbs and not nouns:
        return None
    cue = min(verbs or nouns, key=lambda g: min(abs(g.i - local.start), abs(g.i - local.end)))
    if verbs:
        subject = reader.subject_of(cue)
        cue_span = reader.span_of(cue_tokens(cue))
    else:
        # A nominal cue ("his support for", "a swipe at"): the possessor speaks, or the
        # subject of the verb the noun is the object of ("took a swipe at").
        subject = next((c for c in cue.children if c.dep_ == "poss"), None)
        if subject is None and cue.dep_ == "dobj":
            subject = reader.subject_of(cue.head)
        cue_span = (reader.start(cue), reader.end(cue))
    return RawStatement(cue_span, cue.lemma_.lower(), span, "indirect",
                        subject, reader.mention_span(subject) if subject is not None else None,
                        confidence=0.5, extra={"option": "crf"})


# A CRF content goes to a statement whose content it overlaps by at least this share of the
# longer span. Chosen on held-out train articles (model fitted on the other 80%): 0.5 / 0.3 /
# 0.2 / 0.1 / 0.05 gave content >=50% F1 0.692 / 0.700 / 0.703 / 0.705 / 0.705 and attribution
# 0.559 / 0.570 / 0.573 / 0.575 / 0.575 (a CRF span and a statement this close are one
# attribution whose boundaries disagree; dropping unconfirmed candidates under 0.4 was flat).
MIN_OVERLAP = 0.1


def refine(reader, found, scored, threshold: float, taggers):
    """Statements with the CRF's content boundaries.

    Each CRF content goes to the statement whose content overlaps it most (``MIN_OVERLAP``), or
    else to the best scored candidate under ``threshold`` overlapping it by half. Statements
    the CRF does not confirm stay as they are (dropping them lost 0.01-0.015 content F1 on
    held-out train articles: the CRF misses more than the rules overclaim)."""
    content_tagger, source_tagger = taggers
    sequences = sequence_features(reader, found, scored, reporting_only=True)
    spans = []
    for bounds, features in sequences:
        spans.extend(labelled_spans(bounds, content_tagger.tag(features)))
    statements = reader.accept(found, scored, threshold)
    pairs = sorted(((overlap(st.content, s), i, j) for i, st in enumerate(statements)
                    if st.content for j, s in enumerate(spans)), reverse=True)
    given: dict[int, tuple[int, int]] = {}
    used: set[int] = set()
    for score, i, j in pairs:
        if score < MIN_OVERLAP or i in given or j in used:
            continue
        given[i] = spans[j]
        used.add(j)
    for i, span in sorted(given.items()):  # in text order: a clip sees earlier refinements
        st = statements[i]
        if st.extra.get("rule") == "signed":
            continue  # a signed quote is the quote: its mark and its signature bound it
        shaped = reader.shape_span(*_short_of_source(reader, _clip(span, st.content, statements), st))
        if shaped[0] is not None:
            st.content, st.kind = shaped
    result = list(statements)
    rest = [spans[j] for j in range(len(spans)) if j not in used]
    for span in rest:
        options = [(p, cand) for p, cand in scored if overlap(cand.content, span) >= 0.5]
        if options:
            p, cand = max(options, key=lambda pc: pc[0])
            st = reader.from_candidate(cand, p)
        else:
            st = _from_governor(reader, span)
            if st is None:
                continue
            same_cue = [other for other in result
                        if other.cue[0] < st.cue[1] and st.cue[0] < other.cue[1]]
            # A summary ("X attacked critics of …") keeps its reading: the act is reported,
            # not content.
            if any(other.kind == "summary" for other in same_cue):
                continue
        shaped = reader.shape_span(*span)
        if shaped[0] is not None:
            st.content, st.kind = shaped
            result.append(st)
    if source_tagger is not None:
        # Sources are tagged only in the paragraphs that hold a statement without a speaker.
        wanted = [st.cue[0] for st in result if st.speaker_span is None]
        sources = []
        for bounds, features in sequences:
            if bounds and any(bounds[0][0] <= pos < bounds[-1][1] for pos in wanted):
                sources.extend(labelled_spans(bounds, source_tagger.tag(features)))
        for st in result:
            _take_source(reader, st, sources)
    result = [st for st in result if not _inside_report(st, result)]
    result.sort(key=lambda s: (s.content or s.cue)[0])
    return result


def _inside_report(st, statements) -> bool:
    """Whether ``st`` is part of what another statement reports rather than an attribution of
    its own: its cue lies inside the other's content and it is a belief (“he said [he thinks
    …]”) or an indirect report inside an indirect report (“she said [the aides told her …]”).
    PolNeAR annotates the outer report only; on 20% of train, dropping these raised content
    ≥50% F1 0.711 -> 0.717 and attribution 0.591 -> 0.597 (docs/accuracy.md)."""
    for other in statements:
        if other is st or other.content is None or st.content is None:
            continue
        if not (other.content[0] <= st.cue[0] and st.cue[1] <= other.content[1]):
            continue
        if st.cue_lemma in BELIEF_VERBS or (st.kind == other.kind == "indirect"):
            return True
    return False


def _source_head(span):
    """The word that names a source span's speaker. ``Span.root`` takes the first of two
    heads the small parser gives one phrase ("Leakwatch | editor-in-chief Anna Holm",
    both subjects of "said"); a named person among them is the speaker, as ``subject_of``
    ranks a verb's subjects."""
    heads = [t for t in span if t.head.i == t.i or not span.start <= t.head.i < span.end]
    return min(heads, key=lambda t: (t.ent_type_ != "PERSON", t.i), default=span.root)


def _take_source(reader, st, sources) -> None:
    """A statement without a speaker in its sentence takes the CRF's source there: the
    nearest to its cue ("“America is great!” read one sign", "… wavered in answering")."""
    if st.speaker_span is not None:
        return
    sentence = reader.sentence_bounds(st.cue[0])
    here = [s for s in sources if sentence[0] <= s[0] and s[1] <= sentence[1]
            and not (st.content and st.content[0] <= s[0] and s[1] <= st.content[1])]
    if not here:
        return
    nearest = min(here, key=lambda s: min(abs(s[0] - st.cue[1]), abs(st.cue[0] - s[1])))
    local = reader.tokens_in(nearest)
    if local is None:
        return
    st.speaker_token = _source_head(local)
    st.speaker_span = reader.trim(*nearest)
    st.carried = False
