"""Separate the report from publisher boilerplate in an article's plain text.

Nothing is deleted: ``find_blocks`` labels every character of the text as part of the
``report`` or of a ``boilerplate`` block (reader appeal, newsletter sign-up, promo, related
links, share bar, navigation), so later stages can skip boilerplate while all offsets stay
valid.

Why this is written by hand: no library removes reader appeals from *plain text*.
trafilatura (used by ``saidwhat.read.html``) works on the HTML tree, and what its extraction
lets through (in-article promos, "Related:" lines, donation pop-ups rendered as paragraphs)
arrives here as plain text, as do articles that were never HTML at all.

Approach
--------
1. The text is cut into *units*: lines, with hard-wrapped continuation lines joined to their
   paragraph, each unit keeping exact offsets.  Blank lines belong to the unit before them.
2. Each unit is described by general publisher-boilerplate cues (``_describe``):

   * *strong* cues are whole-line forms that prose practically never takes ("Advertisement",
     a row of Share / Tweet / Email, "Skip to content", "Related: <headline>", a copyright
     line, "Remind me later.", "Sign up for our newsletter ...");
   * *weak* cues are scored: the line addresses the reader (you/your, we/our outside
     quotations, or starts with an imperative such as "Donate") and uses the lexicon of
     appeals, sign-ups and promos (support, donate, contribution, membership, monthly, "$5",
     newsletter, inbox, app ...).  Third-person reporting outside quotations (said, told,
     according to) counts against it, because a report that *talks about* donations
     ("A spokesperson said the charity needed donations") is still report.

3. Structure decides which cues are trusted.  Boilerplate clusters at the end (and start) of
   an article, so a walk back from the end (and forward from the start) takes every unit that
   looks like boilerplate and stops at the first that does not.  Two kinds of multi-line
   boilerplate are recognised as regions first, because their inner lines are not
   boilerplate on their own:

   * a reader appeal opens with a strong start ("A Message from ...:", "Dear readers,",
     "Support ...", "Before you go") and runs on while its lines stay reader-directed
     (we/our/you/your, thanks, "Remind me later"); a line quoting someone inside it, such as
     "The authorities claim our work ...", is still the publisher speaking to the reader;
   * a related-links list opens with a header ("Related", "More from ...", "Read more") and
     runs on over headline-like lines.

   In the middle of the text only strong units count; with ``from_html=True`` (extraction
   lets promos leak into the body) weak units and regions count there as well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from saidwhat.model import Block

REPORT = "report"
BOILERPLATE = "boilerplate"
BODY = "body"

READER_APPEAL = "reader_appeal"
NEWSLETTER = "newsletter"
PROMO = "promo"
RELATED_LINKS = "related_links"
SHARE_BAR = "share_bar"
NAVIGATION = "navigation"

# A weak unit needs at least this score (see ``_weak_label``).
_WEAK_SCORE = 3.0
# Units longer than this are article prose, whatever their words (appeals are written in
# short paragraphs); they can still continue an appeal that has already started.
_MAX_WEAK_WORDS = 90
# An appeal may contain a single line that does not address the reader (a quotation from a
# court ruling or an official), as long as the appeal resumes right after it.
_APPEAL_GAP_LINES = 1
_MAX_RELATED_ITEMS = 20
# Appeals are a handful of short paragraphs; a longer reader-directed run is an article
# written in the second person (advice, shopping), not a pop-up.
_MAX_APPEAL_UNITS = 15

_FLAGS = re.I

# --- lexicons (general publisher language, no outlet, person or place) -------------------

# Quoted material is someone else's voice: pronouns and reporting verbs inside it say nothing
# about who is addressing whom, so they are removed before counting.  An unclosed quotation
# runs to the end of the line (multi-paragraph quotations leave their opening mark unclosed).
_QUOTED = re.compile(
    r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)|''.*?(?:''|$)"
    r"|«[^»]*(?:»|$)|„[^“”]*(?:[“”]|$)")
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|you[’'](?:re|ve|ll|d))\b", _FLAGS)
# Lower-case "us" only: upper-case "US" is the country.
_FIRST_PLURAL = re.compile(
    r"\b(?:[Ww]e|WE|[Oo]ur|OUR|ours|us|ourselves|[Ww]e[’'](?:re|ve|ll|d))\b")
_THANKS_PLEASE = re.compile(r"\b(?:thank(?:s| you)|please)\b", _FLAGS)
_REPORTING = re.compile(
    r"\b(?:said|says|told|tells|according to|added|stated|explained|announced|reported|"
    r"noted|insisted|argued|wrote|testified|warned|acknowledged|spokes(?:man|woman|person))\b",
    _FLAGS)

# Words of appeals for money or membership.  "support" and "member" alone are everyday news
# words, so only their appeal forms count.
_APPEAL_CUES = re.compile(
    r"\bsupport(?:ing)?\s+(?:us|our|independent|quality|local|public|this|the work)\b"
    r"|\byour (?:support|contribution|donation|gift)\b|\bsupporters? like you\b"
    r"|\bdonat(?:e|es|ed|ion|ions|ing)\b|\bcontributions?\b"
    r"|\bcontribute (?:today|now|to (?:us|our|this))\b"
    r"|\bmembership\b|\bbecom(?:e|ing) an? (?:\w+ )?(?:member|supporter|patron|subscriber)\b"
    r"|\bmake an? (?:[\w-]+ )?(?:donation|contribution|gift)\b"
    r"|\bmembers? (?:get|enjoy|receive|support)\b|\bpatrons?\b|\bjournalism\b|\bnewsroom\b"
    r"|\breader[- ](?:funded|supported)\b|\bpaywall\b"
    r"|\bindependent (?:media|reporting|news|press|voices?)\b"
    r"|\bchip in\b|\bkeep (?:us|our \w+) (?:going|free|independent|alive|open)\b"
    r"|\bfund(?:ing)? (?:us|our)\b",
    _FLAGS)
# Amounts and billing periods: they strengthen an appeal or an offer but make neither alone
# (shopping and personal-finance articles are full of them).
_MONEY_CUES = re.compile(
    r"[$€£]\s?\d|\bmonthly\b|\bper month\b|\ba month\b|\bannual(?:ly)?\b|\bone[- ]time\b"
    r"|\brecurring\b",
    _FLAGS)
_NEWSLETTER_CUES = re.compile(
    # Subscribing in general is consumer news (streaming, software); subscribing *here* is not.
    r"\bnewsletters?\b|\binbox\b|\bsubscribe (?:to (?:us|our)|now|today|here|for free)\b"
    r"|\bsubscribers? (?:get|only|enjoy)\b|\bour subscribers\b"
    r"|\bemail address\b|\bdaily (?:briefing|digest|email)\b|\bdelivered to you\b|\bunsubscribe\b",
    _FLAGS)
_PROMO_CUES = re.compile(
    r"\b(?:our|the|free) (?:\w+ )?app\b|\bapp store\b|\bgoogle play\b|\bpodcast\b"
    r"|\bfollow us\b|\bclick here\b|\bdownload\b|(?<![\w-])sponsored (?:content|post|by)\b"
    r"|\badvertisement\b"
    r"|\bdiscount\b|\bfree trial\b|\bunlimited (?:digital )?access\b",
    _FLAGS)
# An imperative at the start of a line speaks to the reader.
_IMPERATIVE_START = re.compile(
    r"^(?:please\s+)?(?:support|donate|give|join|become|subscribe|sign|help|click|tap|download|"
    r"get|follow|share|read|listen|watch|try|register|log|enter|make|consider|stay|don[’']t miss|"
    r"chip|contribute|discover|explore|install)\b",
    _FLAGS)

# --- strong whole-line forms ---------------------------------------------------------------

_APPEAL_HEADING = re.compile(
    r"^(?:an?\s+)?(?:(?:special|personal|important|urgent|quick)\s+)?"
    r"(?:message|note|letter|appeal|word|request)\s+(?:from|to)\s+\S.{0,60}?[:.!]?$",
    _FLAGS)
_APPEAL_OPENERS = re.compile(
    r"^(?:dear\s+(?:\w+\s+)?(?:readers?|friends?|subscribers?|supporters?|members?|listeners?|"
    r"viewers?|visitors?)\b"
    r"|before you (?:go|leave|move on|scroll on|close)\b"
    r"|one (?:more|last) thing\b"
    r"|we have a (?:small |quick )?favou?r to ask\b"
    r"|(?:thank you|thanks) for (?:reading|visiting|being (?:a|one|here))\b"
    r"|(?:please\s+)?(?:support|fund|back|defend|protect|save)\s+(?:us|our|independent|quality|"
    r"free|local|public[- ]interest|fearless|this|the work)\b"
    r"|(?:please\s+)?(?:donate|contribute|give)(?:\s+(?:now|today|here|monthly|once))?\s*[.!:]?$"
    r"|make an? (?:\w+\s+)?(?:donation|contribution|gift)\b"
    r"|(?:become|join)\s+(?:a\s+|an\s+|our\s+)?(?:\w+\s+)?(?:members?|supporters?|patrons?|"
    r"subscribers?|community|friends?|us)\b"
    r"|if you (?:value|like|enjoy|appreciate|rely on|believe in|found|care about|read|want|"
    r"have read)\b.*\b(?:support|donat|contribut|member|subscri|journalism|reporting|help)\w*)",
    _FLAGS)
# Phrases that open an appeal wherever they stand in its first line.
_APPEAL_PHRASES = re.compile(
    r"\bsmall favou?r to ask\b|\bsince you[’']re here\b"
    r"|\b(?:support|fund) us\b|\bmake an? (?:[\w-]+ )?(?:donation|contribution|gift)\b",
    _FLAGS)
# "Support The <Outlet>": a short title-case line after "Support".
_SUPPORT_TITLE = re.compile(
    r"^(?:[Pp]lease\s+)?[Ss]upport\s+(?:the\s+)?"
    r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,4}\s*[.!:]?$")
# The buttons that close a pop-up appeal.
_CLOSERS = re.compile(
    r"^(?:remind me (?:later|tomorrow|next \w+|in \w+)|maybe later|not now|no,? thanks?|"
    r"no thank you|close|dismiss|"
    r"i(?:[’']m| am) already a (?:member|supporter|subscriber)|already a (?:member|subscriber)"
    r"(?:\?.*)?|continue to (?:the )?(?:article|site))\s*[.!]?$",
    _FLAGS)

_NEWSLETTER_LINE = re.compile(
    r"^(?:(?:sign up|subscribe|register)\b.{0,150}\b(?:newsletters?|inbox|email|e-mail|briefing|"
    r"digest|alerts?|updates)\b.{0,80}"
    r"|get (?:the|our) .{0,60}\b(?:newsletter|briefing|digest)\b.{0,100}"
    r"|(?:sign up|subscribe)(?:\s+(?:now|today|here|for free))?\s*[.!]?"
    r"|(?:enter )?your e-?mail(?: address)?\s*:?"
    r"|e-?mail address\s*:?"
    r"|by (?:signing up|subscribing|clicking).{0,150}\b(?:agree|privacy)\b.{0,150}"
    r"|thanks? (?:you )?for (?:signing up|subscribing)\b.{0,100}"
    r"|(?:[\w’'&-]+\s+){0,4}newsletters?)$",
    _FLAGS)
_PROMO_LINE = re.compile(
    r"^(?:advertisements?|ad|sponsored(?: content| post)?|paid (?:content|post)|"
    r"story continues below(?: advertisement)?|continue reading (?:the |this )?(?:main )?"
    r"(?:story|article)(?: below)?"
    r"|(?:download|get|install) (?:our|the)\s+(?:free\s+)?(?:\w+\s+){0,3}apps?\b.{0,120}"
    r"|listen to (?:this|our) (?:article|story|podcast)\b.{0,80}"
    r"|(?:subscribe to|listen to) .{0,60}\bpodcast\b.{0,40}"
    r"|follow (?:us|@\w+)\b.{0,100}"
    r"|follow .{1,80}?\b(?:on|at) (?:twitter|facebook|instagram|x|linkedin|tiktok|threads|"
    r"bluesky|youtube|telegram)\b.{0,120}"
    # A label and a bare address ("Download: https://...") is a link button, not prose.
    r"|[\w’' ]{1,30}:\s*https?://\S+)$",
    _FLAGS)
_RELATED_HEADER = re.compile(
    r"^(?:related(?: (?:stories|articles|coverage|content|news|posts|reading|topics|links))?"
    r"|read more|read next|more (?:from|on|in|about)\b.{0,50}|more (?:stories|news|articles)"
    r"|recommended(?: for you| reading| stories| articles)?|you (?:may|might) also (?:like|enjoy)"
    r"|also read|see also|most (?:read|popular|viewed|shared)|trending(?: now| stories)?"
    r"|what to read next|further reading|top stories|latest (?:news|stories)|editor[’']?s picks"
    r"|don[’']t miss)\s*(?::|\.{3}|…)?$"
    r"|^(?:more|also|see more)\s*:$",
    _FLAGS)
# One line holding a related-link prefix and a headline, possibly in brackets.
_RELATED_LINE = re.compile(
    r"^[\[(]?(?:related(?: (?:post|story|article|video|content|coverage))?|read more|read next|"
    r"also read|see also|see more|more|recommended|watch|listen|more on this(?: story)?|"
    r"don[’']t miss)\s*(?::|>>|»|\|)\s*\S.{0,200}$",
    _FLAGS)
_SHARE_LINE = re.compile(
    r"^(?:(?:like|enjoy(?:ed)?|love[ds]?) (?:this|the) (?:story|article|post|piece)\?"
    r".{0,40}\bshare\b.{0,60}"
    r"|share (?:this|the) (?:story|article|post|page)\b.{0,60})$",
    _FLAGS)
_NAVIGATION_LINE = re.compile(
    r"^(?:skip to (?:the )?(?:main )?(?:content|navigation|article|search)|jump to (?:main )?"
    r"(?:content|navigation)|toggle (?:navigation|menu)|main (?:menu|navigation)|back to top"
    # A copyright notice has a year or stands short; "© Agency <caption>" is a photo caption.
    r"|(?:©|\(c\)|copyright\b)\s*(?:\S+\s+){0,3}(?:19|20)\d\d\b.{0,200}"
    r"|(?:©|\(c\)|copyright\b)(?:\s*[^\s.]+){0,5}|.{0,200}\ball rights reserved\b.{0,100}"
    r"|(?:terms of (?:use|service)|privacy (?:policy|notice)"
    r"|cookie (?:policy|settings|preferences))"
    r"(?:\s*[|·•,/]\s*.{0,40}){0,8}"
    r"|(?:filed under|tags?|topics|categories|posted in)\s*:.{0,200})\.?$",
    _FLAGS)

_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")
# Rows of sharing buttons: every word is a sharing word, at least one a sharing verb/network.
_SHARE_CORE = frozenset(
    "share shares shared tweet email e-mail mail print facebook twitter linkedin whatsapp reddit "
    "pinterest telegram messenger flipboard sms copy".split())
_SHARE_FILLER = frozenset(
    "this article story page on via to the it link comments comment save pin post x k "
    "and or url".split())
# Section names and account links that make up menus.
_NAVIGATION_WORDS = frozenset(
    "home news world politics business opinion opinions sport sports culture arts art tech "
    "technology science health lifestyle life style video videos podcasts podcast photos "
    "menu search sections section subscribe log login logout in sign register account about "
    "us contact newsletters live weather entertainment travel books food climate economy "
    "markets money local national international uk europe asia africa americas middle east "
    "latin america pacific and more latest education environment media games puzzles "
    "crossword obituaries magazine edition epaper e-paper shop jobs events archive archives "
    "tv radio listen watch investigations analysis features breaking today español english "
    "help faq careers advertise masthead "
    "editorial editorials columns columnists letters reviews the a of".split())
_NAVIGATION_FILLER = frozenset("and the a of in us".split())


@dataclass(frozen=True)
class _Unit:
    """A line (or hard-wrapped paragraph) of the text: ``text`` is its stripped content."""
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Cues:
    """What one unit looks like, judged on its own."""
    strong: Optional[str]  # label when the unit is unmistakable boilerplate on its own
    weak: Optional[str]  # label when the lexicon says boilerplate but structure must confirm
    appeal_start: bool  # can open a reader appeal
    reader_directed: bool  # the publisher addressing the reader (can continue an appeal)
    related_header: bool
    headline_like: bool
    navigation_word: bool  # a menu entry on its own line ("Politics")
    closer: bool  # a pop-up button such as "Remind me later."


def find_blocks(text: str, *, from_html: bool = False) -> list[Block]:
    """Label ``text`` as report and boilerplate blocks that tile it exactly.

    Blocks come in order, cover ``[0, len(text))`` without gap or overlap, and adjacent units
    of the same kind and label are merged.  ``from_html`` trusts weaker evidence in the middle
    of the text, where HTML extraction lets promos leak through.  An empty text has no blocks.
    """
    if not text:
        return []
    units = _units(text)
    if not units:
        return [Block(0, len(text), REPORT, BODY)]
    cues = [_describe(unit.text) for unit in units]
    labels = _label_units(cues, from_html=from_html)
    return _blocks(text, units, labels)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The paragraphs of ``text`` as ``find_blocks`` reads them: (start, end) of each non-blank
    line, leading and trailing spaces left out, hard-wrapped lines joined to their paragraph."""
    return [(unit.start, unit.end) for unit in _units(text)]


