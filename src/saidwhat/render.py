"""The terminal view of an analysis (rich tables)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from saidwhat.model import Analysis


def print_table(analysis: Analysis, console: Console | None = None) -> None:
    console = console or Console()
    title = f"{analysis.source} — {len(analysis.statements)} statements"
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("speaker", ratio=2)
    table.add_column("cue", ratio=1)
    table.add_column("kind / act / stance", ratio=1)
    table.add_column("content", ratio=6)
    for i, st in enumerate(analysis.statements, 1):
        sp = st.speaker
        who = sp.name or "(unattributed)"
        details = ", ".join(filter(None, [sp.title, sp.role, sp.organization]))
        if details:
            who += f"\n[dim]{details}[/dim]"
        if sp.mention and sp.mention.text != sp.name:
            who += f"\n[dim]as “{sp.mention.text}”[/dim]"
        content = st.content.text if st.content else "—"
        if st.techniques:
            content += f"\n[magenta]{', '.join(st.techniques)}[/magenta]"
        table.add_row(str(i), who, st.cue.text if st.kind != "direct" or st.cue.text != content
                      else "(quote)", f"{st.kind}\n{st.act}\n{st.stance}", content)
    console.print(table)
    for block in analysis.blocks:
        if block.kind == "boilerplate":
            console.print(f"[dim]boilerplate {block.label} at {block.start}–{block.end}[/dim]")
    if analysis.figures:
        console.print("figures: " + "; ".join(
            f"{f.text} (= {f.value:g} {f.unit or ''})".rstrip() for f in analysis.figures))
    if analysis.techniques:
        console.print("techniques: " + "; ".join(
            f"{t.technique} “{t.text}” {t.score:.2f}" for t in analysis.techniques))
