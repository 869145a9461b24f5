"""One identity per propaganda technique (issue 14): every surface (the catalogue's resolver,
``saidwhat query`` and ``stats``, the API, the speaker page and its JSON) reads a technique's
name, display name, parts and aliases alike and never splits a combined label such as
"Exaggeration,Minimisation"; and the technique statistics give rates (spans per 1,000 words
of report text, share of articles) that a hand count on a small store confirms.

A real spaCy parse finds the statements of one article; its technique spans are set by hand
(known values) and stored through the store's API in real SQLite (and PostgreSQL, with
``SAIDWHAT_TEST_PG_URL``)."""
from __future__ import annotations

import json

import pytest

from test_ingest import run_cli
from test_store import BACKENDS, make_pg_database

from saidwhat.errors import SaidwhatError
from saidwhat.model import Analysis, Block, TechniqueSpan
from saidwhat.rhetoric import catalogue
from saidwhat.rhetoric.catalogue import CATALOGUE, TECHNIQUES, resolve
from saidwhat.store.rows import TECHNIQUE_SEPARATOR, report_words, split_techniques

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from saidwhat.web.app import create_app  # noqa: E402

EXAGGERATION = "Exaggeration,Minimisation"
ARTICLE = ("Igor Konashenkov said on Monday that the strike was the worst disaster in the "
           "history of the city.\n\n"
           "“The convoy was never attacked by our aircraft,” Konashenkov told reporters.\n\n"
           "Konashenkov also said that the militants had used civilians as shields.\n\n"
           "The weather in the region was mild for the season.\n")


# -- the resolver -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Exaggeration", EXAGGERATION), ("Minimisation", EXAGGERATION),
    ("Minimization", EXAGGERATION), ("exaggeration_minimisation", EXAGGERATION),
    ("Exaggeration, Minimisation", EXAGGERATION), ("EXAGGERATION-MINIMISATION", EXAGGERATION),
    ("Exaggeration or minimisation", EXAGGERATION), ("Exaggeration,Minimisation", EXAGGERATION),
    ("straw man", "Whataboutism,Straw_Men,Red_Herring"),
    ("red herring", "Whataboutism,Straw_Men,Red_Herring"),
    ("Whataboutism", "Whataboutism,Straw_Men,Red_Herring"),
    ("Labeling", "Name_Calling,Labeling"), ("Labelling", "Name_Calling,Labeling"),
    ("Name calling", "Name_Calling,Labeling"), ("name-calling", "Name_Calling,Labeling"),
    ("fear", "Appeal_to_fear-prejudice"), ("prejudice", "Appeal_to_fear-prejudice"),
    ("hitlerum", "Bandwagon,Reductio_ad_hitlerum"), ("bandwagon", "Bandwagon,Reductio_ad_hitlerum"),
    ("cliche", "Thought-terminating_Cliches"), ("cliché", "Thought-terminating_Cliches"),
    ("loaded_language", "Loaded_Language"), ("  Loaded Language ", "Loaded_Language"),
    ("flag waving", "Flag-Waving"), ("black and white fallacy", "Black-and-White_Fallacy"),
])
def test_any_spelling_resolves_to_the_one_technique(text, expected):
    assert resolve(text).name == expected


def test_every_name_title_part_and_alias_resolves_to_its_own_technique():
    for t in CATALOGUE:
        for name in [t.name, t.title, t.name.lower(), t.name.replace("_", " "),
                     *t.name.split(","), *t.aliases]:
            assert resolve(name) is t, name
        assert t.id == t.name and t.to_dict()["name"] == t.name


def test_an_unknown_technique_is_a_clear_error_listing_the_names():
    for text in ("shouting", "", "exaggeration minimisation slogans"):
        with pytest.raises(SaidwhatError) as info:
            resolve(text)
        assert info.value.code == "unknown_technique"
        assert all(name in str(info.value) for name in TECHNIQUES)


def test_the_stored_separator_never_splits_a_label():
    assert not any(TECHNIQUE_SEPARATOR in name for name in TECHNIQUES)
    joined = TECHNIQUE_SEPARATOR.join([EXAGGERATION, "Whataboutism,Straw_Men,Red_Herring"])
    assert split_techniques(joined) == [EXAGGERATION, "Whataboutism,Straw_Men,Red_Herring"]


def test_report_words_count_the_report_blocks_only():
    text = "Two words. A lone — dash, U.S. well-known don't\nSubscribe now please\n"
    blocks = [Block(0, 47, "report", "body"), Block(47, len(text), "boilerplate", "promo")]
    # Two, words., A, lone, dash,, U.S., well-known, don't: 8 (the dash alone is no word)
    assert report_words(text, blocks) == 8
    assert report_words(text, []) == 0  # no report block: nothing the tagger reads


