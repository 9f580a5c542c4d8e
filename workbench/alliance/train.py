"""Trains and evaluates the alliance sentence classifier (rules + TF-IDF + logistic regression).

Data: ``models/data/alliance_sentences.csv`` through :func:`workbench.alliance.dataset.load_labelled`
(seed articles and counsel-chat answers from ``../shared``). Each labelled sentence is analysed in
its document, exactly as the component does (rule hits, therapy gate with neighbours, candidate
filter), so the classifier sees the component's inputs.

Reported: grouped cross-validation by document (thresholds tuned per label inside each training
fold, so the scores are out-of-sample), and leave-seeds-out (trained without the seed articles,
scored on them), per label precision/recall/F1, micro-F1, and article-level "discusses X".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from pipeline.alliance import model as model_io
from pipeline.alliance.extract import AllianceExtractor
from pipeline.alliance.rules import LABELS
from pipeline.config import default_values
from workbench.alliance.dataset import load_labelled, read_counsel_chat, read_seed, split_sentences
from workbench.cards import render

MODEL_NAME = "alliance_classifier"
THRESHOLD_GRID = np.round(np.arange(0.15, 0.86, 0.05), 2)


@dataclass
class Prepared:
    """Labelled sentences with the component's view of each (restored text, rule rows...)."""

    frame: pd.DataFrame  # labels, origin, doc, group
    texts: list[str]
    lemma_texts: list[str]
    context_texts: list[str]  # lemma text + neighbour context words
    near_texts: list[str]  # context text + words beside a frame word (FEATURES frame_window)
    hits: list[list[Any]]
    role: np.ndarray
    candidate: np.ndarray
    rule_labels: np.ndarray  # (n, 4) the rule layer's own decision
    open_labels: np.ndarray | None = None  # (n, 4) the labels the gate leaves open (all when None)
    scored_lemmas: list[list[str]] | None = None  # the lemmas the model reads (``head:`` words)


def _settings(**over: Any) -> dict[str, Any]:
    return {**default_values()["alliance"], "model": "", **over}


def _blank_nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def prepare(shared: Path, project_root: Path) -> Prepared:
    """Load the labelled set and run the rule layer on every sentence in its document."""
    df = load_labelled(Path(shared), Path(project_root)).reset_index(drop=True)
    nlp = _blank_nlp()
    ex = AllianceExtractor(_settings(combine="rules"), nlp.vocab, tokenizer=nlp.tokenizer)
    chat = None
    recs_by_row: dict[int, dict[str, Any]] = {}
    for (origin, doc_id), g in df.groupby(["origin", "doc"], sort=False):
        if origin == "seed":
            text = read_seed(Path(shared), doc_id)
        elif origin == "counsel_chat":
            if chat is None:
                chat = read_counsel_chat(Path(shared))
            text = str(chat.iloc[int(doc_id.split("-", 1)[0])]["answerText"])
        else:  # a demo-corpus sentence: its file gives the context when it is still there
            text = _corpus_text(Path(project_root), doc_id, g)
        if text is None:
            for i in g.index:
                d = nlp(df.at[i, "text"])
                recs_by_row[i] = ex.sentence_records(d, None, [(0, len(d.text))])[0]
            continue
        spans = split_sentences(text)
        recs = ex.sentence_records(nlp(text), None, spans)
        by_span = dict(zip(spans, recs, strict=True))
        for i in g.index:
            key = (int(df.at[i, "start"]), int(df.at[i, "end"]))
            rec = by_span.get(key)
            if rec is None:  # labelled with an older splitter: analyse the sentence alone
                d = nlp(df.at[i, "text"])
                rec = ex.sentence_records(d, None, [(0, len(d.text))])[0]
            recs_by_row[i] = rec
    recs = [recs_by_row[i] for i in df.index]
    df, recs = add_extra_documents(df, recs, ex, nlp, Path(project_root))
    rule_labels = np.array([[ex.decide(r)[0][lab] for lab in LABELS] for r in recs])
    return Prepared(
        frame=df,
        texts=[r["restored"] for r in recs],
        lemma_texts=[model_io.lemma_text(r["scored_lemmas"]) for r in recs],
        context_texts=[model_io.lemma_text(r["scored_lemmas"], r["context"]) for r in recs],
        near_texts=[model_io.lemma_text(r["scored_lemmas"], r["context"], model_io.frame_near(
            r["scored_lemmas"], ex.rules.frame, int(FEATURES["frame_window"]))) for r in recs],
        hits=[r["hits"] for r in recs],
        role=np.array([bool(r["role"]) for r in recs]),
        candidate=np.array([bool(r["candidate"]) for r in recs]),
        rule_labels=rule_labels,
        open_labels=np.array([[lab in r.get("open", LABELS if r["gate"] else ()) for lab in LABELS]
                              for r in recs]),
        scored_lemmas=[list(r["scored_lemmas"]) for r in recs],
    )