# --- units ----------------------------------------------------------------------------------

def _units(text: str) -> list[_Unit]:
    """Cut ``text`` into non-blank units with exact offsets.

    ``str.splitlines`` knows \\r\\n, \\r and the Unicode line separators, and with
    ``keepends`` its pieces add up to the text, so offsets stay exact.  A line that does not
    end a sentence and is followed by one starting in lower case is a hard wrap: the two are
    one paragraph and are judged together.
    """
    units: list[_Unit] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        content = line.strip()
        if content:
            start = offset + (len(line) - len(line.lstrip()))
            end = start + len(content)
            if units and _is_wrapped(units[-1].text, content) \
                    and _strong_label(content, _WORD.findall(content)) is None:
                previous = units[-1]
                units[-1] = _Unit(previous.start, end, previous.text + " " + content)
            else:
                units.append(_Unit(start, end, content))
        offset += len(line)
    return units


def _is_wrapped(previous: str, current: str) -> bool:
    return not previous.endswith((".", "!", "?", ":", ";", "”", '"', "’", "'", ")")) \
        and current[:1].islower()


# --- describing one unit ----------------------------------------------------------------------

def _describe(line: str) -> _Cues:
    voice = _QUOTED.sub(" ", line)  # the unit's own voice, quotations removed
    words = _WORD.findall(line)
    strong = _strong_label(line, words)
    addresses_reader = bool(_SECOND_PERSON.search(voice) or _FIRST_PLURAL.search(voice)
                            or _THANKS_PLEASE.search(voice))
    reporting = bool(_REPORTING.search(voice))
    closer = bool(_CLOSERS.match(line))
    appeal_start = (bool(_APPEAL_HEADING.match(line)) and len(words) <= 12) \
        or (bool(_APPEAL_OPENERS.match(line)) and not reporting) \
        or (bool(_APPEAL_PHRASES.search(voice)) and not reporting) \
        or bool(_SUPPORT_TITLE.match(line))
    weak = _weak_label(line, voice, words, reporting)
    if weak is None and strong is None and not line.endswith(".") \
            and (_is_share_row(words) or [w.lower() for w in words] == ["comments"]):
        # A lone "Email" or "Facebook" is a sharing button only among others, or at an edge.
        weak = SHARE_BAR
    if weak == READER_APPEAL and not reporting:
        appeal_start = True
    lowered = [word.lower() for word in words]
    navigation_word = 0 < len(lowered) <= 4 and all(w in _NAVIGATION_WORDS for w in lowered) \
        and not all(w in _NAVIGATION_FILLER for w in lowered) \
        and not line.endswith((".", "?", "!"))
    return _Cues(
        strong=strong,
        weak=weak,
        appeal_start=appeal_start,
        # Reporting in the unit's own voice is the article speaking about someone, unless it
        # also speaks to "you" (an appeal quoting a ruling still addresses the reader).
        reader_directed=closer or appeal_start or strong == READER_APPEAL or weak == READER_APPEAL
        or (addresses_reader and (not reporting or bool(_SECOND_PERSON.search(voice)))),
        related_header=bool(_RELATED_HEADER.match(line)),
        headline_like=_is_headline_like(line, words),
        navigation_word=navigation_word,
        closer=closer,
    )


