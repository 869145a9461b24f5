"""The one data model of saidwhat and its JSON output contract.

Every stage takes these objects in and gives them out. Offsets are Python ``str`` indices into
``Document.text`` (the analysed text); ``Analysis.to_dict()`` is the versioned JSON contract
documented in docs/output.md. Change ``SCHEMA_VERSION`` whenever that JSON changes shape.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Annotated, Any, Literal, Optional, get_args

from annotated_types import Ge, Interval

SCHEMA_VERSION = "1.2"

# The values and bounds of the contract's fields, as types: the dataclasses do not check them,
# the API validates its answers against them (web/schemas.py derives its models from here).
BlockKind = Literal["report", "boilerplate"]
StatementKind = Literal["direct", "indirect", "mixed", "summary"]
Act = Literal["assertion", "denial", "dismissal", "accusation", "attack", "promise", "question",
              "warning", "demand", "admission", "prediction", "praise", "report"]
Stance = Literal["neutral", "distancing", "endorsing"]
Channel = Literal["speech", "thought", "perception"]
SpeakerType = Literal["PERSON", "ORG", "GROUP", "UNKNOWN"]
MentionKind = Literal["name", "pronoun", "description", "none"]
Offset = Annotated[int, Ge(0)]  # a str index into the analysed text
Probability = Annotated[float, Interval(ge=0, le=1)]

BLOCK_KINDS = get_args(BlockKind)
STATEMENT_KINDS = get_args(StatementKind)
ACTS = get_args(Act)
STANCES = get_args(Stance)
CHANNELS = get_args(Channel)


@dataclass
class Span:
    """A piece of the analysed text: ``text == document.text[start:end]``."""
    text: str
    start: Offset
    end: Offset


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Shared characters of two ``(start, end)`` offsets divided by the length of the longer
    (0 for disjoint spans): how the project matches contents, in training and evaluation."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    longest = max(a[1] - a[0], b[1] - b[0])
    return shared / longest if shared > 0 and longest > 0 else 0.0


@dataclass
class Document:
    """One article as read: ``text`` is what gets analysed; nothing is ever deleted from it."""
    id: str
    text: str
    source: str = ""
    url: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = None
    title: Optional[str] = None
    # How the text was obtained ("text", "html", ...); HTML extraction lets promos leak through,
    # so the cleaner looks harder at extracted text.
    format: str = "text"


@dataclass
class Block:
    start: Offset
    end: Offset
    kind: BlockKind
    label: str  # e.g. "body", "reader_appeal", "promo", "newsletter", "navigation", "share_bar"


@dataclass
class Speaker:
    """The person or organisation a statement is resolved to, and the mention that names it
    in the statement's sentence (``mention`` is None when the speaker is carried over)."""
    name: str
    id: str
    title: Optional[str] = None
    role: Optional[str] = None
    organization: Optional[str] = None
    type: SpeakerType = "PERSON"
    mention: Optional[Span] = None
    mention_kind: MentionKind = "name"
    # A group named by its members ("Vindman and Williams testified"): their names.
    members: list[str] = field(default_factory=list)


@dataclass
class Figure:
    text: str
    value: float
    unit: Optional[str]
    start: Offset
    end: Offset
    statement: Optional[int] = None  # index into Analysis.statements


@dataclass
class Entity:
    text: str
    label: str
    start: Offset
    end: Offset


@dataclass
class TechniqueSpan:
    technique: str
    start: Offset
    end: Offset
    text: str
    score: float


@dataclass
class Statement:
    speaker: Speaker
    cue: Span
    content: Optional[Span]
    kind: StatementKind
    act: Act = "assertion"
    channel: Channel = "speech"
    stance: Stance = "neutral"
    confidence: Probability = 0.5
    techniques: list[str] = field(default_factory=list)
    # A quote run is one statement per quote: the later ones give the index (in
    # Analysis.statements) of the run's first statement.
    continues: Optional[Offset] = None
    # The whole sentence(s) holding the speaker's mention, the cue and the content, as the
    # parser split them: what a reader checks the statement against.
    sentence: Optional[Span] = None

    def bounds(self) -> tuple[int, int]:
        """(start, end) of the statement's own words: its speaker's mention, cue and content."""
        parts = [self.cue] + [s for s in (self.content, self.speaker.mention) if s is not None]
        return min(p.start for p in parts), max(p.end for p in parts)


@dataclass
class DocumentError:
    code: str
    message: str


@dataclass
class Analysis:
    id: str
    source: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    techniques: list[TechniqueSpan] = field(default_factory=list)
    errors: list[DocumentError] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    # why ``techniques`` is empty when the tagger could not run ("unavailable: ..."); in the
    # JSON it is ``meta.techniques`` (docs/output.md), not a field of its own
    techniques_note: Optional[str] = field(default=None, metadata={"json": "meta.techniques"})

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        meta = data.pop("meta")
        note = data.pop("techniques_note")
        if note is not None:
            meta["techniques"] = note
        return {"schema_version": SCHEMA_VERSION, **data, "meta": meta}
