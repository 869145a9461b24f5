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

This module is the head at run time and needs onnxruntime only (the head is ``si_head.onnx``);
fitting it (``saidwhat.training.si_head``) needs torch (the ``train`` extra).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from saidwhat.rhetoric import core

SI_HEAD_FILE = "si_head.onnx"
SI_HEAD_WEIGHT = 0.5


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
