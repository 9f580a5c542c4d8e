"""Evaluation harness for the spin detector: labelled sets from held-out text, and the metrics.

``evaluate_detector(detect, shared)`` takes clean article-sized texts built from the held-out
questionIDs of counsel-chat (never seen in training when training uses
``data.split_by_question(df, data.SPLIT_SEED)``'s first part), spins copies of them with the
evaluation-only spinner variants at several rates, runs ``detect`` on everything and reports
document- and phrase-level metrics per variant and rate, the false-positive rate on the clean
articles and on our hand-written hard negatives (``resources/spin_sim/hard_negatives/``).

``detect(text) -> (score, spans)``: ``score`` in 0..1 (spun when ``>= threshold``), ``spans``
an iterable of ``(start_char, end_char, ...)`` tuples or dicts with ``start_char``/``end_char``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from workbench.spin.data import (
    SPLIT_SEED,
    clean_articles,
    count_words,
    load_counsel_chat,
    split_by_question,
)
from workbench.spin.simulate import EVAL_VARIANTS, spin_text

Detector = Callable[[str], tuple[float, Iterable[Any]]]
HARD_NEGATIVES_DIR = "resources/spin_sim/hard_negatives"


# ---------------------------------------------------------------- document level


def _ratio(num: float, den: float, empty: float = 0.0) -> float:
    return float(num / den) if den else empty


def roc_auc(y_true: Sequence[int], y_score: Sequence[float]) -> float:
    """scikit-learn's ROC AUC (ties count half), NaN scores as 0; NaN unless both classes occur."""
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y_true, dtype=bool)
    if y.all() or not y.any():
        return math.nan
    s = np.nan_to_num(np.asarray(y_score, dtype=float), nan=0.0)
    return float(roc_auc_score(y, s))


def doc_metrics(y_true: Sequence[int], y_score: Sequence[float], threshold: float) -> dict:
    """Precision, recall, F1, false-positive rate and ROC AUC of ``score >= threshold``.

    Labels are 1 (spun) / 0 (clean). A NaN score counts as 0 (not flagged). Ratios with an
    empty denominator are 0.0 (sklearn's ``zero_division=0``); ``roc_auc`` is NaN unless both
    classes are present.
    """
    y = np.asarray(y_true, dtype=int)
    s = np.nan_to_num(np.asarray(y_score, dtype=float), nan=0.0)
    if y.shape != s.shape:
        raise ValueError(f"y_true and y_score differ in length: {y.shape} vs {s.shape}")
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError("y_true must hold 0/1 labels")
    pred = s >= threshold
    pos = y == 1
    tp, fp = int((pred & pos).sum()), int((pred & ~pos).sum())
    fn, tn = int((~pred & pos).sum()), int((~pred & ~pos).sum())
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {
        "n": int(len(y)),
        "n_pos": int(pos.sum()),
        "n_neg": int((~pos).sum()),
        "threshold": float(threshold),
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
        "fpr": _ratio(fp, fp + tn),
        "roc_auc": roc_auc(y, s),
    }


# ---------------------------------------------------------------- phrase level


def _interval(span: Any) -> tuple[int, int]:
    if isinstance(span, dict):
        return int(span["start_char"]), int(span["end_char"])
    return int(span[0]), int(span[1])


def _matches(p: tuple[int, int], g: tuple[int, int], min_overlap: float, min_cover: float) -> bool:
    inter = min(p[1], g[1]) - max(p[0], g[0])
    if inter <= 0:
        return False
    lp, lg = p[1] - p[0], g[1] - g[0]
    return inter >= min_overlap * min(lp, lg) and inter >= min_cover * max(lp, lg)


