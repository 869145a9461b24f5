"""Self-training of the tagger's lexical second opinions on unlabelled news (issue 14).

The exported model in MODEL_DIR is the teacher: it tags unlabelled articles (PolNeAR's texts,
which are news of the kind saidwhat reads, not PTC's outlets), and its confident spans become
silver labels. The word CRF (SI evidence) and the lexical technique classifier are then refit
on the PTC training articles' gold spans plus the silver ones, as the SemEval-2020 winners
self-trained on unlabelled news. ``--encoder-out DIR`` instead fine-tunes the teacher's own
weights further on the gold articles plus the teacher-labelled texts (a student of the same
size; one epoch at a low learning rate) and exports it to DIR with the teacher's lexical files.

    python -m saidwhat.training.self_training MODEL_DIR --unlabelled DIR [DIR ...]
        [--data ../shared/data/ptc-train] [--holdout] [--min-score 0.7] [--limit N]
        [--parts lexical,crf] [--encoder-out DIR [--epochs 1] [--lr 3e-5]]

``--holdout`` fits on the 297 training articles of the split (MODEL_DIR then holds a model of
that run), else on all 371. Writes the two lexical files into MODEL_DIR and records the
silver data in its tagger.json (``self_training``).
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import time
from pathlib import Path

from saidwhat.evaluation.ptc_corpus import Article, load_corpus, read_text
from saidwhat.rhetoric import core, lexical, word_crf
from saidwhat.rhetoric.catalogue import TECHNIQUES
from saidwhat.rhetoric.tagger import Tagger
from saidwhat.training.techniques import (LEXICAL_FILE, WORD_CRF_FILE, TrainConfig, encoder_dir,
                                          export, fit_model, split_articles, training_examples)

log = logging.getLogger("saidwhat.self_training")
PARTS = ("lexical", "crf")
MIN_SCORE = 0.7   # a silver span's peak P(propaganda); the decoding's spans below it are noise


def unlabelled_texts(folders: list[Path], limit: int | None = None) -> list[tuple[str, str]]:
    """(name, text) of every ``*.txt`` under the folders, in name order."""
    files = sorted(f for d in folders for f in Path(d).rglob("*.txt"))
    if limit:
        files = files[:limit]
    return [(str(f), read_text(f)) for f in files]


def silver_spans(teacher: Tagger, texts: list[tuple[str, str]], min_score: float):
    """(text, SI spans, technique spans) per text: the teacher's spans at ``min_score``."""
    out = []
    for _, text in texts:
        tagged = teacher.tag(text, min_score=min_score)
        si = sorted({(t.start, t.end) for t in tagged})
        tc = [(t.technique, t.start, t.end) for t in tagged]
        out.append((text, si, tc))
    return out


def fit(model_dir: Path, data: Path, unlabelled: list[Path], holdout: bool,
        min_score: float = MIN_SCORE, limit: int | None = None, threads: int = 0,
        parts: tuple[str, ...] = PARTS) -> dict:
    t0 = time.time()
    teacher = Tagger(model_dir, threads)
    texts = unlabelled_texts(unlabelled, limit)
    silver = silver_spans(teacher, texts, min_score)
    gold, _ = split_articles(load_corpus(data), holdout)
    items = [(a.text, (s, e), t) for a in gold for t, s, e in a.tc]
    items += [(text, (s, e), t) for text, _, tc in silver for t, s, e in tc]
    lex = lexical.fit(items, TECHNIQUES, model_dir / LEXICAL_FILE) if "lexical" in parts else None
    crf = (word_crf.fit([(a.text, a.si) for a in gold] + [(text, si) for text, si, _ in silver],
                        model_dir / WORD_CRF_FILE) if "crf" in parts else None)
    record = {"parts": list(parts), "unlabelled": [str(d) for d in unlabelled], "texts": len(texts),
              "silver_spans": sum(len(si) for _, si, _ in silver), "min_score": min_score,
              "gold_articles": len(gold), "lexical": lex, "word_crf": crf,
              "seconds": round(time.time() - t0)}
    meta_path = model_dir / "tagger.json"
    meta = json.loads(meta_path.read_text())
    meta["self_training"] = record
    meta_path.write_text(json.dumps(meta, indent=1))
    return record