def _strong_label(line: str, words: list[str]) -> Optional[str]:
    """The label of a unit that is boilerplate by its form alone, or None."""
    if _CLOSERS.match(line):
        return READER_APPEAL
    if (_is_share_row(words) and (_count_share_core(words) >= 2 or "share" in line.lower())) \
            or _SHARE_LINE.match(line):
        return SHARE_BAR
    if len(words) <= 40:
        if _NAVIGATION_LINE.match(line):
            return NAVIGATION
        if _NEWSLETTER_LINE.match(line):
            return NEWSLETTER
        if _PROMO_LINE.match(line):
            return PROMO
        if _RELATED_LINE.match(line) or _RELATED_HEADER.match(line):
            return RELATED_LINKS
    if _is_menu_row(line, words):
        return NAVIGATION
    return None


def _weak_label(line: str, voice: str, words: list[str], reporting: bool) -> Optional[str]:
    """The label the boilerplate lexicon suggests for a unit, or None.

    The score counts distinct cues of appeals, sign-ups and promos, plus addressing the
    reader; third-person reporting and length count against.  A unit must address the reader
    at all to qualify: an article about fund-raising uses the same nouns.
    """
    if not words or len(words) > _MAX_WEAK_WORDS:
        return None
    second_person = bool(_SECOND_PERSON.search(voice))
    first_plural = bool(_FIRST_PLURAL.search(voice))
    imperative = bool(_IMPERATIVE_START.match(line))
    if not (second_person or first_plural or imperative):
        return None
    counts = {
        READER_APPEAL: len({m.group().lower() for m in _APPEAL_CUES.finditer(voice)}),
        NEWSLETTER: len({m.group().lower() for m in _NEWSLETTER_CUES.finditer(voice)}),
        PROMO: len({m.group().lower() for m in _PROMO_CUES.finditer(voice)}),
    }
    cue_count = sum(counts.values())
    if cue_count == 0:
        return None
    money = len({m.group().lower() for m in _MONEY_CUES.finditer(voice)})
    score = cue_count + min(money, 2) + second_person + 0.5 * first_plural + imperative
    if _THANKS_PLEASE.search(voice):
        score += 0.5
    if reporting:
        score -= 2
    if score < _WEAK_SCORE:
        return None
    # Ties go to the appeal: "subscribe" inside a plea for support is still the plea.
    return max((READER_APPEAL, NEWSLETTER, PROMO), key=lambda label: counts[label])


