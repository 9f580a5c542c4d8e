"""Light spin (issue 16): the detector at about 5 and 10 swaps per 100 words (offline).

Held-out counsel-chat articles spun by every evaluation-only spinner (none of them is a
training variant; the likelihood-ratio verdict is not trained on any spinner), the clean
articles, the hard negatives, optionally single answers, and the real-web pages when
``ROOT/.realweb/pages`` is present. For each spinner and rate: doc F1 of the document model
alone (``features["model_score"]``), of the likelihood-ratio verdict alone (``span_llr_z``) and
of the shipped verdict, phrase recall / precision of the evidence without and with the
thesaurus spans, and "restored exactly": the share of caught swaps whose suggested original is
the true one. ``python -m workbench.spin.evaluate_light SHARED [--n N]
[--root ROOT] [--answers]`` prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from workbench.spin.evaluate import (
    _sum_spans,
    build_eval_set,
    doc_metrics,
    hard_negatives,
    held_out_answers,
    span_metrics,
)
from workbench.spin.simulate import EVAL_VARIANTS

RATES = (0.05, 0.10)


def restored_exactly(pred: list[tuple[int, int, str]], gold: list[tuple[int, int, str]]
                     ) -> tuple[int, int]:
    """(caught swaps whose suggestion is their true original, caught swaps). A gold swap
    ``(start, end, original)`` is caught when a predicted ``(start, end, suggestion)`` matches
    it (``span_metrics``' rule); it is restored exactly when one of those predictions suggests
    the original (case and outer spaces ignored)."""
    exact = caught = 0
    for g in gold:
        sugg = [p[2] for p in pred if span_metrics([p[:2]], [g[:2]])["gold_matched"]]
        if sugg:
            caught += 1
            want = g[2].strip().lower()
            exact += any(s.strip().lower() == want for s in sugg if s)
    return exact, caught


def _run(detector, recs: list[dict[str, Any]], batch: int = 32) -> float:
    """Score ``recs`` in place; returns words per CPU second."""
    t0, words = time.process_time(), 0
    for k in range(0, len(recs), batch):
        part = recs[k:k + batch]
        for r, x in zip(part, detector.detect_many([r["text"] for r in part]), strict=True):
            r["score"] = x["score"]
            r["model"] = x["features"].get("model_score", x["score"])
            r["z"] = x["features"].get("span_llr_z", 0.0)
            r["spans"] = [(s["start_char"], s["end_char"]) for s in x["spans"]]
            r["suggested"] = [(s["start_char"], s["end_char"], s["suggestion"] or "")
                              for s in x["spans"]]
            r["spans_old"] = [(s["start_char"], s["end_char"]) for s in x["spans"]
                              if s["signal"] != "thesaurus_span"]
            words += len(r["text"].split())
    return words / max(time.process_time() - t0, 1e-9)


def main(argv: list[str] | None = None) -> None:
    from pipeline.spin.detector import get_detector
    from workbench.spin.verdict_calibrate import realweb_pages

    ap = argparse.ArgumentParser(prog="python -m workbench.spin.evaluate_light")
    ap.add_argument("shared", type=Path)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--root", type=Path, default=None, help="folder holding .realweb/ and workbench/realweb/")
    ap.add_argument("--answers", action="store_true")
    ap.add_argument("--splits", default="dev,test",
                    help="real-web splits to report, comma-separated (test only once, at the end)")
    args = ap.parse_args(argv)
    d = get_detector()
    thr, zt = d.cfg.threshold, d.cfg.llr_z_threshold
    recs = build_eval_set(args.shared, rates=RATES, variants=EVAL_VARIANTS, n=args.n)
    wps = _run(d, recs)
    clean = [r for r in recs if r["label"] == 0]
    print(f"Held-out articles: {len(clean)} clean, detector {wps:,.0f} words per CPU second\n")
    print("| spinner | swaps/100 words | model F1 | LLR F1 | combined F1 | recall | "
          "evidence R/P before | after | restored exactly |")
    print("|---|---|---|---|---|---|---|---|---|")
    for v in EVAL_VARIANTS:
        for rate in RATES:
            spun = [r for r in recs if r["variant"] == v and r["rate"] == rate]
            cell = clean + spun
            y = [r["label"] for r in cell]
            m = doc_metrics(y, [r["model"] for r in cell], thr)
            z = doc_metrics(y, [r["z"] for r in cell], zt)
            c = doc_metrics(y, [r["score"] for r in cell], thr)
            so = _sum_spans(span_metrics(r["spans_old"], r["gold"]) for r in spun)
            sn = _sum_spans(span_metrics(r["spans"], r["gold"]) for r in spun)
            ex = [restored_exactly(r["suggested"], r["gold"]) for r in spun]
            caught = sum(c for _, c in ex)
            print(f"| {v} | {rate * 100:.0f} | {m['f1']:.3f} | {z['f1']:.3f} | {c['f1']:.3f} | "
                  f"{c['recall']:.3f} | {so['recall']:.2f}/{so['precision']:.2f} | "
                  f"{sn['recall']:.2f}/{sn['precision']:.2f} | "
                  f"{sum(e for e, _ in ex) / max(caught, 1):.2f} |")
    fp = sum(r["score"] >= thr for r in clean)
    print(f"\nClean held-out articles flagged: {fp}/{len(clean)} (model alone "
          f"{sum(r['model'] >= thr for r in clean)})")
    hn = [{"text": h["text"], "label": 0} for h in hard_negatives()]
    _run(d, hn)
    print(f"Hard negatives flagged: {sum(r['score'] >= thr for r in hn)}/{len(hn)}")
    if args.answers:
        ans = [{"text": t, "label": 0} for t in held_out_answers(args.shared, n=150)]
        _run(d, ans)
        print(f"Single clean answers flagged: {sum(r['score'] >= thr for r in ans)}/{len(ans)} "
              f"(model alone {sum(r['model'] >= thr for r in ans)})")
    if args.root is not None:
        for split in [x for x in args.splits.split(",") if x]:
            pages = [{"id": p, "label": lab, "text": t}
                     for p, lab, t in realweb_pages(args.root, split=split, spun=None)]
            if not pages:
                continue
            _run(d, pages)
            cl = [r for r in pages if r["label"] == 0]
            sp = [r for r in pages if r["label"] == 1]
            print(f"Real-web {split}: clean flagged {sum(r['score'] >= thr for r in cl)}/{len(cl)} "
                  f"(model alone {sum(r['model'] >= thr for r in cl)}); spun flagged "
                  f"{sum(r['score'] >= thr for r in sp)}/{len(sp)} (model alone "
                  f"{sum(r['model'] >= thr for r in sp)})")


if __name__ == "__main__":
    main()
