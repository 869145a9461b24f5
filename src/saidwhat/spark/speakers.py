"""Speakers across a Spark corpus: the store's identity rule (``store/identity.py``), run in
parallel and giving what ``saidwhat ingest`` gives for the same documents in the same order.

The rule reads and grows its index by (type, surname) entries; ``SpeakerIndex.keys_of`` says
which entries one article-level speaker touches. Speakers whose entries are connected (one
"organisation" read as a surname links an ORG entry to a PERSON one) form a component; the
components are independent, so each runs the rule on its own — in input order, with a
``SpeakerIndex`` of its own — in as many tasks as there are components (at most
``partitions``). Identities are numbered afterwards in the order they were created, as the
store's ids number them.
"""
from __future__ import annotations

import zlib
from typing import Iterable, Iterator

_SEP = "\x1f"


def speech_of_staged(stored):
    """(input_order, document_id, speakers, orgs) of the staged documents: each statement's
    id and speaker fields in position order, and the document's ORG entities."""
    from pyspark.sql import functions as F

    return stored.select(
        F.col("input_order"), F.col("document.id").alias("document_id"),
        F.expr("transform(statements, s -> struct(s.id AS id, s.speaker_type AS type, "
               "s.speaker_name AS name, s.speaker_title AS title, s.speaker_role AS role, "
               "s.speaker_organization AS organization))").alias("speakers"),
        F.expr("transform(filter(entities, e -> e.label = 'ORG'), e -> e.text)").alias("orgs"))


def speech_of_tables(documents, statements, entities):
    """The same from the output's tables (the documents of earlier runs)."""
    from pyspark.sql import functions as F

    said = statements.groupBy("document_id").agg(F.array_sort(F.collect_list(F.struct(
        F.col("position"), F.col("id"), F.col("speaker_type").alias("type"),
        F.col("speaker_name").alias("name"), F.col("speaker_title").alias("title"),
        F.col("speaker_role").alias("role"),
        F.col("speaker_organization").alias("organization")))).alias("said"))
    said = said.select("document_id", F.expr(
        "transform(said, s -> struct(s.id AS id, s.type AS type, s.name AS name, "
        "s.title AS title, s.role AS role, s.organization AS organization))").alias("speakers"))
    orgs = entities.where(F.col("label") == "ORG").groupBy("document_id").agg(
        F.collect_list("text").alias("orgs"))
    return documents.select(F.col("input_order"), F.col("id").alias("document_id")) \
        .join(said, "document_id", "left").join(orgs, "document_id", "left") \
        .select("input_order", "document_id", "speakers", "orgs")


def _key(entry: tuple[str, str]) -> str:
    return _SEP.join(entry)


def candidate_groups(row) -> Iterator[tuple]:
    """(creation key, document id, group, statement ids, index keys) per article-level
    speaker of one document that may have an identity; the creation key sorts as the store
    would meet the group."""
    from saidwhat.store.identity import Candidate, SpeakerIndex, speaker_groups

    speakers = row["speakers"] or []
    groups = speaker_groups(((s["id"], s["type"] or "UNKNOWN", s["name"], s["title"], s["role"],
                              s["organization"]) for s in speakers), row["orgs"] or [])
    for number, (group, ids) in enumerate(groups.items()):
        keys = sorted(_key(k) for k in SpeakerIndex.keys_of(Candidate(*group)))
        if keys:
            yield f"{row['input_order']}/{number:06d}", row["document_id"], group, ids, keys


