"""The sentence classifier bundle: features shared by training and inference, skops load/save.

The bundle is a plain dict persisted with skops: fitted ``TfidfVectorizer`` (lemmas with the
neighbours' ``ctx:`` and the frame's ``near:`` words; optionally words and chars),
one ``LogisticRegression`` per label, the rule names that make up the rule features (in order),
the tuned thresholds and metadata. Inference does the dot product itself (no per-call sklearn
validation), which matters when a few sentences per article are scored.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.alliance.rules import LABELS, Hit


def rule_features(hits: Sequence[Hit], gate_self: bool, rule_names: Sequence[str]) -> list[float]:
    """Binary rule features: one per label (any rule fired), one per rule, the gate."""
    fired = {f"{h.label}|{h.rule}" for h in hits}
    labels = {h.label for h in hits}
    return (
        [1.0 if lab in labels else 0.0 for lab in LABELS]
        + [1.0 if name in fired else 0.0 for name in rule_names]
        + [1.0 if gate_self else 0.0]
    )


def rule_feature_indices(hits: Sequence[Hit], gate_self: bool,
                         rule_index: dict[str, int]) -> list[int]:
    """Positions of the non-zero entries of :func:`rule_features` (same layout)."""
    n_labels = len(LABELS)
    out = sorted({LABELS.index(h.label) for h in hits})
    out += sorted({n_labels + rule_index[f"{h.label}|{h.rule}"] for h in hits
                   if f"{h.label}|{h.rule}" in rule_index})
    if gate_self:
        out.append(n_labels + len(rule_index))
    return out


def frame_near(lemmas: Sequence[str], frame: Collection[str], window: int) -> list[str]:
    """Content lemmas within ``window`` tokens of a frame word (therapist, client, alliance
    ...), in sentence order: what the sentence says next to the client-therapist pair
    ("judged", "trust", "homework"), the same whatever the page's own wording around it."""
    if window <= 0:
        return []
    # Distance to the nearest frame word, one pass each way (linear on any sentence length).
    n = len(lemmas)
    gap = [n + window + 1] * n
    last = -(n + window + 1)
    for i, w in enumerate(lemmas):
        if w in frame:
            last = i
        gap[i] = i - last
    last = 2 * n + window + 1
    for i in range(n - 1, -1, -1):
        if lemmas[i] in frame:
            last = i
        gap[i] = min(gap[i], last - i)
    return [w for i, w in enumerate(lemmas)
            if gap[i] <= window and len(w) > 3 and w.isalpha() and w not in frame]


# Context tokens that name a label whose rules fired on the neighbour (``cue_tasks``).
CUE_PREFIX = "cue_"


def head_words(lemmas: Sequence[str], n: int) -> list[str]:
    """The first ``n`` word lemmas of the sentence: what it opens with says what it is about
    ("cbt teach" describes a method, "your therapist may" tells the client what happens,
    "our therapist be" markets a practice), whatever follows."""
    if n <= 0:
        return []
    return [w for w in lemmas if w.isalpha()][:n]


def lemma_text(lemmas: Sequence[str], context: Sequence[str] = (),
               near: Sequence[str] = (), head: Sequence[str] = ()) -> str:
    """The sentence as space-joined lookup lemmas (input of the lemma TF-IDF), then the
    content words of its neighbours marked ``ctx:`` (what "bring it up" refers to; with the
    labels whose rules fired there, ``ctx:cue_tasks``), then the
    words next to a frame word marked ``near:`` (see :func:`frame_near`), then the words the
    sentence opens with marked ``head:`` (see :func:`head_words`)."""
    parts = [" ".join(lemmas)]
    parts += [f"ctx:{w}" for w in context
              if (len(w) > 3 and w.isalpha()) or w.startswith(CUE_PREFIX)]
    parts += [f"near:{w}" for w in near]
    parts += [f"head:{w}" for w in head]
    return " ".join(p for p in parts if p)


def feature_matrix(bundle: dict[str, Any], texts: Sequence[str],
                   rule_rows: Sequence[Sequence[float]], lemma_texts: Sequence[str] | None = None):
    """Sparse design matrix: word TF-IDF | [char TF-IDF] | [lemma TF-IDF] | rule features."""
    from scipy import sparse

    blocks = []
    if bundle.get("word") is not None:
        blocks.append(bundle["word"].transform(texts))
    if bundle.get("char") is not None:
        blocks.append(bundle["char"].transform(texts))
    if bundle.get("lemma") is not None:
        blocks.append(bundle["lemma"].transform(lemma_texts if lemma_texts is not None else texts))
    blocks.append(
        sparse.csr_matrix(np.asarray(rule_rows, dtype=np.float64) * bundle["rule_weight"])
    )
    return sparse.hstack(blocks, format="csr")


