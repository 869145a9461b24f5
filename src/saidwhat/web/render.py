"""An analysed article as HTML: statements highlighted, speakers named beside them, mentions
linked, technique spans underlined, figures marked and boilerplate greyed.

Every piece of article text goes through ``markupsafe.escape``; tags and attribute values are
built here from escaped values only, so an article holding ``<script>`` shows it as text.
Overlapping annotations are nested by a stack: statements outermost, then mentions and cues,
then technique spans, then figures; an inner annotation that crosses an outer one's edge is
split in two, the outer one never is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from markupsafe import Markup, escape

from saidwhat.model import Analysis
from saidwhat.rhetoric.catalogue import TECHNIQUES
from saidwhat.rhetoric.catalogue import title_of as technique_title

BLOCK_LABELS = {
    "body": "article", "reader_appeal": "reader appeal", "newsletter": "newsletter sign-up",
    "promo": "promotion", "related_links": "related links", "share_bar": "share bar",
    "navigation": "navigation",
}


def technique_class(name: str) -> str:
    """A CSS class per technique (t0 … t13 in catalogue order; tx for an unknown name)."""
    try:
        return f"t{TECHNIQUES.index(name)}"
    except ValueError:
        return "tx"


def _attrs(**attrs) -> Markup:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(Markup(' {}="{}"').format(Markup(name), "" if value is True else value))
    return Markup("").join(parts)


@dataclass(order=True)
class _Ann:
    start: int
    end: int
    level: int
    tag: str = field(compare=False)
    attrs: Markup = field(compare=False)

    def key(self):
        return (self.level, self.start, -self.end, id(self))

    def open(self) -> Markup:
        return Markup("<{}{}>").format(Markup(self.tag), self.attrs)

    def close(self) -> Markup:
        return Markup("</{}>").format(Markup(self.tag))


@dataclass
class Rendered:
    """The article's HTML (blocks), one detail entry per statement and the legend."""
    html: Markup
    statements: list[dict]
    techniques: list[dict]  # legend: name, title, css, count
    boilerplate_chars: int


