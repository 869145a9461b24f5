"""Charts as inline SVG, drawn on the server: no script, no network, every label escaped.

Colours are SVG presentation attributes (``fill="…"``), which the pages' Content Security
Policy allows, unlike inline ``style`` attributes.
"""
from __future__ import annotations

from typing import Optional, Sequence

from markupsafe import Markup, escape

# Fourteen distinguishable colours (technique order), then a neutral one.
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#843c39",
           "#6b6ecf")


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _fmt(n: float) -> str:
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,.2f}"


def _svg_open(kind: str, width: float, height: float, title: str) -> Markup:
    return Markup('<svg class="chart {k}" role="img" viewBox="0 0 {w} {h}" width="{w}" '
                  'height="{h}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>').format(
        k=kind, w=width, h=height, t=title)


def _row_label(label: str, *, x: float, y: float, limit: int, href_of=None) -> Markup:
    """A bar's label at the left, linked when ``href_of`` gives it a page."""
    text = Markup('<text x="{x}" y="{y}" text-anchor="end" class="label">{l}</text>').format(
        x=x, y=_num(y), l=_shorten(label, limit))
    href = href_of(label) if href_of else None
    return Markup('<a href="{}">{}</a>').format(href, text) if href else text


def hbars(items: Sequence[tuple[str, float]], *, title: str, colour_of=None,
          href_of=None, width: int = 560, bar: int = 18, label_width: int = 190,
          empty: str = "nothing to show") -> Markup:
    """Horizontal bars, one per (label, value), longest first as given."""
    if not items:
        return Markup('<p class="empty">{}</p>').format(empty)
    top = max(v for _, v in items) or 1
    gap = 6
    height = len(items) * (bar + gap) + gap
    room = width - label_width - 60
    parts = [_svg_open("hbars", width, height, title)]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar + gap)
        length = max(1.0, room * value / top) if value else 0
        fill = colour_of(label, i) if colour_of else colour(0)
        parts.append(_row_label(label, x=label_width - 8, y=y + bar * 0.75, limit=30,
                                href_of=href_of))
        parts.append(Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}">'
                            '<title>{l}: {v}</title></rect>').format(
            x=label_width, y=y, w=_num(length), h=bar, f=fill, l=label, v=_fmt(value)))
        parts.append(Markup('<text x="{x}" y="{y}" class="value">{v}</text>').format(
            x=_num(label_width + length + 6), y=_num(y + bar * 0.75), v=_fmt(value)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def stacked_hbars(rows: Sequence[tuple[str, dict[str, float]]], series: Sequence[str], *,
                  title: str, colours: Optional[dict[str, str]] = None, width: int = 1000,
                  bar: int = 20, label_width: int = 170, href_of=None,
                  empty: str = "nothing to show", names: Optional[dict] = None) -> Markup:
    """One horizontal bar per row, split into its series' values (counts or rates, not
    shares); ``names``: the series' names for people (tooltips), where they differ."""
    if not rows or not series:
        return Markup('<p class="empty">{}</p>').format(empty)
    colours = colours or {s: colour(i) for i, s in enumerate(series)}
    top = max(sum(vals.get(s, 0) for s in series) for _, vals in rows) or 1
    gap = 6
    height = len(rows) * (bar + gap) + gap
    room = width - label_width - 60
    parts = [_svg_open("stacked", width, height, title)]
    for i, (label, vals) in enumerate(rows):
        y = gap + i * (bar + gap)
        parts.append(_row_label(label, x=label_width - 8, y=y + bar * 0.75, limit=26,
                                href_of=href_of))
        x = float(label_width)
        total = 0.0
        for s in series:
            v = vals.get(s, 0)
            if not v:
                continue
            w = room * v / top
            parts.append(Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}">'
                                '<title>{l} · {s}: {v}</title></rect>').format(
                x=_num(x), y=y, w=_num(w), h=bar, f=colours.get(s, colour(-1)), l=label,
                s=(names or {}).get(s, s), v=_fmt(v)))
            x += w
            total += v
        parts.append(Markup('<text x="{x}" y="{y}" class="value">{v}</text>').format(
            x=_num(x + 6), y=_num(y + bar * 0.75), v=_fmt(total)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def columns(bins: Sequence[tuple[str, dict[str, float]]], series: Sequence[str], *,
            title: str, colours: Optional[dict[str, str]] = None, width: int = 1100,
            height: int = 220, empty: str = "nothing to show",
            names: Optional[dict] = None) -> Markup:
    """Stacked columns over time: ``bins`` are (label, {series: value}) in time order;
    ``names`` as in ``stacked_hbars``."""
    if not bins or not series:
        return Markup('<p class="empty">{}</p>').format(empty)
    colours = colours or {s: colour(i) for i, s in enumerate(series)}
    left, bottom, top_pad = 40, 40, 10
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = max(sum(vals.get(s, 0) for s in series) for _, vals in bins) or 1
    step = plot_w / len(bins)
    col = min(48.0, max(1.0, step * 0.8))
    parts = [_svg_open("columns", width, height, title)]
    base = top_pad + plot_h
    parts.append(Markup('<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" class="axis"/>').format(
        x=left, y=base, x2=left + plot_w))
    ticks = {top, round(top / 2)} if top >= 2 else {top}
    for value in sorted(ticks):
        y = base - plot_h * value / top
        parts.append(Markup('<text x="{x}" y="{y}" text-anchor="end" class="tick">{v}</text>'
                            '<line x1="{x1}" y1="{yl}" x2="{x2}" y2="{yl}" class="grid"/>')
                     .format(x=left - 4, y=_num(y + 4), v=_fmt(value),
                             x1=left, x2=left + plot_w, yl=_num(y)))
    every = max(1, round(len(bins) / 8))
    for i, (label, vals) in enumerate(bins):
        x = left + i * step + (step - col) / 2
        y = float(base)
        total = 0.0
        for s in series:
            v = vals.get(s, 0)
            if not v:
                continue
            h = plot_h * v / top
            y -= h
            parts.append(Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}">'
                                '<title>{l} · {s}: {v}</title></rect>').format(
                x=_num(x), y=_num(y), w=_num(col), h=_num(h), f=colours.get(s, colour(-1)),
                l=label, s=(names or {}).get(s, s), v=_fmt(v)))
            total += v
        if i % every == 0:
            parts.append(Markup('<text x="{x}" y="{y}" text-anchor="middle" class="tick">{l}'
                                '</text>').format(x=_num(x + col / 2), y=base + 16, l=label))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def legend(series: Sequence[str], colours: dict[str, str], names: Optional[dict] = None) -> Markup:
    items = [Markup('<li><svg width="12" height="12" aria-hidden="true"><rect width="12" '
                    'height="12" fill="{}"/></svg> {}</li>').format(
        colours.get(s, colour(-1)), (names or {}).get(s, s)) for s in series]
    return Markup('<ul class="legend">{}</ul>').format(Markup("").join(items))


def _shorten(label: str, n: int) -> str:
    label = str(label)
    return label if len(label) <= n else label[: n - 1] + "…"


__all__ = ["PALETTE", "colour", "hbars", "stacked_hbars", "columns", "legend", "escape"]