def _is_share_row(words: list[str]) -> bool:
    lowered = [word.lower() for word in words]
    return 0 < len(lowered) <= 14 \
        and all(w in _SHARE_CORE or w in _SHARE_FILLER for w in lowered) \
        and _count_share_core(words) > 0


def _count_share_core(words: list[str]) -> int:
    return sum(word.lower() in _SHARE_CORE for word in words)


def _is_menu_row(line: str, words: list[str]) -> bool:
    """Several section names on one line, separated like a menu ("Home | World | Politics")."""
    lowered = [word.lower() for word in words]
    separated = len(re.findall(r"\s[|·•/>]\s|\s{2,}|\t", line)) >= 2
    return separated and 2 < len(lowered) <= 30 \
        and all(w in _NAVIGATION_WORDS for w in lowered)


def _is_headline_like(line: str, words: list[str]) -> bool:
    """A link title in a list: short, capitalised or bulleted, not a finished sentence."""
    bulleted = line[:1] in "•-*–—·►▸"
    if not 2 <= len(words) <= 25:
        return False
    if bulleted:
        return True
    return (line[:1].isupper() or line[:1].isdigit() or line[:1] in "‘“\"'") \
        and not line.endswith((".", ",", ";", ":"))


# --- structure ---------------------------------------------------------------------------------

