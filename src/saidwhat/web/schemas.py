"""Pydantic models of the API: requests, and the output contract of ``saidwhat analyze``
(docs/output.md) as the analyse endpoints' response. The contract models forbid unknown
fields, so a change to ``Analysis.to_dict()`` that is not made here too fails the API tests."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from saidwhat.model import ACTS, BLOCK_KINDS, CHANNELS, SCHEMA_VERSION, STANCES, STATEMENT_KINDS
from saidwhat.read.text import replace_surrogates

Kind = Literal[STATEMENT_KINDS]  # type: ignore[valid-type]
Act = Literal[ACTS]  # type: ignore[valid-type]
Stance = Literal[STANCES]  # type: ignore[valid-type]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
BlockKind = Literal[BLOCK_KINDS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpanModel(_Strict):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class SpeakerModel(_Strict):
    name: str
    id: str
    title: Optional[str]
    role: Optional[str]
    organization: Optional[str]
    type: Literal["PERSON", "ORG", "GROUP", "UNKNOWN"]
    mention: Optional[SpanModel]
    mention_kind: Literal["name", "pronoun", "description", "none"]
    members: list[str]


class StatementModel(_Strict):
    speaker: SpeakerModel
    cue: SpanModel
    content: Optional[SpanModel]
    kind: Kind
    act: Act
    channel: Channel
    stance: Stance
    confidence: float = Field(ge=0, le=1)
    techniques: list[str]
    continues: Optional[int] = Field(ge=0)
    sentence: Optional[SpanModel] = None


class BlockModel(_Strict):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: BlockKind
    label: str


class FigureModel(_Strict):
    text: str
    value: float
    unit: Optional[str]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    statement: Optional[int]


class EntityModel(_Strict):
    text: str
    label: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class TechniqueSpanModel(_Strict):
    technique: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    score: float


class DocumentErrorModel(_Strict):
    code: str
    message: str


class AnalysisModel(_Strict):
    """One analysed article: the JSON of ``saidwhat analyze --format json``."""
    schema_version: Literal[SCHEMA_VERSION]  # type: ignore[valid-type]
    id: str
    source: str
    text: str
    blocks: list[BlockModel]
    statements: list[StatementModel]
    figures: list[FigureModel]
    entities: list[EntityModel]
    techniques: list[TechniqueSpanModel]
    errors: list[DocumentErrorModel]
    meta: dict[str, Any]


class AnalyseRequest(BaseModel):
    """An article to analyse: exactly one of ``text``, ``html`` or ``url``."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"text": "“We did nothing wrong,” the minister said on Monday.",
                      "title": "Minister denies", "outlet": "example.org",
                      "published": "2016-10-21"}]})

    text: Optional[str] = Field(None, description="plain article text")
    html: Optional[str] = Field(None, description="an article page's HTML (main text extracted)")
    url: Optional[str] = Field(None, description="an http(s) URL to fetch (public addresses "
                                                 "only unless the server allows private ones)")
    title: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = Field(None, description="publication date, YYYY-MM-DD")
    techniques: bool = Field(True, description="tag propaganda-technique spans when the model "
                                               "is installed")
    store: bool = Field(False, description="also add the analysis to the server's store")

    @field_validator("text", "html", "url", "title", "outlet", "published")
    @classmethod
    def _no_lone_surrogates(cls, value: Optional[str]) -> Optional[str]:
        # JSON can escape a lone surrogate ("\\ud800"); the answer and the store could not hold
        # it (a 500), so it is read as U+FFFD, as saidwhat analyze reads JSONL.
        return replace_surrogates(value) if value else value


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class Page(BaseModel):
    """Rows of a store query (each row an object of its columns)."""
    rows: list[dict[str, Any]]
    count: int = Field(description="rows in this response")
    total: Optional[int] = Field(None, description="rows matching in all, where known")
    limit: Optional[int] = None
    offset: int = 0


class SpeakerProfile(BaseModel):
    identity: dict[str, Any]
    acts: list[tuple[str, int]]
    stances: list[tuple[str, int]]
    kinds: list[tuple[str, int]]
    techniques: list[tuple[str, int]]
    outlets: list[tuple[str, int]]
    timeline: dict[str, Any]
    undated: int
    statements: list[dict[str, Any]]


class StoredDocument(BaseModel):
    document_id: int
    speaker_ids: list[Optional[int]] = Field(description="corpus speaker id per statement")
    analysis: AnalysisModel
