"""The web package's shape: the store owns all SQL, and the API's schemas are the model's.

The web package (pages, API, rendering) reads the store only through named queries of
``saidwhat.store``; these tests read its source with ``ast`` and fail on a SQLAlchemy import,
an import of the store's table objects, or SQL built there."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[1] / "src" / "saidwhat" / "web"


def sql_in_source(source: str) -> list[str]:
    """Where a module's source imports SQLAlchemy or the store's tables, or builds SQL."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy" or \
                        alias.name == "saidwhat.store.schema":
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if (module.split(".")[0] == "sqlalchemy" or module == "saidwhat.store.schema"
                    or (module == "saidwhat.store" and "schema" in names)):
                found.append(f"line {node.lineno}: from {module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            # select(...) of SQLAlchemy, and text("SELECT …") with SQL in a string
            if name == "select" or (name == "text" and node.args and isinstance(
                    node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and any(w in node.args[0].value.upper() for w in ("SELECT", "FROM "))):
                found.append(f"line {node.lineno}: {name}(…)")
            elif isinstance(func, ast.Attribute) and func.attr in ("execute", "connect") \
                    and not (isinstance(func.value, ast.Name) and func.value.id == "self"):
                found.append(f"line {node.lineno}: .{func.attr}(…)")
    return found


def test_the_check_finds_sql():
    """The checker itself: each way of reaching the database is caught, plain code is not."""
    assert sql_in_source("import sqlalchemy")
    assert sql_in_source("from sqlalchemy import select")
    assert sql_in_source("from saidwhat.store import schema as S")
    assert sql_in_source("from saidwhat.store.schema import documents")
    assert sql_in_source("q = select(t.c.id)")
    assert sql_in_source("conn.execute(q)")
    assert sql_in_source("with store.engine.connect() as conn: pass")
    assert sql_in_source("q = sa.text('SELECT id FROM documents')")
    assert not sql_in_source("from saidwhat.store import open_store\nstore.articles(limit=5)\n"
                             "label = text('a statement')")


@pytest.mark.parametrize("path", sorted(WEB.glob("*.py")), ids=lambda p: p.name)
def test_the_web_package_builds_no_sql(path):
    assert sql_in_source(path.read_text(encoding="utf-8")) == []


def test_the_api_schemas_are_the_model():
    """Every dataclass of the output contract has its API model, with the same fields in the
    same order (the JSON's order), so a field added to model.py is in the API at once."""
    from saidwhat import model
    from saidwhat.web import schemas

    for cls in (model.Span, model.Speaker, model.Statement, model.Block, model.Figure,
                model.Entity, model.TechniqueSpan, model.DocumentError):
        derived = getattr(schemas, f"{cls.__name__}Model")
        assert list(derived.model_fields) == [f.name for f in dataclasses.fields(cls)], cls
    analysis = model.Analysis(id="a", source="s", text="t")
    assert list(schemas.AnalysisModel.model_fields) == list(analysis.to_dict())


def _hand_made_analysis():
    """A small analysis built by hand (no parser): one statement, one figure, one entity."""
    from saidwhat.model import Analysis, Block, Entity, Figure, Span, Speaker, Statement

    text = "“Three planes were hit,” the minister said."
    speaker = Speaker(name="Jane Doe", id="person:jane-doe", role="minister",
                      mention=Span("the minister", 25, 37), mention_kind="description")
    statement = Statement(speaker=speaker, cue=Span("said", 38, 42),
                          content=Span("Three planes were hit", 1, 22), kind="direct",
                          confidence=0.75, sentence=Span(text, 0, len(text)))
    analysis = Analysis(id="hand", source="hand.txt", text=text,
                        blocks=[Block(0, len(text), "report", "body")],
                        statements=[statement], figures=[Figure("Three planes", 3, "planes",
                                                                1, 13, 0)],
                        entities=[Entity("Three", "CARDINAL", 1, 6)],
                        meta={"outlet": "example.org", "published": "2016-10-21"})
    return analysis


@pytest.fixture()
def small_app(tmp_path):
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from saidwhat.store import open_store
    from saidwhat.web.app import create_app

    db = str(tmp_path / "small.db")
    with open_store(db) as store:
        document_id = store.add(_hand_made_analysis()).document_id
    app = create_app(db, workers=0, warm=False, allowed_hosts=["testserver"])
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, db, document_id


def test_every_json_route_answers_its_response_model(small_app):
    """Each API route's answer, read back from the wire, is valid for the model its OpenAPI
    entry declares (its response_model, or its return annotation)."""
    from fastapi.routing import APIRoute
    from pydantic import TypeAdapter

    client, db, document_id = small_app
    speaker_id = client.get("/api/speakers").json()["rows"][0]["speaker_id"]
    checked = set()
    for route in client.app.routes:
        if not isinstance(route, APIRoute) or not route.path.startswith("/api/"):
            continue
        path = route.path.format(document_id=document_id, speaker_id=speaker_id)
        if route.path == "/api/analyse":
            r = client.post(path, json={"text": "", "techniques": False})
            assert r.status_code == 400 and r.json()["error"]["code"] == "no_input"
            continue  # analysing needs the parser: test_web_api.py validates its answers
        if route.path == "/api/analyse/upload":
            continue
        r = client.get(path)
        assert r.status_code == 200, (path, r.text)
        assert route.response_model is not None, path
        TypeAdapter(route.response_model).validate_json(r.content)
        checked.add(route.path)
    assert {"/api/documents/{document_id}", "/api/speakers/{speaker_id}", "/api/documents",
            "/api/statements", "/api/speakers", "/api/stats", "/api/summary", "/api/errors",
            "/api/techniques"} <= checked
    # the answer is the stored analysis's to_dict() as json writes it, not pydantic's copy
    # of it (which would write 1e-05 as 0.00001, and a whole number in a float field as 3.0)
    import json

    from saidwhat.store import open_store, queries

    with open_store(db) as store:
        analysis, speaker_ids = queries.analysis(store, document_id)
    body = {"document_id": document_id, "speaker_ids": speaker_ids,
            "analysis": analysis.to_dict()}
    assert client.get(f"/api/documents/{document_id}").content == json.dumps(
        body, ensure_ascii=False, separators=(",", ":")).encode()
    assert analysis.statements[0].speaker.name == "Jane Doe"


def test_an_answer_off_the_contract_is_refused_not_sent(small_app):
    """A stored row the contract does not allow (an act that does not exist) makes the
    document's answer a server error, not JSON that breaks the schema it promises."""
    import sqlite3

    client, db, document_id = small_app
    assert client.get(f"/api/documents/{document_id}").status_code == 200
    with sqlite3.connect(db) as con:
        con.execute("UPDATE statements SET act = 'shouting'")
    r = client.get(f"/api/documents/{document_id}")
    assert r.status_code == 500 and b"shouting" not in r.content
