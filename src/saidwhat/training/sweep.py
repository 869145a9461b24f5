"""Comparing training recipes of the technique tagger on the validation split, several seeds
each. One run of the shipped recipe takes 35 minutes on this project's 2-core CPU, so a
comparison that separates a recipe from seed noise needs a GPU machine (about half a minute a
run there); the recipe it picks is then trained with ``saidwhat train techniques`` as usual.

    python -m saidwhat.training.sweep --device cuda --out DIR [--budget-s 480]
        [--recipes NAME ...] [--seeds N ...] [--probe-text FILE --probe-phrase TEXT ...]

Every run trains on the 297 training articles of the split and is scored on the 74 validation
articles with the torch model (SI F1 at the best plain threshold, TC micro-F1), for its own
final weights and for their moving average (``ema_decay``; it does not change the training).
Runs go breadth-first (every recipe with the first seed, then the next seed) until the time
budget is spent; ``sweep.jsonl`` gets one line per run and variant. ``--probe-phrase`` reports
the model's peak P(span) over a phrase of ``--probe-text`` (a diagnostic; it chooses nothing).

The choice, fixed before the runs: over the seeds that every recipe completed, the variant
with the best mean SI F1 whose mean TC micro-F1 is at most 0.01 below the base recipe's; its
first seed's weights are written as fp16 chunks (``state.*.pt``, each under 16 MB) when it is
not the base recipe.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from saidwhat.evaluation.ptc_corpus import load_corpus
from saidwhat.rhetoric import core
from saidwhat.training.techniques import (TrainConfig, averaged, encoder_dir, evaluate, fit_model,
                                          predict, split_articles, torch_fns, training_examples)

BASE = TrainConfig(epochs=5, eval_each_epoch=False, ema_decay=0.995)
RECIPES = {
    "base": {},
    "lr_encoder 5e-5": {"lr_encoder": 5e-5},
    "lr_encoder 1.2e-4": {"lr_encoder": 1.2e-4},
    "si_pos_weight 3": {"si_pos_weight": 3.0},
    # session 11, second sweep: the top layers at the rate that fitted PTC best, the lower
    # ones nearer their pretrained state (the rate that kept general word sense)
    "layer_decay 0.85, lr_encoder 1.2e-4": {"lr_encoder": 1.2e-4, "layer_decay": 0.85},
    "layer_decay 0.8, lr_encoder 1.5e-4": {"lr_encoder": 1.5e-4, "layer_decay": 0.8},
}
SEEDS = (13, 14, 15, 16, 17)
TC_TOLERANCE = 0.01
CHUNK_BYTES = 15 * 2 ** 20


def probe(torch, model, tk, text: str, phrases: list[str], stride: int) -> dict:
    """Peak P(span) over each phrase's word pieces (the first occurrence of the phrase)."""
    enc = core.encode(tk, text, stride=stride)
    _, prob = core.run_windows(enc, torch_fns(torch, model)[0])
    out = {}
    for phrase in phrases:
        start = text.find(phrase)
        r = core.token_range(enc, start, start + len(phrase)) if start >= 0 else None
        out[phrase] = round(float(prob[r[0]:r[1] + 1].max()), 4) if r else None
    return out


def choose(results: list[dict]) -> str | None:
    """The variant the module docstring's rule picks, over the seeds every variant finished."""
    variants = sorted({r["variant"] for r in results})
    seeds = set.intersection(*({r["seed"] for r in results if r["variant"] == v}
                               for v in variants)) if variants else set()
    if not seeds:
        return None

    def mean(v, key):
        return statistics.mean(r[key] for r in results if r["variant"] == v and r["seed"] in seeds)

    base_tc = mean("base", "tc_f1") if "base" in variants else 0.0   # no base run: no limit
    eligible = [v for v in variants if mean(v, "tc_f1") >= base_tc - TC_TOLERANCE]
    return max(eligible, key=lambda v: mean(v, "si_f1"))


