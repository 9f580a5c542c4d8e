"""Why the detector misses a labelled spun real-web page (issue 16): its verdict path and, for
each labelled swap, the evidence on it and whether the thesauri know its original.

For every spun page of a split (``--all``: the caught ones too) the detector's figures on the
stored text: words, the thesaurus-span ratio (``span_llr``) and its z-score against clean text,
the document model's probability, the combined evidence against ``combined_threshold``, the
model-alone path, and the strongest span contributions. Then each labelled swap
``written=>original`` (``evaluate.parse_swaps``): whether it is found in the text, the evidence
spans on it (signal, score, suggestion) and its thesaurus coverage:

- ``ratio``: the original is among the written word's originals that the likelihood ratio
  weighs (``Thesaurus.originals``; the verdict can see the swap),
- ``suggestion``: only among the wider originals a suggestion is chosen from (uncapped),
- ``synonym``: only in the word scorer's synonym table (``Reference.synonyms``),
- ``none``: no table relates the two (no signal but the context can explain it).

A swap of several words is split into its differing words when both sides have as many words,
else read as one phrase. ``--coverage`` prints only the coverage counts per collection.

``python -m workbench.realweb.spin_misses [--root ROOT] [--split dev] [--pages ID ...] [--all]
[--coverage] [--skip devn]``. Blind collections (``--skip``, default the one being gathered)
are never read.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.spin import verdict as llr_verdict
from pipeline.spin.signals.base import _inflections
from workbench.realweb.evaluate import collection, load_pages, locate, parse_swaps, read_folder
from workbench.realweb.spin_loco import BLIND

KINDS = ("ratio", "suggestion", "synonym", "none")


def swap_pairs(written: str, original: str) -> list[tuple[str, str]]:
    """The (written, original) pairs of one labelled swap, lower case: its differing words when
    both sides have as many words, else the two phrases."""
    ws, os_ = written.lower().split(), original.lower().split()
    if len(ws) != len(os_):
        return [(" ".join(ws), " ".join(os_))]
    return [(a, b) for a, b in zip(ws, os_, strict=True) if a != b]


def coverage(written: str, original: str, thes: Any, ref: Any) -> str:
    """Which table relates ``original`` to ``written`` (lower case): one of :data:`KINDS`."""
    if original in {c for c, _ in thes.originals(written)}:
        return "ratio"
    if original in {c for c, _ in thes.capped(0).suggestion_originals(written)}:
        return "suggestion"
    if any(original in ref.synonyms.get(lemma, ()) for lemma, _ in _inflections(written)):
        return "synonym"
    return "none"


def verdict_path(feats: dict[str, float], n_words: int, cfg: Any) -> dict[str, Any]:
    """The verdict's parts and what each path lacks: ``combined_short`` (how far the combined
    evidence is below ``combined_threshold``; <= 0: spun that way) and ``model_short`` (the
    model-alone path: how far the model's probability is below ``model_alone_threshold``, None
    when the ratio's z-score forbids that path)."""
    z, model = feats["span_llr_z"], feats["model_score"]
    comb = llr_verdict.combined(z, model, cfg)
    return {"words": n_words, "short_text": n_words < int(cfg.norm_min_words),
            "llr": round(feats["span_llr"], 2), "z": round(z, 2), "model": round(model, 3),
            "combined": round(comb, 2),
            "combined_short": round(float(cfg.combined_threshold) - comb, 2),
            "model_short": (round(float(cfg.model_alone_threshold) - model, 3)
                            if z >= float(cfg.model_alone_min_z) else None)}


def page_report(det: Any, text: str, swaps: list[tuple[str, str]], top: int = 6
                ) -> dict[str, Any]:
    """The detector's verdict path on ``text`` and the evidence and coverage of each swap."""
    res = det.detect(text)
    prep = det._prepare(text)
    toks, hits = prep["toks"], prep["hits"]
    contrib = llr_verdict.contributions(hits, det.cfg)
    strongest = sorted(zip(hits, contrib, strict=True), key=lambda hc: -hc[1])[:top]
    rows = []
    for written, original in swaps:
        places = locate(text, written)
        spans, ratio = [], []
        if places:
            a, b = places[0]
            spans = [(s["signal"], s["text"], s["score"], s["suggestion"]) for s in res["spans"]
                     if s["start_char"] < b and s["end_char"] > a]
            ratio = [(h.key, h.original, round(h.log_lr, 2), round(c, 2))
                     for h, c in zip(hits, contrib, strict=True)
                     if toks[h.i].start < b and toks[h.j].end > a]
        rows.append({"written": written, "original": original, "found": bool(places),
                     "spans": spans, "ratio_hits": ratio,
                     "coverage": [coverage(w, o, det.thes, det.ref)
                                  for w, o in swap_pairs(written, original)]})
    return {"spun": res["spun"], "score": res["score"],
            "path": verdict_path(res["features"], prep["n_words"], det.cfg),
            "rule_spans": [(s["signal"], s["text"]) for s in prep["rule_spans"]],
            "strongest": [(h.key, h.original, round(c, 2)) for h, c in strongest],
            "swaps": rows}


def coverage_table(reports: dict[str, dict[str, Any]]) -> dict[str, Counter]:
    """Coverage counts of the swapped word pairs per collection (and ``all``)."""
    out: dict[str, Counter] = {"all": Counter()}
    for pid, rep in reports.items():
        for row in rep["swaps"]:
            for kind in row["coverage"]:
                out.setdefault(collection(pid), Counter())[kind] += 1
                out["all"][kind] += 1
    return out


def _pages(root: Path, split: str, skip: list[str]) -> list[tuple[str, str, str]]:
    """(page_id, text, swaps) of the stored spun pages of ``split`` (the manifest and folder
    readers of :mod:`workbench.realweb.evaluate`), blind collections left unread."""
    pages = load_pages(root / "workbench" / "realweb")
    pages = pages[(pages.split == split) & pages.spun
                  & ~pages.page_id.map(collection).isin(skip)]
    texts = read_folder(pages, root / ".realweb").texts
    return [(r.page_id, texts[r.page_id], r.swaps) for r in pages.itertuples()
            if r.page_id in texts]


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    from pipeline.spin.detector import get_detector
    from workbench import script_parser

    ap = script_parser("workbench.realweb.spin_misses", __doc__)
    ap.add_argument("--root", type=Path, default=Path("."),
                    help="folder holding .realweb/ and workbench/realweb/")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--pages", nargs="*", default=None, help="only these page ids")
    ap.add_argument("--all", action="store_true", help="caught pages too")
    ap.add_argument("--coverage", action="store_true", help="only the coverage counts")
    ap.add_argument("--skip", nargs="*", default=list(BLIND), help="blind collections, never read")
    args = ap.parse_args(argv)
    det = get_detector()
    reports = {}
    for pid, text, swaps in _pages(args.root, args.split, args.skip):
        if args.pages and pid not in args.pages:
            continue
        rep = page_report(det, text, parse_swaps(swaps))
        reports[pid] = rep
        if args.coverage or (rep["spun"] and not args.all and not args.pages):
            continue
        print(f"== {pid} spun={rep['spun']} score={rep['score']} {rep['path']}")
        print(f"   rule spans: {rep['rule_spans']}")
        print(f"   strongest ratio contributions: {rep['strongest']}")
        for row in rep["swaps"]:
            print(f"   {row['written']!r} => {row['original']!r}: coverage {row['coverage']}, "
                  f"spans {row['spans']}, ratio hits {row['ratio_hits']}"
                  + ("" if row["found"] else " (not found)"))
    for tag, counts in sorted(coverage_table(reports).items()):
        total = sum(counts.values())
        print(f"coverage {tag}: " + ", ".join(f"{k} {counts[k]}/{total}" for k in KINDS))
    return reports


if __name__ == "__main__":
    main()
