from __future__ import annotations

from conftest import SHARED, need

from saidwhat.evaluation import gum as G

GUM = SHARED / "data" / "gum-coref"

# Nested mentions ("the mayor of Springfield" around "Springfield"), a multi-token mention
# with an identity, two brackets on one token, and a blank line between the two sentences.
TINY = "\n".join([
    "# begin document GUM_news_tiny",
    "0\tMayor\t(person-1-Joe_Quimby",
    "1\tJoe\t_",
    "2\tQuimby\tperson-1-Joe_Quimby)",
    "3\tspoke\t_",
    "4\t.\t_",
    "",
    "5\tThe\t(person-1-Joe_Quimby",
    "6\tmayor\t_",
    "7\tof\t_",
    "8\tSpringfield\t(place-2)person-1-Joe_Quimby)",
    "9\tsaid\t_",
    "10\tit\t(abstract-3)",
    "11\t.\t_",
    "# end document",
    "",
])


def test_parse_conll_reads_tokens_sentences_and_nested_mentions():
    (doc,) = G.parse_conll(TINY)
    assert doc.name == "GUM_news_tiny" and doc.genre == "news"
    assert doc.sentences == [(0, 5), (5, 12)]
    assert doc.text == "Mayor Joe Quimby spoke .\nThe mayor of Springfield said it ."
    assert all(doc.text[a:b] == t for (a, b), t in zip(doc.offsets, doc.tokens))
    spans = [(m.start, m.end, m.type, m.chain, m.identity) for m in doc.mentions]
    assert spans == [(0, 3, "person", "1", "Joe_Quimby"),
                     (5, 9, "person", "1", "Joe_Quimby"),
                     (8, 9, "place", "2", None),
                     (10, 11, "abstract", "3", None)]
    assert doc.mention_text(doc.mentions[1]) == "The mayor of Springfield"
    assert doc.sentence_of(9) == (5, 12)


def test_parse_conll_without_blank_lines_splits_after_end_punctuation():
    (doc,) = G.parse_conll(TINY.replace("\n\n5\t", "\n5\t"))
    assert doc.sentences == [(0, 5), (5, 12)]


def test_judge_accepts_names_surnames_and_acronyms_not_the_description_itself():
    need(SHARED / "tools" / "statementcheck.py")
    norm = G._norm_name()
    named = ["NASA Administrator Charles Bolden", "KCNA"]
    assert G._judge("Charles Bolden", named, "bolden", norm)
    assert G._judge("Korean Central News Agency", named, "bolden", norm)
    assert not G._judge("administrator", named, "bolden", norm)
    assert not G._judge("", named, "bolden", norm)


def test_one_news_document_end_to_end():
    need(SHARED / "tools" / "statementcheck.py")
    path = need(GUM / "GUM_news_homeopathic.conll")
    docs = G.parse_conll(path.read_text(encoding="utf-8"))
    result = G.evaluate_gum(docs=docs)
    assert result["documents"] == 1 and result["cases"] > 0
    rows = result["scores"]["news"]
    assert set(rows) <= {*G.KINDS, "all"} and "all" in rows
    for row in rows.values():
        assert set(row) == {"n", "resolver", "baseline"}
        assert 0 <= row["resolver"] <= 1 and 0 <= row["baseline"] <= 1
    assert rows["all"]["n"] == result["cases"] == sum(
        r["n"] for kind, r in rows.items() if kind != "all")
    assert "he/she" in G.format_report(result)
    assert G.format_errors(result, 2).count("\n    ") == min(2, len(result["errors"]))