def span_metrics(
    pred_spans: Iterable[Any],
    gold_spans: Iterable[Any],
    min_overlap: float = 0.5,
    min_cover: float = 0.2,
) -> dict:
    """Phrase-level recall and precision of predicted spans against gold spans.

    Matching rule: a predicted span ``p`` and a gold span ``g`` (character intervals
    ``[start, end)``) match when their intersection covers at least ``min_overlap`` of the
    shorter of the two AND at least ``min_cover`` of the longer one. So "restorative" flagged
    inside the gold "restorative alliance" matches, a span covering the whole name
    "Nationwide Institutes of Well being" matches both gold words in it, but one span over a
    whole sentence matches nothing. Matching is many-to-many: recall = gold spans matched by
    any prediction / gold spans; precision = predictions matching any gold span /
    predictions. With no gold spans recall is 1.0; with no predictions precision is 1.0.
    Empty or inverted spans (end <= start) are ignored.
    """
    pred = [iv for iv in map(_interval, pred_spans) if iv[1] > iv[0]]
    gold = [iv for iv in map(_interval, gold_spans) if iv[1] > iv[0]]
    pred.sort()
    gold.sort()
    gold_hit = [False] * len(gold)
    pred_hit = [False] * len(pred)
    j0 = 0
    for i, p in enumerate(pred):
        # Both lists are sorted by start: skip gold spans that end before p starts.
        while j0 < len(gold) and gold[j0][1] <= p[0]:
            j0 += 1
        j = j0
        while j < len(gold) and gold[j][0] < p[1]:
            if _matches(p, gold[j], min_overlap, min_cover):
                gold_hit[j] = pred_hit[i] = True
            j += 1
    return _span_summary(sum(gold_hit), len(gold), sum(pred_hit), len(pred))


def _span_summary(gold_matched: int, n_gold: int, pred_matched: int, n_pred: int) -> dict:
    recall = _ratio(gold_matched, n_gold, empty=1.0)
    precision = _ratio(pred_matched, n_pred, empty=1.0)
    return {
        "n_gold": n_gold,
        "n_pred": n_pred,
        "gold_matched": gold_matched,
        "pred_matched": pred_matched,
        "recall": recall,
        "precision": precision,
        "f1": _ratio(2 * precision * recall, precision + recall),
    }


def _sum_spans(parts: Iterable[dict]) -> dict:
    """Micro-average of several documents' span_metrics."""
    keys = ("gold_matched", "n_gold", "pred_matched", "n_pred")
    totals = dict.fromkeys(keys, 0)
    for part in parts:
        for k in keys:
            totals[k] += part[k]
    return _span_summary(*(totals[k] for k in keys))


# ---------------------------------------------------------------- data sets


def hard_negatives() -> list[dict[str, str]]:
    """Our hand-written clean paragraphs that must not be flagged: ``[{"id", "text"}]``.

    Rare words, quotations, author-year and DOI citations, unusual subtopics, and wording a
    naive detector mistakes for spin ("remedy", "consumer-run", "religious affiliation").
    """
    folder = resources.files("workbench").joinpath(HARD_NEGATIVES_DIR)
    items = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            items.append({"id": entry.name[:-4], "text": entry.read_text(encoding="utf-8").strip()})
    return items


