"""The Spark job: read, analyse and write a corpus as Parquet tables with the store's columns.

    saidwhat spark analyze INPUT... --out DIR [--master URL] [--resume] [--no-techniques]
    spark-submit … saidwhat/spark/job.py INPUT... --out DIR       (the same arguments)

Stages:

1. **Read** (one task per unit of ``inputs.plan``: a WARC, JSONL or Parquet file, or a run of
   text/HTML files): the readers of ``saidwhat.read``, records streamed. Each document is
   keyed by its content hash (``store.content_hash``, as ``saidwhat ingest`` keys it).
2. **Analyse** (``--partitions`` tasks): documents hash-partitioned and sorted by content hash,
   so the copies of one text meet in one task and only the first (in input order) is
   analysed; with ``--resume`` the hashes already in the output join the same sort and their
   documents are skipped before analysis. ``saidwhat.pipeline.analyze`` runs as it is in
   ``mapPartitions``: its models load once per Python worker (workers are reused), the
   technique tagger with as many threads as the task has cores (``spark.task.cpus``, 1 by
   default). A document that cannot be read or analysed becomes an error row; the job goes
   on. The analyses are written once to ``DIR/_staging`` (Spark's committed output: a retried
   task leaves no half of itself there).
3. **Speakers**: ``spark.speakers`` applies the store's identity rule across the corpus.
4. **Tables**: documents, blocks, entities, statements, statement_techniques, techniques,
   figures (partitioned by month of publication), errors, speakers and speaker_aliases under
   DIR, with the columns of ``store/schema.py`` (``spark.schema``). Ids come from the content
   hash, so a rerun writes the same rows (timestamps aside); ``--resume`` appends only what
   is new, documents last.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import signal
import sys
import time
import zlib
from dataclasses import dataclass, field
from functools import partial
from typing import Iterator, Optional

from saidwhat import settings
from saidwhat.pipeline import Options
from saidwhat.read.text import MAX_CHARS
from saidwhat.spark import schema as SS

# Set to a file name, a Python worker kills itself with SIGKILL once (the first to create the
# file), on the second document it is about to analyse: the tests' way to make Spark retry a
# task whose worker died.
KILL_HOOK = settings.SPARK_TEST_KILL
CHILD_TABLES = ["blocks", "entities", "statements", "statement_techniques", "techniques",
                "figures"]
STAGED = "analyses"
ERRORS_SHOWN = 50


@dataclass
class JobOptions:
    inputs: list[str]
    out: str
    resume: bool = False
    techniques: bool = True
    min_score: float = 0.5
    max_chars: int = MAX_CHARS
    metadata: Optional[str] = None  # a CSV/TSV file, as for saidwhat ingest --metadata
    partitions: Optional[int] = None  # analysis tasks (default 8 per core)


@dataclass
class JobSummary:
    stored: int = 0
    skipped: int = 0  # already in the output (--resume)
    duplicates: int = 0  # the same text twice in this run
    failed: int = 0
    statements: int = 0
    documents: int = 0  # in the output at the end
    speakers: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # the first few

    @property
    def seen(self) -> int:
        return self.stored + self.skipped + self.duplicates + self.failed

    def line(self) -> str:
        rate = self.seen / self.seconds if self.seconds > 0 else 0.0
        return (f"stored {self.stored}, skipped {self.skipped + self.duplicates} (already "
                f"stored), failed {self.failed}; {self.statements} statements added; the "
                f"output holds {self.documents} documents and {self.speakers} speakers "
                f"({self.seconds:.1f} s, {rate:.2f} articles/s)")


# -- ids ----------------------------------------------------------------------------------------

def document_key(digest: str) -> int:
    """A document's id: the first 63 bits of its content hash."""
    return int(digest[:16], 16) >> 1


def child_key(digest: str, table: str, index: int) -> int:
    """The id of a document's ``index``-th row of ``table``: 63 bits of a hash of the three."""
    data = f"{digest}:{table}:{index}".encode()
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big") >> 1


