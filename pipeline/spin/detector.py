"""The spin detector: rule signals + the word scorer -> evidence spans, features, verdict.

``Detector(settings)`` loads the reference statistics and the trained models once;
``detector.detect(text)`` returns the ``doc._.spin`` dict of DEVELOPING.md::

    {"score", "spun", "applicable", "spans", "restored_text", "reasons", "features"}

``score`` combines the document model's probability (``models/spin_detector.skops``, over
length-normalised features, :func:`doc_features`) with the thesaurus-span ratio's z-score
(``verdict.verdict_score``); ``spun`` compares it with ``threshold``. Spans come from the rule signals (``pipeline.spin.signals``) and from words the
word scorer rates at or above ``span_min_score`` (only ``span_min_score_clean`` and up on a document judged
not spun, so a clean article keeps almost no evidence). Overlaps are resolved by score.
"""

from __future__ import annotations

import bisect
import functools
import json
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.compact import Trees
from pipeline.config import SpinSettings
from pipeline.paths import MODELS_DIR, resolve_path
from pipeline.spin import signals, terms
from pipeline.spin import verdict as llr_verdict
from pipeline.spin.compiled import FAST
from pipeline.spin.reference import Reference, load_reference
from pipeline.spin.restore import restore
from pipeline.spin.signals import registry
from pipeline.spin.signals.fingerprints import counted_hits
from pipeline.spin.spans import span_evidence
from pipeline.spin.suggest import resuggest
from pipeline.spin.thesaurus import load_thesaurus
from pipeline.spin.tokens import quoted, tokenize
from pipeline.spin.words import damp_unexplained, word_features

MODEL_FILE = "spin_detector.skops"
# Word-scorer aggregates added to the rule features (all per 100 words or means).
WORD_AGGREGATES = ("word_p_per100", "word_hi_per100", "word_vhi_per100", "word_top_mean")


def empty_memos() -> None:
    """Empty the word and span memo tables of every reference and the suggestions' memo of
    this process (``engine``: when the analysing process passes ``run.memo_rss_max_mb``).
    The memo owners stay (their ``id`` keys other memos), so this changes no result."""
    from pipeline.spin import spans, suggest, words

    for _ref, stats in words._STATS.values():
        stats.clear()
    for _ref, model in spans._MODELS.values():
        model.reset()
    suggest._STATIC.clear()


