"""Fitting the recurrent span-identification head (``saidwhat.rhetoric.si_head``) on the
frozen states of an exported encoder, and exporting it to ONNX; needs torch (the ``train``
extra). ``saidwhat train techniques --si-head-only --out DIR`` runs ``fit_into``.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from saidwhat.rhetoric import core
from saidwhat.rhetoric.si_head import SI_HEAD_FILE, SI_HEAD_WEIGHT
from saidwhat.rhetoric.tagger import Tagger

log = logging.getLogger(__name__)

HIDDEN = 128
EPOCHS = 6


def piece_labels(enc: core.Encoded, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """1 for a word piece that overlaps a gold SI span, else 0."""
    off = enc.offsets
    labels = np.zeros(len(off), dtype=np.float32)
    for s, e in spans:
        labels[(off[:, 0] < e) & (off[:, 1] > s)] = 1.0
    return labels


def window_examples(tagger, articles) -> list[tuple[np.ndarray, np.ndarray]]:
    """(window states [T, H], piece labels [T]; CLS and SEP positions labelled -1) of every
    encoder window of every article, from the tagger's run-time encoder."""
    out = []
    for article in articles:
        enc, hiddens, _ = tagger.run_encoder(article.text)
        labels = piece_labels(enc, article.si)
        for hidden, (a, b) in zip(hiddens, enc.windows):
            y = np.full(len(hidden), -1.0, dtype=np.float32)
            y[1:b - a + 1] = labels[a:b]
            out.append((hidden.astype(np.float32), y))
    return out


def head_module(torch, size: int, hidden: int = HIDDEN):
    nn = torch.nn

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(0.1)
            self.gru = nn.GRU(size, hidden, batch_first=True, bidirectional=True)
            # the piece's own state goes to the output too: the GRU adds context to it
            self.out = nn.Linear(2 * hidden + size, 1)

        def forward(self, states):
            x = self.drop(states)
            context, _ = self.gru(x)
            return self.out(torch.cat([context, x], -1)).squeeze(-1)

    return Head()


def fit(examples, epochs: int = EPOCHS, hidden: int = HIDDEN, seed: int = 13,
        batch_size: int = 16):
    """Fit the head on window examples (binary cross-entropy, Adam 1e-3); returns the module."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    size = examples[0][0].shape[1]
    model = head_module(torch, size, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.functional.binary_cross_entropy_with_logits
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(len(examples))
        total, started = 0.0, time.time()
        for i in range(0, len(order), batch_size):
            batch = [examples[j] for j in order[i:i + batch_size]]
            length = max(len(x) for x, _ in batch)
            x = torch.zeros(len(batch), length, size)
            y = torch.full((len(batch), length), -1.0)
            for k, (states, labels) in enumerate(batch):
                x[k, :len(states)] = torch.from_numpy(states)
                y[k, :len(labels)] = torch.from_numpy(labels)
            mask = (y >= 0).float()
            loss = (loss_fn(model(x), y.clamp(min=0), reduction="none") * mask).sum() / mask.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        log.info("si head epoch %d: loss %.4f (%.0fs)", epoch + 1, total / len(order),
                 time.time() - started)
    model.eval()
    return model


def export(model, size: int, out: str | Path) -> None:
    import torch

    states = torch.zeros((1, 8, size))
    torch.onnx.export(model, (states,), str(out), input_names=["hidden"], output_names=["logits"],
                      dynamic_axes={"hidden": {1: "t"}, "logits": {1: "t"}},
                      opset_version=17, dynamo=False)


def fit_into(articles, model_dir: str | Path, meta: dict, epochs: int = EPOCHS,
             seed: int = 13) -> dict:
    """Fit the head on ``articles`` with the exported encoder of ``model_dir``, write
    ``si_head.onnx`` there and return the tagger.json entries that name it."""
    model_dir = Path(model_dir)
    examples = window_examples(Tagger(model_dir, threads=0), articles)
    model = fit(examples, epochs=epochs, seed=seed)
    export(model, examples[0][0].shape[1], model_dir / SI_HEAD_FILE)
    return {"si_head": SI_HEAD_FILE, "si_head_weight": meta.get("si_head_weight", SI_HEAD_WEIGHT),
            "si_head_config": {"hidden": HIDDEN, "epochs": epochs, "seed": seed,
                               "windows": len(examples), "articles": len(articles)}}
