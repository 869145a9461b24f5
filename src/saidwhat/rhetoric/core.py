"""Model-independent pieces of the technique tagger, shared by training (torch) and run time
(onnxruntime): windowing an article into encoder inputs, span features for the technique head,
decoding token probabilities into character spans. NumPy and ``tokenizers`` only.

The model: one MiniLM encoder reads the article in overlapping windows; a token head gives
P(token inside a propaganda span) (span identification), and a span head classifies a span from
its start, end and mean token states, the window's [CLS] state and two document features
(how often the span's text recurs in the article, and its length) into one of the 14
techniques (technique classification).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

CLS_ID, SEP_ID, PAD_ID = 101, 102, 0
MAX_LEN = 256              # tokens per window, [CLS] and [SEP] included
N_SCALAR = 2               # scalar span features appended to the pooled states


def load_tokenizer(path):
    from tokenizers import Tokenizer
    tk = Tokenizer.from_file(str(path))
    tk.no_truncation()
    tk.no_padding()
    return tk


@dataclass
class Encoded:
    text: str
    offsets: np.ndarray          # [n_tokens, 2] char offsets of content tokens
    ids: np.ndarray              # [n_tokens]
    windows: list[tuple[int, int]]  # content-token ranges [a, b)
    # per-token technique probabilities [n_tokens, n_classes], when the encoder gives them
    token_tech: np.ndarray | None = None


def encode(tokenizer, text: str, max_len: int = MAX_LEN, stride: int = 192) -> Encoded:
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    n = len(ids)
    width = max_len - 2
    windows = []
    a = 0
    while True:
        b = min(n, a + width)
        windows.append((a, b))
        if b >= n:
            break
        a += stride
    return Encoded(text, offsets, ids, windows)


def window_batch(enc: Encoded, which: Sequence[int]):
    """input_ids and attention_mask (int64) for the given windows, padded to the longest."""
    lens = [enc.windows[w][1] - enc.windows[w][0] + 2 for w in which]
    T = max(lens)
    ids = np.full((len(which), T), PAD_ID, dtype=np.int64)
    mask = np.zeros((len(which), T), dtype=np.int64)
    for i, w in enumerate(which):
        a, b = enc.windows[w]
        ids[i, 0] = CLS_ID
        ids[i, 1:b - a + 1] = enc.ids[a:b]
        ids[i, b - a + 1] = SEP_ID
        mask[i, :b - a + 2] = 1
    return ids, mask


def token_range(enc: Encoded, start: int, end: int) -> tuple[int, int] | None:
    """Inclusive range of content tokens overlapping [start, end), or None."""
    if len(enc.ids) == 0:
        return None
    s = enc.offsets[:, 0]
    e = enc.offsets[:, 1]
    hit = np.nonzero((s < end) & (e > start))[0]
    if len(hit) == 0:
        return None
    return int(hit[0]), int(hit[-1])


def best_window(enc: Encoded, ts: int, te: int) -> int:
    """The window holding tokens ts..te best: fully inside with the widest margin, else the
    largest overlap."""
    best, key = 0, None
    for w, (a, b) in enumerate(enc.windows):
        overlap = min(b - 1, te) - max(a, ts) + 1
        margin = min(ts - a, b - 1 - te)
        k = (overlap, margin)
        if key is None or k > key:
            best, key = w, k
    return best


def scalar_features(text_lower: str, span_text: str, n_tokens: int) -> list[float]:
    t = span_text.strip().lower()
    reps = text_lower.count(t) - 1 if t else 0
    return [math.log1p(max(reps, 0)), math.log1p(n_tokens) / 3.0]


def span_plan(enc: Encoded, spans: Sequence[tuple[int, int]]):
    """For each char span: (window, local start, local end (inclusive, in window positions
    counting [CLS] as 0), scalar features); None where the span covers no token."""
    lower = enc.text.lower()
    plan = []
    for start, end in spans:
        r = token_range(enc, start, end)
        if r is None:
            plan.append(None)
            continue
        ts, te = r
        w = best_window(enc, ts, te)
        a, b = enc.windows[w]
        ls, le = max(ts, a) - a + 1, min(te, b - 1) - a + 1
        plan.append((w, ls, le, scalar_features(lower, enc.text[start:end], te - ts + 1)))
    return plan


def pool(hidden: np.ndarray, ls: int, le: int, scalars: Sequence[float]) -> np.ndarray:
    """Span feature vector from one window's hidden states [T, H]."""
    h = hidden
    return np.concatenate([h[ls], h[le], h[ls:le + 1].mean(0), h[0],
                           np.asarray(scalars, dtype=h.dtype)])


EncoderFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
HeadFn = Callable[[np.ndarray], np.ndarray]


