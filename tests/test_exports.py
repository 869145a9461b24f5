"""Rows a reader can verify: `saidwhat query` exports (CSV, Parquet, JSONL) carry each
statement's sentence, its offsets into the stored article text and the article's URL, title,
outlet and date, on SQLite and PostgreSQL; `saidwhat analyze` shows a progress bar only on a
terminal's stderr, and its table shows an article's title, outlet and date."""
from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SEED, need
from test_ingest import db, run_cli  # noqa: F401 (db: a store on SQLite and PostgreSQL)

# Two invented articles; the first has an emoji and accented words before its statements, so
# that an offset counted in bytes or UTF-16 units instead of code points would miss.
INVENTED = [
    {"id": "harbour", "url": "https://news.example.org/2021/harbour",
     "title": "Harbour plan approved", "outlet": "Example Gazette", "published": "2021-03-04",
     "text": "Harbour café 🚢 reopens\n\n"
             "The mayor of Portvale, Ana Lind, said the new harbour would open in May. "
             "Critics were unconvinced.\n\n"
             "“We will not let the fishermen down,” Lind said. “The quay is funded.”\n\n"
             "Harbour master Tom Brandt denied that the dredging had been delayed, adding "
             "that the contractor was on schedule.\n"},
    {"id": "rail", "url": "https://www.example.net/rail-strike",
     "title": "Rail strike called off", "outlet": "Example Times", "published": "2022-11-30",
     "text": "Rail strike called off\n\n"
             "The union called off Monday's strike after talks, its leader, Mara Quist, said. "
             "She warned that the dispute was not over.\n\n"
             "According to the transport ministry, 40 trains a day were cancelled last month.\n"},
]
SEED_META = {"url": "https://seed.example.com/aleppo", "title": "Aleppo briefing",
             "outlet": "Seed Wire", "published": "2016-10-05"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """(paths to ingest, metadata CSV, {url: (article text, metadata)})."""
    folder = tmp_path_factory.mktemp("exports")
    seed = folder / "konashenkov-aleppo.txt"
    seed.write_bytes(need(SEED).read_bytes())
    meta = folder / "meta.csv"
    with meta.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["filename", *SEED_META])
        writer.writerow([seed.name, *SEED_META.values()])
    jsonl = folder / "invented.jsonl"
    jsonl.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in INVENTED),
                     encoding="utf-8")
    articles = {a["url"]: (a["text"], {k: a[k] for k in SEED_META}) for a in INVENTED}
    articles[SEED_META["url"]] = (seed.read_text(encoding="utf-8"), SEED_META)
    return [seed, jsonl], meta, articles


OFFSETS = ["sentence_start", "sentence_end", "statement_start", "statement_end",
           "content_start", "content_end", "cue_start", "cue_end", "mention_start",
           "mention_end", "statement_id"]


def typed(row: dict) -> dict:
    """A row read back from any format as Python values (CSV gives strings, "" for none)."""
    out = {k: (None if v == "" or v is None else v) for k, v in row.items()}
    for k in OFFSETS:
        out[k] = None if out[k] is None else int(out[k])
    if out["published"] is not None:
        out["published"] = str(out["published"])[:10]
    return out


def check_rows(rows: list[dict], articles: dict) -> None:
    assert {r["url"] for r in rows} == set(articles)  # every article has statements
    for r in rows:
        text, meta = articles[r["url"]]
        assert (r["title"], r["outlet"], r["published"]) == (
            meta["title"], meta["outlet"], meta["published"])
        start, end = r["sentence_start"], r["sentence_end"]
        assert text[start:end] == r["sentence"] and r["sentence"].strip() == r["sentence"]
        assert text[r["cue_start"]:r["cue_end"]] == r["cue"]
        assert start <= r["statement_start"] <= r["cue_start"] < r["cue_end"] \
            <= r["statement_end"] <= end
        if r["content"] is not None:
            assert text[r["content_start"]:r["content_end"]] == r["content"]
            assert r["statement_start"] <= r["content_start"] < r["content_end"] \
                <= r["statement_end"]
        else:
            assert r["content_start"] is None and r["kind"] == "summary"
        if r["mention"] is not None:
            assert text[r["mention_start"]:r["mention_end"]] == r["mention"]
            assert r["statement_start"] <= r["mention_start"]


