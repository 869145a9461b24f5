"""saidwhat spark analyze INPUT… --out DIR: analyse a corpus with Apache Spark (docs/spark.md)."""
from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "spark", help="analyse a corpus with Apache Spark into Parquet tables (needs .[spark])",
        description="Run saidwhat on Apache Spark: the same analysis, output columns and "
                    "speaker identities as 'saidwhat ingest', written as Parquet tables that "
                    "'saidwhat load' puts into a store. See docs/spark.md.")
    sub = p.add_subparsers(dest="spark_command", metavar="COMMAND")
    analyze = sub.add_parser(
        "analyze", help="read, analyse and write a corpus as Parquet tables",
        description="Analyse JSONL, Parquet, WARC/WARC.gz files and folders of text/HTML "
                    "(local paths or URIs such as hdfs:// and s3a://) on a Spark cluster into "
                    "Parquet tables with the store's columns, partitioned by month. Documents "
                    "that cannot be read or analysed become rows of the errors table.")
    from saidwhat.spark.job import add_arguments

    add_arguments(analyze)
    analyze.set_defaults(func=_analyze)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _analyze(args) -> int:
    from saidwhat.spark.job import execute

    return execute(args)