def save_state(state: dict, out: Path, prefix: str) -> list[str]:
    """A model's weights (``state_dict()``) in fp16, in files of at most CHUNK_BYTES."""
    import torch
    buf = io.BytesIO()
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in state.items()}, buf)
    data = buf.getvalue()
    names = []
    for i in range(0, len(data), CHUNK_BYTES):
        name = f"{prefix}.{i // CHUNK_BYTES}.pt"
        (out / name).write_bytes(data[i:i + CHUNK_BYTES])
        names.append(name)
    return names


def run_recipe(torch, name: str, cfg: TrainConfig, examples, val_arts, tk, keep: bool,
               probe_text: str | None = None, phrases: Sequence[str] = ()):
    """Train one recipe with one seed; score its final weights and their moving average on
    the validation articles. Returns the rows and, with ``keep``, each variant's weights."""
    rows, states = [], {}

    def on_epoch(epoch, model, average):
        if epoch < cfg.epochs:
            return
        for variant, avg in ((name, None), (name + " +ema", average)):
            with averaged(model, avg):
                res = evaluate(val_arts, *predict(val_arts, tk, *torch_fns(torch, model),
                                                  cfg.stride))
                row = {"variant": variant, "seed": cfg.seed, "si_f1": round(res["si"]["f1"], 4),
                       "si_threshold": res["si_threshold"],
                       "tc_f1": round(res["tc"]["micro_f1"], 4)}
                if probe_text and phrases:
                    row["probe"] = probe(torch, model, tk, probe_text, list(phrases), cfg.stride)
                if keep:
                    states[variant] = {k: v.detach().to("cpu", copy=True)
                                       for k, v in model.state_dict().items()}
            rows.append(row)

    fit_model(torch, cfg, examples, on_epoch)
    return rows, states


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ptc-train"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--budget-s", type=float, default=480.0)
    ap.add_argument("--limit", type=int, default=None, help="N articles (smoke test)")
    ap.add_argument("--epochs", type=int, default=None, help="override (smoke test)")
    ap.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES),
                    metavar="RECIPE", help="names from RECIPES (default: all)")
    ap.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    ap.add_argument("--probe-text", type=Path, default=None)
    ap.add_argument("--probe-phrase", action="append", default=[])
    args = ap.parse_args()
    import torch
    if args.device.startswith("cuda"):
        # TF32 matrix products: the recipes are compared with one another, all alike
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    args.out.mkdir(parents=True, exist_ok=True)
    train_arts, val_arts = split_articles(load_corpus(args.data), True, args.limit)
    tk = core.load_tokenizer(encoder_dir() / "tokenizer.json")
    probe_text = args.probe_text.read_text() if args.probe_text else None
    examples = training_examples(train_arts, tk, BASE.stride)   # no recipe changes the windows
    results, states = [], {}
    t_start = time.time()
    longest = 0.0
    log = (args.out / "sweep.jsonl").open("a")
    # breadth-first: every recipe with the first seed, then the next seed
    for seed, name in [(seed, name) for seed in args.seeds for name in args.recipes]:
        if time.time() - t_start + longest * 1.1 > args.budget_s:
            break
        cfg = replace(BASE, seed=seed, device=args.device, **RECIPES[name])
        if args.epochs:
            cfg = replace(cfg, epochs=args.epochs)
        t0 = time.time()
        rows, run_states = run_recipe(torch, name, cfg, examples, val_arts, tk,
                                      keep=seed == args.seeds[0], probe_text=probe_text,
                                      phrases=args.probe_phrase)
        took = time.time() - t0
        longest = max(longest, took)
        for row in rows:
            row["seconds"] = round(took, 1)
            results.append(row)
            log.write(json.dumps(row) + "\n")
            log.flush()
            print(json.dumps(row), flush=True)
        states.update(run_states)
    winner = choose(results)
    summary = {"winner": winner, "runs": len(results) // 2,
               "seconds": round(time.time() - t_start), "device": args.device}
    if winner and winner != "base" and winner in states:
        summary["state_files"] = save_state(states[winner], args.out, "state")
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
