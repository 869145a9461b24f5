"""The lexical technique classifier: the second opinion on a span's technique.

The span head of the encoder reads a span's token states; this model reads its words and
letters (word 1-2-grams and character 2-5-grams of the span, tf-idf weighted) and a few surface
facts (length, how often the span recurs in the article, question and exclamation marks, quote
marks, capitalised words), with a multinomial logistic regression over the 14 techniques. It is
trained on the gold technique spans of the training articles alone, so its errors differ from
the encoder's; the tagger multiplies the two distributions (log-linear, weight in
``tagger.json``). On the validation split this lifted TC micro-F1 from 0.621 to 0.66
(docs/techniques-model.md, "Session 9").

Training uses scikit-learn (the ``train`` extra) with the analysers below, so training and run
time share one tokenisation; the run time only needs NumPy: the tf-idf arithmetic and the
softmax are a few lines here because shipping scikit-learn and SciPy (and a pickle) for one
dot product is not worth it.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Sequence

import numpy as np

WORD_RE = re.compile(r"(?u)\b\w\w+\b")
SPACE_RE = re.compile(r"\s+")
QUOTES = "\"“”«»"
CHAR_NGRAMS = (2, 5)


def word_ngrams(span_text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams (scikit-learn's default word pattern)."""
    words = WORD_RE.findall(span_text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def char_ngrams(span_text: str) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with one space (as
    scikit-learn's ``char_wb`` analyser)."""
    out = []
    lo, hi = CHAR_NGRAMS
    for word in SPACE_RE.sub(" ", span_text.lower()).split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            if len(w) < n:
                if n == lo:
                    out.append(w)
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


def surface_features(text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """[n, 8]: log length, log and >1 recurrences of the span in the article (Repetition is
    a document-level technique), '?', '!', quote marks inside, share of capitalised words,
    a quote mark just before."""
    low = text.lower()
    rows = []
    for s, e in spans:
        span = text[s:e]
        key = span.lower().strip()
        recur = low.count(key) if key else 0
        words = span.split()
        rows.append([math.log1p(len(span)), math.log1p(recur), float(recur > 1),
                     float("?" in span), float("!" in span),
                     float(any(q in span for q in QUOTES)),
                     sum(w[:1].isupper() for w in words) / max(1, len(words)),
                     float(s > 0 and text[s - 1] in QUOTES)])
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), 8)


def _tfidf(grams: list[str], index: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (columns, values) of one l2-normalised, sublinear tf-idf row."""
    counts: dict[int, int] = {}
    for g in grams:
        j = index.get(g)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
    vals = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))))
    vals *= idf[cols]
    return cols, vals / np.linalg.norm(vals)


class LexicalClassifier:
    """Technique probabilities of spans from their words (weights in an ``.npz`` file)."""

    def __init__(self, path: str | Path):
        with np.load(path, allow_pickle=False) as z:
            self.techniques = [str(t) for t in z["techniques"]]
            self.word_index = {str(w): i for i, w in enumerate(z["word_vocab"])}
            self.word_idf = z["word_idf"].astype(np.float64)
            self.char_index = {str(w): i for i, w in enumerate(z["char_vocab"])}
            self.char_idf = z["char_idf"].astype(np.float64)
            self.coef = z["coef"].astype(np.float64)          # [n_classes, n_features]
            self.intercept = z["intercept"].astype(np.float64)
        self.n_word = len(self.word_index)
        self.n_char = len(self.char_index)

    def logits(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        base = self.n_word + self.n_char
        out = self.intercept + surface_features(text, spans) @ self.coef[:, base:].T
        for i, (s, e) in enumerate(spans):
            span = text[s:e]
            cols, vals = _tfidf(word_ngrams(span), self.word_index, self.word_idf)
            out[i] += self.coef[:, cols] @ vals
            cols, vals = _tfidf(char_ngrams(span), self.char_index, self.char_idf)
            out[i] += self.coef[:, self.n_word + cols] @ vals
        return out

    def probs(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        z = self.logits(text, spans)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)


def combine(head_probs: np.ndarray, lexical_probs: np.ndarray, weight: float) -> np.ndarray:
    """Log-linear mixture: p ∝ head^(1-w) · lexical^w, renormalised per span."""
    if weight <= 0 or len(head_probs) == 0:
        return head_probs
    z = (1 - weight) * np.log(head_probs + 1e-9) + weight * np.log(lexical_probs + 1e-9)
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def fit_model(items: Sequence[tuple[str, tuple[int, int], str]], C: float = 4.0):
    """scikit-learn's vectorisers (with the analysers above), the feature matrix and the
    fitted logistic regression for (article text, (start, end), technique) gold spans.
    Needs scikit-learn (the ``train`` extra)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    span_texts = [text[s:e] for text, (s, e), _ in items]
    words = TfidfVectorizer(analyzer=word_ngrams, min_df=2, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer=char_ngrams, min_df=3, sublinear_tf=True,
                            max_features=50000)
    surface = np.vstack([surface_features(text, [sp]) for text, sp, _ in items])
    X = hstack([words.fit_transform(span_texts), chars.fit_transform(span_texts),
                csr_matrix(surface)]).tocsr()
    model = LogisticRegression(C=C, max_iter=3000).fit(X, [t for _, _, t in items])
    return words, chars, X, model


def fit(items: Sequence[tuple[str, tuple[int, int], str]], techniques: Sequence[str],
        out: str | Path, C: float = 4.0) -> dict:
    """Fit on gold spans (see ``fit_model``) and write the weights to ``out`` (.npz)."""
    words, chars, X, model = fit_model(items, C)
    # a technique absent from the training spans gets a large negative bias
    coef = np.zeros((len(techniques), X.shape[1]), dtype=np.float32)
    intercept = np.full(len(techniques), -30.0, dtype=np.float32)
    rows = [list(techniques).index(c) for c in model.classes_]
    coef[rows] = model.coef_
    intercept[rows] = model.intercept_

    def vocab(v):
        terms = sorted(v.vocabulary_, key=v.vocabulary_.get)
        return np.array(terms, dtype=str), v.idf_.astype(np.float32)

    wv, wi = vocab(words)
    cv, ci = vocab(chars)
    np.savez_compressed(out, techniques=np.array(list(techniques), dtype=str), word_vocab=wv,
                        word_idf=wi, char_vocab=cv, char_idf=ci, coef=coef,
                        intercept=intercept)
    return {"spans": len(items), "features": int(X.shape[1]), "C": C}
