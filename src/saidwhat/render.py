"""The terminal view of an analysis (rich tables)."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from saidwhat.model import Analysis
from saidwhat.rhetoric.catalogue import title_of


def heading(analysis: Analysis) -> str:
    """The table's title: source and statement count, then title · outlet · date when known
    (rich markup, the document's own words escaped)."""
    line = f"{escape(analysis.source)} — {len(analysis.statements)} statements"
    meta = analysis.meta or {}
    known = [f"“{meta['title']}”" if meta.get("title") else None, meta.get("outlet"),
             meta.get("published")]
    if any(known):
        line += "\n" + escape(" · ".join(str(k) for k in known if k))
    return line


def print_table(analysis: Analysis, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=heading(analysis), show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("speaker", ratio=2, min_width=14)
    table.add_column("cue · kind · channel · act · stance", ratio=2, min_width=14)
    table.add_column("content", ratio=5)
    for i, st in enumerate(analysis.statements, 1):
        sp = st.speaker
        who = sp.name or "(unattributed)"
        if sp.mention and sp.name not in sp.mention.text:
            who += f"\n[dim]as “{sp.mention.text}”[/dim]"
        elif sp.mention is None and sp.name:
            who += "\n[dim](carried over)[/dim]"
        cue = "(quote)" if st.content and st.cue.start == st.content.start else st.cue.text
        content = st.content.text if st.content else "—"
        if st.techniques:
            # display names, "; " between: an id's comma would read as two techniques
            content += f"\n[magenta]{'; '.join(map(title_of, st.techniques))}[/magenta]"
        table.add_row(str(i), who,
                      f"{cue}\n[dim]{st.kind} · {st.channel} · {st.act} · {st.stance}[/dim]",
                      content)
    console.print(table)
    people = {s.speaker.id: s.speaker for s in analysis.statements if s.speaker.id}
    for sp in people.values():
        details = ", ".join(filter(None, [sp.title, sp.role, sp.organization]))
        if details:
            console.print(f"[bold]{sp.name}[/bold]: {details}")
    for block in analysis.blocks:
        if block.kind == "boilerplate":
            console.print(f"[dim]boilerplate ({block.label}) at {block.start}–{block.end}: "
                          f"{analysis.text[block.start:block.end][:60].strip()!r}…[/dim]")
    if analysis.figures:
        console.print("figures: " + "; ".join(
            f"{f.text} (= {f.value:g} {f.unit or ''})".rstrip() for f in analysis.figures))
    if analysis.techniques:
        console.print("techniques: " + "; ".join(
            f"{title_of(t.technique)} “{t.text}” {t.score:.2f}" for t in analysis.techniques))
    elif analysis.techniques_note:
        console.print(f"[dim]techniques {analysis.techniques_note}[/dim]")
