"""The propaganda-technique tagger at run time: onnxruntime + ``tokenizers``, no torch.

    from saidwhat.rhetoric.tagger import tag_techniques, classify_spans
    tag_techniques(text, min_score=0.5)        -> list[TechniqueSpan]
    classify_spans(text, [(start, end), ...])   -> list[str]   (SemEval TC task)

The model files live in ``saidwhat/rhetoric/model/`` (``tagger.json``, read into
``TaggerConfig``, names them). The tagger is loaded once per process and thread count
(``load_tagger(threads)``; the pipeline gets it through ``saidwhat.models``); nothing is
pickled or downloaded. Without a thread count the environment variable ``SAIDWHAT_THREADS``
or every core.
"""
from __future__ import annotations

import json
import threading
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional

import numpy as np

from saidwhat import settings
from saidwhat.model import TechniqueSpan
from saidwhat.rhetoric import core, lexical, si_head, word_crf
from saidwhat.rhetoric import spans as span_rules

MODEL_DIR = Path(__file__).with_name("model")


class TaggerUnavailable(RuntimeError):
    """The model files are missing or cannot be loaded."""


@dataclass(frozen=True)
class TaggerConfig:
    """``tagger.json``: the model's files and the settings chosen on validation. Keys the
    run time does not read (the training record: trained_on, config, validation, ...) are
    kept whole in ``record``."""
    techniques: tuple[str, ...]
    encoder: str
    head: str
    tokenizer: str
    threshold: float = 0.5
    max_len: int = core.MAX_LEN
    stride: int = 192
    # span decoding (see core.decode_spans), chosen on the validation split
    high: Optional[float] = None
    gap: int = 0
    min_chars: int = 1
    tech_mix: float = 0.0
    # nested spans: the core of a span (tokens >= this) classified on its own; None: off
    core_threshold: Optional[float] = None
    # the lexical classifier's second opinion on a span's technique (rhetoric/lexical.py)
    lexical: Optional[str] = None
    lexical_weight: float = 0.0
    # the word CRF's second opinion on which words are propaganda (rhetoric/word_crf.py)
    si_lexical: Optional[str] = None
    si_lexical_weight: float = 0.0
    si_lexical_base: float = 0.0
    # the recurrent SI head read off the encoder's states (rhetoric/si_head.py)
    si_head: Optional[str] = None
    si_head_weight: float = 0.0
    record: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: dict) -> "TaggerConfig":
        known = {f.name: f for f in fields(cls) if f.name != "record"}
        missing = [n for n, f in known.items()
                   if f.default is MISSING and f.default_factory is MISSING and n not in data]
        if missing:
            raise TaggerUnavailable(f"tagger.json lacks {', '.join(missing)}")
        values = {}
        for name, f in known.items():
            if name not in data or (data[name] is None and f.default is None):
                continue
            value = data[name]
            kind = type(f.default) if f.default not in (None, MISSING) else None
            if name == "techniques":
                value = tuple(str(t) for t in value)
            elif name in ("high", "core_threshold"):
                value = float(value)
            elif kind in (int, float, str):
                value = kind(value)
            values[name] = value
        record = MappingProxyType({k: v for k, v in data.items() if k not in known})
        return cls(**values, record=record)


