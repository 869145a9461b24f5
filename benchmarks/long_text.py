"""Seconds and peak memory of ``analyze`` on one long article: 50k, 200k, 1M and 5M characters
of news text, with and without the technique tagger, each run in a fresh process; prints the
seconds per 100k characters and its ratio between successive sizes (linear cost: ~1.0).

    .venv/bin/python benchmarks/long_text.py [--sizes 50k,200k,1M,5M] [--techniques both|on|off]
                                             [--timeout 3600]
    .venv/bin/python benchmarks/long_text.py --profile 200k [--techniques off] [--top 30]

The text is PolNeAR articles (../shared/data/polnear/{train,dev}/text, read at run time, in
file order, repeated when the corpus is shorter than the size; 4.3M characters in all) joined
by blank lines and cut at the last paragraph end before the size, as a reader would give one
huge "article". Each run loads the models on a short text first, so the time is the analysis
alone; "peak RSS" is the process' maximum resident memory (getrusage), "RSS growth" that
minus the resident memory after the models were loaded. A run over ``--timeout`` seconds is
killed and shown as such. ``--profile`` runs cProfile on one size in this process and prints
the top functions by cumulative and by own time (and writes the profile to --profile-out).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared/data/polnear"


def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 50k or 1M")
    return int(float(m.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[m.group(2).lower()])


def news_text(size: int) -> str:
    files = sorted((POLNEAR / "train" / "text").glob("*.txt")) + sorted(
        (POLNEAR / "dev" / "text").glob("*.txt"))
    if not files:
        raise SystemExit(f"no PolNeAR texts under {POLNEAR}")
    parts, total, i = [], 0, 0
    while total < size + 10_000:
        text = files[i % len(files)].read_text(encoding="utf-8").strip()
        parts.append(text)
        total += len(text) + 2
        i += 1
    text = "\n\n".join(parts)[:size]
    cut = text.rfind("\n")
    return text[:cut + 1] if cut > size * 0.9 else text


def rss_kb() -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def child(size: int, techniques: bool) -> None:
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze

    options = Options(techniques=techniques)
    analyze(Document(id="warm", text="“Nothing happened,” the spokesman said on Monday.",
                     source="warm"), options)
    text = news_text(size)
    base = rss_kb()
    t0 = time.perf_counter()
    analysis = analyze(Document(id="long", text=text, source="long"), options)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"chars": len(text), "seconds": seconds, "peak_kb": peak,
                      "base_kb": base, "statements": len(analysis.statements),
                      "techniques": len(analysis.techniques),
                      "errors": [e.code for e in analysis.errors],
                      "note": analysis.techniques_note}), flush=True)


def run(size: int, techniques: bool, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--child", str(size)] + (["--with-techniques"]
                                                              if techniques else [])
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"size": size, "timeout": timeout}
    if done.returncode != 0:
        return {"size": size, "failed": done.stderr.strip().splitlines()[-1:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["size"] = size
    return result


def profile(size: int, techniques: bool, top: int, out: Path) -> None:
    import cProfile
    import pstats

    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze

    options = Options(techniques=techniques)
    analyze(Document(id="warm", text="“Nothing happened,” the spokesman said.", source="w"),
            options)
    doc = Document(id="long", text=news_text(size), source="long")
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    analysis = analyze(doc, options)
    profiler.disable()
    print(f"{len(doc.text):,} characters, techniques {'on' if techniques else 'off'}: "
          f"{time.perf_counter() - t0:.1f} s under the profiler, "
          f"{len(analysis.statements)} statements")
    profiler.dump_stats(str(out))
    root = str(Path(__file__).resolve().parents[1] / "src") + os.sep
    for key, title in (("cumulative", "cumulative time"), ("tottime", "own time")):
        print(f"\n-- top {top} by {title} --")
        stats = pstats.Stats(profiler)
        stats.sort_stats(key)
        width = 0
        rows = []
        for func in stats.fcn_list[:top]:
            cc, nc, tt, ct, _ = stats.stats[func]
            name = f"{func[0].replace(root, '')}:{func[1]}({func[2]})"
            rows.append((nc, tt, ct, name))
            width = max(width, len(str(nc)))
        print(f"{'calls':>{width + 2}} {'own s':>8} {'cum s':>8}  function")
        for nc, tt, ct, name in rows:
            print(f"{nc:>{width + 2}} {tt:8.2f} {ct:8.2f}  {name}")
    print(f"\nprofile written to {out} (python -m pstats {out})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="50k,200k,1M,5M",
                    help="comma-separated sizes in characters (default 50k,200k,1M,5M)")
    ap.add_argument("--techniques", choices=("both", "on", "off"), default="both")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds for one run")
    ap.add_argument("--profile", type=parse_size, default=None, metavar="SIZE",
                    help="profile analyze on one size instead (techniques: --techniques)")
    ap.add_argument("--profile-out", type=Path, default=Path("/tmp/saidwhat-long-text.prof"))
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--with-techniques", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.with_techniques)
        return 0
    if args.profile is not None:
        profile(args.profile, args.techniques == "on", args.top, args.profile_out)
        return 0

    sizes = [parse_size(s) for s in args.sizes.split(",")]
    modes = {"both": (False, True), "on": (True,), "off": (False,)}[args.techniques]
    print(f"{'characters':>11} {'techniques':>10} {'seconds':>9} {'s/100k':>8} {'ratio':>6} "
          f"{'peak RSS':>9} {'RSS growth':>10} {'statements':>10}", flush=True)
    for techniques in modes:
        previous = None
        for size in sizes:
            r = run(size, techniques, args.timeout)
            mode = "on" if techniques else "off"
            if "seconds" not in r:
                why = f"killed after {r['timeout']:g} s" if "timeout" in r else r["failed"]
                print(f"{size:>11,} {mode:>10}  {why}", flush=True)
                previous = None
                continue
            per = r["seconds"] / r["chars"] * 100_000
            ratio = f"{per / previous:6.2f}" if previous else f"{'':>6}"
            previous = per
            print(f"{r['chars']:>11,} {mode:>10} {r['seconds']:9.1f} {per:8.2f} {ratio} "
                  f"{r['peak_kb'] / 1024:7.0f} MB {(r['peak_kb'] - r['base_kb']) / 1024:7.0f} MB "
                  f"{r['statements']:>10,}" + (f"  errors {r['errors']}" if r["errors"] else "")
                  + (f"  ({r['note'][:50]})" if r.get("note") else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