def run_windows(enc: Encoded, encoder: EncoderFn, batch_size: int = 8):
    """Run the encoder over all windows; returns (hidden per window [T_w, H] list,
    token probability per content token averaged over windows)."""
    hiddens: list[np.ndarray] = [None] * len(enc.windows)  # type: ignore
    if len(enc.ids) == 0:
        return hiddens, np.zeros(0, dtype=np.float64)
    probs: list[np.ndarray] = [None] * len(enc.windows)  # type: ignore
    techs: list[np.ndarray] = []
    for i in range(0, len(enc.windows), batch_size):
        which = list(range(i, min(len(enc.windows), i + batch_size)))
        ids, mask = window_batch(enc, which)
        res = encoder(ids, mask)
        for j, w in enumerate(which):
            a, b = enc.windows[w]
            hiddens[w] = res[0][j, :b - a + 2]
            probs[w] = res[1][j]
            if len(res) > 2:
                techs.append(res[2][j])
    if techs:
        enc.token_tech = average_windows(enc, techs)
    return hiddens, average_windows(enc, probs)


def average_windows(enc: Encoded, per_window: Sequence[np.ndarray]) -> np.ndarray:
    """Per content piece, the weighted average over windows of a per-window value given for
    every window position (CLS and SEP included, as the encoder returns them; values may have
    trailing dimensions). Pieces near a window's edge (less context) count less than those in
    its middle."""
    n = len(enc.ids)
    total = count = None
    for values, (a, b) in zip(per_window, enc.windows):
        length = b - a
        pos = np.arange(length)
        wt = np.minimum(np.minimum(pos + 1, length - pos).astype(np.float64), 32.0)
        if total is None:
            total = np.zeros((n,) + values.shape[1:], dtype=np.float64)
            count = np.zeros(n, dtype=np.float64)
        total[a:b] += values[1:length + 1] * wt.reshape((-1,) + (1,) * (values.ndim - 1))
        count[a:b] += wt
    if total is None:
        return np.zeros(n, dtype=np.float64)
    count = np.maximum(count, 1e-9)
    return total / count.reshape((-1,) + (1,) * (total.ndim - 1))


def decode_spans(enc: Encoded, prob: np.ndarray, threshold: float,
                 high: float | None = None, gap: int = 0,
                 min_chars: int = 1) -> list[tuple[int, int, float]]:
    """Runs of tokens with probability >= threshold that hold at least one token >= ``high``
    (hysteresis; ``high`` defaults to the threshold), joined across gaps of at most ``gap``
    tokens, widened to whole words, with at least ``min_chars`` letters or digits;
    (start, end, peak token probability)."""
    text = enc.text
    high = threshold if high is None else max(high, threshold)
    on = prob >= threshold
    runs = []
    i, n = 0, len(on)
    while i < n:
        if not on[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and on[j + 1]:
            j += 1
        if runs and i - runs[-1][1] - 1 <= gap:
            runs[-1][1] = j
        else:
            runs.append([i, j])
        i = j + 1
    out = []
    for i, j in runs:
        if prob[i:j + 1].max() < high:
            continue
        s, e = int(enc.offsets[i, 0]), int(enc.offsets[j, 1])
        while s > 0 and text[s - 1].isalnum():
            s -= 1
        while e < len(text) and text[e].isalnum():
            e += 1
        if sum(c.isalnum() for c in text[s:e]) >= max(1, min_chars):
            out.append((s, e, float(prob[i:j + 1].max())))
    # widening can make neighbours overlap: merge them
    merged: list[list] = []
    for s, e, p in out:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2] = max(merged[-1][2], p)
        else:
            merged.append([s, e, p])
    return [(s, e, p) for s, e, p in merged]


def classify(enc: Encoded, hiddens, spans: Sequence[tuple[int, int]], head: HeadFn,
             n_classes: int) -> np.ndarray:
    """Technique probabilities [len(spans), n_classes] (uniform where a span has no token)."""
    plan = span_plan(enc, spans)
    out = np.full((len(spans), n_classes), 1.0 / n_classes, dtype=np.float32)
    rows = [i for i, p in enumerate(plan) if p is not None]
    if not rows:
        return out
    feats = np.stack([pool(hiddens[plan[i][0]], plan[i][1], plan[i][2], plan[i][3])
                      for i in rows]).astype(np.float32)
    out[rows] = head(feats)
    return out


def mix_token_tech(enc: Encoded, spans: Sequence[tuple[int, int]], probs: np.ndarray,
                   weight: float) -> np.ndarray:
    """Blend span-head probabilities with the mean per-token technique probabilities over each
    span (normalised), ``(1 - weight) * head + weight * tokens``; unchanged without token
    probabilities."""
    if enc.token_tech is None or weight <= 0:
        return probs
    out = probs.copy()
    for i, (s, e) in enumerate(spans):
        r = token_range(enc, s, e)
        if r is None:
            continue
        m = enc.token_tech[r[0]:r[1] + 1].mean(0)
        out[i] = (1 - weight) * probs[i] + weight * m / max(m.sum(), 1e-9)
    return out


def assign_labels(spans: Sequence[tuple[int, int]], probs: np.ndarray,
                  names: Sequence[str]) -> list[str]:
    """Top technique per span; the k-th repeat of an identical span gets the k-th best one
    (in PTC one span can carry two techniques, listed as two lines)."""
    seen: dict[tuple[int, int], int] = {}
    labels = []
    for i, sp in enumerate(spans):
        k = seen.get(tuple(sp), 0)
        seen[tuple(sp)] = k + 1
        order = np.argsort(-probs[i])
        labels.append(names[int(order[min(k, len(order) - 1)])])
    return labels