# -- one article, parsed, with known techniques -----------------------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request, tmp_path_factory, analyze_text):
    """The article's statements (a real parse) given techniques by hand: the first two
    statements hold an exaggeration, the first loaded language too; stored, and served."""
    from saidwhat.store import open_store

    analysis = analyze_text(ARTICLE)
    assert len(analysis.statements) >= 3
    first, second = analysis.statements[0], analysis.statements[1]
    spans = [(EXAGGERATION, first.content), (EXAGGERATION, second.content),
             ("Loaded_Language", first.content)]
    analysis.techniques = [TechniqueSpan(name, s.start, s.end, s.text, 0.9) for name, s in spans]
    first.techniques = ["Loaded_Language", EXAGGERATION]  # not sorted: the store keeps either
    second.techniques = [EXAGGERATION]
    analysis.meta.update(outlet="The Moscow Times", published="2016-10-21")
    drop = None
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("ident") / "ident.db")
    else:
        db, drop = make_pg_database()
    with open_store(db) as store:
        document_id = store.add(analysis).document_id
        rows = store.statements()
    ids = {int(i) for i, t in zip(rows["statement_id"], rows["techniques"])
           if EXAGGERATION in split_techniques(t)}
    app = create_app(db, workers=0, warm=False, allowed_hosts=["testserver"])
    try:
        with TestClient(app) as client:
            speaker = client.get("/api/speakers", params={"name": "Konashenkov"}).json()["rows"]
            yield dict(db=db, client=client, document_id=document_id, exaggerated=ids,
                       speaker=speaker[0])
    finally:
        if drop:
            drop()


