"""``saidwhat train``: train the models that ship inside saidwhat (needs ``saidwhat[train]``)."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("train", help="train a model (needs the `train` extra)",
                              description="Train a model that ships inside saidwhat.")
    models = p.add_subparsers(dest="model", metavar="MODEL")
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])
    t = models.add_parser(
        "techniques", help="the propaganda-technique tagger (PTC, SemEval-2020 Task 11)",
        description="Train the technique tagger on the PTC training release and export it to "
                    "ONNX (int8). With --holdout, 20%% of the articles (the committed validation "
                    "split) are held out and scored after each epoch; without it all articles "
                    "are used (the shipped model).")
    t.add_argument("--data", type=Path, default=Path("../shared/data/ptc-train"),
                   help="the PTC training folder (default: ../shared/data/ptc-train)")
    t.add_argument("--out", type=Path, required=True, help="folder for the model files")
    t.add_argument("--holdout", action="store_true",
                   help="hold out the validation split and score it")
    # the defaults are the shipped recipe, so that the one command reproduces it
    t.add_argument("--epochs", type=int, default=5, help="default 5 (the shipped recipe)")
    t.add_argument("--threads", type=int, default=2,
                   help="torch threads (default 2, as the shipped model was trained)")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--device", default="cpu",
                   help="torch device for training, e.g. cuda (default cpu; the export and the "
                        "run time stay on the CPU)")
    t.add_argument("--threshold", type=float, default=None,
                   help="span threshold to ship when there is no holdout (default: the "
                        "validated one)")
    t.add_argument("--limit", type=int, default=None, help="use only N articles (smoke test)")
    t.add_argument("--lexical-only", action="store_true",
                   help="refit only the lexical models (technique classifier, word CRF) into "
                        "--out, a folder that already holds an exported model (minutes, not "
                        "the encoder's 40; needs scikit-learn)")
    t.add_argument("--si-head-only", action="store_true",
                   help="refit only the recurrent span-identification head into --out, a folder "
                        "that already holds an exported model (minutes; needs torch)")
    t.set_defaults(func=run_techniques)
    _register_attribution(models)


def _register_attribution(models) -> None:
    a = models.add_parser(
        "attribution", help="the candidate-attribution scorer (PolNeAR train)",
        description="Fit the logistic-regression scorer that decides which non-lexicon "
                    "candidates are attributions, on PolNeAR train (dev is never read).")
    a.add_argument("--data", type=Path, default=Path("../shared/data/polnear"))
    a.add_argument("--out", type=Path, required=True,
                   help="weights file (to ship it: src/saidwhat/attribute/attribution_scorer.json)")
    a.set_defaults(func=run_attribution)
    c = models.add_parser(
        "contents", help="the content-boundary CRF (PolNeAR train)",
        description="Fit the CRF that sets content boundaries over the rule statements and "
                    "scored candidates, on PolNeAR train (penalties chosen on 20%% of it; dev "
                    "is never read). Run it after `saidwhat train attribution`: its features "
                    "include the scorer's probabilities.")
    c.add_argument("--data", type=Path, default=Path("../shared/data/polnear"))
    c.add_argument("--out", type=Path, required=True,
                   help="model file, its source model beside it (to ship them: "
                        "src/saidwhat/attribute/content_tagger.crfsuite)")
    c.set_defaults(func=run_contents)


def _missing_train_extra(*modules: str) -> bool:
    """True (after saying so) when a module of the ``train`` extra is not installed."""
    import importlib

    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError as e:
        print(f"saidwhat train: {e}; install the extra: pip install 'saidwhat[train]'",
              file=sys.stderr)
        return True
    return False


def run_attribution(args) -> int:
    if _missing_train_extra("sklearn"):
        return 1
    from saidwhat.training.attribution import train as train_scorer

    train_scorer(args.data, args.out,
                 log=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


def run_contents(args) -> int:
    from saidwhat.training.contents import train as train_contents

    train_contents(args.data, args.out,
                   log=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


def _no_exported_model(out) -> bool:
    """True (after saying so) when ``out`` holds no exported model to add a model to."""
    if (out / "tagger.json").exists():
        return False
    print(f"saidwhat train: {out} holds no exported model (tagger.json)", file=sys.stderr)
    return True


def run_techniques(args) -> int:
    if args.lexical_only:
        if _missing_train_extra("sklearn") or _no_exported_model(args.out):
            return 1
        from saidwhat.training.techniques import fit_lexical

        meta = fit_lexical(args.data, args.out, holdout=args.holdout)
        print(f"lexical technique classifier {args.out / meta['lexical']} (weight "
              f"{meta['lexical_weight']}), word CRF {args.out / meta['si_lexical']} (weight "
              f"{meta['si_lexical_weight']}, base {meta['si_lexical_base']})")
        return 0
    if _missing_train_extra("torch", "saidwhat.training.techniques"):
        return 1
    if args.si_head_only:
        if _no_exported_model(args.out):
            return 1
        from saidwhat.training.techniques import fit_si_head

        logging.basicConfig(level=logging.INFO)
        meta = fit_si_head(args.data, args.out, holdout=args.holdout)
        print(f"recurrent SI head {args.out / meta['si_head']} (weight {meta['si_head_weight']})")
        return 0
    from saidwhat.training.techniques import TrainConfig, train

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("saidwhat.train").addHandler(logging.StreamHandler(sys.stderr))
    cfg = TrainConfig(epochs=args.epochs, threads=args.threads, seed=args.seed,
                      device=args.device)
    if args.threshold is not None:
        cfg.threshold = args.threshold
    meta = train(args.data, args.out, holdout=args.holdout, cfg=cfg, limit=args.limit)
    print(json.dumps({k: meta[k] for k in ("trained_on", "threshold", "train_seconds")}))
    if "validation" in meta:
        v = meta["validation"]
        print(f"validation: SI F1 {v['si']['f1']:.4f}  TC micro-F1 {v['tc']['micro_f1']:.4f}")
    print(f"model files in {args.out}; copy tagger.json, encoder.int8.onnx, tc_head.onnx and "
          f"tokenizer.json to src/saidwhat/rhetoric/model/ to ship them")
    return 0