class Tagger:
    def __init__(self, model_dir: str | Path = MODEL_DIR, threads: int | None = None):
        model_dir = Path(model_dir)
        meta_path = model_dir / "tagger.json"
        if not meta_path.exists():
            raise TaggerUnavailable(
                f"the technique model is missing ({meta_path}); train one with "
                "`saidwhat train techniques --data ../shared/data/ptc-train --out DIR` "
                "and copy DIR's tagger.json, encoder.int8.onnx, tc_head.onnx and "
                "tokenizer.json there")
        try:
            import onnxruntime as ort
        except ImportError as e:  # pragma: no cover
            raise TaggerUnavailable("onnxruntime is not installed") from e
        # not frozen on the Tagger itself: tuning tries settings with dataclasses.replace
        self.config = config = TaggerConfig.from_json(json.loads(meta_path.read_text()))
        self.techniques: list[str] = list(config.techniques)
        if threads is None:
            threads = settings.tagger_threads() or 0
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads  # 0: onnxruntime's default (all cores)
        opts.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        self.encoder = ort.InferenceSession(str(model_dir / config.encoder), opts,
                                            providers=providers)
        self.head = ort.InferenceSession(str(model_dir / config.head), opts,
                                         providers=providers)
        self.tokenizer = core.load_tokenizer(model_dir / config.tokenizer)
        self.lexical = (lexical.LexicalClassifier(model_dir / config.lexical)
                        if config.lexical else None)
        self.word_crf = (word_crf.WordCRF(model_dir / config.si_lexical)
                         if config.si_lexical else None)
        self.si_head = (si_head.SIHead(model_dir / config.si_head, opts, providers)
                        if config.si_head else None)

    # the two callables core.* expects (tuning and the tests call them as the run time does)
    def encode_windows(self, ids: np.ndarray, mask: np.ndarray):
        """The encoder on a batch of windows: (states, P(piece inside a span)[, token techniques])."""
        return self.encoder.run(None, {"input_ids": ids, "attention_mask": mask})

    def head_probs(self, feats: np.ndarray) -> np.ndarray:
        """The span head: technique probabilities of span features."""
        return self.head.run(None, {"features": feats.astype(np.float32)})[0]

    def run(self, text: str):
        """Encoded text, window states and P(piece inside a span), the token head's mixed
        with the word CRF's."""
        enc, hiddens, prob = self.run_encoder(text)
        if self.word_crf is not None and self.config.si_lexical_weight > 0:
            prob = word_crf.mix(prob, self.word_crf.piece_probs(text, enc.offsets),
                                self.config.si_lexical_weight, self.config.si_lexical_base)
        return enc, hiddens, prob

    def run_encoder(self, text: str):
        enc = core.encode(self.tokenizer, text, self.config.max_len, self.config.stride)
        # one window per call: an article's last window is short, and batching it with full
        # ones pads it to 256 pieces; dynamic int8 also quantises a call's activations with one
        # scale, so a window's numbers would depend on its batch. On the fused encoder one
        # window per call was as fast as batches of 2 or 8, or faster (docs/techniques-model.md)
        hiddens, prob = core.run_windows(enc, self.encode_windows, batch_size=1)
        if self.si_head is not None and self.config.si_head_weight > 0:
            prob = si_head.mix(prob, self.si_head.probs(enc, hiddens), self.config.si_head_weight)
        return enc, hiddens, prob

    def technique_probs(self, text: str, enc, hiddens, spans) -> np.ndarray:
        """[n_spans, n_techniques]: the span head's probabilities, mixed with the token
        technique head's (tech_mix) and the lexical classifier's (lexical_weight)."""
        probs = core.classify(enc, hiddens, spans, self.head_probs, len(self.techniques))
        probs = core.mix_token_tech(enc, spans, probs, self.config.tech_mix)
        if self.lexical is not None and self.config.lexical_weight > 0:
            probs = lexical.combine(probs, self.lexical.probs(text, spans), self.config.lexical_weight)
        return probs

    def decode(self, enc, prob):
        """Span identification of an encoded text: the decoding chosen on validation."""
        return core.decode_spans(enc, prob, self.config.threshold, self.config.high, self.config.gap, self.config.min_chars)

    def spans(self, text: str) -> list[tuple[int, int, float]]:
        """Span identification only: (start, end, score)."""
        enc, _, prob = self.run(text)
        return self.decode(enc, prob)

    def tag(self, text: str, min_score: float = 0.5) -> list[TechniqueSpan]:
        """Technique spans. A span's score is the model's peak probability that its tokens are
        propaganda; ``min_score`` is the peak a span needs (the span-identification numbers in
        docs/accuracy.md use the decoding chosen on validation, ``spans()``). A span gets its most
        likely technique, and a second one (score scaled by the technique probabilities) when
        that technique has probability >= 0.3 and the scaled score still reaches min_score.
        Inside a span, the run of tokens at or above ``core_threshold`` (the span's core) is
        classified too, and reported as a nested span when its technique is not the span's
        (PTC nests spans: loaded language inside an exaggeration)."""
        enc, hiddens, prob = self.run(text)
        return self.technique_spans(text, enc, hiddens, prob, min_score, self.config.core_threshold)

    def technique_spans(self, text: str, enc, hiddens, prob, min_score: float,
                        core_threshold: float | None) -> list[TechniqueSpan]:
        low = max(min(self.config.threshold, min_score), self.config.threshold / 2)
        found = core.decode_spans(enc, prob, low, max(min_score, low), self.config.gap, self.config.min_chars)
        # what a reader accepts (rhetoric/spans.py): one paragraph, word boundaries, a content
        # word; the text's paragraphs and word counts read once for the spans and their cores
        words = span_rules.TextWords(text)
        peak = span_rules.token_peak(enc, prob)
        found = span_rules.accepted(text, found, peak, max(min_score, low),
                                    self.config.min_chars, words)
        if not found:
            return []
        spans = [(s, e) for s, e, _ in found]
        probs = self.technique_probs(text, enc, hiddens, spans)
        probs = span_rules.without_unrepeated_repetition(text, spans, probs, self.techniques,
                                                         words)
        out = []
        for (s, e, p), tp in zip(found, probs):
            order = np.argsort(-tp)
            first = int(order[0])
            out.append(TechniqueSpan(self.techniques[first], s, e, text[s:e], round(p, 4)))
            second = int(order[1])
            score2 = p * tp[second] / tp[first]
            if tp[second] >= 0.3 and score2 >= min_score:
                out.append(TechniqueSpan(self.techniques[second], s, e, text[s:e],
                                         round(float(score2), 4)))
        if core_threshold is not None:
            out += self._nested(text, enc, hiddens, prob, out, max(core_threshold, min_score),
                                words, peak)
        out.sort(key=lambda t: (t.start, t.end, -t.score))
        return out

    def _nested(self, text, enc, hiddens, prob, outer: list[TechniqueSpan], threshold: float,
                words: span_rules.TextWords, peak) -> list[TechniqueSpan]:
        cores = core.decode_spans(enc, prob, threshold, threshold, 0, self.config.min_chars)
        cores = [c for c in span_rules.accepted(text, cores, peak, threshold,
                                                self.config.min_chars, words)
                 if any(o.start <= c[0] and c[1] <= o.end and c[1] - c[0] < o.end - o.start
                        for o in outer)]
        if not cores:
            return []
        spans = [(s, e) for s, e, _ in cores]
        probs = span_rules.without_unrepeated_repetition(
            text, spans, self.technique_probs(text, enc, hiddens, spans), self.techniques, words)
        nested = []
        for (s, e, p), tp in zip(cores, probs):
            technique = self.techniques[int(np.argmax(tp))]
            around = {o.technique for o in outer if o.start <= s and e <= o.end}
            if technique not in around:
                nested.append(TechniqueSpan(technique, s, e, text[s:e], round(p, 4)))
        return nested

    def classify(self, text: str, spans: list[tuple[int, int]]) -> list[str]:
        if not spans:
            return []
        enc, hiddens, _ = self.run_encoder(text)   # the span probabilities are not needed
        probs = self.technique_probs(text, enc, hiddens, spans)
        return core.assign_labels(spans, probs, self.techniques)


def model_available(model_dir: str | Path = MODEL_DIR) -> bool:
    return (Path(model_dir) / "tagger.json").exists()


_load_lock = threading.Lock()


def load_tagger(threads: int | None = None) -> Tagger:
    """The tagger with ``threads`` onnxruntime threads (None: SAIDWHAT_THREADS, else every
    core), loaded once per process and thread count. Raises TaggerUnavailable with a clear
    message when the model files are missing."""
    with _load_lock:  # two threads asking at once load it once
        return _loaded(threads)


@lru_cache(maxsize=2)
def _loaded(threads: int | None) -> Tagger:
    return Tagger(MODEL_DIR, threads)


def tag_techniques(text: str, min_score: float = 0.5) -> list[TechniqueSpan]:
    return load_tagger().tag(text, min_score)


def classify_spans(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return load_tagger().classify(text, spans)