def month_of(day) -> str:
    return f"{day.year:04d}-{day.month:02d}" if day is not None else SS.UNKNOWN_MONTH


# -- the staged row of one input item -----------------------------------------------------------

_COLUMNS = {name: SS.store_columns(name) for name in SS.TABLE}


def _row(table: str, values: dict) -> tuple:
    return tuple(values.get(c) for c in _COLUMNS[table])


def stage_schema():
    """One row per input item: its status and, for a stored document, every table's rows."""
    from pyspark.sql import types as T

    fields = [T.StructField("status", T.StringType()),  # stored|skipped|duplicate|failed
              T.StructField(SS.INPUT_ORDER, T.StringType()),
              T.StructField("source", T.StringType()),
              T.StructField(SS.MONTH, T.StringType()),
              T.StructField("document", SS.spark_struct("documents", extra=False))]
    fields += [T.StructField(name, T.ArrayType(SS.spark_struct(name, extra=False)))
               for name in CHILD_TABLES]
    fields.append(T.StructField("error", SS.spark_struct("errors", extra=False)))
    return T.StructType(fields)


def _staged(status: str, order: str, source: str, *, month=None, document=None, tables=None,
            error=None) -> tuple:
    tables = tables or {}
    return ((status, order, source, month, document)
            + tuple(tables.get(name, []) for name in CHILD_TABLES) + (error,))


def staged_analysis(analysis, digest: str, order: str) -> tuple:
    """The staged row of an analysed document (an error row when the analysis failed)."""
    from saidwhat.store import rows

    if analysis.errors:
        error = analysis.errors[0]
        return _staged("failed", order, analysis.source, error=_error(
            analysis.source, error.code, error.message, analysis.id))
    doc = rows.document_row(analysis, digest)
    doc_id = doc["id"] = document_key(digest)
    statement_ids = [child_key(digest, "statements", i)
                     for i in range(len(analysis.statements))]
    tables = {
        name: [_row(name, dict(r, id=child_key(digest, name, i), document_id=doc_id))
               for i, r in enumerate(build(analysis))]
        for name, build in (("blocks", rows.block_rows), ("entities", rows.entity_rows),
                            ("techniques", rows.technique_rows))}
    tables["statements"] = [_row("statements", dict(r, id=statement_ids[r["position"]],
                                                    document_id=doc_id))
                            for r in rows.statement_rows(analysis)]
    tables["statement_techniques"] = [
        _row("statement_techniques", dict(statement_id=statement_ids[i], technique=t))
        for i, t in rows.statement_technique_pairs(analysis)]
    tables["figures"] = [
        _row("figures", dict(r, id=child_key(digest, "figures", i), document_id=doc_id,
                             statement_id=statement_ids[p] if p is not None else None))
        for i, (p, r) in enumerate(rows.figure_rows(analysis))]
    return _staged("stored", order, analysis.source, month=month_of(doc["published_day"]),
                   document=_row("documents", doc), tables=tables)


def _error(source: str, code: str, message: str, doc_key: Optional[str]) -> tuple:
    """An errors row; its id from the source (the table keeps one row per source)."""
    from saidwhat.store import rows

    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    return _row("errors", dict(rows.error_row(source, code, message, doc_key),
                               id=document_key(digest)))


def staged_failure(failure, order: str) -> tuple:
    return _staged("failed", order, failure.source, error=_error(
        failure.source, failure.error.code, str(failure.error), failure.id))


# -- executor side ------------------------------------------------------------------------------

def order_of(run: int, unit: int, record: int) -> str:
    """Sorts as the job's input: run (one per --resume), unit, record in the unit."""
    return f"{run:06d}.{unit:09d}.{record:09d}"


