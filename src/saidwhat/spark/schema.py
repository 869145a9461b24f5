"""The Spark job's tables: the store's tables (``saidwhat.store.schema``), column for column.

Nothing here lists a column: Spark and Arrow types are derived from the SQLAlchemy tables, so a
column added to the store appears in the Spark output and in ``saidwhat load`` by itself.
Besides the store's columns a table written by Spark has

* ``month`` (``YYYY-MM`` of the document's publication day, or ``unknown``), the partition
  column, in every table whose rows belong to a document;
* ``documents.input_order``, the document's place in its job's input (run, input, record),
  which the speaker step follows as ``saidwhat ingest`` follows its input order, and which
  ``saidwhat load`` keeps in the store's ids.
"""
from __future__ import annotations

from sqlalchemy import Date, DateTime, Float, Integer, String, Text

from saidwhat.store import schema as S

# Every table of the store but its bookkeeping (saidwhat_meta, the sources a watch polls and
# the item URLs it found to be copies).
TABLES = [t for t in S.metadata.sorted_tables if t.name not in (
    S.store_meta.name, S.sources.name, S.duplicate_sources.name)]
TABLE = {t.name: t for t in TABLES}
# Tables whose rows belong to one document (or to one of its statements): partitioned by
# the document's month.
DOCUMENT_TABLES = [t.name for t in TABLES
                   if t.name == "documents" or "document_id" in t.c or "statement_id" in t.c]
MONTH = "month"
UNKNOWN_MONTH = "unknown"
INPUT_ORDER = "input_order"


def extra_columns(name: str) -> list[str]:
    """The columns a Spark table has besides the store's (string-typed)."""
    extra = [INPUT_ORDER] if name == "documents" else []
    return extra + ([MONTH] if name in DOCUMENT_TABLES else [])


def _kind(column) -> str:
    t = column.type
    if isinstance(t, Integer):
        return "long"
    if isinstance(t, Float):
        return "double"
    if isinstance(t, DateTime):
        return "timestamp"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, (String, Text)):
        return "string"
    raise TypeError(f"no Spark type for {column.table.name}.{column.name}: {t!r}")


def store_columns(name: str) -> list[str]:
    return [c.name for c in TABLE[name].columns]


def columns(name: str) -> list[str]:
    return store_columns(name) + extra_columns(name)


def spark_struct(name: str, *, extra: bool = True):
    """The Spark schema of a table (with ``extra`` columns unless told not)."""
    from pyspark.sql import types as T

    types = {"long": T.LongType(), "double": T.DoubleType(), "timestamp": T.TimestampNTZType(),
             "date": T.DateType(), "string": T.StringType()}
    fields = [T.StructField(c.name, types[_kind(c)], nullable=True) for c in TABLE[name].columns]
    if extra:
        fields += [T.StructField(c, T.StringType(), nullable=True) for c in extra_columns(name)]
    return T.StructType(fields)


def arrow_schema(name: str):
    """The Arrow schema of a table as Spark writes it (``saidwhat load`` reads with it)."""
    import pyarrow as pa

    types = {"long": pa.int64(), "double": pa.float64(), "timestamp": pa.timestamp("us"),
             "date": pa.date32(), "string": pa.string()}
    return pa.schema([pa.field(c.name, types[_kind(c)]) for c in TABLE[name].columns]
                     + [pa.field(c, pa.string()) for c in extra_columns(name)])