def doc_features(
    rule_feats: dict[str, float], word_p: np.ndarray, n_words: int,
    norm_min_words: int = 150, top_min_words: int = 15,
) -> dict[str, float]:
    """Rule features plus aggregates of the word probabilities, length-normalised.

    Rates are per 100 words but never over fewer than ``norm_min_words`` words, so a short
    paragraph needs proportionally more evidence to look spun; ``word_top_mean`` averages the
    highest tenth of the word probabilities, over at least ``top_min_words`` words.
    """
    per100 = 100.0 / max(n_words, norm_min_words)
    feats = dict(rule_feats)
    feats["word_p_per100"] = float(word_p.sum()) * per100
    feats["word_hi_per100"] = float((word_p >= 0.5).sum()) * per100
    feats["word_vhi_per100"] = float((word_p >= 0.8).sum()) * per100
    k = max(top_min_words, len(word_p) // 10)
    top = np.sort(word_p)[-k:]
    feats["word_top_mean"] = float(top.sum() / k) if len(word_p) else 0.0
    return feats


def prior_shift(p: np.ndarray, train_prior: float) -> np.ndarray:
    """Word probabilities re-weighted from the training share of swapped words to this
    document's own estimate (the mean probability), so a lightly spun text needs stronger
    evidence per word than a heavily spun one (Saerens et al. 2002 prior correction)."""
    if not len(p) or not 0.0 < train_prior < 1.0:
        return p
    prior = float(np.clip(p.mean(), 0.01, 0.6))
    odds = p / np.maximum(1.0 - p, 1e-9) * (prior / (1.0 - prior)) / (train_prior / (1.0 - train_prior))
    return odds / (1.0 + odds)


def _load_models(path: Path) -> dict[str, Any]:
    """The models of ``path``: from its compact form when that is current (numpy only, see
    :mod:`pipeline.compact`), else from the ``.skops`` file itself."""
    from pipeline.compact import load_spin

    models = load_spin(path)
    return models if models is not None else _load_skops(path)


def _load_skops(path: Path) -> dict[str, Any]:
    import skops.io as sio

    if not path.is_file():
        raise FileNotFoundError(f"spin model missing: {path}; run `make train`")
    untrusted = sio.get_untrusted_types(file=path)
    # Our own file: the types are sklearn estimators/numpy; refuse anything else.
    bad = [t for t in untrusted if not t.startswith(("sklearn.", "numpy.", "builtins."))]
    if bad:
        raise ValueError(f"{path}: unexpected types in the model file: {bad}")
    return sio.load(path, trusted=untrusted)


@functools.lru_cache(maxsize=1)
def _threads():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


# The compiled tree walk when built (``Trees.raw`` is its reference).
_TREE_RAW = FAST.tree_raw if FAST is not None else None


@functools.lru_cache(maxsize=4)
def _cached_models(path: str) -> dict[str, Any]:
    return _load_models(Path(path))


class Detector:
    """Loads reference statistics and models once; :meth:`detect` is per text."""

    def __init__(self, settings: SpinSettings | dict[str, Any] | None = None,
                 ref: Reference | None = None, models: dict[str, Any] | None = None):
        self.cfg = SpinSettings.of(settings)
        ref_dir = self.cfg.reference_dir
        self.ref = ref if ref is not None else load_reference(
            resolve_path(ref_dir, MODELS_DIR) if ref_dir else None
        )
        if models is None:
            path = resolve_path(self.cfg.model_path, MODELS_DIR / MODEL_FILE)
            models = _cached_models(str(path))
        self.word_model = models["word_model"]
        self.doc_model = models["doc_model"]
        self.doc_feature_names: list[str] = list(models["doc_features"])
        self.train_prior = float(models.get("word_prior", 0.0))
        # The pair-oddity features cost ~7% of the detector; computed only if the model uses them.
        self.oddity = any(n in self.doc_feature_names for n in signals.ODDITY_FEATURES)
        # Issue 16: reverse-thesaurus span evidence and its likelihood-ratio verdict (None when
        # the table is not shipped: the detector then runs as before).
        self.thes = load_thesaurus(resolve_path(ref_dir, MODELS_DIR) if ref_dir else None)
        if not self.cfg.span_evidence:   # the old detector, for speed or comparison
            self.thes = None
        if self.thes is not None:
            self.thes = self.thes.capped(int(self.cfg.suggest_max_originals))

    # -- pieces
    def _word_probs(self, mats: list[np.ndarray]) -> list[np.ndarray]:
        """Word-scorer probabilities for several texts' feature matrices in one call (the
        trees' per-call overhead is paid once per batch, not once per article)."""
        sizes = [len(X) for X in mats]
        if not sum(sizes):
            return [np.zeros(0) for _ in mats]
        X = np.vstack([X for X in mats if len(X)])
        if isinstance(self.word_model, Trees):   # the compact form: numpy, no OpenMP
            p = self.word_model.predict_proba(X, raw=_TREE_RAW)[:, 1]
        else:
            # One thread: a batch is a few thousand rows, and OpenMP start-up on a busy
            # machine costs more than the prediction itself.
            with _threads().limit(limits=1, user_api="openmp"):
                p = self.word_model.predict_proba(X)[:, 1]
        return np.split(p, np.cumsum(sizes)[:-1])

    def _prepare(self, text: str) -> dict[str, Any]:
        toks = tokenize(text)
        rule_spans, rule_feats = signals.analyse(text, self.cfg, self.ref, toks, self.oddity)
        idx, X, sugg = word_features(toks, self.ref, self.cfg)
        n_words = sum(1 for t in toks if t.is_word)
        hits = span_evidence(toks, self.thes, self.ref, self.cfg) if self.thes is not None else []
        n_fp = counted_hits(rule_spans, int(self.cfg.fingerprint_max_per_phrase))
        term_spans, term_llr = terms.analyse(text, toks, self.thes, self.ref, self.cfg, n_fp)
        rule_spans = rule_spans + term_spans
        llr = llr_verdict.doc_llr(hits, self.cfg) + term_llr
        # Words of a long quoted passage are another writer's (scripture, cited speech): the
        # document model's word aggregates count them as 0 (spin7; the spans still read them).
        own = ~np.fromiter(quoted(text, toks, idx, int(self.cfg.quote_min_words)), dtype=bool,
                           count=len(idx))
        return {"text": text, "toks": toks, "rule_spans": rule_spans, "rule_feats": rule_feats,
                "idx": idx, "X": X, "sugg": sugg, "n_words": n_words, "hits": hits, "own": own,
                "llr": llr, "llr_z": llr_verdict.llr_z(llr, n_words, self.cfg)}

    def _doc_features(self, prep: dict[str, Any], p: np.ndarray) -> dict[str, float]:
        # The verdict counts unexplained words (no suggestion) at a discount (words.py).
        p = damp_unexplained(p, prep["sugg"], self.cfg) * prep["own"]
        return doc_features(prep["rule_feats"], p, prep["n_words"], self.cfg.norm_min_words,
                            self.cfg.top_min_words)

    def _scores(self, feats: list[dict[str, float]]) -> np.ndarray:
        x = np.array([[f.get(n, 0.0) for n in self.doc_feature_names] for f in feats],
                     dtype=np.float64)
        return self.doc_model.predict_proba(x)[:, 1] if len(x) else np.zeros(0)

    # -- the verdict
    def detect(self, text: str) -> dict[str, Any]:
        """The ``doc._.spin`` dict for ``text``."""
        return self.detect_many([text])[0]

    def detect_many(self, texts: list[str]) -> list[dict[str, Any]]:
        """:meth:`detect` for a batch of texts (same results, the models called once)."""
        preps = [self._prepare(t or "") for t in texts]
        probs = self._word_probs([prep["X"] for prep in preps])
        feats = [self._doc_features(prep, p) for prep, p in zip(preps, probs, strict=True)]
        scores = self._scores(feats)
        # The ratio's z-score and the model's log-odds combined (verdict.verdict_score); the
        # old detector (no span evidence) keeps the model's probability.
        for prep, s in zip(preps, scores, strict=True):
            prep["model_score"] = float(s)
        if self.thes is not None:
            scores = [llr_verdict.verdict_score(prep["llr_z"], float(s), self.cfg)
                      for prep, s in zip(preps, scores, strict=True)]
        return [
            self._verdict(prep, p, f, float(s) if prep["text"].strip() else 0.0)
            for prep, p, f, s in zip(preps, probs, feats, scores, strict=True)
        ]

    def _verdict(self, prep: dict[str, Any], p: np.ndarray, feats: dict[str, float],
                 score: float) -> dict[str, Any]:
        text, toks, idx, sugg = prep["text"], prep["toks"], prep["idx"], prep["sugg"]
        spun = score >= self.cfg.threshold
        comb = llr_verdict.combined(prep["llr_z"], prep["model_score"], self.cfg)
        floor = self.cfg.span_min_score if spun else self.cfg.span_min_score_clean
        cand = [s for s in prep["rule_spans"] if s["score"] >= floor]
        # Evidence spans: on a document judged spun every word counts in full (the verdict is
        # made); on one judged clean the unexplained words stay discounted.
        if not spun:
            p = damp_unexplained(p, sugg, self.cfg)
        p = prior_shift(p, self.train_prior)
        for k, i in enumerate(idx):
            if p[k] >= floor:
                t = toks[i]
                cand.append({
                    "start_char": t.start, "end_char": t.end, "text": t.text,
                    "suggestion": sugg[k], "signal": "word_model", "score": round(float(p[k]), 3),
                })
        if spun:
            cand += llr_verdict.evidence_spans(text, toks, prep["hits"], self.cfg, floor)
        spans = resolve_overlaps(cand)[: self.cfg.max_spans]
        spans.sort(key=lambda s: s["start_char"])
        if spun and self.thes is not None:
            spans = resuggest(text, toks, spans, self.thes, self.ref, self.cfg)
        spans = self._checked_suggestions(spans, spun)
        return {
            "score": round(score, 4),
            "spun": bool(spun),
            "applicable": True,
            "spans": spans,
            "restored_text": restore(text, spans),
            "reasons": reasons(score, spun, spans,
                               {**feats, "span_llr_z": prep["llr_z"], "combined": comb}, self.cfg),
            "features": {k: round(float(v), 4) for k, v in
                         {**feats, "span_llr": prep["llr"], "span_llr_z": prep["llr_z"],
                          "model_score": prep["model_score"], "combined": comb}.items()},
        }

    def _checked_suggestions(self, spans: list[dict], spun: bool) -> list[dict]:
        """No suggestion on a document judged clean, and never an antonym of the span."""
        for s in spans:
            sug = s.get("suggestion") or ""
            if sug and (not spun or self.thes is not None and self.thes.is_antonym(
                    s["text"].lower(), sug.lower())):
                s["suggestion"] = ""
        return spans


def resolve_overlaps(spans: list[dict]) -> list[dict]:
    """Keep the best-scoring spans that do not overlap (longer wins a tie)."""
    kept: list[dict] = []
    # Kept intervals never overlap, so sorted by start they are sorted by end too: a new span
    # can only overlap its two neighbours in that order (bisect instead of a scan of all).
    starts: list[int] = []
    ends: list[int] = []
    for s in sorted(spans, key=lambda s: (-s["score"], -(s["end_char"] - s["start_char"]))):
        a, b = s["start_char"], s["end_char"]
        k = bisect.bisect_right(starts, a)
        if any(a < ends[j] and starts[j] < b for j in (k - 1, k) if 0 <= j < len(starts)):
            continue
        kept.append(s)
        starts.insert(k, a)
        ends.insert(k, b)
    return kept


def reasons(score: float, spun: bool, spans: list[dict], feats: dict[str, float],
            cfg: SpinSettings | dict[str, Any] | None) -> list[str]:
    """Human-readable reasons for the verdict, strongest evidence first."""
    cfg = SpinSettings.of(cfg)
    threshold = cfg.threshold
    out = [
        f"spin score {score:.2f} {'>=' if spun else '<'} threshold {threshold:.2f}"
    ]
    by_signal: dict[str, list[dict]] = {}
    for s in spans:
        by_signal.setdefault(s["signal"], []).append(s)
    labels = registry.labels()
    for sig, hits in sorted(by_signal.items(), key=lambda kv: -len(kv[1])):
        examples = ", ".join(
            f'"{h["text"]}"' + (f' -> "{h["suggestion"]}"' if h["suggestion"] else "")
            for h in sorted(hits, key=lambda h: -h["score"])[:3]
        )
        out.append(f"{len(hits)} x {labels.get(sig, sig)} ({examples})")
    if feats.get("span_llr_z", 0.0) >= cfg.llr_z_threshold:
        out.append(f"thesaurus-swap evidence {feats['span_llr_z']:.1f} standard deviations above "
                   "clean text of this length")
    if "combined" in feats and feats["combined"] >= cfg.combined_threshold:
        out.append(f"combined evidence {feats['combined']:.2f} >= {cfg.combined_threshold:.2f} "
                   f"(thesaurus-swap z {feats.get('span_llr_z', 0.0):.1f} + {cfg.model_weight:g} x "
                   "the document model's log-odds)")
    if feats.get("word_p_per100", 0.0) > 0:
        out.append(f"expected swapped words per 100: {feats['word_p_per100']:.1f}")
    return out


@functools.lru_cache(maxsize=4)
def _detector(settings_json: str) -> Detector:
    return Detector(json.loads(settings_json))


def get_detector(settings: SpinSettings | dict[str, Any] | None = None) -> Detector:
    """A cached :class:`Detector` for these settings (a dict overrides the defaults)."""
    return _detector(json.dumps(SpinSettings.of(settings).model_dump(mode="json"), sort_keys=True))


def detect(text: str, settings: SpinSettings | dict[str, Any] | None = None) -> dict[str, Any]:
    """``Detector(settings).detect(text)`` with the detector cached."""
    return get_detector(settings).detect(text)


def score_and_spans(text: str, settings: SpinSettings | dict[str, Any] | None = None
                    ) -> tuple[float, list]:
    """(score, [(start, end, suggestion)]) - the shape ``evaluate.evaluate_detector`` calls."""
    r = detect(text, settings)
    return r["score"], [(s["start_char"], s["end_char"], s["suggestion"]) for s in r["spans"]]



