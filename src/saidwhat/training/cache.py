"""Rows that training builds from a corpus, kept between runs when ``SAIDWHAT_TRAINING_CACHE``
names a folder (``saidwhat.settings``). Each is kept under a key of what made it: the corpus
files (names, sizes, modification times), the build's own parameters and saidwhat's source
code, so a change to any of them builds the rows again instead of reading stale ones."""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Callable, TypeVar

from saidwhat import settings

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parents[1]


def key(data_dir: Path, *parameters) -> str:
    digest = hashlib.sha256(repr(parameters).encode())
    for path in sorted(Path(data_dir).rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(data_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
                          .encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cached(name: str, data_dir: Path, build: Callable[[], T], *parameters) -> T:
    """``build()``, or what an earlier run with the same key kept."""
    folder = settings.training_cache()
    if folder is None:
        return build()
    path = folder / f"{name}-{key(data_dir, *parameters)}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    rows = build()
    folder.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    part.write_bytes(pickle.dumps(rows))
    part.replace(path)  # never a half-written cache
    return rows
