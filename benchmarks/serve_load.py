"""Load on the analyse endpoint of `saidwhat serve`: N concurrent clients for S seconds on
loopback; prints requests/s, p50/p95/max latency and the error count (which must be 0).

    .venv/bin/python benchmarks/serve_load.py [--clients 8] [--seconds 30] [--workers 2]
    .venv/bin/python benchmarks/serve_load.py --url http://127.0.0.1:8000   # a running server

Without --url it starts `saidwhat serve` on a free loopback port with a throw-away SQLite store
and stops it afterwards. Each client is a thread with its own keep-alive connection that POSTs
the founding example (../shared/examples/konashenkov-aleppo.txt, 2,411 characters; --file to
choose another article) to /api/analyse as fast as answers come back. A request counts as an
error when it fails, times out, answers anything but 200, or gives another number of statements
than the first answer. Exit status 1 if any request failed.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

SEED = Path(__file__).resolve().parents[1].parent / "shared/examples/konashenkov-aleppo.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(host: str, port: int, proc, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/api/summary")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become ready")


def client(host, port, body, seconds, start, results, errors, expected, lock):
    conn = http.client.HTTPConnection(host, port, timeout=60)
    headers = {"content-type": "application/json"}
    while not start.is_set():
        time.sleep(0.001)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/api/analyse", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - t0
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
            n = len(json.loads(data)["statements"])
            with lock:
                if expected.setdefault("statements", n) != n:
                    raise RuntimeError(f"{n} statements, not {expected['statements']}")
            results.append(elapsed)
        except Exception as exc:  # every failure is counted, and the connection renewed
            errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=None,
                    help="the server's analysis processes (default: its own, one per core)")
    ap.add_argument("--url", default=None, help="a running server instead of starting one")
    ap.add_argument("--file", type=Path, default=SEED, help="the article to POST")
    ap.add_argument("--techniques", action=argparse.BooleanOptionalAction, default=True,
                    help="ask for technique spans (the endpoint's default)")
    args = ap.parse_args()

    text = args.file.read_text(encoding="utf-8")
    body = json.dumps({"text": text, "techniques": args.techniques}).encode()
    proc = None
    tmp = tempfile.TemporaryDirectory()
    if args.url:
        parts = urlsplit(args.url)
        host, port = parts.hostname, parts.port or 80
    else:
        host, port = "127.0.0.1", free_port()
        cmd = [sys.executable, "-m", "saidwhat.cli", "serve", "--db",
               os.path.join(tmp.name, "load.db"), "--port", str(port), "--log-level", "warning"]
        if args.workers is not None:
            cmd += ["--workers", str(args.workers)]
        proc = subprocess.Popen(cmd)
    try:
        wait_ready(host, port, proc)
        # one request first: loads whatever loads lazily, and fixes the expected answer
        warm = http.client.HTTPConnection(host, port, timeout=120)
        warm.request("POST", "/api/analyse", body=body,
                     headers={"content-type": "application/json"})
        first = warm.getresponse()
        answer = json.loads(first.read())
        if first.status != 200:
            raise SystemExit(f"the first request failed: HTTP {first.status} {answer}")
        expected = {"statements": len(answer["statements"])}
        techniques_note = answer["meta"].get("techniques")

        results: list[float] = []
        errors: list[str] = []
        start, lock = threading.Event(), threading.Lock()
        threads = [threading.Thread(target=client, args=(host, port, body, args.seconds, start,
                                                         results, errors, expected, lock))
                   for _ in range(args.clients)]
        for t in threads:
            t.start()
        t0 = time.monotonic()
        start.set()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        tmp.cleanup()

    lat = sorted(results)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else lat * 99
    print(f"article: {args.file.name} ({len(text):,} characters, "
          f"{expected['statements']} statements per answer)")
    print(f"techniques: {'on' if args.techniques else 'off'}"
          + (f" ({techniques_note[:60]}…)" if techniques_note else ""))
    print(f"clients: {args.clients}, duration: {wall:.1f} s, server workers: "
          f"{args.workers if args.workers is not None else 'default (one per core)'}, "
          f"cores: {os.cpu_count()}")
    print(f"requests: {len(lat)}, requests/s: {len(lat) / wall:.2f}")
    if lat:
        print(f"latency: p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
              f"max {lat[-1] * 1000:.0f} ms")
    print(f"errors: {len(errors)}")
    for e in errors[:5]:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