def build_eval_set(
    shared: Path | None,
    rates: Sequence[float] = (0.15, 0.3),
    variants: Sequence[str] = EVAL_VARIANTS,
    n: int = 100,
    seed: int = 0,
    clean_texts: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Labelled records: ``n`` held-out clean articles and one spun copy per variant and rate.

    Each record: ``id``, ``label`` (0 clean / 1 spun), ``variant`` (``""`` when clean),
    ``rate``, ``text``, ``gold`` (spans in ``text``). ``clean_texts`` replaces the counsel-chat
    articles (tests, other corpora).
    """
    if clean_texts is None:
        if shared is None:
            raise ValueError("need shared (counsel-chat) or clean_texts")
        df = load_counsel_chat(Path(shared))
        _, held = split_by_question(df, SPLIT_SEED)
        arts = clean_articles(held, seed=seed)
        arts = arts.sample(n=min(n, len(arts)), random_state=seed) if len(arts) > n else arts
        items = list(zip(arts["article_id"], arts["text"], strict=True))
    else:
        items = [(f"clean/{i}", t) for i, t in enumerate(clean_texts[:n])]
    records: list[dict[str, Any]] = []
    for k, (aid, text) in enumerate(items):
        records.append({"id": aid, "label": 0, "variant": "", "rate": 0.0, "text": text,
                        "gold": []})
        for variant in variants:
            for rate in rates:
                spun = spin_text(text, rate, variant, seed * 100_003 + k)
                records.append({"id": f"{aid}@{variant}/{rate}", "label": 1, "variant": variant,
                                "rate": rate, "text": spun.text, "gold": spun.spans})
    return records


def held_out_answers(shared: Path, min_words: int = 120, max_words: int = 400, n: int = 150,
                     seed: int = 1) -> list[str]:
    """Single answers (not joined into articles) of the held-out questions: short texts, where
    a verdict has the least evidence to go on. A seeded sample of ``n`` in the length range."""
    df = load_counsel_chat(Path(shared))
    _, held = split_by_question(df, SPLIT_SEED)
    texts = [t for t in held["answerText"] if min_words <= count_words(t) <= max_words]
    order = np.random.default_rng(seed).permutation(len(texts))
    return [texts[i] for i in order[:n]]


# ---------------------------------------------------------------- the harness


def _run(detect: Detector, text: str) -> tuple[float, list[Any]]:
    score, spans = detect(text)
    score = float(score)
    return (0.0 if math.isnan(score) else score), list(spans or [])


def evaluate_detector(
    detect: Detector,
    shared: Path | None,
    rates: Sequence[float] = (0.15, 0.3),
    variants: Sequence[str] = EVAL_VARIANTS,
    n: int = 100,
    seed: int = 0,
    threshold: float = 0.5,
    clean_texts: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run ``detect`` on held-out clean articles, their spun copies and the hard negatives.

    Returns ``{"settings", "clean", "hard_negatives", "by_variant": {variant: {rate: {"doc",
    "span"}}}, "overall": {"doc", "span", "span_with_clean"}, "words_per_second"}``. Document
    metrics of one (variant, rate) cell use all clean articles as negatives and that cell's
    spun copies as positives; phrase metrics are micro-averaged over the cell's spun copies
    (``span_with_clean`` also counts every span reported on a clean article as wrong).
    """
    records = build_eval_set(shared, rates, variants, n, seed, clean_texts)
    words = 0
    elapsed = 0.0
    for rec in records:
        t0 = time.perf_counter()
        rec["score"], rec["spans"] = _run(detect, rec["text"])
        elapsed += time.perf_counter() - t0
        words += count_words(rec["text"])
        rec["span_metrics"] = span_metrics(rec["spans"], rec["gold"])

    clean = [r for r in records if r["label"] == 0]
    clean_scores = [r["score"] for r in clean]
    result: dict[str, Any] = {
        "settings": {"rates": list(rates), "variants": list(variants), "n": len(clean),
                     "seed": seed, "threshold": threshold},
        "clean": {
            "n": len(clean),
            "fpr": _ratio(sum(s >= threshold for s in clean_scores), len(clean)),
            "mean_score": float(np.mean(clean_scores)) if clean_scores else math.nan,
            "flagged": [r["id"] for r in clean if r["score"] >= threshold],
            # Evidence on clean text is wrong evidence even when the verdict is right.
            "spans_per_doc": _ratio(sum(len(r["spans"]) for r in clean), len(clean)),
        },
        "by_variant": {},
    }
    for variant in variants:
        cells = {}
        for rate in rates:
            spun = [r for r in records if r["variant"] == variant and r["rate"] == rate]
            cell = clean + spun
            cells[rate] = {
                "doc": doc_metrics([r["label"] for r in cell], [r["score"] for r in cell],
                                   threshold),
                "span": _sum_spans(r["span_metrics"] for r in spun),
            }
        result["by_variant"][variant] = cells
    spun_all = [r for r in records if r["label"] == 1]
    result["overall"] = {
        "doc": doc_metrics([r["label"] for r in records], [r["score"] for r in records],
                           threshold),
        "span": _sum_spans(r["span_metrics"] for r in spun_all),
        # Phrase precision counting the spans reported on clean articles as wrong too.
        "span_with_clean": _sum_spans(r["span_metrics"] for r in records),
    }
    result["hard_negatives"] = evaluate_hard_negatives(detect, threshold)
    result["words_per_second"] = _ratio(words, elapsed)
    return result


def evaluate_hard_negatives(detect: Detector, threshold: float = 0.5) -> dict[str, Any]:
    """False-positive rate on the hard negatives, the flagged ids and the spans they got."""
    items = hard_negatives()
    flagged, span_count = [], 0
    for item in items:
        score, spans = _run(detect, item["text"])
        span_count += len(spans)
        if score >= threshold:
            flagged.append(item["id"])
    return {"n": len(items), "fpr": _ratio(len(flagged), len(items)), "flagged": flagged,
            "spans_per_text": _ratio(span_count, len(items))}


def format_report(result: dict[str, Any]) -> str:
    """A Markdown table of an ``evaluate_detector`` result (for the model card)."""
    lines = [
        "| variant | rate | doc F1 | precision | recall | FPR | ROC AUC | span recall | span precision |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [(v, r, c) for v, cells in result["by_variant"].items() for r, c in cells.items()]
    rows.append(("all", "all", result["overall"]))
    for variant, rate, cell in rows:
        d, s = cell["doc"], cell["span"]
        lines.append(
            f"| {variant} | {rate} | {d['f1']:.3f} | {d['precision']:.3f} | {d['recall']:.3f} "
            f"| {d['fpr']:.3f} | {d['roc_auc']:.3f} | {s['recall']:.3f} | {s['precision']:.3f} |"
        )
    c, h = result["clean"], result["hard_negatives"]
    wc = result["overall"]["span_with_clean"]
    lines.append("")
    lines.append(f"Span precision counting evidence on clean articles: {wc['precision']:.3f} "
                 f"({c['spans_per_doc']:.2f} spans per clean article).")
    lines.append(f"Clean held-out articles: n={c['n']}, FPR={c['fpr']:.3f}; hard negatives: "
                 f"n={h['n']}, FPR={h['fpr']:.3f} (flagged: {', '.join(h['flagged']) or 'none'}); "
                 f"detector speed {result['words_per_second']:,.0f} words/s.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """``python -m workbench.spin.evaluate [--shared DIR] [--n N] [--variants eval|all|a,b]``.

    Evaluates the project's detector (``pipeline.spin.detector.score_and_spans``) and prints
    the Markdown report; ``--json FILE`` also writes the full result.
    """
    import argparse
    import json
    import os

    from workbench.spin.simulate import VARIANTS

    ap = argparse.ArgumentParser(prog="python -m workbench.spin.evaluate")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("SHARED", "../shared")))
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rates", default="0.15,0.3")
    ap.add_argument("--variants", default="eval")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    from pipeline.spin import detector as spin_detector

    if args.variants == "eval":
        variants: Sequence[str] = EVAL_VARIANTS
    elif args.variants == "all":
        variants = VARIANTS
    else:
        variants = [v for v in args.variants.split(",") if v]
    threshold = args.threshold
    if threshold is None:
        threshold = float(spin_detector.get_detector().cfg.get("threshold", 0.5))
    result = evaluate_detector(
        spin_detector.score_and_spans, args.shared,
        rates=tuple(float(r) for r in args.rates.split(",")), variants=variants, n=args.n,
        seed=args.seed, threshold=threshold,
    )
    print(format_report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