def components(edges: Iterable[tuple[str, ...]]) -> dict[str, str]:
    """Union-find over the index keys that one speaker links: key -> its component's root
    (keys in no edge are their own component and are not listed)."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for keys in edges:
        roots = [find(k) for k in keys]
        for r in roots:
            parent[r] = min(roots)
    return {k: find(k) for k in parent}


def resolve_partition(items) -> Iterator[tuple]:
    """The rule over the groups of one task, sorted by (component, creation key):
    ("assign", creation key of the identity, statement ids) per group with an identity, and
    ("speaker", creation key, speakers row, aliases) per identity at its component's end."""
    from saidwhat.store.db import Store
    from saidwhat.store.identity import Candidate, SpeakerIndex

    component = index = None
    created: list = []
    born: dict[int, str] = {}

    def identities():
        for key, identity in created:
            yield ("speaker", key, Store._speaker_row(identity), sorted(identity.aliases.items()))

    for (comp, key), (document_id, group, ids) in items:
        if comp != component:
            yield from identities()
            component, index, created, born = comp, SpeakerIndex(), [], {}
        identity, new = index.resolve(Candidate(*group), statements=len(ids),
                                      document=document_id)
        if identity is None:
            continue
        if new:
            identity.id = len(created) + 1  # the rule's tie-break: older identities first
            created.append((key, identity))
            born[id(identity)] = key
        yield ("assign", born[id(identity)], ids)
    yield from identities()


def _component_partition(key) -> int:
    return zlib.crc32(key[0].encode("utf-8", "surrogatepass"))


def resolve_speakers(spark, speech, partitions: int, staging: str):
    """(speakers, speaker_aliases, assigned) DataFrames: the identities with the store's
    columns, their aliases, and (statement id, speaker_id) per statement with a speaker.
    The rule's results pass through ``staging`` (a Parquet folder) once; numbering them is
    Spark SQL. Numbering sorts every identity in one task: millions of rows, no more."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from saidwhat.spark import schema as SS

    sc = spark.sparkContext
    groups = speech.rdd.flatMap(candidate_groups).persist()
    roots = sc.broadcast(components(
        groups.filter(lambda g: len(g[4]) > 1).map(lambda g: tuple(g[4])).distinct().collect()))

    def keyed(g):
        first = g[4][0]
        return (roots.value.get(first, first), g[0]), (g[1], g[2], g[3])

    speaker_columns = SS.store_columns("speakers")

    def as_row(r):
        if r[0] == "assign":
            return ("assign", r[1], None, None, r[2])
        return ("speaker", r[1], tuple(r[2].get(c) for c in speaker_columns),
                [(alias, n) for alias, n in r[3]], None)

    resolved = groups.map(keyed).repartitionAndSortWithinPartitions(
        partitions, partitionFunc=_component_partition).mapPartitions(resolve_partition) \
        .map(as_row)
    schema = T.StructType([
        T.StructField("kind", T.StringType()), T.StructField("key", T.StringType()),
        T.StructField("speaker", SS.spark_struct("speakers", extra=False)),
        T.StructField("aliases", T.ArrayType(T.StructType([
            T.StructField("alias", T.StringType()), T.StructField("n", T.LongType())]))),
        T.StructField("ids", T.ArrayType(T.LongType()))])
    spark.createDataFrame(resolved, schema, verifySchema=False).write.mode("overwrite") \
        .parquet(staging)
    groups.unpersist()
    found = spark.read.parquet(staging)
    numbered = found.where(F.col("kind") == "speaker").withColumn(
        "sid", F.row_number().over(Window.orderBy("key")).cast("long"))
    speakers = numbered.select(*[(F.col("sid") if c == "id" else F.col(f"speaker.{c}")).alias(c)
                                 for c in speaker_columns])
    aliases = numbered.select(F.col("sid").alias("speaker_id"),
                              F.explode("aliases").alias("a")).select(
        "speaker_id", F.col("a.alias").alias("alias"), F.col("a.n").alias("n_statements"))
    aliases = aliases.withColumn("id", F.row_number().over(
        Window.orderBy("speaker_id", "alias")).cast("long"))
    assigned = found.where(F.col("kind") == "assign").select(
        "key", F.explode("ids").alias("id")).join(
        numbered.select("key", F.col("sid").alias("speaker_id")), "key").select("id", "speaker_id")
    return (speakers, aliases.select(*SS.store_columns("speaker_aliases")), assigned)
