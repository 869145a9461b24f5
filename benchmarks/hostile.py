"""Fuzz the readers and ``analyze`` for a fixed time: inputs tried, errors by code, crashes and
hangs (goal: 0 crashes and 0 hangs, over >= 10,000 reader inputs).

    .venv/bin/python benchmarks/hostile.py [--seconds 300] [--analyze-share 0.3]
                                           [--targets bytes,html,...] [--seed 1] [--hang 20]

The targets are those of tests/test_properties.py (``TARGETS``: random bytes and Unicode,
HTML trees, JSONL lines of every JSON type, WARC and WARC.gz streams cut or damaged at random
points, gzip streams cut short, folders of random files and links, standard input, and
``analyze`` on random and news-like texts, alone and after reading random bytes), with the
same checks: an input must give Documents or ``ReadFailure``s with known error codes, or an
Analysis whose spans index its text; anything else is a crash. Hypothesis draws the inputs
(a new seed for every batch of ``--batch``) and shrinks a failing one to a small repro.

Each target runs in a worker process of its own, one after the other, for its share of the
time (readers share ``1 - --analyze-share`` of it equally, the analyze targets the rest). The
worker writes each input to a file before trying it; an input that gives no answer within
``--hang`` seconds (``--hang-analyze`` for analyze) is a hang: the worker is killed, the input
kept under ``--out`` (default a temporary folder, printed), and a fresh worker goes on. A
worker that dies (a segfault in a C extension) is a crash, with the input it was on. An input
slower than ``--slow`` seconds is listed (the time bound of the property tests is 10 s for a
reader and 20 s for analyze). Exit status 1 when anything crashed or hung.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


# -- the worker -------------------------------------------------------------------------------

def _emit(**event) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def _crash_key(exc: BaseException) -> str:
    """What tells one bug from another: the exception type, its message with numbers and
    quoted parts blurred, and the innermost frame in saidwhat (or in the checks)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames)
                  if "/saidwhat/" in f.filename), None) or (
        f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?")
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", text))[:160]
    return f"{type(exc).__name__}: {text} @ {where}"


def worker(target: str, seed: int, until: float, batch: int, current: Path) -> int:
    sys.path.insert(0, str(TESTS))
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    import test_properties as props

    strategy, check, kind = props.TARGETS[target]
    if kind == "analyze":
        from saidwhat.nlp import get_nlp

        get_nlp()
    state = {"failing": False}

    def body(case):
        try:
            current.write_text(repr(case)[:2_000_000], encoding="utf-8",
                               errors="backslashreplace")
        except OSError:
            pass
        t0 = time.perf_counter()
        try:
            codes = check(case)
        except Exception:
            _emit(t="x", s=time.perf_counter() - t0, shrink=state["failing"], fail=True)
            state["failing"] = True
            raise
        _emit(t="x", s=time.perf_counter() - t0, shrink=state["failing"], c=codes)

    _emit(t="ready")
    round_ = 0
    while time.time() < until:
        state["failing"] = False
        test = settings(max_examples=batch, deadline=None, database=None, derandomize=False,
                        phases=(Phase.generate, Phase.shrink), report_multiple_bugs=False,
                        suppress_health_check=list(HealthCheck))(
            hseed(seed * 1_000_003 + round_)(given(strategy)(body)))
        round_ += 1
        try:
            test()
        except Exception as exc:  # a crash, shrunk by Hypothesis to a small example
            notes = "\n".join(getattr(exc, "__notes__", []))
            _emit(t="crash", key=_crash_key(exc), example=notes[-4000:],
                  error=f"{type(exc).__name__}: {exc}"[-2000:],
                  trace="".join(traceback.format_tb(exc.__traceback__)[-6:])[-4000:])
    _emit(t="done")
    return 0


# -- the parent -------------------------------------------------------------------------------

class Result:
    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind
        self.inputs = self.shrink_calls = 0
        self.seconds = 0.0
        self.codes: collections.Counter = collections.Counter()
        self.crashes: dict[str, dict] = {}
        self.hangs: list[str] = []
        self.slow: list[tuple[float, str]] = []
        self.max_input_seconds = 0.0


def run_target(name: str, kind: str, seconds: float, args, out: Path) -> Result:
    result = Result(name, kind)
    hang = args.hang_analyze if kind == "analyze" else args.hang
    current = out / f"current-{re.sub(r'[^a-z]+', '-', name)}.txt"
    started = time.monotonic()
    until = time.time() + seconds
    seed = args.seed
    while time.time() < until:
        cmd = [sys.executable, __file__, "--worker", name, "--seed", str(seed), "--until",
               str(until), "--batch", str(args.batch), "--current", str(current)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                cwd=ROOT, bufsize=0)
        seed += 7919  # a fresh worker never repeats the inputs of the last
        buffer = b""
        ready = False
        last = time.monotonic()
        while True:
            limit = hang if ready else max(hang, 120.0)  # the first: imports and models
            wait = max(0.0, last + limit - time.monotonic())
            readable, _, _ = select.select([proc.stdout], [], [], min(wait, 1.0))
            if not readable:
                if time.monotonic() - last < limit:
                    continue
                proc.kill()
                proc.wait()
                if time.time() > until + 5:  # the last batch ran past the time: no hang
                    break
                example = current.read_text(encoding="utf-8") if current.exists() else "?"
                kept = out / f"hang-{name}-{len(result.hangs)}.txt"
                kept.write_text(example, encoding="utf-8")
                result.hangs.append(f"no answer in {limit:g} s; the input: {kept}")
                break
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:  # the worker ended
                code = proc.wait()
                if code != 0:
                    example = current.read_text(encoding="utf-8") if current.exists() else "?"
                    key = f"the worker died with status {code}"
                    kept = out / f"died-{name}-{len(result.crashes)}.txt"
                    kept.write_text(example, encoding="utf-8")
                    result.crashes.setdefault(key, {"count": 0, "example": f"input: {kept}",
                                                    "error": key})["count"] += 1
                break
            last = time.monotonic()
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                event = json.loads(line)
                if event["t"] == "ready":
                    ready = True
                elif event["t"] == "x":
                    if event["shrink"]:
                        result.shrink_calls += 1
                        continue
                    result.inputs += 1
                    result.max_input_seconds = max(result.max_input_seconds, event["s"])
                    if event["s"] > args.slow:
                        example = current.read_text(encoding="utf-8")[:300]
                        result.slow.append((event["s"], example))
                    result.codes.update(event.get("c", ["(crash)"]))
                elif event["t"] == "crash":
                    entry = result.crashes.setdefault(event["key"], {
                        "count": 0, "example": event["example"], "error": event["error"],
                        "trace": event["trace"]})
                    entry["count"] += 1
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    result.seconds = time.monotonic() - started
    return result


def report(results: list[Result], out: Path) -> int:
    bad = 0
    for kind, title in (("reader", "readers"), ("analyze", "analyze")):
        group = [r for r in results if r.kind == kind]
        if not group:
            continue
        total = sum(r.inputs for r in group)
        seconds = sum(r.seconds for r in group)
        crashes = sum(len(r.crashes) for r in group)
        hangs = sum(len(r.hangs) for r in group)
        print(f"\n== {title}: {total:,} inputs in {seconds:.0f} s "
              f"({total / seconds if seconds else 0:.0f}/s), {crashes} distinct crashes, "
              f"{hangs} hangs")
        for r in group:
            codes = ", ".join(f"{c} {n:,}" for c, n in r.codes.most_common())
            print(f"  {r.name:13} {r.inputs:7,} inputs ({r.inputs / r.seconds:5.0f}/s, "
                  f"slowest {r.max_input_seconds:.2f} s), crashes {len(r.crashes)}, "
                  f"hangs {len(r.hangs)}, slow {len(r.slow)}"
                  + (f", {r.shrink_calls:,} shrink runs" if r.shrink_calls else ""))
            print(f"      {codes}")
        for r in group:
            for key, entry in r.crashes.items():
                bad += 1
                print(f"\n  CRASH [{r.name}] x{entry['count']}: {key}\n"
                      + indent(entry["error"]) + indent(entry.get("trace", ""))
                      + indent(entry["example"]))
            for hang in r.hangs:
                bad += 1
                print(f"\n  HANG [{r.name}]: {hang}")
            for seconds_, example in sorted(r.slow, reverse=True)[:3]:
                print(f"\n  SLOW [{r.name}] {seconds_:.1f} s: {example[:200]!r}")
    print(f"\ninputs kept under {out}")
    return 1 if bad else 0


def indent(text: str) -> str:
    return "".join(f"      {line}\n" for line in text.strip().splitlines()) if text else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=300.0, help="total time (default 300)")
    ap.add_argument("--analyze-share", type=float, default=0.3,
                    help="share of the time for the analyze targets (default 0.3)")
    ap.add_argument("--targets", default=None, help="comma-separated names (default: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=100, help="inputs per Hypothesis seed")
    ap.add_argument("--hang", type=float, default=20.0, help="seconds for one reader input")
    ap.add_argument("--hang-analyze", type=float, default=60.0,
                    help="seconds for one analyze input")
    ap.add_argument("--slow", type=float, default=5.0, help="list inputs slower than this")
    ap.add_argument("--out", type=Path, default=None, help="where hung inputs are kept")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--until", type=float, default=0.0, help=argparse.SUPPRESS)
    ap.add_argument("--current", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker, args.seed, args.until, args.batch, args.current)

    sys.path.insert(0, str(TESTS))
    import test_properties as props

    names = args.targets.split(",") if args.targets else list(props.TARGETS)
    unknown = [n for n in names if n not in props.TARGETS]
    if unknown:
        ap.error(f"unknown targets {unknown}; known: {', '.join(props.TARGETS)}")
    kinds = {n: props.TARGETS[n][2] for n in names}
    readers = [n for n in names if kinds[n] == "reader"]
    analyzers = [n for n in names if kinds[n] == "analyze"]
    share = args.analyze_share if readers and analyzers else (1.0 if analyzers else 0.0)
    budget = {n: args.seconds * (1 - share) / len(readers) for n in readers}
    budget.update({n: args.seconds * share / len(analyzers) for n in analyzers})
    out = args.out or Path(tempfile.mkdtemp(prefix="saidwhat-hostile-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"fuzzing {len(names)} targets for {args.seconds:g} s (seed {args.seed}, hang "
          f"limit {args.hang:g} s, analyze {args.hang_analyze:g} s)", flush=True)
    results = []
    for name in names:
        r = run_target(name, kinds[name], budget[name], args, out)
        print(f"  {name}: {r.inputs:,} inputs, {len(r.crashes)} crashes, {len(r.hangs)} hangs",
              flush=True)
        results.append(r)
    return report(results, out)


if __name__ == "__main__":
    sys.exit(main())
