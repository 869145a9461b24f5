"""Reading the Propaganda Techniques Corpus (SemEval-2020 Task 11) and its label files.

Articles are ``article<ID>.txt``; offsets in the label files are character offsets into the
file read as UTF-8 text *without* newline translation (``newline=""``).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import saidwhat.rhetoric

# the committed split stays beside the technique model it validates
VALIDATION_IDS_FILE = Path(saidwhat.rhetoric.__file__).with_name("ptc_validation_ids.txt")
SPLIT_SEED = 20200911  # SemEval-2020 Task 11; fixed so the split never moves
VALIDATION_FRACTION = 0.2
# The 74 validation articles cut in two by article (issue 14): every choice (decoding, mixing
# weights, thresholds, recipes) is made on the tuning part; the confirmation part only
# reports. The training part is the other 297 articles, as before.
TUNING_IDS_FILE = Path(__file__).with_name("ptc_tuning_ids.txt")
CONFIRMATION_IDS_FILE = Path(__file__).with_name("ptc_confirmation_ids.txt")
TUNING_SEED = 20261203


@dataclass
class Article:
    id: str
    text: str
    si: list[tuple[int, int]] = field(default_factory=list)
    tc: list[tuple[str, int, int]] = field(default_factory=list)


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_articles(directory: str | Path) -> dict[str, str]:
    """``{article_id: text}`` for every ``article<ID>.txt`` in ``directory``."""
    out = {}
    for p in sorted(Path(directory).glob("article*.txt")):
        out[p.stem[len("article"):]] = read_text(p)
    return out


def read_si_labels(path: str | Path) -> dict[str, list[tuple[int, int]]]:
    """A SI label file (``id<TAB>start<TAB>end``) or a folder of them."""
    out: dict[str, list[tuple[int, int]]] = {}
    for line in _label_lines(path):
        parts = line.split("\t")
        out.setdefault(parts[0], []).append((int(parts[1]), int(parts[2])))
    return out


def read_tc_labels(path: str | Path) -> dict[str, list[tuple[str, int, int]]]:
    """A TC label file (``id<TAB>technique<TAB>start<TAB>end``) or a folder of them.
    A technique of ``?`` (the organisers' unlabelled template) is kept as ``?``."""
    out: dict[str, list[tuple[str, int, int]]] = {}
    for line in _label_lines(path):
        parts = line.split("\t")
        out.setdefault(parts[0], []).append((parts[1], int(parts[2]), int(parts[3])))
    return out


def _label_lines(path: str | Path):
    p = Path(path)
    files = sorted(p.glob("*.labels")) if p.is_dir() else [p]
    for f in files:
        for line in read_text(f).splitlines():
            if line.strip():
                yield line.rstrip("\n")


def load_corpus(data_dir: str | Path) -> list[Article]:
    """The PTC training release as laid out in ``../shared/data/ptc-train``."""
    d = Path(data_dir)
    texts = read_articles(d / "train-articles")
    si = read_si_labels(d / "train-task-si.labels")
    tc = read_tc_labels(d / "train-task-flc-tc.labels")
    return [Article(i, t, sorted(si.get(i, [])), sorted(tc.get(i, []), key=lambda x: (x[1], x[2])))
            for i, t in texts.items()]


def make_validation_ids(ids: list[str], fraction: float = VALIDATION_FRACTION,
                        seed: int = SPLIT_SEED) -> list[str]:
    ids = sorted(ids)
    rng = random.Random(seed)
    rng.shuffle(ids)
    return sorted(ids[: round(len(ids) * fraction)])


def validation_ids() -> list[str]:
    """The committed validation split: 20% of the training articles, chosen by article."""
    return [l.strip() for l in VALIDATION_IDS_FILE.read_text().splitlines() if l.strip()]


def make_tuning_split(ids: list[str], seed: int = TUNING_SEED) -> tuple[list[str], list[str]]:
    """(tuning, confirmation): the validation ids halved at random, by article."""
    ids = sorted(ids)
    random.Random(seed).shuffle(ids)
    half = len(ids) // 2
    return sorted(ids[:half]), sorted(ids[half:])


def read_ids(path: str | Path) -> list[str]:
    return [l.strip() for l in Path(path).read_text().splitlines() if l.strip()]


def split_ids(name: str) -> list[str]:
    """The committed ids of one part: "validation" (tuning + confirmation), "tuning" or
    "confirmation"; any other name is read as a file of ids."""
    files = {"validation": VALIDATION_IDS_FILE, "tuning": TUNING_IDS_FILE,
             "confirmation": CONFIRMATION_IDS_FILE}
    return read_ids(files.get(name, name))
