"""Train the spin detector's word scorer and document model (reproducible, seeded).

``train(shared, models_dir, seed=0) -> dict`` does, in order:

1. rebuild the reference statistics (``reference.build_reference``) from the train part of the
   counsel-chat questions (``data.split_by_question``, split seed 0); the held-out questions
   are never seen by statistics or models;
2. split the train answers into ``FOLDS`` leave-topic-out folds (``topic_folds``); for each fold, make article-sized clean
   texts (``data.clean_articles``) and spun copies (``simulate.spin_text``, every training
   variant, rates drawn from 5%..40%), and compute their features against the reference *minus
   that fold's own counts* (cross-fitting: a clean text must not look clean because its own
   bigrams are in the statistics);
3. word scorer: gradient-boosted trees over ``words.FEATURES`` (label: the word was swapped);
   out-of-fold probabilities (two halves of the folds) feed the document features;
4. document model: standardised logistic regression over ``detector.doc_features``;
   leave-one-variant-out cross-validation (test = one variant's spun texts + clean texts of
   one topic fold, train = the other variants and folds);
5. evaluation on the held-out questions with the final models, every simulator variant
   (including the evaluation-only one) at 15% and 30%: document and phrase-level scores;
6. save ``spin_detector.skops`` and the model card ``spin_detector.md``.
"""

from __future__ import annotations

import json
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.spin.signals import registry
from workbench.cards import render

FOLDS = 4
SPLIT_SEED = 0              # the question split the reference statistics were built on
RATES = (0.05, 0.40)        # spin rates drawn uniformly from this range for training
SPUN_PER_ARTICLE = 2        # spun copies per clean article (distinct training variants)
ARTICLE_SIZES = ((300, 1200), (150, 450), (50, 150))   # clean text lengths (words)
EVAL_RATES = (0.15, 0.30)
MAX_LOVO_FPR = 0.01         # document threshold: pooled leave-variant-out FPR at most this
# Candidate document features (fit_monotone keeps those with non-negative weights): each
# signal's ``doc_feature`` (pipeline.spin.signals). Left out,
# measured on the evaluation-only spinners: the per-100 counts of mid/high word probabilities
# (collinear with word_top_mean; their fitted contrast was specific to the training spinners),
# odd_pairs/offdomain/dom_pairs (they also fire on clean off-topic text) and the
# function-phrase rates (phrase_llr already carries them).
DOC_FEATURES = registry.doc_features()


def _log(t0: float, msg: str) -> None:
    print(f"[spin train {time.time() - t0:6.0f}s] {msg}", file=sys.stderr, flush=True)


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _doc_metrics(y: np.ndarray, score: np.ndarray, threshold: float) -> dict[str, float]:
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    pred = score >= threshold
    neg = y == 0
    out = {
        "n": int(len(y)),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "fpr": float(pred[neg].mean()) if neg.any() else 0.0,
    }
    if len(set(y.tolist())) == 2:
        out["auc"] = float(roc_auc_score(y, score))
    return out


def _make_docs(articles, variants, rng: random.Random, seed: int) -> list[dict]:
    """Clean texts and spun copies with gold spans."""
    from workbench.spin.simulate import spin_text

    docs = []
    for k, text in enumerate(articles):
        docs.append({"text": text, "label": 0, "variant": "clean", "rate": 0.0, "gold": []})
        for v in rng.sample(list(variants), min(SPUN_PER_ARTICLE, len(variants))):
            rate = rng.uniform(*RATES)
            sp = spin_text(text, rate, v, seed=seed * 100003 + k)
            docs.append({"text": sp.text, "label": 1, "variant": v, "rate": rate,
                         "gold": [(a, b) for a, b, _ in sp.spans]})
    return docs


def topic_folds(topics, folds: int) -> dict[str, int]:
    """Leave-topic-out folds: whole counsel-chat topics, largest first, each to the fold with
    the fewest answers so far. A fold's texts are featurised against in-domain counts without
    their own topics, so the word scorer sees clean text whose topic is new to the reference
    (and cannot learn "rare in the domain" = spun)."""
    sizes = topics.value_counts()
    load = [0] * folds
    out: dict[str, int] = {}
    for t in sorted(sizes.index, key=lambda t: (-int(sizes[t]), str(t))):
        f = min(range(folds), key=lambda k: (load[k], k))
        out[t] = f
        load[f] += int(sizes[t])
    return out