def add_extra_documents(df: pd.DataFrame, recs: list[dict[str, Any]], ex: AllianceExtractor,
                        nlp: Any, project_root: Path) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Append the real-web dev sentences and our own passages, each analysed in its document
    (``workbench/realweb/alliance_data.py``; nothing is added when that data is absent)."""
    try:
        from workbench.realweb.alliance_data import extra_documents
    except ImportError:
        return df, recs
    rows, extra_recs = [], []
    for d in extra_documents(project_root):
        spans = [(a, b) for a, b, _, _ in d["rows"]]
        extra_recs += page_records(ex, nlp, d["text"], spans)
        for a, b, labels, note in d["rows"]:
            rows.append({"text": d["text"][a:b], "origin": d["origin"], "doc": d["doc"],
                         "group": f"{d['origin']}:{d['doc']}", "start": a, "end": b, **labels,
                         "note": note})
    if not rows:
        return df, recs
    return pd.concat([df, pd.DataFrame(rows)], ignore_index=True), recs + extra_recs


def page_records(ex: AllianceExtractor, nlp: Any, text: str,
                 spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Records of the labelled ``spans`` analysed among all the page's sentences (the splitter's
    spans that overlap no labelled one fill the gaps), so that the neighbours (the gate and the
    ``ctx:`` words) are those the component sees on the page, not the other labelled rows."""
    own = sorted(spans)
    fill = [(a, b) for a, b in split_sentences(text)
            if not any(a < e and s < b for s, e in own)]
    every = sorted(set(own) | set(fill))
    recs = ex.sentence_records(nlp(text), None, every)
    by_span = dict(zip(every, recs, strict=True))
    return [by_span[sp] for sp in spans]


def _corpus_text(project_root: Path, doc_id: str, rows: pd.DataFrame) -> str | None:
    """The corpus file a labelled corpus sentence came from, if every offset still matches."""
    path = project_root / "corpus" / doc_id
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    ok = all(text[int(r.start):int(r.end)] == r.text for r in rows.itertuples())
    return text if ok else None


FEATURES = {"word": False, "char": False, "lemma": True, "lemma_ngrams": 2, "context": True,
            "frame_window": 3, "head_words": 0, "min_df": 2, "c": 4.0, "rule_weight": 1.0, "origin_weight": {"realweb": 3.0, "own": 3.0},
            "hard_negative_weight": 1.0, "stage2": True, "stage2_gap": 4, "stage2_c": 1.0}

# The ``kind`` of a labelled negative (``note`` of the real-web and own rows) that marks it as a
# hard negative: alliance words in another frame (see workbench/realweb/README.md).
HARD_NEGATIVE_KINDS = frozenset({"family_conflict", "generic_comfort", "selfhelp_task", "admin",
                                 "other_relationship", "treatment_claim"})


