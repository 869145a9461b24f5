"""Load on the analyse endpoint of `saidwhat serve`: N concurrent clients for S seconds on
loopback, short articles mixed with long ones; prints the errors (which must be 0), requests/s,
the short requests' p50/p95/max latency while the long ones run and after, and the server's
memory (RSS of it and its analysis processes) over time.

    .venv/bin/python benchmarks/serve_load.py [--clients 16] [--seconds 60] [--long 2]
                                              [--long-chars 1000000] [--workers 2]
    .venv/bin/python benchmarks/serve_load.py --long 0 --clients 8 --seconds 30   # short only
    .venv/bin/python benchmarks/serve_load.py --server-arg=--long-workers=0        # no long lane
    .venv/bin/python benchmarks/serve_load.py --url http://127.0.0.1:8000          # a running one

Without --url it starts `saidwhat serve` on a free loopback port with a throw-away SQLite store
and stops it afterwards (--server-arg passes an option on to it). Each client is a thread with
its own keep-alive connection that POSTs to /api/analyse as fast as answers come back: the
founding example (../shared/examples/konashenkov-aleppo.txt, 2,411 characters; --file for
another) or, for the first --long clients, first one long text (--long-chars characters of
PolNeAR articles, read from ../shared/data/polnear at run time, as benchmarks/long_text.py
builds them; each client's its own) and short ones after it. A short request counts as an
error when it fails, times out (--timeout, 60 s), answers anything but 200, or gives another
number of statements than the first answer; a long one when it fails or answers anything but
200 (one still running when the time is up is only reported: it may take minutes). Goal: 0
errors, short p95 under 2 s while the long ones run, memory flat. Exit status 1 on any error.
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

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "shared/examples/konashenkov-aleppo.txt"


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


# -- memory of the server and its analysis processes ------------------------------------------

def _stat(pid: int):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[16]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")


def process_tree(root: int) -> dict[int, tuple[int, int]]:
    """pid -> (niceness, RSS in bytes) of ``root`` and all its descendants (Linux)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st is not None:
                stats[int(entry.name)] = st
    tree, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            tree[pid] = stats[pid][1:]
            todo.extend(p for p, (ppid, _, _) in stats.items() if ppid == pid)
    return tree


def sample_memory(root: int, every: float, stop: threading.Event, t0: float, out: list) -> None:
    """(seconds, all processes, the long lane's: the niced ones) every ``every`` seconds."""
    while True:
        tree = process_tree(root)
        out.append((time.monotonic() - t0, sum(r for _, r in tree.values()),
                    sum(r for nice, r in tree.values() if nice > 0), len(tree)))
        if stop.wait(every):
            return


# -- clients ------------------------------------------------------------------------------------

class Shared:
    def __init__(self, expected: int) -> None:
        self.lock = threading.Lock()
        self.expected = expected
        self.short: list[tuple[float, float]] = []  # (start, seconds), from the start
        self.long: list[tuple[float, float, int]] = []  # (start, seconds, characters)
        self.long_running: dict[int, float] = {}  # thread -> start, of those running
        self.errors: list[str] = []
        self.long_windows: list[tuple[float, float]] = []  # when long requests were running


def post(conn, body: bytes):
    conn.request("POST", "/api/analyse", body=body, headers={"content-type": "application/json"})
    response = conn.getresponse()
    return response.status, response.read()


