"""Evaluates the ``low_quality`` flag on clean counsel-chat texts and content-farm degradations.

``evaluate(shared)`` builds the set (:mod:`workbench.quality.dataset`), runs the ``text_quality``
component with the shipped settings on both halves of the questionIDs and prints precision,
recall, F1, the false-positive rate on clean texts, the share of flagged texts carrying reasons,
recall per degradation and the rules behind false positives. ``tune(shared)`` searches the
thresholds on the dev half only (the shipped values came from it; the test half is reported).
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.quality.rules import (
    check_rules,
    compute_metrics,
    merged_settings,
    rule_weight,
    score_flags,
)
from workbench.quality.dataset import Example, build_split

# Rules whose failure on a clean text would mean "short sentences" (readability) or "unusual
# topic" (a rare topic word repeated reads as stuffing).
_STYLE_TOPIC_RULES = ("grade", "keyword_density", "keyphrase_per_100w")

# Dev-half search space of tune(): the thresholds/weights our own rules introduced.
TUNE_GRID: dict[str, list[Any]] = {
    "max_keyphrase_per_100w": [2.5, 2.8, 3.0],
    "max_spam_insertions": [0.45, 0.9],
    "min_coherence_vs_shuffle": [-0.25, 0.0, 0.25],
    "w:min_coherence_vs_shuffle": [0.3, 0.45],
    "w:min_content_words": [0.3, 0.45],
    "w:max_mixed_typography": [0.3, 0.45],
}


def _nlp(settings: dict[str, Any]):
    import spacy

    import pipeline.quality.component  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("text_quality", config={"settings": settings})
    return nlp


def predict(examples: list[Example], settings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """``doc._.quality`` of every example, through the spaCy component."""
    from spacy.tokens import Doc

    if not Doc.has_extension("meta"):
        Doc.set_extension("meta", default=None)
    nlp = _nlp(merged_settings(settings))

    def docs():
        for e in examples:
            doc = nlp.make_doc(e.text)
            doc._.meta = dict(e.meta)
            yield doc

    return [doc._.quality for doc in nlp.pipe(docs(), batch_size=64)]


def scores(examples: list[Example], preds: list[dict[str, Any]],
           settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Precision/recall/F1 of ``low_quality``, clean FPR, reasons share, per-kind rates."""
    s = merged_settings(settings)
    y = [e.low for e in examples]
    p = [bool(q["low_quality"]) for q in preds]
    tp = sum(a and b for a, b in zip(y, p, strict=True))
    fp = sum((not a) and b for a, b in zip(y, p, strict=True))
    fn = sum(a and (not b) for a, b in zip(y, p, strict=True))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    n_clean = sum(1 for v in y if not v)
    flagged = [q for q in preds if q["low_quality"]]
    per_kind: dict[str, list[int]] = {}
    fp_rules: Counter[str] = Counter()
    style_topic_fp = 0
    for e, q in zip(examples, preds, strict=True):
        per_kind.setdefault(e.kind, []).append(int(q["low_quality"]))
        if not e.low and q["low_quality"]:
            rules = {f["rule"] for f in q["flags"]}
            fp_rules.update(rules)
            # Flagged *because of* style/topic: the other flags alone would not make it low.
            rest = [{"rule": f["rule"], "weight": rule_weight(f, s)} for f in q["flags"] if f["rule"] not in _STYLE_TOPIC_RULES]
            if rules & set(_STYLE_TOPIC_RULES) and score_flags(rest, s["score_families"]) >= s["low_quality_below"]:
                style_topic_fp += 1
    return {
        "n": len(examples), "n_low": sum(y), "n_clean": n_clean,
        "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
        "fpr_clean": round(fp / n_clean, 4) if n_clean else 0.0,
        "flagged_with_reasons": round(sum(1 for q in flagged if q["flags"]) / len(flagged), 4)
        if flagged else 1.0,
        "rate_by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(per_kind.items())},
        "false_positive_rules": dict(fp_rules.most_common()),
        "clean_flagged_for_style_or_topic": style_topic_fp,
    }


def _apply(metrics: list[tuple[dict[str, float], str]], settings: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for mets, text in metrics:
        flags = check_rules(mets, text, settings)
        score = score_flags(flags, settings["score_families"])
        out.append({"low_quality": score < settings["low_quality_below"], "flags": flags, "score": score})
    return out


def tune(shared: Path, seed: int = 0, grid: dict[str, list[Any]] | None = None) -> dict[str, Any]:
    """Best F1 on the dev half over ``grid`` (keys ``w:<rule>`` set weights); test is untouched."""
    dev, _ = build_split(Path(shared), seed)
    base = merged_settings(None)
    mets = [(compute_metrics(e.text, e.meta, base), e.text) for e in dev]
    grid = grid or TUNE_GRID
    best: tuple[float, dict[str, Any]] = (-1.0, {})
    for values in itertools.product(*grid.values()):
        s = merged_settings(None)
        for key, v in zip(grid, values, strict=True):
            if key.startswith("w:"):
                s["weights"][key[2:]] = v
            else:
                s[key] = v
        res = scores(dev, _apply(mets, s), s)
        # Acceptance: no clean text may be flagged for its style (short sentences) or topic.
        if res["f1"] > best[0] and res["clean_flagged_for_style_or_topic"] == 0:
            best = (res["f1"], dict(zip(grid, values, strict=True)))
    return {"dev_f1": best[0], "settings": best[1]}


def evaluate(shared: Path, seed: int = 0) -> dict[str, Any]:
    """Scores of the shipped settings on the dev and test halves; prints them."""
    dev, test = build_split(Path(shared), seed)
    result = {"dev": scores(dev, predict(dev)), "test": scores(test, predict(test))}
    for half in ("dev", "test"):
        r = result[half]
        print(f"quality [{half}] n={r['n']} (low {r['n_low']}, clean {r['n_clean']}): "
              f"P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} "
              f"FPR(clean)={r['fpr_clean']:.3f} flagged-with-reasons={r['flagged_with_reasons']:.3f} "
              f"clean-flagged-for-style/topic={r['clean_flagged_for_style_or_topic']}")
        print(f"  flag rate by kind: {r['rate_by_kind']}")
        print(f"  rules on false positives: {r['false_positive_rules']}")
    return result


def main(argv: list[str] | None = None) -> None:
    """``python -m workbench.quality.evaluate [tune] [--shared DIR]``."""
    from workbench import default_shared, script_parser

    ap = script_parser("workbench.quality.evaluate", __doc__)
    ap.add_argument("what", nargs="?", choices=("evaluate", "tune"), default="evaluate",
                    help="evaluate the shipped thresholds (default) or search them on the dev half")
    ap.add_argument("--shared", type=Path, default=default_shared(),
                    help="the shared folder holding data/ (default $SHARED or ../shared)")
    args = ap.parse_args(argv)
    if args.what == "tune":
        print(tune(args.shared))
    else:
        evaluate(args.shared)


if __name__ == "__main__":  # pragma: no cover
    main()