def fit_bundle(data: Prepared, idx: np.ndarray, rule_names: list[str], seed: int,
               **options: Any) -> dict[str, Any]:
    """Fit vectorizers and one logistic regression per label on the candidate rows in ``idx``.

    ``options`` override :data:`FEATURES` (char n-grams cost ~10x the rest at run time and did
    not beat lemma n-grams in CV).
    """
    opt = {**FEATURES, **options}
    idx = np.asarray([i for i in idx if data.candidate[i]])
    texts = [data.texts[i] for i in idx]
    lemmas = _lemma_input(data, bool(opt["context"]), int(opt["frame_window"]),
                          int(opt["head_words"]))
    lemma_texts = [lemmas[i] for i in idx]
    word = char = lemma = None
    if opt["word"]:
        word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
        word.fit(texts)
    if opt["char"]:
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                               sublinear_tf=True, max_features=20000)
        char.fit(texts)
    if opt["lemma"]:
        lemma = TfidfVectorizer(ngram_range=(1, int(opt["lemma_ngrams"])), min_df=int(opt["min_df"]),
                                sublinear_tf=True,
                                lowercase=False, token_pattern=r"\S+")
        lemma.fit(lemma_texts)
    bundle: dict[str, Any] = {
        "word": word, "char": char, "lemma": lemma, "context": bool(opt["context"]),
        "frame_window": int(opt["frame_window"]), "head_words": int(opt["head_words"]),
        "stage2_gap": int(opt["stage2_gap"]), "stage2": None,
        "rule_weight": float(opt["rule_weight"]),
        "rule_names": list(rule_names), "labels": list(LABELS),
    }
    c = float(opt["c"])
    rows = [model_io.rule_features(data.hits[i], data.role[i], rule_names) for i in idx]
    x = model_io.feature_matrix(bundle, texts, rows, lemma_texts)
    y = data.frame[list(LABELS)].to_numpy()[idx]
    # Rows of some origins (the real-web pages) may count more than the Q&A prose.
    weight = data.frame["origin"].map(opt["origin_weight"]).fillna(1.0).to_numpy()[idx]
    if float(opt["hard_negative_weight"]) != 1.0 and "note" in data.frame:
        hard = data.frame["note"].astype(str).isin(HARD_NEGATIVE_KINDS).to_numpy()[idx]
        weight = np.where(hard, weight * float(opt["hard_negative_weight"]), weight)
    coefs, intercepts = [], []
    for j in range(len(LABELS)):
        if y[:, j].min() == y[:, j].max():  # one class only: constant prediction
            coefs.append(np.zeros(x.shape[1]))
            intercepts.append(8.0 if y[0, j] else -8.0)
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000,
                                 random_state=seed)
        clf.fit(x, y[:, j], sample_weight=weight)
        coefs.append(clf.coef_[0])
        intercepts.append(float(clf.intercept_[0]))
    bundle["coef"] = np.vstack(coefs)
    bundle["intercept"] = np.array(intercepts)
    return bundle


def _lemma_input(data: Prepared, context: bool, frame_window: int, head: int = 0) -> list[str]:
    """The lemma TF-IDF's input rows: lemmas, + neighbour ``ctx:`` words, + ``near:`` words,
    + the ``head:`` words the sentence opens with."""
    if frame_window:
        if not context:
            raise ValueError("frame_window features are built on the context rows")
        rows = data.near_texts
    else:
        rows = data.context_texts if context else data.lemma_texts
    if head <= 0:
        return rows
    if data.scored_lemmas is None:
        raise ValueError("head_words needs the prepared rows' scored lemmas")
    return [" ".join(p for p in (t, model_io.lemma_text((), head=model_io.head_words(lem, head)))
                     if p)
            for t, lem in zip(rows, data.scored_lemmas, strict=True)]


def predict(bundle: dict[str, Any], data: Prepared, idx: np.ndarray) -> np.ndarray:
    """(len(idx), 4) probabilities; non-candidate sentences get 0."""
    out = np.zeros((len(idx), len(LABELS)))
    lemmas = _lemma_input(data, bool(bundle.get("context")), int(bundle.get("frame_window", 0)),
                          int(bundle.get("head_words", 0)))
    cand = [k for k, i in enumerate(idx) if data.candidate[i]]
    if cand:
        rows = [model_io.rule_features(data.hits[idx[k]], data.role[idx[k]], bundle["rule_names"])
                for k in cand]
        out[cand] = model_io.predict_proba(bundle, [data.texts[idx[k]] for k in cand], rows,
                                           [lemmas[idx[k]] for k in cand])
    if data.open_labels is not None:  # a tasks-only sentence (child, couple) gets no other label
        out *= data.open_labels[idx]
    return out