def query_ids(db, technique) -> set[int]:
    out = run_cli("query", "--db", db, "--technique", technique, "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    return {json.loads(line)["statement_id"] for line in out.stdout.splitlines()}


def test_the_cli_and_the_api_agree_on_every_name(corpus):
    assert len(corpus["exaggerated"]) == 2
    for name in ("Exaggeration", "exaggeration_minimisation", "Exaggeration, Minimisation"):
        assert query_ids(corpus["db"], name) == corpus["exaggerated"], name
    client = corpus["client"]
    for name in ("Minimisation", EXAGGERATION, "exaggeration or minimization"):
        rows = client.get("/api/statements", params={"technique": name}).json()["rows"]
        assert {r["statement_id"] for r in rows} == corpus["exaggerated"], name
        docs = client.get("/api/documents", params={"technique": name}).json()["rows"]
        assert [d["document_id"] for d in docs] == [corpus["document_id"]]
    profile = client.get(f"/api/speakers/{corpus['speaker']['speaker_id']}").json()
    assert {r["statement_id"] for r in profile["statements"]
            if EXAGGERATION in split_techniques(r["techniques"])} == corpus["exaggerated"]


def test_an_unknown_technique_is_refused_alike(corpus):
    out = run_cli("query", "--db", corpus["db"], "--technique", "shouting")
    assert out.returncode == 2 and "error [unknown_technique]" in out.stderr
    r = corpus["client"].get("/api/statements", params={"technique": "shouting"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_technique"


def test_the_speaker_never_splits_a_combined_technique(corpus):
    client, speaker = corpus["client"], corpus["speaker"]
    # the speakers list: "; " between entries, the id's comma inside one
    assert speaker["techniques"] == f"{EXAGGERATION} 2; Loaded_Language 1"
    profile = client.get(f"/api/speakers/{speaker['speaker_id']}").json()
    assert profile["techniques"] == [[EXAGGERATION, 2], ["Loaded_Language", 1]]
    html = client.get(f"/speakers/{speaker['speaker_id']}").text
    chart = html[html.index("<h2>Techniques</h2>"):html.index("<h2>Stances</h2>")]
    labels = [part.split("<")[0] for part in chart.split('class="label">')[1:]]
    assert labels == ["Exaggeration or minimisation", "Loaded language"]
    cells = [part.split("<")[0] for part in html.split('<td class="techniques">')[1:]]
    assert sorted(cells) == ["", "Exaggeration or minimisation",
                             "Exaggeration or minimisation; Loaded language"]
    for part in ("Exaggeration", "Minimisation"):
        assert f">{part}<" not in html and f"[\"{part}\"" not in json.dumps(profile)


# -- rates against a hand count ---------------------------------------------------------------

def words(n: int, start: int = 0) -> str:
    return " ".join(f"w{i}" for i in range(start, start + n))


def hand_article(n: int, outlet: str, published: str, report: int, spans: list[str], *,
                 note: str | None = None) -> Analysis:
    """``report`` words of report text (and a dash, which is no word), then five words of
    boilerplate; a span of each of ``spans`` over one report word each."""
    body = words(report) + " —\n"
    text = body + "Subscribe to our newsletter today\n"
    techniques = []
    for i, name in enumerate(spans):
        start = body.index(f"w{i} ") if i else 0
        techniques.append(TechniqueSpan(name, start, start + len(f"w{i}"), f"w{i}", 0.9))
    meta = {"outlet": outlet, "published": published, "title": f"A{n}"}
    return Analysis(techniques_note=note, id=f"a{n}", source=f"mem://a{n}", text=text + f"#{n}\n",
                    blocks=[Block(0, len(body), "report", "body"),
                            Block(len(body), len(text) + len(f"#{n}\n"), "boilerplate",
                                  "newsletter")],
                    techniques=techniques, meta=meta)


@pytest.fixture(params=BACKENDS)
def rates_db(request, tmp_path):
    """Long has long articles and the most spans; Short has fewer spans in fewer words."""
    from saidwhat.store import open_store

    drop = None
    if request.param == "sqlite":
        db = str(tmp_path / "rates.db")
    else:
        db, drop = make_pg_database()
    with open_store(db) as store:
        for a in (hand_article(1, "Long", "2020-01-06", 200, ["Loaded_Language"] * 3
                               + [EXAGGERATION]),
                  hand_article(2, "Long", "2020-01-12", 300, []),
                  hand_article(3, "Short", "2020-01-13", 20, ["Loaded_Language"] * 2),
                  # the tagger was missing: no article without techniques, but none read
                  hand_article(4, "Short", "2020-01-14", 1000, [],
                               note="unavailable: no model")):
            assert store.add(a).status == "stored"
    yield db
    if drop:
        drop()


def test_stats_give_rates_beside_counts(rates_db):
    from saidwhat.store import open_store

    with open_store(rates_db, create=False) as store:
        per_outlet = store.stats(by="outlet", of="techniques")
        weekly = store.stats(by="week", of="techniques", technique="loaded language")
        assert store.sql("SELECT words FROM documents ORDER BY id")["words"].tolist() == [
            200, 300, 20, 1000]
    rows = {(r.outlet, r.technique): r for r in per_outlet.itertuples()}
    long_ll = rows["Long", "Loaded_Language"]
    # Long: 3 spans in 200 + 300 report words (the boilerplate's 5 words left out), in 1 of
    # its 2 articles
    assert (long_ll.spans, long_ll.words, long_ll.articles, long_ll.articles_with) == (3, 500,
                                                                                        2, 1)
    assert long_ll.spans_per_1000_words == pytest.approx(6.0)
    assert long_ll.share_of_articles == pytest.approx(0.5)
    # Short: fewer spans, but 2 in 20 words is the higher rate; article 4 (never tagged) is
    # not counted
    short_ll = rows["Short", "Loaded_Language"]
    assert (short_ll.spans, short_ll.words, short_ll.articles) == (2, 20, 1)
    assert short_ll.spans_per_1000_words == pytest.approx(100.0)
    assert short_ll.share_of_articles == pytest.approx(1.0)
    short_ex = rows["Short", EXAGGERATION]  # a technique it lacks reads as 0, not missing
    assert (short_ex.spans, short_ex.spans_per_1000_words, short_ex.share_of_articles) == (
        0, 0.0, 0.0)
    assert list(per_outlet["outlet"]) == ["Long", "Long", "Short", "Short"]  # most spans first
    assert list(weekly["week"].astype(str)) == ["2020-01-06", "2020-01-13"]
    assert set(weekly["technique"]) == {"Loaded_Language"}
    assert weekly["spans_per_1000_words"].tolist() == pytest.approx([6.0, 100.0])
    assert weekly["words"].tolist() == [500, 20]


def test_the_stats_command_and_the_techniques_page_show_the_rates(rates_db):
    out = run_cli("stats", "--db", rates_db, "--of", "techniques", "--by", "outlet",
                  "--technique", "Minimization", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["outlet"], r["technique"], r["spans"], r["words"]) for r in rows] == [
        ("Long", EXAGGERATION, 1, 500), ("Short", EXAGGERATION, 0, 20)]
    assert rows[0]["spans_per_1000_words"] == pytest.approx(2.0)
    app = create_app(rates_db, workers=0, warm=False, allowed_hosts=["testserver"])
    with TestClient(app) as client:
        api = client.get("/api/stats", params={"of": "techniques", "by": "week"}).json()
        html = client.get("/techniques").text
    assert {r["week"] for r in api["rows"]} == {"2020-01-06", "2020-01-13"}
    table = html[html.index('id="rates-outlet"'):]
    table = table[:table.index("</table>")]
    short = table[table.index('data-group="Short"'):]
    cell = short[short.index('data-technique="Loaded_Language"'):]
    assert '<span class="rate">100.00</span>' in cell.split("</td>")[0]
    assert '<span class="share">100%</span>' in cell.split("</td>")[0]
    long_row = table[table.index('data-group="Long"'):table.index('data-group="Short"')]
    # 4 spans over 500 words: 8 per 1,000 in all, 6 of them loaded language in half the
    # articles
    assert '<td class="n">500</td><td class="n">4</td><td class="n">8.00</td>' in long_row
    assert '<span class="rate">6.00</span><br><small><span class="share">50%</span>' in long_row
    assert 'id="rates-week"' in html and "per 1,000 words" in html


def test_a_name_two_techniques_share_is_refused(monkeypatch):
    # the lookup is built at import: a name of two techniques fails then, not as a guess later
    clash = catalogue.Technique("Doubt_2", "Casting doubt", "", "", aliases=("doubt",))
    monkeypatch.setattr(catalogue, "CATALOGUE", CATALOGUE + (clash,))
    with pytest.raises(ValueError, match="names both Doubt and Doubt_2"):
        catalogue._lookup()