def _label_units(cues: list[_Cues], *, from_html: bool) -> list[Optional[str]]:
    """Give each unit a boilerplate label, or None for report."""
    count = len(cues)
    labels: list[Optional[str]] = [None] * count
    # Multi-line regions, keyed by their last unit so the walk back from the end finds them.
    regions = _appeal_regions(cues) + _related_regions(cues)
    region_ending_at: dict[int, tuple[int, str]] = {}
    region_starting_at: dict[int, tuple[int, str]] = {}
    for first, last, label in regions:
        # The longest region wins where several end (or start) at the same unit.
        if last not in region_ending_at or first < region_ending_at[last][0]:
            region_ending_at[last] = (first, label)
        if first not in region_starting_at or last > region_starting_at[first][0]:
            region_starting_at[first] = (last, label)

    def edge_label(index: int) -> Optional[str]:
        cue = cues[index]
        if cue.strong:
            return cue.strong
        if cue.weak:
            return cue.weak
        if cue.navigation_word:
            return NAVIGATION
        return None

    # Walk back from the end.
    index = count - 1
    while index >= 0:
        if index in region_ending_at:
            first, label = region_ending_at[index]
            labels[first:index + 1] = [label] * (index + 1 - first)
            index = first - 1
            continue
        label = edge_label(index)
        if label is None:
            break
        labels[index] = label
        index -= 1
    tail_start = index + 1

    # Walk forward from the start.
    index = 0
    while index < tail_start:
        if index in region_starting_at:
            last, label = region_starting_at[index]
            last = min(last, tail_start - 1)
            labels[index:last + 1] = [label] * (last + 1 - index)
            index = last + 1
            continue
        label = edge_label(index)
        if label is None:
            break
        labels[index] = label
        index += 1
    head_end = index

    # The middle: strong units always; weaker evidence only in extracted HTML.
    for index in range(head_end, tail_start):
        if labels[index] is None and cues[index].strong:
            labels[index] = cues[index].strong
    if from_html:
        for first, last, label in regions:
            if head_end <= first and last < tail_start:
                labels[first:last + 1] = [label] * (last + 1 - first)
        for index in range(head_end, tail_start):
            if labels[index] is None and cues[index].weak:
                labels[index] = cues[index].weak

    _closers_join_their_popup(cues, labels)
    return labels