def calibrated_threshold(y: np.ndarray, s: np.ndarray, max_fpr: float) -> float:
    """Smallest threshold (2 decimals) whose pooled held-out-variant FPR on clean is <= max_fpr."""
    neg = np.asarray(s)[np.asarray(y) == 0]
    if not len(neg):
        raise ValueError("no clean documents to calibrate the threshold on")
    for k in range(5, 100):
        t = k / 100  # exact two-decimal values: a score of 0.90 is flagged at 0.90
        if (neg >= t).mean() <= max_fpr:
            return t
    return 0.99


def _featurise(docs: list[dict], ref, cfg: dict[str, Any]) -> None:
    """Add tokens' word features/labels and rule features to each doc (in place)."""
    from pipeline.spin import signals
    from pipeline.spin.tokens import tokenize
    from pipeline.spin.words import word_features

    for d in docs:
        toks = tokenize(d["text"])
        _, rule_feats = signals.analyse(d["text"], cfg, ref, toks)
        idx, X, sugg = word_features(toks, ref, cfg)
        gold = d["gold"]
        y = np.array([_overlaps((toks[i].start, toks[i].end), gold) for i in idx], dtype=np.int8)
        d.update(X=X, y=y, sugg=sugg, rule=rule_feats, n_words=sum(1 for t in toks if t.is_word))


def _word_model(seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=120, learning_rate=0.12, max_depth=5, min_samples_leaf=40,
        l2_regularization=1.0, random_state=seed,
    )


def _doc_model(seed: int):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # balanced: training has two spun copies per clean text; real corpora are mostly clean
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000, class_weight="balanced", random_state=seed))


def fit_monotone(X: np.ndarray, y: np.ndarray, names: list[str], seed: int = 0):
    """The document model with every coefficient >= 0 (columns of ``X`` are ``names``): refit
    without the most negative feature until none is left. Returns ``(model, kept names)``.

    Every candidate feature is evidence *for* spinning, so a negative weight can only be a
    contrast between the training spinners' signatures (e.g. "many mid-probability words but
    few high ones"); measured, such contrasts do not carry over to unseen spinners.
    """
    keep = list(range(len(names)))
    while True:
        model = _doc_model(seed).fit(X[:, keep], y)
        coef = model[-1].coef_[0]
        if coef.min() >= 0 or len(keep) == 1:
            return model, [names[k] for k in keep]
        keep.pop(int(np.argmin(coef)))


def _doc_matrix(docs: list[dict], p_key: str, cfg: dict[str, Any], names: list[str] | None = None):
    from pipeline.spin.detector import doc_features

    feats = [doc_features(d["rule"], d[p_key], d["n_words"], int(cfg["norm_min_words"]),
                          int(cfg["top_min_words"])) for d in docs]
    names = names or sorted(feats[0])
    X = np.array([[f.get(n, 0.0) for n in names] for f in feats], dtype=np.float64)
    return X, names