def read_items(indexed_unit, *, run: int, max_chars: int, metadata) -> Iterator[tuple]:
    """((content hash, order), document) or (("~", order), read failure) per item of a unit."""
    from saidwhat.read import ReadFailure
    from saidwhat.spark.inputs import read_unit
    from saidwhat.store.db import content_hash
    from saidwhat.store.ingest import apply_metadata

    unit_index, unit = indexed_unit
    table = metadata.value if metadata is not None else {}
    for record, item in enumerate(read_unit(unit, max_chars=max_chars)):
        order = order_of(run, unit_index, record)
        if isinstance(item, ReadFailure):
            yield ("~", order), item
        else:
            apply_metadata(item, table)
            yield (content_hash(item.text), order), item


def partition_of(key) -> int:
    """Documents by content hash (the copies of a text meet), failures by their order."""
    digest, order = key
    return int(digest[:8], 16) if digest != "~" else zlib.crc32(order.encode())


_analysed = 0


def _task_models(options: Options):
    """The models for a task: the tagger with as many threads as a task's cores (the analyses
    of the tasks beside it use the other cores), unless SAIDWHAT_THREADS says otherwise."""
    from saidwhat.pipeline import models_for

    threads = None
    if settings.tagger_threads() is None:
        from pyspark import TaskContext

        context = TaskContext.get()
        threads = max(1, context.cpus() if context is not None else 1)
    return models_for(options, threads)


def _test_kill() -> None:
    marker = settings.spark_test_kill()
    if not marker or _analysed != 2:
        return
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    os.kill(os.getpid(), signal.SIGKILL)


def analyze_partition(items, *, options: Options) -> Iterator[tuple]:
    """Staged rows of one analysis task; ``items`` sorted by (content hash, order), where an
    order of "" marks a hash already in the output."""
    global _analysed
    from saidwhat.pipeline import analyze

    models = _task_models(options)
    last = have = None
    for (digest, order), item in items:
        if digest == "~":
            yield staged_failure(item, order)
        elif order == "":
            have = digest
        elif digest == have:
            yield _staged("skipped", order, item.source)
        elif digest == last:
            yield _staged("duplicate", order, item.source)
        else:
            last = digest
            _analysed += 1
            _test_kill()
            yield staged_analysis(analyze(item, options, models), digest, order)


# -- driver side --------------------------------------------------------------------------------

class OutputDir:
    """The output folder through Hadoop's file system API (any URI Spark writes to)."""

    def __init__(self, spark, path: str) -> None:
        jvm = spark.sparkContext._jvm
        self._path = jvm.org.apache.hadoop.fs.Path
        root = self._path(path)
        self.fs = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        self.root = path.rstrip("/")

    def __truediv__(self, name: str) -> str:
        return f"{self.root}/{name}"

    def exists(self, name: str) -> bool:
        return bool(self.fs.exists(self._path(self / name)))

    def delete(self, name: str) -> None:
        self.fs.delete(self._path(self / name), True)

    def replace(self, name: str, by: str) -> None:
        """Put folder ``by`` in the place of folder ``name``."""
        self.delete(name)
        if not self.fs.rename(self._path(self / by), self._path(self / name)):
            raise OSError(f"cannot rename {self / by} to {self / name}")


def read_table(spark, out: OutputDir, name: str):
    """A table of the output (an empty one when it has no rows or is not there)."""
    schema = SS.spark_struct(name)
    if not out.exists(name):
        return spark.createDataFrame([], schema)
    return spark.read.schema(schema).parquet(out / name)


def _write(df, path: str, name: str, mode: str) -> None:
    writer = df.select(*SS.columns(name)).write.mode(mode)
    if name in SS.DOCUMENT_TABLES:
        writer = writer.partitionBy(SS.MONTH)
    writer.parquet(path)


