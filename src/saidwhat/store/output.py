"""DataFrames out: a terminal table, JSONL, CSV or Parquet (the query commands share this)."""
from __future__ import annotations

import datetime as dt
import json
import math
import sys
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    import pandas as pd

from saidwhat.errors import SaidwhatError

FORMATS = ("table", "jsonl", "csv", "parquet")


def add_output_options(parser, *, default_limit: Optional[int] = None) -> None:
    parser.add_argument("--db", metavar="PATH|URL", default=None,
                        help="the store: an SQLite file or postgresql://… URL "
                             "(default $SAIDWHAT_DB or ./saidwhat.db)")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="output format (default table)")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write to FILE instead of standard output")


def plain(value):
    """A cell of a store result as a JSON value: dates as ISO strings, NaN/NA as None, numpy
    scalars as Python's."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:  # NA: a nullable column's gap
        return None
    if isinstance(value, (dt.date, dt.datetime)):  # pd.Timestamp is a datetime
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(df: "pd.DataFrame") -> list[dict]:
    """A DataFrame's rows as JSON-ready objects of their columns."""
    columns = [str(c) for c in df.columns]
    return [{c: plain(v) for c, v in zip(columns, row)}
            for row in df.itertuples(index=False, name=None)]


def write_frame(df: "pd.DataFrame", fmt: str, output: Optional[str] = None, *,
                title: Optional[str] = None, widths: Optional[dict] = None) -> None:
    if fmt == "parquet":
        if output is None and sys.stdout.isatty():
            raise SaidwhatError("parquet_needs_output")
        df.to_parquet(output or sys.stdout.buffer, index=False)  # dates stay date32
        return
    handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "jsonl":
            columns = list(df.columns)
            for row in df.itertuples(index=False, name=None):
                handle.write(json.dumps({c: plain(v) for c, v in zip(columns, row)},
                                        ensure_ascii=False) + "\n")
        elif fmt == "csv":
            df.to_csv(handle, index=False)
        else:
            print_table(df, title=title, widths=widths, file=handle)
    finally:
        if output:
            handle.close()


def print_table(df: "pd.DataFrame", *, title: Optional[str] = None,
                widths: Optional[dict] = None, file=None) -> None:
    """A rich table: short columns keep their width, long ones share the rest by ``widths``
    (column -> ratio, default 1)."""
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file) if file not in (None, sys.stdout) else Console()
    table = Table(title=title, show_lines=False, expand=True)
    widths = widths or {}
    rows = [["" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
             for v in map(plain, row)] for row in df.itertuples(index=False, name=None)]
    keep = [i for i in range(len(df.columns)) if not rows or any(r[i] for r in rows)]
    if len(keep) < len(df.columns):  # a column empty in every row says nothing in a table
        rows = [[r[i] for i in keep] for r in rows]
        df = df.iloc[:, keep]
    for i, column in enumerate(df.columns):
        numeric = pd.api.types.is_numeric_dtype(df[column])
        longest = max([len(r[i]) for r in rows] + [0])
        if longest <= 12 and column not in widths:
            table.add_column(str(column), justify="right" if numeric else "left",
                             no_wrap=True, min_width=min(max(longest, 3), len(str(column))))
        else:
            table.add_column(str(column), ratio=widths.get(column, 1), overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if df.empty:
        console.print("[dim](no rows)[/dim]")


def print_mapping(values: dict, *, title: Optional[str] = None, file=None) -> None:
    from rich.console import Console

    console = Console(file=file) if file not in (None, sys.stdout) else Console()
    if title:
        console.print(f"[bold]{title}[/bold]")
    for key, value in values.items():
        console.print(f"  {key.replace('_', ' ')}: {plain(value) if value is not None else '—'}")
