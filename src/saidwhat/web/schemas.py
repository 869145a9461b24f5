"""Pydantic models of the API: requests, pages of store rows, and the output contract of
``saidwhat analyze`` (docs/output.md) as the analyse endpoints' response.

The contract's models are derived from the dataclasses of ``saidwhat.model`` (their fields,
types, allowed values and bounds, in their order), so a field added there is in the API and
its OpenAPI document at once. They forbid unknown fields and require every field (the JSON
always has them all)."""
from __future__ import annotations

import dataclasses
import typing
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from saidwhat import model
from saidwhat.read.text import replace_surrogates

_CONTRACT = ConfigDict(extra="forbid")


def _api_type(hint, models: dict[type, type[BaseModel]]):
    """``hint`` with each contract dataclass in it replaced by its API model."""
    if hint in models:
        return models[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Union:
        return Union[tuple(_api_type(a, models) for a in args)]
    if origin is list:
        return list[_api_type(args[0], models)]
    return hint  # str, int, Literal[…], Annotated[int, Ge(0)], dict[str, Any]


def contract_model(cls: type, models: dict[type, type[BaseModel]], *, doc: str = "",
                   **first) -> type[BaseModel]:
    """The API model ``<Name>Model`` of the dataclass ``cls``: its fields in order, all
    required, after the ``first`` ones ((type, default) pairs as ``create_model`` takes)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = {f.name: (_api_type(hints[f.name], models), ...) for f in dataclasses.fields(cls)
              if "json" not in f.metadata}  # a field the JSON carries elsewhere (meta)
    derived = create_model(f"{cls.__name__}Model", __config__=_CONTRACT, __doc__=doc or None,
                           __module__=__name__, **first, **fields)
    models[cls] = derived
    return derived


_models: dict[type, type[BaseModel]] = {}
# Inner ones first: a model names the models of its fields.
SpanModel = contract_model(model.Span, _models)
SpeakerModel = contract_model(model.Speaker, _models)
StatementModel = contract_model(model.Statement, _models)
BlockModel = contract_model(model.Block, _models)
FigureModel = contract_model(model.Figure, _models)
EntityModel = contract_model(model.Entity, _models)
TechniqueSpanModel = contract_model(model.TechniqueSpan, _models)
DocumentErrorModel = contract_model(model.DocumentError, _models)
AnalysisModel = contract_model(
    model.Analysis, _models, doc="One analysed article: the JSON of ``saidwhat analyze "
                                 "--format json``.",
    schema_version=(Literal[model.SCHEMA_VERSION], ...))  # type: ignore[valid-type]


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
    """One corpus speaker; the fields in the order of the answer."""
    identity: dict[str, Any]
    statements: list[dict[str, Any]]
    acts: list[tuple[str, int]]
    stances: list[tuple[str, int]]
    kinds: list[tuple[str, int]]
    techniques: list[tuple[str, int]]
    outlets: list[tuple[str, int]]
    timeline: dict[str, Any]
    undated: int


class StoredDocument(BaseModel):
    document_id: int
    speaker_ids: list[Optional[int]] = Field(description="corpus speaker id per statement")
    analysis: AnalysisModel  # type: ignore[valid-type]
