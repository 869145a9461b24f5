"""The offline language detectors saidwhat could use, side by side (docs/languages.md):
accuracy on the paragraphs of tests/data/languages/, "not English" verdicts on real English
news from ../shared, time per 5,000-character article, and import/load time and memory.

    python benchmarks/language_detectors.py [--detectors py3langid,pycld2,...] [--repeat 3]

Each detector runs in a fresh process, so its import and model load are timed and its
memory (peak RSS over a bare interpreter's) is its own. Detectors that are not installed are
reported as such; saidwhat itself needs only the one it ships with (pyproject.toml).
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PARAGRAPHS = REPO / "tests" / "data" / "languages"
ENGLISH = [("founding example", [SHARED / "examples" / "konashenkov-aleppo.txt"]),
           ("polnear dev", sorted((SHARED / "data/polnear/dev/text").glob("*.txt"))),
           ("polnear train", sorted((SHARED / "data/polnear/train/text").glob("*.txt"))),
           ("speakers-dev", sorted((SHARED / "data/speakers-dev/texts").glob("*.txt"))),
           ("ptc train", sorted((SHARED / "data/ptc-train/train-articles").glob("*.txt")))]
DETECTORS = ("py3langid", "pycld2", "lingua", "lingua-low", "langdetect", "gcld3")


def loader(name: str):
    """The detector ``name`` loaded: a function text -> ISO 639-1 code (or None)."""
    if name == "py3langid":
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return lambda text: identifier.classify(text)[0]
    if name == "pycld2":
        import pycld2

        def cld2(text):
            # CLD2 refuses some valid characters (C0/C1 controls) as "invalid UTF-8"
            text = "".join(c for c in text if c.isprintable() or c in "\n\t")
            reliable, _, found = pycld2.detect(text)
            return found[0][1] if reliable else None
        return cld2
    if name.startswith("lingua"):
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        if name == "lingua-low":
            builder = builder.with_low_accuracy_mode()
        detector = builder.with_preloaded_language_models().build()

        def lingua(text):
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else None
        return lingua
    if name == "langdetect":
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0  # its sampling is random otherwise
        return lambda text: detect(text)
    if name == "gcld3":
        import gcld3

        identifier = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=5000)
        return lambda text: identifier.FindLanguage(text).language
    raise ValueError(name)


def measure(name: str, repeat: int) -> dict:
    """Run in the child process: everything measured of one detector."""
    import numpy  # noqa: F401 (saidwhat has it loaded already, with spaCy: not the detector's cost)

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        detect = loader(name)
        detect("A first sentence, so that lazy models load now.")
    except ImportError as exc:
        return {"detector": name, "missing": str(exc)}
    load_s = time.perf_counter() - start
    out = {"detector": name, "load_s": round(load_s, 3),
           "memory_mib": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss)
                               / 1024, 1)}
    right, wrong, short = {}, [], {}
    for path in sorted(PARAGRAPHS.glob("*.txt")):
        lang = path.stem
        lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
        found = [detect(l) for l in lines]
        right[lang] = f"{sum(f == lang for f in found)}/{len(lines)}"
        wrong += [f"{lang}->{f}: {l[:50]}" for f, l in zip(found, lines) if f != lang]
        # each paragraph's first sentence alone (40-140 characters): the harder, short case
        firsts = [re.split(r"(?<=[.!?»“”])\s", l, maxsplit=1)[0] for l in lines]
        short[lang] = f"{sum(detect(f) == lang for f in firsts)}/{len(firsts)}"
    out["paragraphs"], out["paragraph_errors"], out["first_sentences"] = right, wrong, short
    english, slow = {}, []
    texts = []
    for label, files in ENGLISH:
        found = []
        for f in files:
            text = f.read_text(encoding="utf-8")
            texts.append(text)
            found.append((detect(text), f.name))
        english[label] = f"{sum(lang == 'en' for lang, _ in found)}/{len(found)}"
        slow += [f"{label}/{n}: {lang}" for lang, n in found if lang != "en"]
    out["english_news"], out["not_english"] = english, slow
    # 5,000-character cuts of real articles (joined end to end) for the time per article
    joined = "\n".join(texts)
    cuts = [joined[i:i + 5000] for i in range(0, min(len(joined), 1_000_000), 5000)]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for c in cuts:
            detect(c)
        best = min(best, time.perf_counter() - t)
    out["ms_per_5000_chars"] = round(1000 * best / len(cuts), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detectors", default=",".join(DETECTORS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return
    for name in args.detectors.split(","):
        done = subprocess.run([sys.executable, __file__, "--child", name, "--repeat",
                               str(args.repeat)], capture_output=True, text=True)
        if done.returncode:
            print(json.dumps({"detector": name, "failed": done.stderr.strip()[-300:]}))
        else:
            print(done.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
