"""Spark's scaling and overhead on one machine: the same N articles through
``saidwhat spark analyze`` on local[1] and local[2], and through ``saidwhat ingest --workers 2``.

    .venv/bin/python benchmarks/spark_scale.py                 # 1,000 PolNeAR train+dev articles
    .venv/bin/python benchmarks/spark_scale.py --n 40 --no-techniques

Prints articles/s of each run (from the commands' own summary lines, which leave out process
start-up and, for Spark, the JVM's; wall-clock times are printed beside them), the ratio
local[2] / local[1] (goal >= 1.7) and local[2] / ingest --workers 2 (goal >= 0.8), and the
peak resident memory of the JVM and of each Python worker during the local[2] run. Needs the
spark extra and Java 17; reads ../shared/data/polnear (articles repeat when N exceeds them).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POLNEAR = REPO.parent / "shared" / "data" / "polnear"


def write_feed(path: Path, n: int) -> int:
    meta = {row["filename"]: row for row in csv.DictReader(
        (POLNEAR / "metadata.tsv").open(encoding="utf-8"), delimiter="\t")}
    files = sorted((POLNEAR / "train" / "text").glob("*.txt")) + \
        sorted((POLNEAR / "dev" / "text").glob("*.txt"))
    if not files:
        sys.exit(f"no PolNeAR articles under {POLNEAR}")
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            file = files[i % len(files)]
            text = file.read_text(encoding="utf-8")
            if i >= len(files):  # a repeated article must be a new text, or it is skipped
                text += f"\n\n(copy {i // len(files)})"
            row = meta.get(file.stem, {})
            handle.write(json.dumps({"text": text, "outlet": row.get("publisher"),
                                     "published": row.get("publication_date"),
                                     "title": row.get("title")}) + "\n")
    return n


class MemoryWatch(threading.Thread):
    """Peak RSS (MiB) of the JVM and of each PySpark Python worker, sampled every 0.5 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.jvm = 0.0
        self.workers: dict[int, float] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
                    status = (proc / "status").read_text()
                except OSError:
                    continue
                m = re.search(r"VmRSS:\s+(\d+) kB", status)
                if not m:
                    continue
                rss = int(m[1]) / 1024
                if b"pyspark.daemon" in cmdline or b"pyspark/daemon" in cmdline:
                    pid = int(proc.name)
                    self.workers[pid] = max(self.workers.get(pid, 0.0), rss)
                elif b"org.apache.spark" in cmdline and b"java" in cmdline:
                    self.jvm = max(self.jvm, rss)


def timed(command: list[str], env=None) -> tuple[float, float, str]:
    """(summary seconds, wall seconds, summary line) of one saidwhat command."""
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.monotonic() - started
    line = next((l for l in reversed(result.stderr.splitlines()) if l.startswith("stored ")), "")
    if not line:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    seconds = float(re.search(r"\(([\d.]+) s,", line)[1])
    return seconds, wall, line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--no-techniques", action="store_true", help="skip the tagger")
    args = parser.parse_args()
    saidwhat = [sys.executable, "-m", "saidwhat.cli"]
    extra = ["--no-techniques"] if args.no_techniques else []
    with tempfile.TemporaryDirectory(prefix="spark-scale-") as tmp:
        tmp = Path(tmp)
        n = write_feed(tmp / "feed.jsonl", args.n)
        rates, walls = {}, {}
        for master in ("local[1]", "local[2]"):
            watch = MemoryWatch()
            watch.start()
            seconds, wall, line = timed(saidwhat + [
                "spark", "analyze", str(tmp / "feed.jsonl"), "--out", str(tmp / master.strip("]").replace("[", "")),
                "--master", master, "--conf", "spark.ui.enabled=false", *extra])
            watch.stopped.set()
            watch.join()
            rates[master], walls[master] = n / seconds, wall
            print(f"spark {master}: {n / seconds:.2f} articles/s ({seconds:.1f} s; wall "
                  f"{wall:.1f} s with the JVM's start)  {line}")
            print(f"  peak RSS: JVM {watch.jvm:.0f} MiB; Python workers "
                  + ", ".join(f"{v:.0f}" for v in sorted(watch.workers.values(), reverse=True)
                              if v > 100) + " MiB")
        seconds, wall, line = timed(saidwhat + [
            "ingest", str(tmp / "feed.jsonl"), "--db", str(tmp / "ingest.db"), "--workers", "2",
            "--no-progress", "--quiet", *extra])
        ingest = n / seconds
        print(f"ingest --workers 2: {ingest:.2f} articles/s ({seconds:.1f} s; wall {wall:.1f} s)"
              f"  {line}")
        print(f"local[2] / local[1] = {rates['local[2]'] / rates['local[1]']:.2f} (goal >= 1.7)")
        print(f"local[2] / ingest --workers 2 = {rates['local[2]'] / ingest:.2f} (goal >= 0.8)")


if __name__ == "__main__":
    main()