def run(spark, job: JobOptions) -> JobSummary:
    from pyspark.sql import functions as F

    from saidwhat.spark.inputs import plan
    from saidwhat.spark.speakers import resolve_speakers, speech_of_staged, speech_of_tables
    from saidwhat.store.ingest import load_metadata

    started = time.monotonic()
    sc = spark.sparkContext
    out = OutputDir(spark, job.out)
    units = plan(job.inputs)
    resume = job.resume and out.exists("documents")
    run_no = 0
    if resume:
        old_docs = read_table(spark, out, "documents")
        last = old_docs.agg(F.max(F.substring(SS.INPUT_ORDER, 1, 6))).first()[0]
        run_no = int(last) + 1 if last else 0
    metadata = sc.broadcast(load_metadata(job.metadata)) if job.metadata else None
    partitions = job.partitions or max(2, sc.defaultParallelism * 8)
    options = Options(techniques=job.techniques, min_score=job.min_score)

    out.delete("_staging")
    keyed = sc.parallelize(list(enumerate(units)), max(1, len(units))).flatMap(
        partial(read_items, run=run_no, max_chars=job.max_chars, metadata=metadata))
    if resume:
        keyed = keyed.union(old_docs.select("content_hash").rdd.map(lambda r: ((r[0], ""), None)))
    staged = keyed.repartitionAndSortWithinPartitions(partitions, partitionFunc=partition_of) \
        .mapPartitions(partial(analyze_partition, options=options))
    # the rows are built to the schema (spark.schema): checking each again costs Python time
    spark.createDataFrame(staged, stage_schema(), verifySchema=False).write.parquet(
        out / f"_staging/{STAGED}")
    stage = spark.read.parquet(out / f"_staging/{STAGED}").cache()
    stored = stage.where(F.col("status") == "stored")

    # speakers over the whole output, old documents first (their ids stay as they are)
    speech = speech_of_staged(stored)
    if resume:
        speech = speech_of_tables(old_docs, read_table(spark, out, "statements"),
                                  read_table(spark, out, "entities")).unionByName(speech)
    speakers, aliases, assigned = resolve_speakers(
        spark, speech, max(1, min(partitions, sc.defaultParallelism * 2)),
        out / "_staging/identities")
    assigned.write.parquet(out / "_staging/assigned")
    speakers.write.mode("overwrite").parquet(out / "speakers")
    aliases.write.mode("overwrite").parquet(out / "speaker_aliases")
    assigned = spark.read.parquet(out / "_staging/assigned")

    mode = "append" if resume else "overwrite"
    for name in CHILD_TABLES:
        rows = stored.select(F.explode(name).alias("r"), SS.MONTH).select("r.*", SS.MONTH)
        if name == "statements":
            rows = rows.drop("speaker_id").join(assigned, "id", "left")
        _write(rows, out / name, name, mode)
    _write_errors(spark, out, stage, resume)
    # last: a document in the output is one whose rows are all there
    _write(stored.select("document.*", SS.INPUT_ORDER, SS.MONTH), out / "documents",
           "documents", mode)

    summary = JobSummary()
    for status, n, statements in stage.groupBy("status").agg(
            F.count("*"), F.sum(F.size("statements"))).collect():
        setattr(summary, {"duplicate": "duplicates"}.get(status, status), n)
        if status == "stored":
            summary.statements = int(statements or 0)
    summary.failures = [(r.source, r.error.code, r.error.message) for r in stage.where(
        F.col("status") == "failed").orderBy(SS.INPUT_ORDER).limit(ERRORS_SHOWN).collect()]
    summary.documents = read_table(spark, out, "documents").count()
    summary.speakers = read_table(spark, out, "speakers").count()
    stage.unpersist()
    out.delete("_staging")
    summary.seconds = time.monotonic() - started
    return summary