def neighbour_rows(data: Prepared, idx: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``idx``, the position in ``idx`` of the previous and the next sentence of the
    same document that touch it (at most ``gap`` characters between them), or -1."""
    frame = data.frame.iloc[idx]
    prev = np.full(len(idx), -1)
    nxt = np.full(len(idx), -1)
    pos = pd.DataFrame({"g": frame["group"].to_numpy(), "a": frame["start"].astype(int).to_numpy(),
                        "b": frame["end"].astype(int).to_numpy(), "k": np.arange(len(idx))})
    for _, g in pos.sort_values(["g", "a"]).groupby("g", sort=False):
        k, a, b = g["k"].to_numpy(), g["a"].to_numpy(), g["b"].to_numpy()
        touch = (a[1:] - b[:-1] >= 0) & (a[1:] - b[:-1] <= gap)
        nxt[k[:-1][touch]] = k[1:][touch]
        prev[k[1:][touch]] = k[:-1][touch]
    return prev, nxt


def stage2_context(data: Prepared, idx: np.ndarray, proba: np.ndarray,
                   gap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(previous, next, document mean) first-stage probabilities of the rows ``idx`` (the
    runtime's :func:`pipeline.alliance.model.page_context` on the labelled rows: neighbours and
    documents among ``idx``)."""
    prev_k, next_k = neighbour_rows(data, idx, gap)
    padded = np.vstack([proba, np.zeros((1, len(LABELS)))])  # -1 reads the zero row
    groups = data.frame["group"].to_numpy()[idx]
    page = pd.DataFrame(proba, columns=list(LABELS)).groupby(groups)[list(LABELS)] \
        .transform("mean").to_numpy()
    return padded[prev_k], padded[next_k], page


def fit_stage2(data: Prepared, idx: np.ndarray, proba: np.ndarray, seed: int,
               **options: Any) -> dict[str, Any]:
    """Per label, a logistic regression on :data:`pipeline.alliance.model.STAGE2_INPUTS` of
    the scored rows of ``idx`` (``proba``: their out-of-fold first-stage probabilities)."""
    opt = {**FEATURES, **options}
    ctx = stage2_context(data, idx, proba, int(opt["stage2_gap"]))
    y = data.frame[list(LABELS)].to_numpy()[idx]
    scored = data.candidate[idx]
    coef, intercept = [], []
    for j in range(len(LABELS)):
        x = model_io.stage2_inputs(proba, *ctx, j)[scored]
        if y[scored, j].min() == y[scored, j].max():
            coef.append([0.0] * x.shape[1])
            intercept.append(8.0 if y[scored, j].max() else -8.0)
            continue
        clf = LogisticRegression(C=float(opt["stage2_c"]), class_weight="balanced",
                                 max_iter=1000, random_state=seed)
        clf.fit(x, y[scored, j])
        coef.append([float(v) for v in clf.coef_[0]])
        intercept.append(float(clf.intercept_[0]))
    return {"inputs": list(model_io.STAGE2_INPUTS), "coef": coef, "intercept": intercept}


def apply_stage2(stage2: dict[str, Any], data: Prepared, idx: np.ndarray, proba: np.ndarray,
                 gap: int) -> np.ndarray:
    """Second-stage probabilities of the rows ``idx`` (unscored rows and closed labels 0)."""
    out = model_io.stage2_proba(stage2, proba, *stage2_context(data, idx, proba, gap))
    out *= data.candidate[idx][:, None]
    if data.open_labels is not None:
        out *= data.open_labels[idx]
    return out


def stage2_thresholds(data: Prepared, idx: np.ndarray, oof: np.ndarray, mode: str, seed: int,
                      beta: float = 1.0, **options: Any) -> tuple[dict[str, Any] | None, np.ndarray]:
    """The second stage fitted on ``idx``'s out-of-fold first-stage probabilities, and the
    thresholds tuned on its own grouped out-of-fold probabilities (None and the first-stage
    thresholds when ``stage2`` is off)."""
    opt = {**FEATURES, **options}
    y = data.frame[list(LABELS)].to_numpy()[idx]
    if not opt["stage2"]:
        return None, tune_thresholds(y, oof, data.rule_labels[idx], mode, beta)
    gap = int(opt["stage2_gap"])
    groups = data.frame["group"].to_numpy()[idx]
    second = np.zeros_like(oof)
    for tr, te in GroupKFold(n_splits=min(5, len(set(groups)))).split(idx, groups=groups):
        s2 = fit_stage2(data, idx[tr], oof[tr], seed, **options)
        second[te] = apply_stage2(s2, data, idx[te], oof[te], gap)
    stage2 = fit_stage2(data, idx, oof, seed, **options)
    return stage2, tune_thresholds(y, second, data.rule_labels[idx], mode, beta)


def predict_final(bundle: dict[str, Any], data: Prepared, idx: np.ndarray) -> np.ndarray:
    """:func:`predict`, then the bundle's second stage when it has one (neighbours and
    documents among ``idx``: pass whole documents)."""
    proba = predict(bundle, data, idx)
    if not bundle.get("stage2"):
        return proba
    return apply_stage2(bundle["stage2"], data, idx, proba, int(bundle["stage2_gap"]))


def combine(proba: np.ndarray, rules: np.ndarray, thresholds: np.ndarray, mode: str) -> np.ndarray:
    model = proba >= thresholds
    if mode == "rules":
        return rules.astype(int)
    if mode == "model":
        return model.astype(int)
    return (model | (rules == 1)).astype(int)  # union


def scores(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """Per-label precision/recall/F1/support and micro-F1."""
    out: dict[str, Any] = {}
    tp_all = fp_all = fn_all = 0
    for j, lab in enumerate(LABELS):
        tp = int(((y[:, j] == 1) & (p[:, j] == 1)).sum())
        fp = int(((y[:, j] == 0) & (p[:, j] == 1)).sum())
        fn = int(((y[:, j] == 1) & (p[:, j] == 0)).sum())
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        out[lab] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
            "f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else 1.0,
            "support": tp + fn,
        }
    denom = 2 * tp_all + fp_all + fn_all
    out["micro_f1"] = round(2 * tp_all / denom, 3) if denom else 1.0
    return out


def tune_thresholds(y: np.ndarray, proba: np.ndarray, rules: np.ndarray, mode: str,
                    beta: float = 1.0) -> np.ndarray:
    """Per label, the grid threshold maximising F-beta of the combined decision (F1 by
    default; ``beta`` below 1 weighs precision more, as ``alliance_cv --beta`` measures)."""
    b2 = beta * beta
    best = np.full(len(LABELS), 0.5)
    for j in range(len(LABELS)):
        top = -1.0
        for t in THRESHOLD_GRID:
            pred = combine(proba[:, [j]], rules[:, [j]], np.array([t]), mode)[:, 0]
            tp = ((y[:, j] == 1) & (pred == 1)).sum()
            fp = ((y[:, j] == 0) & (pred == 1)).sum()
            fn = ((y[:, j] == 1) & (pred == 0)).sum()
            f = (1 + b2) * tp / max(1, (1 + b2) * tp + b2 * fn + fp)
            if f > top + 1e-9:
                top, best[j] = f, t
    return best


def _oof(data: Prepared, idx: np.ndarray, rule_names: list[str], seed: int, k: int) -> np.ndarray:
    """Out-of-fold probabilities for ``idx`` with GroupKFold by document."""
    groups = data.frame["group"].to_numpy()[idx]
    k = min(k, len(set(groups)))
    proba = np.zeros((len(idx), len(LABELS)))
    for tr, te in GroupKFold(n_splits=k).split(idx, groups=groups):
        b = fit_bundle(data, idx[tr], rule_names, seed)
        proba[te] = predict(b, data, idx[te])
    return proba


def cross_validate(data: Prepared, rule_names: list[str], seed: int, k: int = 5,
                   modes: tuple[str, ...] = ("union", "model", "rules")) -> dict[str, Any]:
    """Grouped k-fold CV; thresholds tuned by an inner grouped CV on each training part.

    One result block per combination mode (same folds and models).
    """
    n = len(data.frame)
    idx = np.arange(n)
    y = data.frame[list(LABELS)].to_numpy()
    groups = data.frame["group"].to_numpy()
    pred = {mode: np.zeros_like(y) for mode in modes}
    for tr, te in GroupKFold(n_splits=min(k, len(set(groups)))).split(idx, groups=groups):
        inner = _oof(data, idx[tr], rule_names, seed, 3)
        b = fit_bundle(data, idx[tr], rule_names, seed)
        for mode in modes:
            b["stage2"], thr = stage2_thresholds(data, idx[tr], inner, mode, seed)
            proba = predict_final(b, data, idx[te])
            pred[mode][te] = combine(proba, data.rule_labels[te], thr, mode)
    seeds = (data.frame["origin"] == "seed").to_numpy()
    web = (data.frame["origin"] == "realweb").to_numpy()
    return {
        mode: {
            "all": scores(y, p),
            "seed": scores(y[seeds], p[seeds]),
            "other": scores(y[~seeds], p[~seeds]),
            **({"realweb_dev": scores(y[web], p[web])} if web.any() else {}),
            "seed_discusses": discusses_accuracy(data.frame[seeds], p[seeds]),
        }
        for mode, p in pred.items()
    }


def discusses_accuracy(frame: pd.DataFrame, pred: np.ndarray) -> dict[str, Any]:
    """Article level: a document discusses X when any of its sentences is labelled X."""
    gold = frame.groupby("doc")[list(LABELS)].max()
    p = pd.DataFrame(pred, columns=list(LABELS), index=frame.index).groupby(frame["doc"]).max()
    agree = (gold == p.loc[gold.index]).to_numpy()
    return {"accuracy": round(float(agree.mean()), 3), "documents": len(gold),
            "per_label": {lab: round(float(agree[:, j].mean()), 3) for j, lab in enumerate(LABELS)}}


def leave_seeds_out(data: Prepared, rule_names: list[str], seed: int,
                    modes: tuple[str, ...] = ("union", "model")) -> dict[str, Any]:
    """Train on everything but the seed articles; score on the seeds."""
    seeds = (data.frame["origin"] == "seed").to_numpy()
    tr, te = np.flatnonzero(~seeds), np.flatnonzero(seeds)
    y = data.frame[list(LABELS)].to_numpy()
    inner = _oof(data, tr, rule_names, seed, 5)
    b = fit_bundle(data, tr, rule_names, seed)
    out = {}
    for mode in modes:
        b["stage2"], thr = stage2_thresholds(data, tr, inner, mode, seed)
        pred = combine(predict_final(b, data, te), data.rule_labels[te], thr, mode)
        out[mode] = {
            "sentences": scores(y[te], pred),
            "discusses": discusses_accuracy(data.frame.iloc[te], pred),
            "thresholds": dict(zip(LABELS, map(float, thr), strict=True)),
        }
    return out


def rules_only(data: Prepared) -> dict[str, Any]:
    y = data.frame[list(LABELS)].to_numpy()
    seeds = (data.frame["origin"] == "seed").to_numpy()
    return {
        "seed": scores(y[seeds], data.rule_labels[seeds]),
        "seed_discusses": discusses_accuracy(data.frame[seeds], data.rule_labels[seeds]),
        "other": scores(y[~seeds], data.rule_labels[~seeds]),
    }


def recall_ceiling(data: Prepared) -> dict[str, float]:
    """Per label, the share of its positives that are scored with that label open (a tasks-only
    sentence counts for tasks alone)."""
    y = data.frame[list(LABELS)].to_numpy()
    open_ = data.open_labels if data.open_labels is not None else np.ones_like(y, dtype=bool)
    return {lab: round(float((data.candidate & open_[:, j])[y[:, j] == 1].mean()), 3)
            if y[:, j].any() else 1.0 for j, lab in enumerate(LABELS)}


def train(shared: Path, project_root: Path, models_dir: Path, seed: int = 0,
          mode: str = "union") -> dict[str, Any]:
    """Cross-validate, fit on all labelled sentences, save ``<models_dir>/alliance_classifier.*``.

    ``mode`` is the decision stored with the model ("union": a rule or the model; "model";
    "rules"; "auto": the best CV micro-F1). Union is the default: every rule decision stays
    explainable and it ties with "model" in CV. Returns the metrics written to the card.
    """
    import sklearn
    import spacy

    np.random.seed(seed)
    shared, project_root, models_dir = Path(shared), Path(project_root), Path(models_dir)
    data = prepare(shared, project_root)
    rule_names = AllianceExtractor(_settings(), None).rules.rule_names
    y = data.frame[list(LABELS)].to_numpy()
    idx = np.arange(len(data.frame))
    metrics: dict[str, Any] = {
        "n_sentences": int(len(data.frame)),
        "n_by_origin": {k: int(v) for k, v in data.frame["origin"].value_counts().items()},
        "positives": {lab: int(y[:, j].sum()) for j, lab in enumerate(LABELS)},
        "candidate_recall_ceiling": recall_ceiling(data),
        "rules_only": rules_only(data),
        "cv": cross_validate(data, rule_names, seed, 5),
        "leave_seeds_out": leave_seeds_out(data, rule_names, seed),
    }
    if mode == "auto":
        mode = max(metrics["cv"], key=lambda k: metrics["cv"][k]["all"]["micro_f1"])
    metrics["combine"] = mode
    oof = _oof(data, idx, rule_names, seed, 5)
    bundle = fit_bundle(data, idx, rule_names, seed)
    bundle["stage2"], thr = stage2_thresholds(data, idx, oof, mode, seed)
    bundle["thresholds"] = dict(zip(LABELS, map(float, thr), strict=True))
    bundle["combine"] = mode
    bundle["meta"] = {
        "trained_on": "models/data/alliance_sentences.csv (seed articles and counsel-chat "
                      "train answers from ../shared, Bertagnolli 2020)",
        "seed": seed, "sklearn": sklearn.__version__, "spacy": spacy.__version__,
        "n_sentences": int(len(data.frame)),
    }
    metrics["thresholds"] = bundle["thresholds"]
    metrics["versions"] = {"scikit_learn": sklearn.__version__, "spacy": spacy.__version__,
                           "seed": seed}
    models_dir.mkdir(parents=True, exist_ok=True)
    model_io.save(bundle, models_dir / f"{MODEL_NAME}.skops")
    if (data.frame["origin"] == "seed").any():
        metrics["shipped_on_seeds_in_sample"] = evaluate(
            shared, project_root, models_dir)["shipped_on_seeds"]
    (models_dir / f"{MODEL_NAME}.metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (models_dir / f"{MODEL_NAME}.md").write_text(model_card(metrics), encoding="utf-8")
    return metrics


def _table(block: dict[str, Any]) -> list[str]:
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for lab in LABELS:
        m = block[lab]
        rows.append(f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                    f"{m['support']} |")
    rows.append(f"| **micro** | | | **{block['micro_f1']:.3f}** | |")
    return rows


def _realweb_pipeline(m: dict[str, Any]) -> list[str]:
    """The whole pipeline on the real-web sentences (``realweb_pipeline`` in the metrics: added
    after training with ``workbench/realweb/evaluate.py``), before and after, per split."""
    block = m.get("realweb_pipeline")
    if not block:
        return []
    rows = ["### Whole pipeline on the real-web sentences (`workbench/realweb/evaluate.py`)", "",
            block.get("note", ""), "",
            "| run | split | bond P/R/F1 | goals P/R/F1 | tasks P/R/F1 | rupture_repair P/R/F1 "
            "| micro P/R/F1 |",
            "|---|---|---|---|---|---|---|"]
    for r in block["rows"]:
        rows.append(f"| {r['run']} | {r['split']} | " + " | ".join(
            _prf_cell(r[k]) for k in (*LABELS, "micro")) + " |")
    return [*rows, *block.get("after_notes", []), ""]


def _prf_cell(m: dict[str, float]) -> str:
    """``P / R / F1`` (F1 from P and R when the row has none)."""
    p, r = m["precision"], m["recall"]
    f1 = m.get("f1", 2 * p * r / (p + r) if p + r else 0.0)
    return f"{p:.2f} / {r:.2f} / {f1:.2f}"


def model_card(m: dict[str, Any]) -> str:
    """The Markdown model card written beside the skops file."""
    return render(
        "alliance_classifier.md.j2",
        m=m,
        c=FEATURES["c"],
        frame_window=FEATURES["frame_window"],
        min_df=FEATURES["min_df"],
        origin_weight=FEATURES["origin_weight"],
        pairs=lambda d, sep: ", ".join(f"{k}{sep}{v}" for k, v in d.items()),
        thresholds=", ".join(f"{k} {v:.2f}" for k, v in m["thresholds"].items()),
        table=lambda block: "\n".join(_table(block)),
        realweb_pipeline="\n".join(_realweb_pipeline(m)),
        cv_rows=[
            f"| {mode} | {v['all']['micro_f1']:.3f} | {v['seed']['micro_f1']:.3f} | "
            f"{v['other']['micro_f1']:.3f} | {v['seed']['rupture_repair']['f1']:.3f} | "
            f"{v['seed_discusses']['accuracy']:.3f} |"
            for mode, v in m["cv"].items()
        ],
        seeds_out_rows=[
            f"| {mode} | {v['sentences']['micro_f1']:.3f} | "
            + " | ".join(f"{v['sentences'][lab]['f1']:.3f}" for lab in LABELS)
            + f" | {v['discusses']['accuracy']:.3f} |"
            for mode, v in m["leave_seeds_out"].items()
        ],
    )


def evaluate(shared: Path, project_root: Path, models_dir: Path) -> dict[str, Any]:
    """Scores for `make evaluate`.

    ``cross_validated`` and ``leave_seeds_out`` are the out-of-sample numbers computed at
    training time (read from the metrics file); ``shipped_on_seeds`` scores the shipped model +
    rules on the labelled seed sentences, which is in-sample since the seeds are training data.
    """
    shared, project_root, models_dir = Path(shared), Path(project_root), Path(models_dir)
    out: dict[str, Any] = {}
    metrics_path = models_dir / f"{MODEL_NAME}.metrics.json"
    if metrics_path.is_file():
        m = json.loads(metrics_path.read_text(encoding="utf-8"))
        out["combine"] = m.get("combine")
        out["cross_validated"] = {mode: {k: v["micro_f1"] for k, v in block.items()
                                         if isinstance(v, dict) and "micro_f1" in v}
                                  for mode, block in m.get("cv", {}).items()}
        out["leave_seeds_out"] = {mode: {"micro_f1": v["sentences"]["micro_f1"],
                                         "discusses": v["discusses"]["accuracy"]}
                                  for mode, v in m.get("leave_seeds_out", {}).items()}
    df = load_labelled(shared, project_root)
    df = df[df["origin"] == "seed"].reset_index(drop=True)
    settings = {**default_values()["alliance"],
                "model": str(models_dir / f"{MODEL_NAME}.skops")}
    nlp = _blank_nlp()
    ex = AllianceExtractor(settings, nlp.vocab, tokenizer=nlp.tokenizer)
    from pipeline.alliance.extract import analyse_text

    pred = np.zeros((len(df), len(LABELS)), dtype=int)
    for doc_id, g in df.groupby("doc"):
        text = read_seed(shared, doc_id)
        spans = split_sentences(text)
        res = analyse_text(text, char_spans=spans, extractor=ex)
        by_span = dict(zip(spans, res["sentences"], strict=True))
        for i in g.index:
            sent = by_span.get((int(df.at[i, "start"]), int(df.at[i, "end"])))
            if sent is not None:
                pred[i] = [sent["labels"][lab] for lab in LABELS]
    y = df[list(LABELS)].to_numpy()
    out["shipped_on_seeds"] = {"sentences": scores(y, pred),
                               "discusses": discusses_accuracy(df, pred)}
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m workbench.alliance.train [--shared DIR]``: retrain and write ``models/``."""
    from workbench import MODELS_DIR, PROJECT_ROOT, default_shared, script_parser

    ap = script_parser("workbench.alliance.train", __doc__)
    ap.add_argument("--shared", type=Path, default=default_shared(),
                    help="the shared folder holding data/ (default $SHARED or ../shared)")
    args = ap.parse_args(argv)
    metrics = train(args.shared, PROJECT_ROOT, MODELS_DIR)
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
