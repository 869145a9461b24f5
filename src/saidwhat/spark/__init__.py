"""saidwhat on Apache Spark: analyse a corpus across a cluster into Parquet tables with the
store's columns (``saidwhat spark analyze``), and load them into a store (``saidwhat load``).

    saidwhat spark analyze crawl/*.warc.gz feed.jsonl --out corpus/ [--master URL] [--resume]
    saidwhat load corpus/ --db postgresql://saidwhat@localhost/news

See docs/spark.md. PySpark is the ``spark`` extra; nothing here imports it until a job runs.
"""