def _write_errors(spark, out: OutputDir, stage, resume: bool) -> None:
    """One error row per source whose last document in this run failed (a source that is
    stored now leaves the table), as ``saidwhat ingest`` keeps its errors table; with
    ``--resume`` the earlier errors of sources not seen in this run stay."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    events = stage.where(F.col("status").isin("stored", "failed"))
    last = Window.partitionBy("source").orderBy(F.col(SS.INPUT_ORDER).desc())
    latest = events.withColumn("_n", F.row_number().over(last)).where(F.col("_n") == 1)
    errors = latest.where(F.col("status") == "failed").select("error.*")
    if resume:
        seen = events.select("source").distinct()
        errors = read_table(spark, out, "errors").join(seen, "source", "left_anti") \
            .select(*SS.columns("errors")).unionByName(errors)
    # errors are read from the folder they replace: written beside it, then moved
    errors.select(*SS.columns("errors")).write.parquet(out / "_staging/errors")
    out.replace("errors", "_staging/errors")


# -- the command line ---------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="folder, .jsonl, .parquet, .warc(.gz) or text/HTML file; a local "
                             "path or a URI (hdfs://, s3a://, file://)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output folder (a local path or any URI Spark writes to)")
    parser.add_argument("--master", default=None, metavar="URL",
                        help="Spark master (default: spark-submit's, else local[*])")
    parser.add_argument("--resume", action="store_true",
                        help="keep the output's documents and analyse only new ones")
    parser.add_argument("--no-techniques", action="store_true", help="skip the technique tagger")
    parser.add_argument("--min-score", type=float, default=0.5,
                        help="lowest technique score to keep (0-1, default 0.5)")
    parser.add_argument("--metadata", metavar="CSV|TSV", default=None,
                        help="outlet, date, title and URL per file, as for saidwhat ingest")
    parser.add_argument("--max-chars", type=int, default=None,
                        help="refuse documents longer than this many characters")
    parser.add_argument("--partitions", type=int, default=None,
                        help="analysis tasks (default: 8 per core of the cluster)")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="a Spark setting (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no per-document error lines")


def session(master: Optional[str] = None, conf: Optional[dict] = None):
    """A SparkSession for the job. Under spark-submit the master and settings are
    spark-submit's; otherwise ``master`` (default local[*]) with this Python for the workers."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("saidwhat")
    under_submit = bool(os.environ.get("PYSPARK_GATEWAY_PORT"))
    if master or not under_submit:
        builder = builder.master(master or "local[*]")
    if not under_submit and (master or "local").startswith("local"):
        # the workers must run the Python that has saidwhat, not the first python3 on PATH
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {"spark.sql.session.timeZone": "UTC", "spark.ui.showConsoleProgress": "false",
                "spark.sql.sources.partitionOverwriteMode": "static"}
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def job_options(args) -> JobOptions:
    return JobOptions(inputs=args.inputs, out=args.out, resume=args.resume,
                      techniques=not args.no_techniques, min_score=args.min_score,
                      max_chars=args.max_chars or MAX_CHARS, metadata=args.metadata,
                      partitions=args.partitions)


def execute(args) -> int:
    """Run the job for parsed arguments; prints errors and the summary like ingest."""
    from saidwhat.errors import SaidwhatError, error_line, print_error

    try:
        conf = dict(item.split("=", 1) for item in args.conf)
    except ValueError:
        print_error(SaidwhatError("bad_option", option="--conf",
                                  reason=f"takes KEY=VALUE, not {args.conf}"))
        return 2
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print_error(SaidwhatError("spark_missing"))
        return 2
    spark = session(args.master, conf)
    try:
        summary = run(spark, job_options(args))
    except SaidwhatError as exc:
        print_error(exc)
        return 2
    finally:
        spark.stop()
    if not args.quiet:
        for source, code, message in summary.failures:
            print(error_line(source, code, message), file=sys.stderr)
        if summary.failed > len(summary.failures):
            print(f"saidwhat: … and {summary.failed - len(summary.failures)} more in "
                  f"{args.out}/errors", file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    return 1 if summary.failed else 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="saidwhat-spark", description=(
        "Analyse a corpus with Spark into Parquet tables with the store's columns."))
    add_arguments(parser)
    return execute(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