def _appeal_regions(cues: list[_Cues]) -> list[tuple[int, int, str]]:
    """Reader appeals: a strong start, then lines that keep addressing the reader.

    The region must hold some line that is boilerplate by itself (strong or weak), so that a
    column which opens with "Dear readers," and merely talks to them is not taken.
    """
    regions: list[tuple[int, int, str]] = []
    count = len(cues)
    for start in range(count):
        if not cues[start].appeal_start:
            continue
        last = start
        gap = 0
        index = start + 1
        while index < count and index - start < _MAX_APPEAL_UNITS:
            cue = cues[index]
            if cue.strong and cue.strong != READER_APPEAL:
                break  # a different kind of boilerplate (newsletter, share bar) takes over
            if cue.reader_directed:
                last = index
                gap = 0
            else:
                gap += 1
                if gap > _APPEAL_GAP_LINES:
                    break
            index += 1
        if any(cues[i].strong == READER_APPEAL or cues[i].weak == READER_APPEAL
               for i in range(start, last + 1)):
            regions.append((start, last, READER_APPEAL))
    return regions


def _related_regions(cues: list[_Cues]) -> list[tuple[int, int, str]]:
    """Related-links lists: a header followed by headline-like lines."""
    regions: list[tuple[int, int, str]] = []
    for start, cue in enumerate(cues):
        if not cue.related_header:
            continue
        last = start
        while last + 1 < len(cues) and last - start < _MAX_RELATED_ITEMS \
                and cues[last + 1].headline_like and not cues[last + 1].related_header:
            last += 1
        if last > start:
            regions.append((start, last, RELATED_LINKS))
    return regions


def _closers_join_their_popup(cues: list[_Cues], labels: list[Optional[str]]) -> None:
    """A closing button ("No thanks") belongs to the pop-up just above it."""
    for index in range(1, len(cues)):
        if cues[index].closer and labels[index] and labels[index - 1]:
            labels[index] = labels[index - 1]


def _blocks(text: str, units: list[_Unit], labels: list[Optional[str]]) -> list[Block]:
    """Turn unit labels into merged blocks; each unit owns the whitespace after it."""
    blocks: list[Block] = []
    for number, (unit, label) in enumerate(zip(units, labels)):
        start = 0 if number == 0 else unit.start
        end = units[number + 1].start if number + 1 < len(units) else len(text)
        kind, name = (REPORT, BODY) if label is None else (BOILERPLATE, label)
        if blocks and blocks[-1].kind == kind and blocks[-1].label == name:
            blocks[-1].end = end
        else:
            blocks.append(Block(start, end, kind, name))
    return blocks
