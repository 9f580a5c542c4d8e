"""Gold swaps of the real-web spun pages against the detector (issue 16 items 1, 3, 5).

For every labelled swap ``written=>original`` of a spun page (``swaps`` column of
``workbench/realweb/pages_*.csv``) that occurs in the stored page text:

A phrase swapped word for word ("temper dysfunction=>mood disorder") counts as one swap per
changed word. Per swap:

- (a) ``candidate``: the true original is among the reverse thesaurus's originals of the
  written span that a suggestion is chosen from (``Thesaurus.suggestion_originals``, lower
  case; ``ratio_candidate``: among those of the likelihood ratio, ``Thesaurus.originals``);
- (b) ``found``: a detector evidence span matches an occurrence (``span_metrics``' rule);
- (c) ``exact``: one of those spans suggests the true original (case ignored).

Also ``hit`` / ``hit_exact``: the same for the raw span evidence before the verdict (the
candidate swaps ``span_evidence`` scores, whatever the document verdict). Prints the totals and,
with ``--show``, every swap. No page text is printed beyond the labelled swap itself.
``python -m workbench.spin.swap_audit [--root ROOT] [--split dev] [--show] [--no-suggest]``
(``--no-suggest``: the suggestions as before ``pipeline.spin.suggest``; the ratio's originals
and every verdict are the same either way).
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path
from typing import Any

from workbench.spin.evaluate import span_metrics


def gold_swaps(root: Path, split: str = "dev") -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(page_id, text, [(written, original)]) of the stored spun pages of ``split``."""
    out = []
    for f in sorted((root / "workbench" / "realweb").glob("pages_*.csv")):
        with open(f, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                p = root / ".realweb" / "pages" / f"{row['page_id']}.txt"
                if row["split"] != split or int(row["spun"] or 0) != 1 or not p.is_file():
                    continue
                pairs = []
                for item in (row.get("swaps") or "").split(";"):
                    w, sep, o = item.partition("=>")
                    if sep and w.strip() and o.strip():
                        pairs.append((w.strip(), o.strip()))
                out.append((row["page_id"], p.read_text(encoding="utf-8"), pairs))
    return out


def occurrences(text: str, written: str) -> list[tuple[int, int]]:
    """Character intervals of ``written`` in ``text`` (case ignored, whole words)."""
    pat = r"(?<![\w-])" + r"\s+".join(map(re.escape, written.split())) + r"(?![\w-])"
    return [(m.start(), m.end()) for m in re.finditer(pat, text, flags=re.IGNORECASE)]


def word_swaps(text: str, written: str, original: str
               ) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """The swap as ``(written, original, occurrences)`` items: a phrase swapped word for word
    (as many words on both sides, "temper dysfunction=>mood disorder") is one item per changed
    word, found inside the phrase's occurrences; any other swap is one item."""
    occ = occurrences(text, written)
    ws, os_ = written.split(), original.split()
    if len(ws) < 2 or len(ws) != len(os_):
        return [(written, original, occ)]
    out = []
    for k, (w, o) in enumerate(zip(ws, os_, strict=True)):
        if w.lower() == o.lower():
            continue
        spots = []
        for a, b in occ:
            m = list(re.finditer(r"\S+", text[a:b]))
            if len(m) == len(ws):
                spots.append((a + m[k].start(), a + m[k].end()))
        out.append((w, o, spots))
    return out


def audit(root: Path, split: str = "dev", settings: dict[str, Any] | None = None
          ) -> list[dict[str, Any]]:
    """One row per gold swap present in its page text (``settings`` override the detector's)."""
    from pipeline.spin.detector import get_detector
    from pipeline.spin.spans import span_evidence
    from pipeline.spin.tokens import tokenize

    d = get_detector(settings)
    rows = []
    for pid, text, pairs in gold_swaps(root, split):
        r = d.detect(text)
        toks = tokenize(text)
        hits = span_evidence(toks, d.thes, d.ref, d.cfg) if d.thes is not None else []
        raw = [(toks[h.i].start, toks[h.j].end, h.original) for h in hits]
        spans = [(s["start_char"], s["end_char"], s["suggestion"] or "", s["signal"])
                 for s in r["spans"]]
        items = [x for w, o in pairs for x in word_swaps(text, w, o)]
        for w, o, occ in items:
            if not occ:
                continue
            low = " ".join(w.lower().split())
            cands = [c for c, _ in d.thes.originals(low)] if d.thes is not None else []
            wide = [c for c, _ in d.thes.suggestion_originals(low)] if d.thes is not None else []

            def matched(preds, occ=occ):
                return [p for p in preds for g in occ
                        if span_metrics([p[:2]], [g])["gold_matched"]]

            want = o.lower()
            found = matched(spans)
            hit = matched(raw)
            rows.append({
                "page": pid, "written": w, "original": o, "spun": r["spun"],
                "candidate": want in wide, "ratio_candidate": want in cands,
                "found": bool(found), "exact": any(p[2].lower() == want for p in found),
                "hit": bool(hit), "hit_exact": any(p[2].lower() == want for p in hit),
                "suggested": sorted({p[2] for p in found} | {p[2] for p in hit}),
                "signals": sorted({p[3] for p in found}),
            })
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m workbench.spin.swap_audit")
    ap.add_argument("--root", type=Path, default=Path("."))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--show", action="store_true", help="print every swap")
    ap.add_argument("--no-suggest", action="store_true",
                    help="suggestions as before issue 16's third pass (suggest_signals = [])")
    args = ap.parse_args(argv)
    rows = audit(args.root, args.split, {"suggest_signals": []} if args.no_suggest else None)
    if args.show:
        for x in rows:
            print(f"{x['page']:8} {x['written']!r:28} => {x['original']!r:22} "
                  f"cand={int(x['candidate'])} found={int(x['found'])} exact={int(x['exact'])} "
                  f"hit={int(x['hit'])} hit_exact={int(x['hit_exact'])} "
                  f"sugg={x['suggested']} {x['signals']}")
    n = len(rows)
    single = [x for x in rows if " " not in x["written"] and " " not in x["original"]]

    def line(name, xs):
        k = max(len(xs), 1)
        found = sum(x["found"] for x in xs)
        print(f"{name}: {len(xs)} swaps; (a) original among the suggestion's candidates "
              f"{sum(x['candidate'] for x in xs)} ({sum(x['candidate'] for x in xs) / k:.2f}; "
              f"among the ratio's {sum(x['ratio_candidate'] for x in xs)}); (b) found as spans {found} "
              f"({found / k:.2f}); (c) exact suggestion {sum(x['exact'] for x in xs)} "
              f"(restored exactly {sum(x['exact'] for x in xs) / max(found, 1):.2f}); raw span "
              f"hits {sum(x['hit'] for x in xs)}, with the original {sum(x['hit_exact'] for x in xs)}")

    print(f"Real-web {args.split} spun pages, {n} gold swaps present in the text")
    line("all", rows)
    line("one word for one word", single)


if __name__ == "__main__":
    main()