def test_query_exports_carry_sentences_offsets_and_articles(db, inputs, tmp_path):
    paths, meta, articles = inputs
    result = run_cli("ingest", *paths, "--db", db, "--workers", "1", "--no-techniques",
                     "--metadata", meta, "--no-progress")
    assert result.returncode == 0, result.stderr

    out = tmp_path / "rows.csv"
    assert run_cli("query", "--db", db, "--format", "csv", "-o", out).returncode == 0
    with out.open(encoding="utf-8", newline="") as handle:
        from_csv = [typed(r) for r in csv.DictReader(handle)]
    check_rows(from_csv, articles)

    import pyarrow.parquet as pq

    out = tmp_path / "rows.parquet"
    assert run_cli("query", "--db", db, "--format", "parquet", "-o", out).returncode == 0
    parquet = pq.read_table(out)
    for name in OFFSETS:  # whole numbers, not floats, with nulls where there is none
        assert str(parquet.schema.field(name).type) == "int64", name
    from_parquet = [typed(r) for r in parquet.to_pylist()]
    check_rows(from_parquet, articles)

    jsonl = run_cli("query", "--db", db, "--format", "jsonl")
    assert jsonl.returncode == 0, jsonl.stderr
    from_jsonl = [typed(json.loads(line)) for line in jsonl.stdout.splitlines()]
    check_rows(from_jsonl, articles)

    checked = ["statement_id", "url", "title", "outlet", "published", "sentence", "content",
               "cue", "mention", *OFFSETS]
    assert [[r[k] for k in checked] for r in from_csv] == \
        [[r[k] for k in checked] for r in from_parquet] == \
        [[r[k] for k in checked] for r in from_jsonl]
    assert len(from_csv) >= 15
    # the sentence is more than the statement where the sentence says more: the seed's
    # "adding that …" statement lies in the sentence of "The general said that …"
    adding = [r for r in from_csv if r["content"] and r["content"].startswith(
        "civilians had fled")]
    assert len(adding) == 1 and adding[0]["sentence"].startswith("The general said that")
    # a quote run's second quote is its own sentence, not its neighbour's
    quay = [r for r in from_csv if r["content"] and "quay" in r["content"]]
    assert len(quay) == 1 and quay[0]["sentence"] == "“The quay is funded.”"

    picked = run_cli("query", "--db", db, "--format", "csv", "--columns",
                     "url,sentence_start,sentence_end,sentence", "--outlet", "Example Times")
    rows = list(csv.DictReader(io.StringIO(picked.stdout)))
    assert rows and all(r["url"] == INVENTED[1]["url"] for r in rows)
    assert all(INVENTED[1]["text"][int(r["sentence_start"]):int(r["sentence_end"])]
               == r["sentence"] for r in rows)


class FakeTerminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("folder")
    for article in INVENTED:
        (folder / f"{article['id']}.txt").write_text(article["text"], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")  # an error line amid the bar
    return folder


def test_analyze_shows_progress_only_on_a_terminal(folder, monkeypatch, capsys):
    from saidwhat.cli import main

    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["analyze", str(folder), "--format", "jsonl", "--no-techniques"]) == 1
    bar = terminal.getvalue()
    assert "analyze" in bar and "3/3" in bar and "\r" in bar
    assert "error [empty]" in bar
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(json.loads(line)["schema_version"] for line in lines)

    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["analyze", str(folder), "--format", "jsonl", "--no-techniques",
                 "--no-progress"]) == 1
    assert "3/3" not in terminal.getvalue() and "error [empty]" in terminal.getvalue()
    assert len(capsys.readouterr().out.splitlines()) == 3

    piped = run_cli("analyze", folder, "--format", "jsonl", "--no-techniques")
    assert piped.returncode == 1 and "error [empty]" in piped.stderr
    assert "3/3" not in piped.stderr and "\r" not in piped.stderr
    assert len(piped.stdout.splitlines()) == 3


def test_analyze_table_shows_title_outlet_and_date(inputs):
    paths, _, _ = inputs
    result = run_cli("analyze", paths[1], "--no-techniques")
    assert result.returncode == 0, result.stderr
    for article in INVENTED:
        line = f"“{article['title']}” · {article['outlet']} · {article['published']}"
        assert line in result.stdout
    plain = run_cli("analyze", paths[0], "--no-techniques")  # a plain file: nothing known
    lines = plain.stdout.splitlines()
    assert plain.returncode == 0 and "11 statements" in lines[0] and lines[1].startswith("┏")