def client(host, port, short_body, long_body, seconds, start, shared: Shared, t0_ref, timeout):
    while not start.is_set():
        time.sleep(0.001)
    t0 = t0_ref[0]
    end = t0 + seconds
    if long_body is not None:
        conn = http.client.HTTPConnection(host, port, timeout=3600)
        began = time.monotonic()
        with shared.lock:
            shared.long_running[threading.get_ident()] = began - t0
        try:
            status, data = post(conn, long_body)
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {data[:200]!r}")
            with shared.lock:
                shared.long.append((began - t0, time.monotonic() - began,
                                    len(json.loads(data)["statements"])))
        except Exception as exc:
            with shared.lock:
                shared.errors.append(f"long: {type(exc).__name__}: {exc}")
        finally:
            with shared.lock:
                del shared.long_running[threading.get_ident()]
                shared.long_windows.append((began - t0, time.monotonic() - t0))
            conn.close()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    while time.monotonic() < end:
        began = time.monotonic()
        try:
            status, data = post(conn, short_body)
            elapsed = time.monotonic() - began
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {data[:200]!r}")
            n = len(json.loads(data)["statements"])
            if n != shared.expected:
                raise RuntimeError(f"{n} statements, not {shared.expected}")
            with shared.lock:
                shared.short.append((began - t0, elapsed))
        except Exception as exc:  # every failure is counted, and the connection renewed
            with shared.lock:
                shared.errors.append(f"short: {type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.close()


def quantiles(values: list[float]) -> str:
    if not values:
        return "none"
    lat = sorted(values)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else lat * 99
    return (f"{len(lat)} requests, p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--long", type=int, default=2, help="clients that first post a long text")
    ap.add_argument("--long-chars", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=None,
                    help="the server's analysis processes (default: its own, one per core)")
    ap.add_argument("--server-arg", action="append", default=[],
                    help="an option for `saidwhat serve` (repeatable)")
    ap.add_argument("--url", default=None, help="a running server instead of starting one")
    ap.add_argument("--file", type=Path, default=SEED, help="the short article to POST")
    ap.add_argument("--techniques", action=argparse.BooleanOptionalAction, default=True,
                    help="ask for technique spans (the endpoint's default)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds for a short request")
    ap.add_argument("--rss-every", type=float, default=5.0, help="seconds between samples")
    args = ap.parse_args()

    text = args.file.read_text(encoding="utf-8")
    short_body = json.dumps({"text": text, "techniques": args.techniques}).encode()
    long_bodies = []
    if args.long:
        sys.path.insert(0, str(HERE))
        from long_text import news_text

        base = news_text(args.long_chars + 1000)
        for i in range(args.long):  # each its own text: no answer is the other's
            long_text = (f"Long article {i}.\n\n" + base)[:args.long_chars]
            long_bodies.append(json.dumps({"text": long_text,
                                           "techniques": args.techniques}).encode())
    proc = None
    tmp = tempfile.TemporaryDirectory()
    if args.url:
        parts = urlsplit(args.url)
        host, port = parts.hostname, parts.port or 80
    else:
        host, port = "127.0.0.1", free_port()
        max_body = max([len(b) for b in long_bodies] + [2_000_000]) + 1000
        cmd = [sys.executable, "-m", "saidwhat.cli", "serve", "--db",
               os.path.join(tmp.name, "load.db"), "--port", str(port), "--log-level", "warning",
               "--max-body", str(max_body), *args.server_arg]
        if args.workers is not None:
            cmd += ["--workers", str(args.workers)]
        proc = subprocess.Popen(cmd)
    memory: list[tuple[float, int, int, int]] = []
    stop = threading.Event()
    try:
        wait_ready(host, port, proc)
        # one request first: loads whatever loads lazily, and fixes the expected answer
        warm = http.client.HTTPConnection(host, port, timeout=120)
        status, data = post(warm, short_body)
        answer = json.loads(data)
        if status != 200:
            raise SystemExit(f"the first request failed: HTTP {status} {answer}")
        shared = Shared(len(answer["statements"]))
        techniques_note = answer["meta"].get("techniques")

        start, t0_ref = threading.Event(), [0.0]
        threads = [threading.Thread(target=client, daemon=True, args=(
            host, port, short_body, long_bodies[i] if i < len(long_bodies) else None,
            args.seconds, start, shared, t0_ref, args.timeout)) for i in range(args.clients)]
        for t in threads:
            t.start()
        t0_ref[0] = time.monotonic()
        if proc is not None:
            sampler = threading.Thread(target=sample_memory, daemon=True, args=(
                proc.pid, args.rss_every, stop, t0_ref[0], memory))
            sampler.start()
        start.set()
        # the short requests in flight get --timeout to finish; a long one may take minutes
        # more and is not waited for
        time.sleep(max(0.0, t0_ref[0] + args.seconds - time.monotonic()))
        while time.monotonic() < t0_ref[0] + args.seconds + args.timeout:
            with shared.lock:
                busy = [t for t in threads if t.is_alive()
                        and t.ident not in shared.long_running]
            if not busy:
                break
            time.sleep(0.05)
        wall = time.monotonic() - t0_ref[0]
        stop.set()
        with shared.lock:
            running = len(shared.long_running)
            windows = list(shared.long_windows) + [(s, wall) for s in
                                                   shared.long_running.values()]
            short, longs, errors = list(shared.short), list(shared.long), list(shared.errors)
    finally:
        stop.set()
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        tmp.cleanup()

    def during_long(started: float, seconds: float) -> bool:
        return any(lo <= started and started + seconds <= hi for lo, hi in windows)

    print(f"short article: {args.file.name} ({len(text):,} characters, {shared.expected} "
          f"statements per answer); long: {args.long} x {args.long_chars:,} characters")
    print(f"techniques: {'on' if args.techniques else 'off'}"
          + (f" ({techniques_note[:60]}…)" if techniques_note else ""))
    print(f"clients: {args.clients}, duration: {wall:.1f} s, server workers: "
          f"{args.workers if args.workers is not None else 'default (one per core)'}"
          + (f", server options: {' '.join(args.server_arg)}" if args.server_arg else "")
          + f", cores: {os.cpu_count()}")
    print(f"short requests: {len(short)}, requests/s: {len(short) / wall:.2f}")
    print("  while a long one ran: " + quantiles([s for b, s in short if during_long(b, s)]))
    print("  otherwise:            " + quantiles([s for b, s in short if not during_long(b, s)]))
    for began, seconds, statements in longs:
        print(f"long request: done in {seconds:.1f} s ({statements:,} statements)")
    if running:
        print(f"long requests still running at the end: {running}")
    print(f"errors: {len(errors)}")
    for e in errors[:5]:
        print("  " + e)
    if memory:
        gb = 1 << 30
        print(f"server memory (RSS of the server and its analysis processes; of it, the long "
              f"lane's), every {args.rss_every:g} s:")
        print("  " + ", ".join(f"{t:.0f}s {all_ / gb:.2f}/{long_ / gb:.2f} GB"
                               for t, all_, long_, _ in memory))
        short_only = [a - b for _, a, b, _ in memory]
        print(f"  without the long lane: first {short_only[0] / gb:.2f} GB, max "
              f"{max(short_only) / gb:.2f} GB, last {short_only[-1] / gb:.2f} GB")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