def predict_proba(bundle: dict[str, Any], texts: Sequence[str], rule_rows,
                  lemma_texts: Sequence[str] | None = None) -> np.ndarray:
    """(n, 4) probabilities in LABELS order."""
    if not texts:
        return np.zeros((0, len(LABELS)))
    x = feature_matrix(bundle, texts, rule_rows, lemma_texts)
    coef = bundle["coef"]  # (4, n_features)
    z = x @ coef.T + bundle["intercept"]
    return 1.0 / (1.0 + np.exp(-np.asarray(z)))


# The second stage: each label's probability read again beside the sentence's neighbours and its
# page (a sentence about "the relationship" among sentences about the therapist reads differently
# from one on a page about couples; a strain in a narrative sits among other strain sentences).
STAGE2_INPUTS = ("own logit", "larger neighbour", "page mean", "largest other label")
_EPS = 1e-4


def page_context(proba: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(previous, next, page mean) of the first-stage probabilities of one page's consecutive
    sentences ((n, 4); a sentence that is not scored counts 0)."""
    proba = np.asarray(proba, dtype=np.float64).reshape(-1, len(LABELS))
    zero = np.zeros((1, len(LABELS)))
    if not len(proba):
        return proba, proba, proba
    prev = np.vstack([zero, proba[:-1]])
    nxt = np.vstack([proba[1:], zero])
    page = np.tile(proba.mean(axis=0), (len(proba), 1))
    return prev, nxt, page


def stage2_inputs(proba: np.ndarray, prev: np.ndarray, nxt: np.ndarray, page: np.ndarray,
                  j: int) -> np.ndarray:
    """(n, 4) inputs of label ``j``'s second stage, in :data:`STAGE2_INPUTS` order."""
    own = np.clip(proba[:, j], _EPS, 1 - _EPS)
    other = np.delete(proba, j, axis=1).max(axis=1) if proba.shape[1] > 1 else np.zeros(len(proba))
    return np.column_stack([np.log(own / (1 - own)), np.maximum(prev[:, j], nxt[:, j]),
                            page[:, j], other])


def stage2_proba(stage2: dict[str, Any], proba: np.ndarray, prev: np.ndarray, nxt: np.ndarray,
                 page: np.ndarray) -> np.ndarray:
    """(n, 4) second-stage probabilities (``stage2``: per label ``coef`` and ``intercept``)."""
    out = np.zeros_like(np.asarray(proba, dtype=np.float64))
    for j in range(len(LABELS)):
        z = stage2_inputs(proba, prev, nxt, page, j) @ np.asarray(stage2["coef"][j]) \
            + float(stage2["intercept"][j])
        out[:, j] = 1.0 / (1.0 + np.exp(-z))
    return out


def save(bundle: dict[str, Any], path: Path) -> None:
    """Write ``bundle`` to ``path`` atomically, deflated (the vectorisers' vocabularies are JSON
    in the skops schema: stored plain, the file was 17 MB)."""
    import zipfile

    import skops.io as sio

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    sio.dump(bundle, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(path)


TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


def load(path: Path) -> dict[str, Any]:
    """The bundle of ``path``: from its compact form when that is current (numpy only, see
    :mod:`pipeline.compact`), else from the ``.skops`` file itself."""
    from pipeline.compact import load_alliance

    bundle = load_alliance(path)
    return bundle if bundle is not None else load_skops(path)


def load_skops(path: Path) -> dict[str, Any]:
    """Load a bundle, trusting only scikit-learn, numpy and scipy types."""
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    bad = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if bad:
        raise ValueError(f"refusing to load {path}: untrusted types {bad}")
    return sio.load(path, trusted=untrusted)


class FastScorer:
    """The bundle's probabilities without sklearn's per-call overhead.

    Re-implements ``TfidfVectorizer.transform`` for the settings ``train.py`` uses (default
    word tokens lower-cased, whitespace-split lemmas; sublinear tf, idf, l2 norm) with plain
    dict lookups, then one small dense dot product per sentence. Equality with
    :func:`predict_proba` is a test. Bundles with char n-grams use the sklearn path.
    """

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.blocks: list[tuple[str, dict[str, int], np.ndarray, int, Any]] = []
        offset = 0
        for key in ("word", "char", "lemma"):
            vec = bundle.get(key)
            if vec is None:
                continue
            n = len(vec.vocabulary_)
            if key != "char":
                self.blocks.append((key, vec.vocabulary_, vec.idf_, offset, vec))
            offset += n
        self.supported = bundle.get("char") is None and all(
            b[4].sublinear_tf and b[4].norm == "l2" and b[4].use_idf and b[4].analyzer == "word"
            and b[4].max_features is None and b[4].max_df == 1.0 and b[4].stop_words is None
            and b[4].ngram_range[0] == 1
            for b in self.blocks
        )
        self.coef = np.ascontiguousarray(bundle["coef"])
        self.rule_offset = offset
        self.intercept = np.asarray(bundle["intercept"], dtype=np.float64)
        self.rule_weight = float(bundle["rule_weight"])
        self.rule_index = {name: k for k, name in enumerate(bundle["rule_names"])}
        self._token = {key: vec.build_tokenizer() for key, _, _, _, vec in self.blocks}
        self._ngrams = {key: vec.ngram_range for key, _, _, _, vec in self.blocks}
        self._lower = {key: vec.lowercase for key, _, _, _, vec in self.blocks}
        self._idf = {key: idf.tolist() for key, _, idf, _, _ in self.blocks}

    def _block(self, key: str, text: str, vocab: dict[str, int], idf: np.ndarray,
               offset: int, cols: list[int], vals: list[float]) -> None:
        tokens = self._token[key](text.lower() if self._lower[key] else text)
        lo, hi = self._ngrams[key]
        known = list(map(vocab.get, tokens))
        counts: dict[int, int] = {}
        get = counts.get
        # Same counting order as before (unigrams, then bigrams, ...): the norm sums in it.
        for n in range(lo, hi + 1):
            if n == 1:
                for j in known:
                    if j is not None:
                        counts[j] = get(j, 0) + 1
            elif n == 2:
                for a, b, ka, kb in zip(tokens, tokens[1:], known, known[1:], strict=False):
                    if ka is None or kb is None:
                        # An n-gram kept by min_df has every word kept too (one shared vocabulary).
                        continue
                    j = vocab.get(a + " " + b)
                    if j is not None:
                        counts[j] = get(j, 0) + 1
            else:
                for i in range(len(tokens) - n + 1):
                    if None in known[i:i + n]:
                        continue
                    j = vocab.get(" ".join(tokens[i:i + n]))
                    if j is not None:
                        counts[j] = get(j, 0) + 1
        if not counts:
            return
        idf_list = self._idf[key]
        log = math.log
        ws = [(1.0 + log(c)) * idf_list[j] for j, c in counts.items()]
        norm = math.sqrt(sum([w * w for w in ws])) or 1.0
        cols.extend([offset + j for j in counts])
        vals.extend([w / norm for w in ws])

    def proba(self, texts: Sequence[str], lemma_texts: Sequence[str],
              rule_rows: Sequence[Sequence[int]]) -> np.ndarray:
        """Probabilities (n, 4); ``rule_rows`` are :func:`rule_feature_indices` lists."""
        cols: list[int] = []
        vals: list[float] = []
        indptr = [0]
        for text, lemma, rules in zip(texts, lemma_texts, rule_rows, strict=True):
            for key, vocab, idf, offset, _ in self.blocks:
                self._block(key, lemma if key == "lemma" else text, vocab, idf, offset, cols, vals)
            for k in rules:
                cols.append(self.rule_offset + k)
                vals.append(self.rule_weight)
            indptr.append(len(cols))
        # x @ coef.T of the sparse rows, as scipy's csr_matvecs computes it (no scipy import):
        # each row's products added one stored entry at a time, in order, from zero.
        coef_t = np.ascontiguousarray(self.coef.T)
        z = np.zeros((len(texts), coef_t.shape[1]), dtype=np.float64)
        for i in range(len(texts)):
            row = z[i]
            for jj in range(indptr[i], indptr[i + 1]):
                row += vals[jj] * coef_t[cols[jj]]
        z = z + self.intercept
        return 1.0 / (1.0 + np.exp(-z))
