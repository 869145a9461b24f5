"""Does a change keep saidwhat's output byte for byte? One ``saidwhat analyze --format json``
over the founding example, the PolNeAR dev texts and the speakers-dev texts (read from
../shared at run time), kept as a file: the SHA-256 of the whole output, then a line per
document with its source and the SHA-256 of its object.

    .venv/bin/python scripts/same_outputs.py --write before.txt     # on the old code
    .venv/bin/python scripts/same_outputs.py --check before.txt     # on the new: exit 1 on a change

``--save FILE`` keeps the output itself, to diff what changed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def inputs() -> list[Path]:
    files = [SHARED / "examples" / "konashenkov-aleppo.txt"]
    files += sorted((SHARED / "data" / "polnear" / "dev" / "text").glob("*.txt"))
    files += sorted((SHARED / "data" / "speakers-dev").rglob("*.txt"))
    missing = [f for f in files[:1] if not f.exists()]
    if missing or len(files) < 2:
        raise SystemExit(f"the shared data is not under {SHARED}")
    return files


def analyze_json(files: list[Path], save: Path | None) -> bytes:
    """``saidwhat analyze --format json`` over the files (kept in ``save`` when given)."""
    out = subprocess.run([sys.executable, "-m", "saidwhat.cli", "analyze", *map(str, files),
                          "--format", "json", "--no-progress"], capture_output=True, timeout=3600)
    if out.returncode not in (0, 1):
        raise SystemExit(f"analyze failed: {out.stderr.decode()[-2000:]}")
    if save is not None:
        save.write_bytes(out.stdout)
    return out.stdout


def digests(save: Path | None) -> list[str]:
    files = inputs()
    output = analyze_json(files, save)
    analyses = json.loads(output)
    if len(analyses) != len(files):
        raise SystemExit(f"{len(files)} inputs gave {len(analyses)} analyses")
    lines = [f"<all>\t{hashlib.sha256(output).hexdigest()}"]
    for path, analysis in zip(files, analyses):
        body = json.dumps(analysis, sort_keys=True, ensure_ascii=False).encode()
        lines.append(f"{path.relative_to(SHARED)}\t{hashlib.sha256(body).hexdigest()}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, help="write the digests to this file")
    mode.add_argument("--check", type=Path, help="compare with digests written before")
    parser.add_argument("--save", type=Path, help="also keep the output itself here")
    args = parser.parse_args()
    lines = digests(args.save)
    if args.write:
        args.write.write_text("\n".join(lines) + "\n")
        print(f"{len(lines)} documents written to {args.write}")
        return 0
    before = dict(line.split("\t") for line in args.check.read_text().splitlines() if line)
    now = dict(line.split("\t") for line in lines)
    changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for name in changed:
        print(f"changed: {name}")
    print(f"{len(now) - len(changed)} of {len(now)} byte-identical (<all>: the whole output)")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