def train(shared: Path, models_dir: Path, seed: int = 0, rebuild_reference: bool = True,
          quick: bool = False) -> dict:
    """Train and save the spin models; returns the scores written to the model card."""
    import skops.io as sio

    from pipeline.spin import signals
    from pipeline.spin.reference import load_reference
    from pipeline.spin.words import damp_unexplained
    from workbench.spin.data import clean_articles, load_counsel_chat, split_by_question
    from workbench.spin.reference import build_reference, domain_counts, with_domain
    from workbench.spin.simulate import EVAL_VARIANTS, TRAIN_VARIANTS

    t0 = time.time()
    shared, models_dir = Path(shared), Path(models_dir)
    cfg = dict(signals.default_settings())
    if rebuild_reference:
        build_reference(shared, models_dir, seed=SPLIT_SEED)
    ref = load_reference(models_dir)
    df = load_counsel_chat(shared)
    train_df, held_df = split_by_question(df, seed=SPLIT_SEED)
    full = domain_counts(train_df["answerText"])
    rng = random.Random(seed)
    fold_of = topic_folds(train_df["topic"], FOLDS)
    docs: list[dict] = []
    for f in range(FOLDS):
        part = train_df[train_df["topic"].map(fold_of) == f]
        ref_f = with_domain(ref, full.minus(domain_counts(part["answerText"])))
        texts: list[str] = []
        for lo, hi in ARTICLE_SIZES:
            arts = clean_articles(part, min_words=lo, max_words=hi, seed=seed + f)
            texts += arts["text"].tolist()
        if quick:
            texts = texts[:25]
        fdocs = _make_docs(texts, TRAIN_VARIANTS, rng, seed + f)
        _log(t0, f"fold {f}: {len(texts)} clean articles, {len(fdocs)} documents")
        _featurise(fdocs, ref_f, cfg)
        for d in fdocs:
            d["fold"] = f
        docs += fdocs
    t_feat = time.time() - t0

    _log(t0, "features done; fitting the word scorer")
    # word scorer: out-of-fold probabilities, then the final fit on everything
    folds = np.array([d["fold"] for d in docs])
    # Two halves of the folds (cheaper than one fit per fold; still out-of-fold).
    for half in (0, 1):
        tr = [d for d in docs if d["fold"] % 2 != half]
        m = _word_model(seed).fit(np.vstack([d["X"] for d in tr]), np.concatenate([d["y"] for d in tr]))
        for d in docs:
            if d["fold"] % 2 == half:
                # Undamped on purpose: fitting the document model on damped probabilities
                # (measured) made it lean harder on the remaining word evidence and flag more
                # clean off-topic text; the damping is applied at detection time only.
                d["p_oof"] = m.predict_proba(d["X"])[:, 1] if len(d["X"]) else np.zeros(0)
    Xw = np.vstack([d["X"] for d in docs])
    yw = np.concatenate([d["y"] for d in docs])
    word_model = _word_model(seed).fit(Xw, yw)
    word_cv = _word_span_cv(docs, cfg)

    _log(t0, "word scorer done; document model")
    # document model: leave-one-variant-out CV, then the final fit
    Xd, names = _doc_matrix(docs, "p_oof", cfg, DOC_FEATURES)
    # What the detector sees: the same probabilities with unexplained words discounted.
    for d in docs:
        d["p_det"] = damp_unexplained(d["p_oof"], d["sugg"], cfg)
    Xdet, _ = _doc_matrix(docs, "p_det", cfg, names)
    yd = np.array([d["label"] for d in docs])
    variants = np.array([d["variant"] for d in docs])
    threshold = float(cfg["threshold"])
    lovo: dict[str, dict] = {}
    pooled_y, pooled_s = [], []
    for k, v in enumerate(TRAIN_VARIANTS):
        f = k % FOLDS
        test = ((variants == v) | (variants == "clean")) & (folds == f)
        train_mask = (variants != v) & (folds != f)
        m, kept = fit_monotone(Xd[train_mask], yd[train_mask], names, seed)
        s = m.predict_proba(Xdet[test][:, [names.index(n) for n in kept]])[:, 1]
        lovo[v] = _doc_metrics(yd[test], s, threshold)
        pooled_y.append(yd[test])
        pooled_s.append(s)
    py, ps = np.concatenate(pooled_y), np.concatenate(pooled_s)
    # FPR / recall of the pooled held-out-variant predictions at other thresholds
    lovo_thresholds = {f"{t:.2f}": {"fpr": float((ps[py == 0] >= t).mean()),
                                    "recall": float((ps[py == 1] >= t).mean())}
                       for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)}
    # The threshold in spin.toml should be this (pooled leave-variant-out FPR <= MAX_LOVO_FPR).
    suggested_threshold = calibrated_threshold(py, ps, MAX_LOVO_FPR)
    doc_model, names = fit_monotone(Xd, yd, names, seed)
    bundle = {"word_model": word_model, "doc_model": doc_model, "doc_features": names,
              "word_prior": float(yw.mean()),
              "word_features": list(__import__("pipeline.spin.words", fromlist=["FEATURES"]).FEATURES)}
    models_dir.mkdir(parents=True, exist_ok=True)
    sio.dump(bundle, models_dir / "spin_detector.skops")
    t_train = time.time() - t0

    _log(t0, "models saved; evaluating on the held-out questions")
    held = evaluate_held_out(shared, models_dir, held_df, list(TRAIN_VARIANTS) + list(EVAL_VARIANTS),
                             seed=seed, limit=25 if quick else None)
    result = {
        "seed": seed,
        "docs": len(docs),
        "word_rows": int(len(yw)),
        "word_positive_share": float(yw.mean()),
        "doc_features": names,
        "doc_feature_candidates": list(DOC_FEATURES),
        "lovo": lovo,
        "lovo_thresholds": lovo_thresholds,
        "suggested_threshold": suggested_threshold,
        "folds": {str(k): v for k, v in sorted(fold_of.items())},
        "word_span_cv": word_cv,
        "held_out": held,
        "eval_variants": list(EVAL_VARIANTS),
        "train_variants": list(TRAIN_VARIANTS),
        "seconds": {"features": round(t_feat, 1), "train": round(t_train, 1),
                    "total": round(time.time() - t0, 1)},
        "coefficients": dict(zip(names, [round(float(c), 3) for c in doc_model[-1].coef_[0]], strict=True)),
    }
    write_model_card(models_dir / "spin_detector.md", result, ref)
    (models_dir / "spin_detector_scores.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def refresh_evaluation(shared: Path, models_dir: Path, seed: int = 0, limit: int | None = None) -> dict:
    """Re-run the held-out evaluation with the current ``spin.toml`` (e.g. after changing a
    threshold) and rewrite the model card; the trained models are not touched."""
    from pipeline.spin.reference import load_reference
    from workbench.spin.data import load_counsel_chat, split_by_question
    from workbench.spin.simulate import EVAL_VARIANTS, TRAIN_VARIANTS

    scores_path = Path(models_dir) / "spin_detector_scores.json"
    result = json.loads(scores_path.read_text(encoding="utf-8"))
    _, held_df = split_by_question(load_counsel_chat(Path(shared)), seed=SPLIT_SEED)
    result["held_out"] = evaluate_held_out(
        Path(shared), Path(models_dir), held_df, list(TRAIN_VARIANTS) + list(EVAL_VARIANTS),
        seed=seed, limit=limit,
    )
    write_model_card(Path(models_dir) / "spin_detector.md", result, load_reference(models_dir))
    scores_path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def _word_span_cv(docs: list[dict], cfg: dict[str, Any]) -> dict[str, dict]:
    """Out-of-fold word-level precision/recall per training variant at the span floor."""
    out: dict[str, dict] = {}
    floor = cfg["span_min_score"]
    for v in sorted({d["variant"] for d in docs}):
        sel = [d for d in docs if d["variant"] == v]
        y = np.concatenate([d["y"] for d in sel])
        p = np.concatenate([d["p_oof"] for d in sel]) >= floor
        out[v] = {"precision": float(y[p].mean()) if p.any() else 0.0,
                  "recall": float(p[y == 1].mean()) if (y == 1).any() else 0.0,
                  "flagged_per_1000_words": 1000.0 * float(p.sum()) / max(sum(d["n_words"] for d in sel), 1)}
    # precision / recall of word spans by threshold, for spun texts near 15% and 30%
    for band, (lo, hi) in {"rate_10_20": (0.10, 0.20), "rate_25_35": (0.25, 0.35)}.items():
        sel = [d for d in docs if d["label"] == 1 and lo <= d["rate"] <= hi]
        if not sel:
            continue
        y = np.concatenate([d["y"] for d in sel]).astype(bool)
        p = np.concatenate([d["p_oof"] for d in sel])
        out[band] = {
            f"{t:.2f}": {"precision": float(y[p >= t].mean()) if (p >= t).any() else 0.0,
                         "recall": float((p[y] >= t).mean()) if y.any() else 0.0}
            for t in (0.4, 0.5, 0.6, 0.7, 0.8)
        }
    return out


def evaluate_held_out(shared: Path, models_dir: Path, held_df, variants: list[str], seed: int = 0,
                      limit: int | None = None) -> dict:
    """Final models on the held-out questions: clean texts + spun copies per variant and rate."""
    from pipeline.spin.detector import Detector, _load_models
    from pipeline.spin.reference import load_reference
    from workbench.spin.data import clean_articles
    from workbench.spin.evaluate import span_metrics
    from workbench.spin.simulate import spin_text

    det = Detector(None, ref=load_reference(models_dir),
                   models=_load_models(models_dir / "spin_detector.skops"))
    arts = clean_articles(held_df, seed=seed)["text"].tolist()
    if limit:
        arts = arts[:limit]
    thr = det.cfg["threshold"]
    clean = det.detect_many(arts)
    clean_scores = np.array([r["score"] for r in clean])
    words = sum(len(t.split()) for t in arts)
    out: dict[str, Any] = {
        "clean_articles": len(arts),
        "threshold": thr,
        "clean_fpr": float((clean_scores >= thr).mean()),
        "clean_spans_per_1000_words": 1000.0 * sum(len(r["spans"]) for r in clean) / max(words, 1),
        "per_variant": {},
    }
    t0, n_words = time.time(), 0
    for v in variants:
        for rate in EVAL_RATES:
            scores, tp = [], [0, 0, 0, 0]
            for k, text in enumerate(arts):
                sp = spin_text(text, rate, v, seed=10_000 + k)
                r = det.detect(sp.text)
                n_words += len(sp.text.split())
                scores.append(r["score"])
                pred = [(s["start_char"], s["end_char"]) for s in r["spans"]]
                # Any overlap counts here (the phrase-level rule of span_metrics is stricter).
                m = span_metrics(pred, [(a, b) for a, b, _ in sp.spans], min_overlap=0.0,
                                 min_cover=0.0)
                for j, key in enumerate(("pred_matched", "n_pred", "gold_matched", "n_gold")):
                    tp[j] += m[key]
            y = np.r_[np.zeros(len(arts)), np.ones(len(arts))]
            s = np.r_[clean_scores, np.array(scores)]
            m = _doc_metrics(y, s, thr)
            m["span_precision"] = tp[0] / max(tp[1], 1)
            m["span_recall"] = tp[2] / max(tp[3], 1)
            out["per_variant"][f"{v}@{rate:.2f}"] = m
    out["detector_words_per_s"] = n_words / max(time.time() - t0, 1e-9)
    return out


def write_model_card(path: Path, r: dict, ref) -> None:
    """The model card: data, features, CV and held-out scores, versions, how to reproduce."""
    import sklearn
    import spacy

    def row(name: str, m: dict) -> str:
        extra = ""
        if "span_precision" in m:
            extra = f" | {m['span_precision']:.3f} | {m['span_recall']:.3f}"
        return (f"| {name} | {m['n']} | {m['f1']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | "
                f"{m['fpr']:.3f} | {m.get('auc', float('nan')):.3f}{extra} |")

    history = path.with_name("spin_detector_history.md")
    text = render(
        "spin_detector.md.j2",
        r=r,
        in_domain=ref.meta["sources"]["in_domain"],
        split_seed=SPLIT_SEED, article_sizes=ARTICLE_SIZES, spun_per_article=SPUN_PER_ARTICLE,
        rates=RATES, max_lovo_fpr=MAX_LOVO_FPR,
        candidates=", ".join(f"`{n}`" for n in r.get("doc_feature_candidates", r["doc_features"])),
        kept=", ".join(f"`{n}`" for n in r["doc_features"]),
        coefficients=", ".join(f"{k} {v:+.2f}" for k, v in r["coefficients"].items()),
        lovo_rows=[row(v, m) for v, m in r["lovo"].items()],
        lovo_thresholds=", ".join(f"{t}: {m['fpr']:.3f}/{m['recall']:.3f}"
                                  for t, m in r["lovo_thresholds"].items()),
        word_rows=[f"| {v} | {m['precision']:.3f} | {m['recall']:.3f} | "
                   f"{m['flagged_per_1000_words']:.1f} |"
                   for v, m in r["word_span_cv"].items() if not v.startswith("rate_")],
        band_rows=[f"- {band}: " + ", ".join(f"{t}: {m['precision']:.2f}/{m['recall']:.2f}"
                                            for t, m in bands.items())
                   for band, bands in r["word_span_cv"].items() if band.startswith("rate_")],
        held_out_rows=[row(v, m) for v, m in r["held_out"]["per_variant"].items()],
        versions={"python": platform.python_version(), "sklearn": sklearn.__version__,
                  "spacy": spacy.__version__, "numpy": np.__version__},
        # hand-written before/after measurements of past changes
        history=history.read_text(encoding="utf-8").rstrip() if history.is_file() else "",
    )
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``python -m workbench.spin.train [SHARED] [MODELS] [--quick] [--no-reference]
    [--evaluate-only]``."""
    from workbench import MODELS_DIR, default_shared, script_parser

    ap = script_parser("workbench.spin.train", __doc__)
    ap.add_argument("shared", nargs="?", type=Path, default=default_shared(),
                    help="the shared folder holding data/ (default $SHARED or ../shared)")
    ap.add_argument("models", nargs="?", type=Path, default=MODELS_DIR,
                    help="where the models are written (default models/)")
    ap.add_argument("--quick", action="store_true", help="fewer documents (a smoke run)")
    ap.add_argument("--no-reference", action="store_true",
                    help="keep the reference tables in MODELS instead of rebuilding them")
    ap.add_argument("--evaluate-only", action="store_true",
                    help="only refresh the evaluation of the models in MODELS")
    args = ap.parse_args(argv)
    if args.evaluate_only:
        res = refresh_evaluation(args.shared, args.models)
    else:
        res = train(args.shared, args.models, quick=args.quick,
                    rebuild_reference=not args.no_reference)
    print(json.dumps({k: res.get(k) for k in ("lovo", "word_span_cv", "held_out", "seconds")}, indent=1))
    return res


if __name__ == "__main__":
    main()
