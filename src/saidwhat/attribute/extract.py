"""Statements from the parse: cue + speaker token + content span, before speaker resolution.

Reads one parsed piece of report text at a time (a spaCy Doc and the character offset of its
first character in the analysed text). Finds, in this order of preference for each cue verb:
a direct quote that its clausal complement lies in, a reported clause (``ccomp``), "X as Y"
("dismissed the footage as ‘cinema’"), a to-infinitive ("vowed to …"), a quote right before or
after the cue clause. Then "according to X", then bare quotes with no cue in their sentence
(their speaker carries over from the statement before). ``match`` only; resolution of the
speaker token to a person happens in speakers.py.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Token

from saidwhat.attribute.cues import cue_lemma, cue_tokens
from saidwhat.attribute.lexicon import (BELIEF_VERBS, DOCUMENT_WORDS, INFINITIVE_CONTENT_VERBS,
                                        PARTICIPLE_LINKS, SPEECH_VERBS, SUMMARY_ACTS)
from saidwhat.attribute.quotes import Quote
from saidwhat.attribute.scorer import AttributionScorer

_SUBJECT_DEPS = ("nsubj",)
# “…” ― Ana Ruiz: a dash after the closing mark and a capitalised name to the end of the line
_SIGNATURE = re.compile(r"[ \t\u00a0]*(?P<dash>[―—–]|--)[ \t\u00a0]*"
                        r"(?P<name>[A-Z][\w’'.-]*(?:[ \u00a0][A-Z][\w’'.-]*){0,3})"
                        r"[ \t\u00a0.,]*(?:\n|$)")
_NOMINAL = ("NOUN", "PROPN", "PRON")
# Verbs whose object does what their infinitive says ("prompted the minister to deny").
_OBJECT_CONTROL_VERBS = {"lead", "force", "prompt", "cause", "push", "compel", "persuade",
                         "convince", "encourage", "press", "pressure", "spur", "drive"}
_ASIDE_OPENERS = ("--", "—", "–", "(")
_ASIDE_ENDS = ("--", "—", "–", ")")
_RAISING_VERBS = {"seem", "appear"}
_AS_VERBS = {"dismiss", "describe", "call", "label", "brand", "deride", "denounce", "reject",
             "characterize", "characterise", "portray", "mock", "ridicule", "condemn", "slam",
             "praise", "hail", "criticize", "criticise", "blast", "attack"}
_TITLE_SMALL_WORDS = {"a", "an", "the", "of", "to", "in", "on", "and", "or", "for", "at", "by",
                      "with", "from"}
_EDGE_PUNCT = set(".,;:!?—–-()[]")


@dataclass
class RawStatement:
    cue: tuple[int, int]
    cue_lemma: str
    content: Optional[tuple[int, int]]
    kind: str
    speaker_token: Optional[Token] = None
    speaker_span: Optional[tuple[int, int]] = None
    carried: bool = False  # speaker to be taken from the statement before
    confidence: float = 0.7
    extra: dict = field(default_factory=dict)


class PieceReader:
    """Statement matching over one parsed piece; ``offset`` maps token.idx to text offsets."""

    def __init__(self, doc: Doc, offset: int, text: str, quotes: list[Quote]):
        self.doc = doc
        self.offset = offset
        self.text = text
        lo, hi = offset, offset + len(doc.text)
        self.end_offset = hi  # Doc.text joins every token on each access: keep its end
        self.quotes = [q for q in quotes if q.start >= lo and q.end <= hi]
        # Doc.ents walks the whole piece on every access: read it once.
        self.ents = doc.ents
        self.ent_bounds = [(e.start, e.end, e.label_) for e in self.ents]
        self.ent_starts = [start for start, _, _ in self.ent_bounds]
        self._sentences: Optional[list[tuple[int, int]]] = None
        self._newlines: Optional[list[int]] = None
        self._inner_lengths: Optional[list[int]] = None

    # -- character helpers -------------------------------------------------------------
    def start(self, token: Token) -> int:
        return self.offset + token.idx

    def end(self, token: Token) -> int:
        return self.offset + token.idx + len(token.text)

    def tokens_in(self, segment: tuple[int, int]):
        """The spaCy span over the tokens that ``segment`` (text offsets) touches, or None."""
        return self.doc.char_span(segment[0] - self.offset, segment[1] - self.offset,
                                  alignment_mode="expand")

    def line_of(self, pos: int) -> int:
        """How many line breaks of the piece lie before text offset ``pos``."""
        if self._newlines is None:
            self._newlines = [i for i in range(self.offset, self.end_offset)
                              if self.text[i] == "\n"]
        return bisect_right(self._newlines, pos - 1)

    def span_of(self, tokens) -> tuple[int, int]:
        tokens = list(tokens)
        return self.start(min(tokens, key=lambda t: t.i)), self.end(max(tokens, key=lambda t: t.i))

    def trim(self, start: int, end: int) -> tuple[int, int]:
        """Strip spaces and edge punctuation; keep quote marks (they are handled by callers)."""
        while start < end and (self.text[start].isspace() or self.text[start] in _EDGE_PUNCT):
            start += 1
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in _EDGE_PUNCT):
            # A question or exclamation mark is part of what was said ("Did it work?").
            if self.text[end - 1] in "?!":
                break
            # A closing bracket that closes one inside the span belongs to it: "(R-Fla.)".
            if self.text[end - 1] in ")]" and self.text[start:end].count(
                    "(" if self.text[end - 1] == ")" else "[") >= self.text[start:end].count(
                    self.text[end - 1]):
                break
            end -= 1
        return start, end

    def clip_mention(self, mention: Optional[tuple[int, int]], cue: tuple[int, int],
                     content: Optional[tuple[int, int]]) -> Optional[tuple[int, int]]:
        """A speaker mention stops where its statement's cue or content begins: a subject
        modified by the cue itself ("the candidates debating whether …", "the PAC backing
        Bush") would otherwise name the speaker with what is said. A content that runs around
        its attribution ("“…,” he said. “…”") holds the mention by design and clips nothing."""
        if mention is None:
            return None
        start, end = mention
        around = content is not None and content[0] <= cue[0] and cue[1] <= content[1]
        for other in (cue,) if around or content is None else (cue, content):
            if start < other[0] < end:
                end = other[0]
            elif other[0] <= start < other[1]:
                start = other[1]
        start, end = self.trim(start, end) if start < end else (start, start)
        return (start, end) if start < end else None

    def quote_at(self, pos: int) -> Optional[Quote]:
        for q in self.quotes:
            if q.start <= pos < q.end:
                return q
        return None

    def inside_quote(self, token: Token) -> bool:
        pos = self.start(token)
        return any(q.start < pos < q.end - q.width for q in self.quotes)

    # -- the statements ------------------------------------------------------------------
    def statements(self, scorer: Optional[AttributionScorer] = None, threshold: float = 0.5
                   ) -> list[RawStatement]:
        """Rule statements, then (with a ``scorer``) the learnt candidates that score at least
        ``threshold`` and do not overlap a rule statement."""
        found, scored = self.scored(scorer)
        return self.accept(found, scored, threshold)

    def scored(self, scorer: Optional[AttributionScorer]) -> tuple[list[RawStatement], list[tuple[float, object]]]:
        """The rule statements the scorer keeps, and every other candidate with its
        probability (empty without a scorer)."""
        found = self.rule_statements()
        if scorer is None:
            return found, []
        rule_threshold = scorer.rule_threshold
        kept = []
        for st in found:
            features = self.rule_features(st)
            if features is not None:
                st.confidence = round(scorer.probability(features), 3)
                # Bare quotes keep their place whatever the score: PolNeAR folds most of
                # them into a neighbouring attribution, so it cannot teach their verdict.
                if st.confidence < rule_threshold and st.extra.get("rule") != "bare":
                    continue
            kept.append(st)
        return kept, [(scorer.probability(cand.features), cand) for cand in self.candidates(kept)]

    def accept(self, found: list[RawStatement], scored: list[tuple[float, object]],
               threshold: float) -> list[RawStatement]:
        """``found`` plus the best candidate per verb at ``threshold`` or above, where it does
        not overlap a statement already found."""
        found = list(found)
        if scored:
            best: dict[int, tuple[float, object]] = {}
            for p, cand in scored:
                if p >= threshold and p > best.get(cand.cue.i, (0.0, None))[0]:
                    best[cand.cue.i] = (p, cand)
            found.extend(self.from_candidate(cand, p) for p, cand in best.values())
            found = _drop_overlapping(found)
        found.sort(key=lambda s: (s.content or s.cue)[0])
        return found

    def candidates(self, taken: list[RawStatement]):
        """Learnt-scorer candidates for the verbs and headline lines the rules left alone;
        the best-scoring reading per verb is chosen by the caller."""
        from saidwhat.attribute.candidates import candidates_for, headline_candidate

        cue_starts = {s.cue[0] for s in taken}
        for sent in self.doc.sents:
            head = headline_candidate(self, sent)
            if head is not None and self.start(head.cue) not in cue_starts:
                yield head
            for token in sent:
                if token.pos_ != "VERB" or self.start(token) in cue_starts:
                    continue
                if self.inside_quote(token):
                    continue
                yield from candidates_for(self, token)

    def rule_features(self, st: RawStatement) -> Optional[dict]:
        """Scorer features of a rule statement (the scorer learnt which rule outputs PolNeAR
        annotators agree with: "said" almost always, "know" or "continued" much less)."""
        from saidwhat.attribute.candidates import features

        cue = st.extra.get("cue_token")
        if cue is None or st.content is None:
            return None
        option = "rule_" + st.extra.get("rule", "cue")
        return features(self, cue, option, st.content, st.kind, st.speaker_token,
                        lemma=st.cue_lemma)

    def from_candidate(self, cand, p: float) -> RawStatement:
        cue = cand.cue
        cue_span = self.span_of(cue_tokens(cue)) if cand.option != "headline" else (
            self.start(cue), self.end(cue))
        subject = cand.subject
        return RawStatement(cue_span, cue.lemma_.lower() if cand.option != "headline" else ":",
                            cand.content, cand.kind, subject,
                            cand.mention or (self.mention_span(subject)
                                             if subject is not None else None),
                            confidence=p,
                            extra={"option": cand.option})

    def rule_statements(self) -> list[RawStatement]:
        found: list[RawStatement] = []
        used_quotes: set[Quote] = set()
        for token in self.doc:
            lemma = cue_lemma(token)
            if lemma and not self.inside_quote(token):
                st = self.from_cue(token, lemma)
            elif token.lower_ in ("according", "per") and not self.inside_quote(token):
                st = self.from_according(token)
            else:
                continue
            if st:
                found.append(st)
        for st in found:
            if st.content:
                for q in self.quotes:
                    if st.content[0] <= q.start and q.end <= st.content[1]:
                        used_quotes.add(q)
        signed = self.signed_quotes(used_quotes)
        signed_spans = {st.content for st in signed}
        used_quotes |= {q for q in self.quotes if (q.start, q.end) in signed_spans}
        found.extend(signed)
        found.extend(self.bare_quotes(found, used_quotes))
        return self.merge_quote_runs(found)

    def signed_quotes(self, used: set[Quote]) -> list[RawStatement]:
        """A quote signed with a dash and a name at the end of its line (“…” ― Ana Ruiz), as
        readers' testimonies and epigraphs are: said by that name."""
        out = []
        for q in self.quotes:
            if q in used or not q.closed:
                continue
            m = _SIGNATURE.match(self.text, q.end, self.end_offset)
            if m is None:
                continue
            name = self.tokens_in(m.span("name"))
            if name is None or not len(name) or not any(t.pos_ == "PROPN" for t in name):
                continue
            out.append(RawStatement(m.span("dash"), "say", (q.start, q.end), "direct",
                                    speaker_token=name.root, speaker_span=m.span("name"),
                                    confidence=0.8, extra={"rule": "signed"}))
        return out

    def merge_quote_runs(self, found: list[RawStatement]) -> list[RawStatement]:
        """“First part,” she said. “Second part.” — a direct quote (or an indirect statement
        with a quoted fragment: X “…,” said Y) followed, in the same paragraph, by a bare quote
        is one run whose content runs over both quotes (the attribution between them
        included, as PolNeAR marks it with a discontinuous span), however long the
        attribution ("…,” said X, who …, asking for anonymity. “…”) and past statements inside
        it ("…,” X said, adding that …. “…”). Not after a plain indirect statement: the founding
        example keeps "He also claimed that …. “…”" as two. Each step's held-out numbers are in
        docs/accuracy.md.

        The scorer and the content CRF learnt from PolNeAR, which annotates a run as one
        attribution, so they see it whole; ``extra["run"]`` keeps where its quotes were, for
        ``run_parts`` to cut the output into one statement per quote."""
        found = sorted(found, key=lambda s: (s.content or s.cue)[0])
        merged: list[RawStatement] = []
        for st in found:
            prev = self._quote_run_head(merged, st)
            if prev is not None:
                run = prev.extra.setdefault("run", {"head_end": prev.content[1], "quotes": []})
                run["quotes"].append(st.content)
                prev.content = (prev.content[0], st.content[1])
                continue
            merged.append(st)
        return merged

    def _quote_run_head(self, merged: list[RawStatement], st: RawStatement):
        """The direct or mixed statement a bare quote continues, looking back past statements
        that lie inside the attribution between them ("…,” X said, adding that …. “…”)."""
        if not (st.carried and st.content):
            return None
        for prev in reversed(merged):
            if not prev.content or prev.content[1] > st.content[0]:
                return None
            if "\n" in self.text[prev.content[1]:st.content[0]]:
                return None
            if prev.kind in ("direct", "mixed"):
                return prev if self.text[prev.content[0]] != "\n" else None
        return None

    def run_parts(self, st: RawStatement) -> list[tuple[Optional[tuple[int, int]], str, str]]:
        """The statement's content cut into its quotes, as ``(content, kind, link)`` parts in
        text order. ``link`` is "head" for the first part, "cue" for a quote that follows the
        attribution in the same sentence (“A,” she said, “B.”: it shares the cue and the
        mention) and "carried" for a bare quote continuing the run (its speaker is carried
        over). A statement that is no run is its one part, unchanged.

        The first part begins where the content begins and the last ends where it ends, so
        that their hull is the content the scorer and the CRF worked with (the PolNeAR scorer
        merges them back); a cut that would not keep that is not made."""
        whole = [(st.content, st.kind, "head")]
        if st.content is None or st.kind not in ("direct", "mixed"):
            return whole
        start, end = st.content
        run = st.extra.get("run")
        bare = [q for q in run["quotes"] if start < q[0] and q[1] <= end] if run else []
        head_end = end
        if bare:
            # the head's own content, unless the CRF moved it
            head_end = run["head_end"] if start < run["head_end"] <= bare[0][0] else bare[0][0]
        spans = self._split_at_attribution(st, *self.trim(start, head_end))
        spans += [((q[0], q[1] if k + 1 < len(bare) else end), "carried")
                  for k, q in enumerate(bare)]
        if (len(spans) == 1 or spans[0][0][0] != start or spans[-1][0][1] != end
                or any(e <= s for (s, e), _ in spans)):
            return whole
        return [(span, self.fit_quotes(*span)[1], link) for span, link in spans]

    def _split_at_attribution(self, st: RawStatement, start: int, end: int):
        """``[(span, link)]``: ``start``–``end`` cut at the statement's own attribution when
        it lies inside and a quote closes right before it: the quote before, and the first
        quote that opens after it, up to ``end``. That second part shares the cue (“A,” she
        said, “B.”) unless a sentence ends before it (“A,” she said, smiling. “B.”: its speaker
        is carried over). Without such a quote only the part before the attribution is left."""
        cue = st.cue
        if not (start < cue[0] and cue[1] < end):
            return [((start, end), "head")]
        words = [cue]
        if st.speaker_span and start < st.speaker_span[0] and st.speaker_span[1] < end:
            words.append(st.speaker_span)
        attribution = (min(w[0] for w in words), max(w[1] for w in words))
        first = self.trim(start, attribution[0])
        if not any(q.end == first[1] for q in self.quotes):
            return [((start, end), "head")]
        after = min((q for q in self.quotes if attribution[1] <= q.start < end),
                    key=lambda q: q.start, default=None)
        if after is None:
            return [(first, "head")]
        between = self.text[attribution[1]:after.start]
        # past words of the attribution ("…,” X said on “Today.”) a quote is said only when it
        # is sentence-like, as a bare quote must be
        if between.strip(" ,;:—–-\u00a0") and not self.sentence_like(after):
            return [(first, "head")]
        link = "carried" if any(c in between for c in ".!?") else "cue"
        return [(first, "head"), ((after.start, end), link)]

    def from_cue(self, verb: Token, lemma: str) -> Optional[RawStatement]:
        subject = self.subject_of(verb)
        cue_span = self.span_of(cue_tokens(verb))
        content, kind = self.content_of(verb, lemma, subject)
        if content is None:
            act = SPEECH_VERBS.get(lemma, ("", ""))[0]
            if (act in SUMMARY_ACTS and subject is not None and subject.pos_ in ("PROPN", "PRON")
                    and any(c.dep_ == "dobj" for c in verb.children)):
                return RawStatement(cue_span, lemma, None, "summary", subject,
                                    self.mention_span(subject), confidence=0.5)
            return None
        if subject is None and lemma in BELIEF_VERBS:
            return None
        conf = 0.9 if kind == "direct" else 0.75
        if lemma in BELIEF_VERBS:
            conf -= 0.2
        return RawStatement(cue_span, lemma, content, kind, subject,
                            self.mention_span(subject) if subject is not None else None,
                            confidence=conf,
                            extra={"rule": "cue", "cue_token": verb})

    def subject_of(self, verb: Token, depth: int = 0) -> Optional[Token]:
        # the small parser sometimes gives a verb two subjects ("Leakwatch editor-in-chief
        # Anna Holm said"): a named person first, then the nearer one, never a noun
        # right after a preposition ("A spokesperson … because of agency policy said")
        def rank(c: Token):
            after_preposition = c.left_edge.i > 0 and self.doc[c.left_edge.i - 1].pos_ == "ADP"
            return after_preposition, c.ent_type_ != "PERSON", abs(c.i - verb.i)

        for child in sorted((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), key=rank):
            if child.lower_ == "it" and verb.lemma_.lower() in _RAISING_VERBS:
                return None  # "it seems that …": nobody is said to speak
            # (offsets into the whole text: Doc.text joins every token on each access)
            if "\n" in self.text[self.start(child):self.start(verb)]:
                # a dateline parsed into the sentence ("ZUG, SWITZERLAND\n\nVantor, …,
                # announced"): the subject is the conjunct on the verb's own line
                line = self.text.rfind("\n", 0, self.start(verb))
                own = [c for c in list(child.conjuncts) + [a for a in child.children
                                                            if a.dep_ == "appos"]
                       if self.start(c) > line and c.i < verb.i]
                if own:
                    return own[0]
            return child
        if verb.i > 0 and self.doc[verb.i - 1].is_punct and verb.lemma_.lower() in SPEECH_VERBS \
                and verb.tag_ != "VBG":
            # "…,” wrote Marek in a report; "…, said another witness, …": the small parser
            # takes the speaker after an inverted cue for its object (not a participle's
            # object: "…, telling Marek, …" is said to Marek)
            for child in verb.children:
                if child.dep_ in ("dobj", "attr") and child.pos_ in ("NOUN", "PROPN") \
                        and child.left_edge.i == verb.i + 1:
                    return child
        for child in verb.children:
            if child.dep_ == "agent":  # "was criticized by his rivals": the rivals speak
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            return None  # "it was revealed that …" names no speaker: do not borrow one
        if verb.head.i != verb.i and (verb.dep_ == "xcomp" or (
                verb.dep_ == "advcl" and verb.tag_ == "VB"
                and verb.head.lemma_.lower() in _OBJECT_CONTROL_VERBS)):
            # "led the manufacturer to announce …", "forced the mayor to admit …": the
            # object of the governing verb is the one who speaks (the small parser takes
            # some of these infinitives for adverbial clauses of purpose)
            controller = next((c for c in verb.head.children if c.dep_ == "dobj"
                               and c.i < verb.i and c.pos_ in _NOMINAL), None)
            if controller is not None:
                return controller
        if depth < 3 and verb.dep_ in PARTICIPLE_LINKS and verb.head.i != verb.i:
            if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in _NOMINAL:
                return verb.head  # "the man shouting …": the noun the participle modifies
            if (verb.dep_ == "acl" and verb.tag_ == "VBD" and verb.head.pos_ in _NOMINAL
                    and verb.i > 0 and verb.doc[verb.i - 1].text == ","):
                # "The company, which is expected to …, confirmed that …": a finite verb the
                # parser hung from its subject as a modifier
                return verb.head
            # "…, adding that …", "said X and added Y", "wants to explain": the speaker is
            # the governing subject.
            head = verb.head
            if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.i != head.i:
                head = head.head  # "wavered in answering", "began by talking about"
            if verb.lemma_.lower() in SPEECH_VERBS and verb.tag_ == "VBG":
                # "The commission is frustrated with …, saying …": the copula's subject;
                # "Delaney was known for telling others …": the passive verb's subject
                if head.dep_ == "acomp" and head.head.i != head.i:
                    head = head.head
                passive = next((c for c in head.children if c.dep_ == "nsubjpass"), None)
                if passive is not None and not any(c.dep_ == "agent" for c in head.children):
                    return passive
            if not self.inside_quote(verb):
                # 'X said, “We are pleased” at …, adding that …': the parser hangs the
                # participle from the quote's verb; its speaker is the one outside the quote
                while self.inside_quote(head) and head.head.i != head.i:
                    head = head.head
            if (verb.tag_ in ("VBG", "VBD", "VBZ", "VBP", "VBN") or verb.dep_ == "conj"
                    or (verb.dep_ in ("xcomp", "advcl") and verb.tag_ == "VB")):
                return self.subject_of(head, depth + 1)
        return None

    def mention_span(self, token: Token) -> tuple[int, int]:
        """The speaker's noun phrase: the subtree of ``token`` (relative clauses included, as
        PolNeAR marks sources: "Chris Cox, who runs the NRA's lobbying arm,"), within one line
        (a headline subject must not run into the dateline below it)."""
        tokens = list(token.subtree)
        breaks = [t.i for t in tokens if "\n" in t.whitespace_ or (t.is_space and "\n" in t.text)]
        line_start = max((i for i in breaks if i < token.i), default=None)
        line_end = min((i for i in breaks if i >= token.i), default=None)
        kept = {t.i for t in tokens if not t.is_space and (line_start is None or t.i > line_start)
                and (line_end is None or t.i <= line_end)}
        first = last = token.i
        while first - 1 in kept:
            first -= 1
        while last + 1 in kept:
            last += 1
        return self.trim(self.start(self.doc[first]), self.end(self.doc[last]))

    # -- content -------------------------------------------------------------------------
    def content_of(self, verb: Token, lemma: str, subject: Optional[Token]):
        comps = [c for c in verb.children if c.dep_ == "ccomp"]
        if not comps and verb.dep_ == "ROOT":
            # "“…,” he said" parsed with the quote's verb as a parataxis/dep of the cue.
            comps = [c for c in verb.children if c.dep_ in ("parataxis",) and self.quote_at(
                self.start(c))]
        if not comps and subject is not None and subject.i < verb.i:
            # "There is no evidence of X, the commission said": the small parser takes the
            # clause before an inverted attribution for an adverbial one; a finite clause
            # with no subordinator ("after", "when") ended by the comma before the subject
            comps = [c for c in verb.children if c.dep_ == "advcl" and c.i < subject.left_edge.i
                     and c.tag_ in ("VBZ", "VBP", "VBD", "MD")
                     and not any(d.dep_ == "mark" or d.tag_ == "WRB" for d in c.children)
                     and self.doc[subject.left_edge.i - 1].text == ","
                     and c.right_edge.i == subject.left_edge.i - 2]
        if comps:
            comp = min(comps, key=lambda c: abs(c.i - verb.i))
            tokens = [t for t in comp.subtree if not (t.dep_ == "mark" and t.head.i == comp.i
                                                      and t.lower_ == "that" and t.i < comp.i)]
            # "said he didn't believe …, arguing that …": a trailing participle of saying is
            # an attribution of its own, not part of what was said
            for t in comp.subtree:
                if t.tag_ == "VBG" and t.lemma_.lower() in SPEECH_VERBS and t.i > comp.i \
                        and t.dep_ in ("advcl", "xcomp", "conj") and self.doc[t.i - 1].text == ",":
                    cut = {u.i for u in t.subtree} | {t.i - 1}
                    if max(cut) >= max(u.i for u in tokens):
                        tokens = [u for u in tokens if u.i not in cut]
                    break
            content, kind = self.shape_content(tokens, verb)
            if kind == "direct":
                content = self.join_split_quote(content, verb, subject)
            return content, kind
        if lemma in _AS_VERBS:
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if obj is not None:
                as_phrase = [t for t in obj.subtree if t.lower_ == "as" and t.dep_ == "prep"]
                as_phrase += [c for c in verb.children if c.lower_ == "as" and c.dep_ == "prep"]
                oprd = [c for c in verb.children if c.dep_ in ("oprd",)]
                if as_phrase or oprd:
                    tokens = list(obj.subtree)
                    for extra in as_phrase + oprd:
                        tokens += list(extra.subtree)
                    return self.shape_content(tokens, verb)
        if lemma in INFINITIVE_CONTENT_VERBS:
            xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
            if xcomp is not None and any(t.lower_ == "to" for t in xcomp.children):
                tokens = list(xcomp.subtree)
                obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < xcomp.i), None)
                if obj is not None and lemma in ("urge", "ask", "call"):
                    tokens += list(obj.subtree)
                return self.shape_content(tokens, verb)
        if lemma in SPEECH_VERBS:
            content, kind = self.adjacent_quote(verb, subject)
            if content is not None:
                return content, kind
        return self.parenthetical_content(verb)

    def parenthetical_content(self, verb: Token):
        """The clause around a parenthetical cue: "Mr. X, officials said, has become …", "This
        campaign, he says, is different": the parser hangs the cue from the clause's verb as
        parataxis; the content is that clause, the attribution in its middle included (as
        PolNeAR's discontinuous span does)."""
        head = verb.head
        if verb.dep_ != "parataxis" or head.i == verb.i or head.pos_ not in ("VERB", "AUX"):
            return None, ""
        own = {t.i for t in verb.subtree}
        left = min(own)
        dashes = (",", "—", "–", "--")
        set_off = self.doc[left].text in dashes or (left > 0 and self.doc[left - 1].text in dashes)
        if not set_off:
            return None, ""
        tokens = [t for t in head.subtree if t.i not in own]
        return self.shape_content(tokens, verb)

    def shape_content(self, tokens: list[Token], verb: Token):
        # A content stays in its cue's paragraph: the parser sometimes hangs a quote mark of
        # the paragraph before from a verb of this one.
        line = self.line_of(self.start(verb))
        tokens = [t for t in tokens if t.i != verb.i and self.line_of(self.start(t)) == line]
        if not tokens:
            return None, ""
        start, end = self.trim(*self.span_of(tokens))
        if end <= start:
            return None, ""
        return self.fit_quotes(start, end)

    def shape_span(self, start: int, end: int):
        """A content span from elsewhere (the CRF) in this module's conventions: trimmed, no
        leading "that", quote marks paired; ``(None, "")`` when nothing is left."""
        start, end = self.trim(start, end)
        if self.text[start:start + 5].lower() == "that " and end > start + 5:
            start, end = self.trim(start + 5, end)
        if end <= start:
            return None, ""
        return self.fit_quotes(start, end)

    def fit_quotes(self, start: int, end: int):
        """Direct when the content lies in one quote; mixed when it holds quoted fragments.

        A quote that starts inside the content but closes after it is taken in up to its
        closing mark ("… as “human shields,”"), and a content that starts inside a quote takes
        the opening mark, so quote marks always come in pairs.
        """
        if self._inner_lengths is None:  # fit_quotes runs for every candidate: trim once
            self._inner_lengths = [e - s for s, e in (self.trim(*q.inner) for q in self.quotes)]
        for q, inner in zip(self.quotes, self._inner_lengths):
            if q.start <= start and end <= q.end and (end - start) >= 0.5 * inner:
                return (q.start, q.end), "direct"
        kind = "indirect"
        for q in self.quotes:
            if start <= q.start < end:
                end = max(end, q.end)
                kind = "mixed"
            elif q.start < start < q.end:
                start = q.start
                end = max(end, q.end) if q.end - end < 3 else end
                kind = "mixed"
        return (start, end), kind

    def adjacent_quote(self, verb: Token, subject: Optional[Token]):
        """A quote right before the speaker and cue ("“…,” he said") or right after the cue
        ("he said: “…”"), when the parse did not link it to the verb."""
        clause_start, clause_end = self.clause_bounds(verb, subject)
        for q in sorted(self.quotes, key=lambda q: -q.end):
            if q.end <= clause_start:
                between = self.text[q.end:clause_start]
                if len(between) <= 3 and not between.strip(" ,—–-\u00a0"):
                    return self.join_split_quote((q.start, q.end), verb, subject), "direct"
                break
        for q in sorted(self.quotes, key=lambda q: q.start):
            if q.start >= clause_end:
                between = self.text[clause_end:q.start]
                if len(between) <= 40 and between.rstrip().endswith((":", ",")) and "\n" not in between:
                    return (q.start, q.end), "direct"
                break
        return None, ""

    def join_split_quote(self, content: tuple[int, int], verb: Token,
                         subject: Optional[Token]) -> tuple[int, int]:
        """A quote interrupted by its attribution (“Part one,” he said, “part two.”) is one
        statement: its content spans both parts."""
        clause_start, clause_end = self.clause_bounds(verb, subject)
        for q in self.quotes:
            if content[1] <= clause_start and q.start >= clause_end:
                between = self.text[clause_end:q.start]
                if len(between) <= 3 and between.strip() in (",", ";", ":", "") and "\n" not in between:
                    return content[0], q.end
            if content[0] >= clause_end and q.end <= clause_start:
                between = self.text[q.end:clause_start]
                if len(between) <= 3 and not between.strip(" ,\u00a0") and "\n" not in between:
                    return q.start, content[1]
        return content

    def clause_bounds(self, verb: Token, subject: Optional[Token]) -> tuple[int, int]:
        """Text offsets of the attribution clause: the cue verb and its subject's phrase."""
        clause = [verb] + (list(subject.subtree) if subject is not None else [])
        return min(self.start(t) for t in clause), max(self.end(t) for t in clause)

    # -- according to X ------------------------------------------------------------------
    def from_according(self, according: Token) -> Optional[RawStatement]:
        """"according to X" and "per X" ("…, per the WHO, is …"), where X is a source: a
        name or a document, not a unit ("per cent", "per year")."""
        if according.lower_ == "per":
            to = according
            source = next((c for c in according.children if c.dep_ == "pobj"), None)
            if source is None or not (source.ent_type_ in ("PERSON", "ORG", "NORP")
                                      or source.lemma_.lower() in DOCUMENT_WORDS):
                return None
        else:
            to = next((c for c in according.children if c.lower_ == "to"), None)
            source = next((c for c in to.children if c.dep_ == "pobj"), None) \
                if to is not None else None
        if source is None:
            return None
        if according.head.lemma_.lower() in SPEECH_VERBS and any(
                c.dep_ in _SUBJECT_DEPS for c in according.head.children):
            # "…, the commission said, according to Reuters": the outlet passes on what the
            # verb's own subject said; that statement is the verb's, not the outlet's
            return None
        clause_head = according.head
        while clause_head.dep_ not in ("ROOT", "ccomp", "conj") and clause_head.head.i != clause_head.i:
            clause_head = clause_head.head
        skip = {t.i for t in according.subtree}
        tokens = [t for t in clause_head.subtree if t.i not in skip]
        if not tokens:
            return None
        # Only the contiguous stretch on one side of "according to X" is the content; "per X"
        # set off by commas inside its clause reports the whole clause around it.
        before = [t for t in tokens if t.i < according.i]
        after = [t for t in tokens if t.i > according.i]
        side = before if len(before) >= len(after) else after
        right = max(t.i for t in according.subtree)
        if before and right + 1 < len(self.doc) and self.doc[right + 1].text in _ASIDE_ENDS:
            # "… the fact that X made 100 claims, according to Y -- there is …": an aside
            # closed by a dash reports what precedes it, from the dash that opened it
            opened = max((t.i for t in before if t.text in _ASIDE_OPENERS), default=-1)
            side = [t for t in before if t.i > opened]
            # "and the fact that X made …": the clause that the noun introduces
            that = next((t for t in side if t.dep_ == "mark" and t.lower_ == "that"
                         and t.head in side), None)
            if that is not None:
                side = [t for t in side if t.i > that.i]
        if according.lower_ == "per" and before and after and according.i > 0 \
                and self.doc[according.i - 1].text == ",":
            side = tokens
        if not side:
            return None
        start, end = self.trim(*self.span_of(side))
        if end - start < 10:
            return None
        content, kind = self.fit_quotes(start, end)
        cue = (self.start(according), self.end(to))
        return RawStatement(cue, "according to", content, kind, source,
                            self.mention_span(source), confidence=0.7,
                            extra={"rule": "according", "cue_token": according})

    # -- bare quotes -----------------------------------------------------------------------
    def bare_quotes(self, found: list[RawStatement], used: set[Quote]) -> list[RawStatement]:
        """A sentence-like quote with no cue of its own takes the previous statement's speaker."""
        out = []
        cue_positions = [s.cue for s in found]
        for q in self.quotes:
            if q in used or not self.sentence_like(q):
                continue
            # A quote inside a reported clause is part of that statement, not a new one.
            if any(s.content and s.content[0] <= q.start < s.content[1] for s in found):
                continue
            # Its sentence must not hold a cue of another statement (the parse handled those).
            first_start = self.sentence_bounds(q.start)[0]
            last_end = self.sentence_bounds(q.end - 1)[1]
            if any(first_start <= c[0] < last_end for c in cue_positions):
                continue
            opening = self.doc.char_span(q.start - self.offset, q.start - self.offset + 1,
                                         alignment_mode="expand")
            out.append(RawStatement((q.start, q.end), "quote", (q.start, q.end), "direct",
                                    carried=True, confidence=0.6,
                                    extra={"rule": "bare",
                                           "cue_token": opening[0] if opening else None}))
        return out

    def sentence_like(self, quote: Quote) -> bool:
        """Whether a quote is long enough to be said on its own rather than a title or a
        scare-quoted phrase."""
        words = self.text[slice(*quote.inner)].split()
        # every word capitalised: the title of a song, a book, a campaign ("Takin' It to the
        # Streets"), not something said
        title = len(words) <= 8 and all(w[:1].isupper() or not w[:1].isalpha()
                                        or w.lower() in _TITLE_SMALL_WORDS for w in words)
        return len(words) >= 4 and not title

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        """(start, end) text offsets of the sentence holding ``pos``."""
        if self._sentences is None:
            self._sentences = [(self.start(sent[0]), self.end(sent[-1])) for sent in self.doc.sents]
        i = bisect_right(self._sentences, (pos, float("inf"))) - 1
        if i >= 0 and self._sentences[i][0] <= pos < self._sentences[i][1]:
            return self._sentences[i]
        return pos, pos

    def sentences_over(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) text offsets of the sentences that ``start``-``end`` touches (never
        less than that segment itself), within the lines it touches (the parser runs a
        headline with no full stop into the next paragraph's sentence), and without the
        whitespace tokens the parser leaves at a sentence's edges."""
        first, last = self.sentence_bounds(start), self.sentence_bounds(max(start, end - 1))
        line_end = self.text.find("\n", end)
        lo = max(min(start, first[0]), self.text.rfind("\n", 0, start) + 1)
        hi = min(max(end, last[1]), line_end if line_end >= 0 else len(self.text))
        while lo < start and self.text[lo].isspace():
            lo += 1
        while hi > end and self.text[hi - 1].isspace():
            hi -= 1
        return lo, hi


def _drop_overlapping(statements: list[RawStatement]) -> list[RawStatement]:
    """Where two statements claim the same content, keep the more confident one; rule
    statements (no "option") win over learnt candidates, which only fill gaps."""
    ranked = sorted(statements, key=lambda s: ("option" in s.extra, -s.confidence))
    kept: list[RawStatement] = []
    for st in ranked:
        if st.content and "option" in st.extra and any(
                k.content and min(k.content[1], st.content[1]) - max(k.content[0], st.content[0])
                > 0.5 * min(k.content[1] - k.content[0], st.content[1] - st.content[0])
                for k in kept):
            continue
        kept.append(st)
    return kept

