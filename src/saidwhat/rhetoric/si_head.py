"""A recurrent span-identification head over the exported encoder's word-piece states:
opt-in, not part of the shipped model.

The encoder's own SI head is one linear layer per word piece: it decides each piece from that
piece's state alone. This head reads a window's states with a bidirectional GRU, so a piece's
decision sees the pieces around it, and is trained on the frozen states of the exported int8
encoder — the states it sees at run time — in about two and a half minutes on the CPU, without
retraining the encoder. Its P(inside a span) is averaged with the linear head's
(``si_head_weight`` in ``tagger.json``).

Measured (session 10, docs/techniques-model.md): on the validation split, with the 297-article
encoder, SI F1 0.432 -> 0.443 and FLC 0.221 -> 0.237 (TC does not use it); but with the all-371
encoder the founding example's "cinema" fell from 0.48 to 0.32 and "theatrical screams" from
0.525 to 0.498, one clear phrase of three instead of two. So the shipped model has no such head;
``saidwhat train techniques --si-head-only --out DIR`` fits one into an exported model folder.

Run time needs onnxruntime only (the head is ``si_head.onnx``); fitting needs torch (the
``train`` extra).
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from saidwhat.rhetoric import core

log = logging.getLogger(__name__)

SI_HEAD_FILE = "si_head.onnx"
SI_HEAD_WEIGHT = 0.5
HIDDEN = 128
EPOCHS = 6


class SIHead:
    """The exported head at run time: one onnxruntime call per encoder window."""

    def __init__(self, path: str | Path, options=None, providers=("CPUExecutionProvider",)):
        import onnxruntime as ort
        self.session = ort.InferenceSession(str(path), options, providers=list(providers))

    def window_logits(self, hidden: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"hidden": hidden[None].astype(np.float32)})[0][0]

    def probs(self, enc: core.Encoded, hiddens: Sequence[np.ndarray]) -> np.ndarray:
        """P(piece inside a span) per content piece, windows averaged as ``core.run_windows``
        averages the encoder's."""
        per_window = [1.0 / (1.0 + np.exp(-self.window_logits(h))) for h in hiddens]
        return core.average_windows(enc, per_window)


def mix(prob: np.ndarray, head_prob: np.ndarray, weight: float) -> np.ndarray:
    """The linear head's probability averaged with this head's (``weight`` on this one)."""
    return (1.0 - weight) * prob + weight * head_prob


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
        enc, hiddens, _ = tagger._run_encoder(article.text)
        labels = piece_labels(enc, article.si)
        for hidden, (a, b) in zip(hiddens, enc.windows):
            y = np.full(len(hidden), -1.0, dtype=np.float32)
            y[1:b - a + 1] = labels[a:b]
            out.append((hidden.astype(np.float32), y))
    return out


def _module(torch, size: int, hidden: int = HIDDEN):
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
    model = _module(torch, size, hidden)
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
    from saidwhat.rhetoric.tagger import Tagger

    model_dir = Path(model_dir)
    examples = window_examples(Tagger(model_dir, threads=0), articles)
    model = fit(examples, epochs=epochs, seed=seed)
    export(model, examples[0][0].shape[1], model_dir / SI_HEAD_FILE)
    return {"si_head": SI_HEAD_FILE, "si_head_weight": meta.get("si_head_weight", SI_HEAD_WEIGHT),
            "si_head_config": {"hidden": HIDDEN, "epochs": epochs, "seed": seed,
                               "windows": len(examples), "articles": len(articles)}}