def render_analysis(analysis: Analysis, *,
                    speaker_href: Callable[[int], Optional[str]] = lambda i: None) -> Rendered:
    """``speaker_href(statement_index)`` gives the link of a statement's speaker (or None)."""
    text = analysis.text
    anns: list[_Ann] = []
    inserts: dict[int, list[Markup]] = {}
    details: list[dict] = []
    contents = [(st.content.start, st.content.end) for st in analysis.statements if st.content]

    def inside_content(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in contents)

    figures_of: dict[int, list] = {}
    for fig in analysis.figures:
        if fig.statement is not None:
            figures_of.setdefault(fig.statement, []).append(fig)
    seen_mentions: set[tuple[int, int]] = set()
    for i, st in enumerate(analysis.statements):
        sp = st.speaker
        name = sp.name or "(unknown speaker)"
        href = speaker_href(i)
        span = st.content or st.cue
        techniques = list(st.techniques)
        anns.append(_Ann(span.start, span.end, 0, "mark", _attrs(
            class_=f"st st-{st.kind} act-{st.act}", data_st=str(i), data_speaker=sp.name,
            tabindex="0", title=f"{name}: {st.act} ({st.kind}, cue “{st.cue.text}”)")))
        label = (Markup('<a class="who"{}>{}</a>').format(_attrs(href=href, data_st=str(i)), name)
                 if href else Markup('<span class="who"{}>{}</span>').format(
                     _attrs(data_st=str(i)), name))
        inserts.setdefault(span.end, []).append(label)
        if st.content and not inside_content(st.cue.start, st.cue.end):
            anns.append(_Ann(st.cue.start, st.cue.end, 1, "span", _attrs(
                class_="cue", data_st=str(i), title=f"cue of a {st.act}")))
        mention = sp.mention
        if mention and (mention.start, mention.end) not in seen_mentions \
                and not inside_content(mention.start, mention.end):
            seen_mentions.add((mention.start, mention.end))
            title = f"{mention.text} → {name}" if sp.mention_kind in ("pronoun", "description") \
                else name
            tag = "a" if href else "span"
            anns.append(_Ann(mention.start, mention.end, 1, tag, _attrs(
                class_=f"mention m-{sp.mention_kind}", href=href, title=title,
                data_speaker=sp.name)))
        details.append(dict(
            index=i, speaker=name, speaker_href=href, speaker_type=sp.type, title=sp.title,
            role=sp.role, organization=sp.organization,
            mention=mention.text if mention else None, mention_kind=sp.mention_kind,
            cue=st.cue.text, content=st.content.text if st.content else None, kind=st.kind,
            act=st.act, channel=st.channel, stance=st.stance, confidence=st.confidence,
            techniques=[(t, technique_title(t), technique_class(t)) for t in techniques],
            figures=[dict(text=f.text, value=f.value, unit=f.unit)
                     for f in figures_of.get(i, [])]))

    counts: dict[str, int] = {}
    for t in analysis.techniques:
        counts[t.technique] = counts.get(t.technique, 0) + 1
        anns.append(_Ann(t.start, t.end, 2, "u", _attrs(
            class_=f"tech {technique_class(t.technique)}", data_technique=t.technique,
            title=f"{technique_title(t.technique)} ({t.score:.2f})")))
    for fig in analysis.figures:
        value = f"{fig.value:g}" + (f" {fig.unit}" if fig.unit else "")
        anns.append(_Ann(fig.start, fig.end, 3, "span", _attrs(class_="fig", title=value)))

    blocks = analysis.blocks or []
    if not blocks and text:
        from saidwhat.model import Block

        blocks = [Block(0, len(text), "report", "body")]
    parts: list[Markup] = []
    boilerplate_chars = 0
    for block in blocks:
        inner = _render_range(text, block.start, block.end, anns, inserts)
        if block.kind == "boilerplate":
            boilerplate_chars += block.end - block.start
            label = BLOCK_LABELS.get(block.label, block.label.replace("_", " "))
            parts.append(Markup(
                '<details class="block boilerplate" open{}><summary>Boilerplate: {} '
                '({} characters, not analysed)</summary><div class="text">{}</div></details>')
                .format(_attrs(data_label=block.label), label, f"{block.end - block.start:,}",
                        inner))
        else:
            parts.append(Markup('<div class="block report text">{}</div>').format(inner))
    legend = [dict(name=n, title=technique_title(n), css=technique_class(n), count=c)
              for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Rendered(Markup("").join(parts), details, legend, boilerplate_chars)


def _render_range(text: str, start: int, end: int, anns: list[_Ann],
                  inserts: dict[int, list[Markup]]) -> Markup:
    local = [a for a in anns if a.start < end and a.end > start and a.end > a.start]
    points = {start, end}
    for a in local:
        points.add(max(start, a.start))
        points.add(min(end, a.end))
    points.update(p for p in inserts if start < p <= end)
    cuts = sorted(points)
    out: list[Markup] = []
    stack: list[_Ann] = []
    for a, b in zip(cuts, cuts[1:]):
        if a in inserts and a != start:
            out.extend(x.close() for x in reversed(stack))
            stack = []
            out.extend(inserts[a])
        want = sorted((x for x in local if x.start <= a and x.end >= b), key=_Ann.key)
        common = 0
        while common < len(stack) and common < len(want) and stack[common] is want[common]:
            common += 1
        out.extend(x.close() for x in reversed(stack[common:]))
        out.extend(x.open() for x in want[common:])
        stack = want
        out.append(escape(text[a:b]))
    out.extend(x.close() for x in reversed(stack))
    if end in inserts and end != start:
        out.extend(inserts[end])
    return Markup("").join(out)