def silver_articles(teacher: Tagger, texts: list[tuple[str, str]]) -> list[Article]:
    """The teacher's labels for the student: its token runs at its decoding threshold holding a
    token at its ``high`` (not joined across gaps: PTC's gold spans are short, and the gap
    joins several into one), each with its most likely technique."""
    cfg = teacher.config
    out = []
    for name, text in texts:
        enc, hiddens, prob = teacher.run(text)
        spans = [(s, e) for s, e, _ in
                 core.decode_spans(enc, prob, cfg.threshold, cfg.high, 0, cfg.min_chars)]
        labels = (core.assign_labels(spans, teacher.technique_probs(text, enc, hiddens, spans),
                                     teacher.techniques) if spans else [])
        out.append(Article(name, text, spans, [(t, s, e) for t, (s, e) in zip(labels, spans)]))
    return out


def train_encoder(model_dir: Path, out: Path, data: Path, unlabelled: list[Path], holdout: bool,
                  limit: int | None = None, epochs: int = 1, lr: float = 3e-5,
                  threads: int = 2, gold_limit: int | None = None) -> dict:
    """The teacher in MODEL_DIR (its model.pt) fine-tuned on the gold articles plus its own
    labels of the unlabelled texts (a seeded sample of ``limit`` of them), exported to ``out``
    with MODEL_DIR's lexical files and decoding (tune re-chooses the decoding); ``gold_limit``
    keeps a few gold articles (smoke tests)."""
    import torch
    torch.set_num_threads(threads)
    t0 = time.time()
    teacher = Tagger(model_dir, threads)
    texts = unlabelled_texts(unlabelled)
    if limit:   # a seeded sample: the files sort by outlet
        texts = sorted(random.Random(TrainConfig.seed).sample(texts, min(limit, len(texts))))
    silver = silver_articles(teacher, texts)
    gold, _ = split_articles(load_corpus(data), holdout, gold_limit)
    log.info("silver texts %d, spans %d (%.0fs)", len(silver),
             sum(len(a.si) for a in silver), time.time() - t0)
    cfg = TrainConfig(epochs=epochs, lr_encoder=lr, lr_heads=lr * 10, threads=threads,
                      eval_each_epoch=False)
    tk = core.load_tokenizer(encoder_dir() / "tokenizer.json")
    examples = training_examples(gold + silver, tk, cfg.stride)
    model = fit_model(torch, cfg, examples, init=model_dir / "model.pt")
    out.mkdir(parents=True, exist_ok=True)
    for name in (LEXICAL_FILE, WORD_CRF_FILE):
        if (model_dir / name).exists():
            shutil.copy(model_dir / name, out / name)
    meta = json.loads((model_dir / "tagger.json").read_text())
    meta["self_training_encoder"] = {
        "teacher": str(model_dir), "unlabelled": [str(d) for d in unlabelled],
        "texts": len(silver), "silver_spans": sum(len(a.si) for a in silver),
        "gold_articles": len(gold), "windows": len(examples), "config": cfg.__dict__,
        "seconds": round(time.time() - t0)}
    export(torch, model, tk, out, meta)
    return meta["self_training_encoder"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--unlabelled", type=Path, nargs="+", required=True)
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ptc-train"))
    ap.add_argument("--holdout", action="store_true")
    ap.add_argument("--min-score", type=float, default=MIN_SCORE)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--parts", default="lexical,crf",
                    help="which models to refit: lexical (the technique classifier), crf (the "
                         "word CRF), or both (default)")
    ap.add_argument("--encoder-out", type=Path, default=None,
                    help="fine-tune the teacher's encoder on gold + silver and export it here")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-5)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    if args.encoder_out is not None:
        print(json.dumps(train_encoder(args.model_dir, args.encoder_out, args.data,
                                       args.unlabelled, args.holdout, args.limit, args.epochs,
                                       args.lr, args.threads or 2), indent=1))
        return
    print(json.dumps(fit(args.model_dir, args.data, args.unlabelled, args.holdout,
                         args.min_score, args.limit, args.threads,
                         tuple(args.parts.split(","))), indent=1))


if __name__ == "__main__":
    main()
