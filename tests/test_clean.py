"""Tests of saidwhat.clean: report versus publisher boilerplate in plain text.

The articles are read at test time from the shared data folder next to the repository
(../shared); nothing from it is copied here.  The boilerplate appended to them is written
below, in several publishers' styles.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from saidwhat.clean import find_blocks
from saidwhat.pieces import report_pieces
from saidwhat.model import Block

SHARED = Path(__file__).parents[1].parent / "shared"
EXAMPLE = SHARED / "examples" / "konashenkov-aleppo.txt"
POLNEAR_DEV = SHARED / "data" / "polnear" / "dev" / "text"

needs_example = pytest.mark.skipif(not EXAMPLE.exists(), reason="shared example not available")
needs_polnear = pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR dev not available")

# Real articles the boilerplate is appended to; each yields no boilerplate on its own.
ARTICLES = [
    "nyt_2016-09-12_visa-program-up-for-renewal-amid.txt",
    "politico_2016-09-22_house-panel-votes-to-hold-clinto.txt",
    "wash-post_2016-09-18_e-u-leaders-weigh-plans-for-grea.txt",
    "usa-today_2016-09-22_super-pac-haul-surges-past-b-sma.txt",
    "breitbart_2016-09-20_poll-wealthy-voters-abandon-repu.txt",
    "huff-post_2016-09-27_obama-power-plant-rules-face-key.txt",
]

DONATION_APPEAL = (
    "Before you go\n"
    "Our reporters spent months on this story, and we rely on readers like you to keep it "
    "free for everyone.\n"
    "If you value what we do, please make a one-time or monthly donation today. "
    "Even $5 helps.\n"
    "Donate now\n"
    "Maybe later\n"
)
MEMBERSHIP_DRIVE = (
    "Become a member\n\n"
    "Members keep our newsroom independent. Join today for $8 a month and get ad-free "
    "reading, exclusive newsletters and early access to our events.\n\n"
    "Already a member? Log in.\n"
)
NEWSLETTER_SIGNUP = (
    "Sign up for our morning newsletter\n"
    "Get the day's most important stories delivered to your inbox every weekday.\n"
    "Enter your email address\n"
    "By signing up, you agree to our privacy policy.\n"
)
RELATED_LINKS = (
    "Related coverage:\n"
    "Senate panel delays vote on spending bill\n"
    "Governors push back on new emissions targets\n"
    "What the latest jobs report means for the economy\n"
)
SHARE_BAR = "Share this article\nFacebook | Twitter | Email | Print\n"
PROMO = "Download our app for breaking news alerts on your phone."
NAVIGATION = "Skip to main content\nHome | World | Politics | Business | Opinion\nMenu\nSearch\n"

# Reports that only talk about donations: third-person reporting, nobody addresses "you".
DONATION_REPORTS = [
    "A spokeswoman for the regional food bank said the charity urgently needed donations to "
    "keep its shelves stocked through the winter.",
    "The organisation urged residents to give what they can, its director told reporters on "
    "Monday, adding that every contribution would go directly to families in need.",
    "“We need your help, and every donation counts,” the director said.",
]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def article(name: str) -> str:
    return read(POLNEAR_DEV / name)


def assert_tiles(blocks: list[Block], text: str) -> None:
    """Blocks cover the text in order, without gap or overlap, and are merged."""
    assert blocks[0].start == 0
    assert blocks[-1].end == len(text)
    for before, after in zip(blocks, blocks[1:]):
        assert before.end == after.start
        assert (before.kind, before.label) != (after.kind, after.label)
    for block in blocks:
        assert block.start < block.end
        assert block.kind in ("report", "boilerplate")
        assert (block.label == "body") == (block.kind == "report")


def boilerplate(blocks: list[Block]) -> list[Block]:
    return [block for block in blocks if block.kind == "boilerplate"]


def describe(text: str, blocks: list[Block]) -> list[tuple[str, str]]:
    return [(block.label, text[block.start:block.end]) for block in boilerplate(blocks)]


# --- the founding example -------------------------------------------------------------------

@needs_example
def test_founding_example_appeal_starts_at_gold_boundary():
    text = read(EXAMPLE)
    gold = json.loads(read(EXAMPLE.with_suffix(".gold.json")))
    (appeal,) = gold["boilerplate"]
    assert appeal["span"][0] == 1377  # the boundary this test was written for

    blocks = find_blocks(text)

    assert_tiles(blocks, text)
    assert blocks == [Block(0, 1377, "report", "body"),
                      Block(1377, len(text), "boilerplate", "reader_appeal")]
    assert report_pieces(text, blocks) == [(0, 1377)]   # what analysis parses


@needs_example
def test_founding_example_with_crlf_keeps_exact_offsets():
    text = read(EXAMPLE).replace("\n", "\r\n")
    boundary = 1377 + read(EXAMPLE)[:1377].count("\n")

    blocks = find_blocks(text)

    assert_tiles(blocks, text)
    assert [(b.start, b.end, b.label) for b in blocks] == [
        (0, boundary, "body"), (boundary, len(text), "reader_appeal")]
    assert text[boundary:].startswith("A Message from")


# --- real articles with boilerplate appended -----------------------------------------------

@needs_polnear
@pytest.mark.parametrize("name", ARTICLES)
def test_chosen_articles_are_all_report(name):
    text = article(name)
    assert find_blocks(text) == [Block(0, len(text), "report", "body")]


@needs_polnear
@pytest.mark.parametrize("name, appended, label", [
    (ARTICLES[0], DONATION_APPEAL, "reader_appeal"),
    (ARTICLES[1], MEMBERSHIP_DRIVE, "reader_appeal"),
    (ARTICLES[2], NEWSLETTER_SIGNUP, "newsletter"),
    (ARTICLES[3], RELATED_LINKS, "related_links"),
    (ARTICLES[4], SHARE_BAR, "share_bar"),
    (ARTICLES[5], PROMO, "promo"),
])
def test_boilerplate_appended_to_real_article(name, appended, label):
    report = article(name).rstrip() + "\n\n"
    text = report + appended

    blocks = find_blocks(text)

    assert_tiles(blocks, text)
    assert blocks == [Block(0, len(report), "report", "body"),
                      Block(len(report), len(text), "boilerplate", label)]


@needs_polnear
def test_navigation_before_real_article():
    head = NAVIGATION + "\n"
    text = head + article(ARTICLES[0])

    blocks = find_blocks(text)

    assert_tiles(blocks, text)
    assert blocks == [Block(0, len(head), "boilerplate", "navigation"),
                      Block(len(head), len(text), "report", "body")]


@needs_polnear
def test_several_kinds_stacked_at_the_end_keep_their_labels():
    report = article(ARTICLES[1]).rstrip() + "\n\n"
    text = report + SHARE_BAR + "\n" + DONATION_APPEAL + "\n" + RELATED_LINKS

    blocks = find_blocks(text)

    assert_tiles(blocks, text)
    assert blocks[0] == Block(0, len(report), "report", "body")
    assert [b.label for b in blocks[1:]] == ["share_bar", "reader_appeal", "related_links"]
    assert text[blocks[2].start:].startswith("Before you go")
    assert text[blocks[3].start:].startswith("Related coverage:")


@needs_polnear
def test_standalone_promo_inside_the_article_is_labelled():
    paragraphs = article(ARTICLES[2]).split("\n\n")
    cut = len("\n\n".join(paragraphs[:3])) + 2
    original = article(ARTICLES[2])
    text = original[:cut] + "Advertisement\n\n" + original[cut:]

    blocks = find_blocks(text)

    assert_tiles(blocks, text)
    assert describe(text, blocks) == [("promo", "Advertisement\n\n")]


@needs_polnear
def test_extracted_html_is_searched_harder_in_the_middle():
    original = article(ARTICLES[3])
    cut = original.index("\n\n", len(original) // 2) + 2
    leak = ("Enjoying this story? Our free newsletter brings the best of our reporting to "
            "your inbox.\n\n")
    text = original[:cut] + leak + original[cut:]

    assert boilerplate(find_blocks(text)) == []
    blocks = find_blocks(text, from_html=True)
    assert_tiles(blocks, text)
    assert describe(text, blocks) == [("newsletter", leak)]


# --- reports about donations stay report -----------------------------------------------------

@needs_polnear
def test_paragraphs_about_donations_stay_report_in_the_middle():
    original = article(ARTICLES[0])
    cut = original.index("\n\n", len(original) // 2) + 2
    text = original[:cut] + "\n\n".join(DONATION_REPORTS) + "\n\n" + original[cut:]

    assert find_blocks(text) == [Block(0, len(text), "report", "body")]
    assert find_blocks(text, from_html=True) == [Block(0, len(text), "report", "body")]


@needs_polnear
def test_paragraphs_about_donations_stay_report_at_the_end():
    text = article(ARTICLES[5]).rstrip() + "\n\n" + "\n\n".join(DONATION_REPORTS) + "\n"

    assert find_blocks(text) == [Block(0, len(text), "report", "body")]
    assert find_blocks(text, from_html=True) == [Block(0, len(text), "report", "body")]


@needs_polnear
def test_paragraphs_about_donations_before_a_real_appeal_stay_report():
    report = article(ARTICLES[4]).rstrip() + "\n\n" + "\n\n".join(DONATION_REPORTS) + "\n\n"
    text = report + DONATION_APPEAL

    blocks = find_blocks(text)

    assert blocks == [Block(0, len(report), "report", "body"),
                      Block(len(report), len(text), "boilerplate", "reader_appeal")]


# --- the whole PolNeAR dev split ----------------------------------------------------------------

@needs_polnear
def test_polnear_dev_is_almost_all_report(capsys):
    total = flagged = 0
    for path in sorted(POLNEAR_DEV.glob("*.txt")):
        text = read(path)
        blocks = find_blocks(text)
        assert_tiles(blocks, text)
        total += len(text)
        for label, span in describe(text, blocks):
            flagged += len(span)
            print(f"{path.name}: {label}: {span!r}")
    with capsys.disabled():
        print(f"\nPolNeAR dev: {flagged} of {total} characters labelled boilerplate "
              f"({flagged / total:.4%})")
    assert len(list(POLNEAR_DEV.glob("*.txt"))) == 84
    assert flagged / total <= 0.05


# --- edge cases -------------------------------------------------------------------------------

def test_empty_text_has_no_blocks():
    assert find_blocks("") == []
    assert report_pieces("", []) == []


def test_whitespace_only_text_is_one_report_block():
    assert find_blocks(" \n\n\t") == [Block(0, 4, "report", "body")]


def test_text_without_newline():
    sentence = "The minister said the plan would go ahead despite the protests."
    assert find_blocks(sentence) == [Block(0, len(sentence), "report", "body")]
    assert find_blocks("Advertisement") == [Block(0, 13, "boilerplate", "promo")]


def test_text_that_is_entirely_boilerplate():
    text = ("Support independent journalism\n"
            "Make a monthly donation today. Every contribution, big or small, keeps us going.\n"
            "Remind me later.")
    assert find_blocks(text) == [Block(0, len(text), "boilerplate", "reader_appeal")]
    assert report_pieces(text, find_blocks(text)) == []


def test_crlf_offsets_with_boilerplate_at_both_ends():
    head = "Skip to content\r\nHome | News | Sport | Culture\r\n\r\n"
    body = ("Officials said on Tuesday that the bridge would reopen next month.\r\n\r\n"
            "The repairs cost more than expected, a spokesman told reporters.\r\n\r\n")
    tail = "Share this article\r\nFacebook | Twitter | Email\r\n"
    text = head + body + tail

    blocks = find_blocks(text)

    assert blocks == [Block(0, len(head), "boilerplate", "navigation"),
                      Block(len(head), len(head + body), "report", "body"),
                      Block(len(head + body), len(text), "boilerplate", "share_bar")]


def test_lone_section_word_on_top_is_navigation_but_a_title_is_not():
    text = "Politics\n\nThe council voted to raise taxes, the mayor said.\n"
    # A lone section word at the top is a menu entry; the report after it is not.
    assert [b.label for b in find_blocks(text)] == ["navigation", "body"]
    text = "Election Results Delayed in Three Counties\n\nOfficials said counting would resume."
    assert find_blocks(text) == [Block(0, len(text), "report", "body")]
