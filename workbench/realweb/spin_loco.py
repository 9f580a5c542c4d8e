"""Leave-one-collection-out estimate of the spin verdict on unseen real pages (issue 16).

Every real-web collection pass (``dev``, ``devc`` ... ``devk``, ``spun``, ``dvb`` ...) was gathered
with its own queries and hosts, so a collection left out is the closest thing dev has to unseen
pages. For each collection in turn, the verdict's limit is chosen on the *other* collections'
dev pages and applied to the held-out one:

- ``combined_threshold``: just above the highest combined evidence of a clean page of the other
  collections (``margin`` above it, rounded up to ``step``): no clean page there is flagged;
- with ``--weights``, ``model_weight`` too: each weight gets its threshold as above, and the one
  that flags the most spun pages of the other collections is taken (a tie: the shipped weight,
  then the lower weight).

The model-alone path (``model_alone_threshold``, ``model_alone_min_z``) stays as shipped. The
held-out collection's spun pages caught and clean pages flagged are summed over the folds: the
unseen-page estimate. The shipped limits applied to every page are printed beside it. Pages
alone (the detector on the stored text; the pipeline's duplicate finder can add spun verdicts).

``python -m workbench.realweb.spin_loco [--root ROOT] [--weights 0.75,1.0,1.25,1.5]
[--margin 0.05] [--step 0.05] [--skip devn]``. Only the dev split is read; blind collections
(``--skip``, default the one being gathered) are never read.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pipeline.spin.verdict import combined, verdict_score

# The collection being gathered blind in this stop: never read (devm, blind in stop 34, is dev data now).
BLIND: tuple[str, ...] = ("devn",)


@dataclass(frozen=True)
class Page:
    page_id: str
    coll: str
    spun: int
    z: float           # the thesaurus ratio's z-score (span_llr_z)
    model: float       # the document model's probability


def evidence(p: Page, weight: float) -> float:
    """The combined evidence (:func:`pipeline.spin.verdict.combined`) at this ``model_weight``."""
    return combined(p.z, p.model, SimpleNamespace(model_weight=weight))


def flagged(p: Page, weight: float, threshold: float, cfg: Any) -> bool:
    """The detector's verdict (:func:`pipeline.spin.verdict.verdict_score`) at this weight and
    threshold, the model-alone path as in ``cfg``."""
    at = cfg.model_copy(update={"model_weight": weight, "combined_threshold": threshold})
    return verdict_score(p.z, p.model, at) >= float(cfg.threshold)


def limit(pages: Sequence[Page], weight: float, margin: float, step: float) -> float:
    """The lowest threshold on the ``step`` grid at least ``margin`` above every clean page's
    combined evidence (``-inf`` pages ignored; no clean page: ``-inf``)."""
    top = max((evidence(p, weight) for p in pages if not p.spun),
              default=-math.inf)
    if top == -math.inf:
        return top
    return math.ceil(round((top + margin) / step, 9)) * step


def choose(pages: Sequence[Page], weights: Sequence[float], shipped_weight: float, cfg: Any,
           margin: float, step: float) -> tuple[float, float]:
    """(weight, threshold) chosen on ``pages``: per weight the :func:`limit`, then the weight
    whose limit flags the most spun pages (ties: the shipped weight, then the lower one)."""
    best: tuple[int, int, float, float, float] | None = None
    for w in weights:
        thr = limit(pages, w, margin, step)
        caught = sum(flagged(p, w, thr, cfg) for p in pages if p.spun)
        key = (caught, int(math.isclose(w, shipped_weight)), -w, w, thr)
        if best is None or key[:3] > best[:3]:
            best = key
    assert best is not None
    return best[3], best[4]


def loco(pages: Sequence[Page], weights: Sequence[float], cfg: Any, margin: float = 0.05,
         step: float = 0.05) -> dict[str, Any]:
    """Per held-out collection: the limits chosen on the others and its counts; ``total``: the
    sums over the folds; ``shipped``: the shipped limits on every page, per collection."""
    shipped_w, shipped_t = float(cfg.model_weight), float(cfg.combined_threshold)
    out: dict[str, Any] = {"folds": {}, "shipped": {}}
    tot = {"spun_caught": 0, "spun": 0, "clean_flagged": 0, "clean": 0}
    ship = dict.fromkeys(tot, 0)
    for coll in sorted({p.coll for p in pages}):
        held = [p for p in pages if p.coll == coll]
        rest = [p for p in pages if p.coll != coll]
        w, thr = choose(rest, weights, shipped_w, cfg, margin, step)
        fold = _counts(held, w, thr, cfg)
        out["folds"][coll] = {"weight": w, "threshold": round(thr, 4), **fold}
        out["shipped"][coll] = _counts(held, shipped_w, shipped_t, cfg)
        for k in tot:
            tot[k] += fold[k]
            ship[k] += out["shipped"][coll][k]
    out["total"], out["shipped_total"] = tot, ship
    return out


def _counts(pages: Sequence[Page], w: float, thr: float, cfg: Any) -> dict[str, Any]:
    spun = [p for p in pages if p.spun]
    clean = [p for p in pages if not p.spun]
    return {"spun_caught": sum(flagged(p, w, thr, cfg) for p in spun), "spun": len(spun),
            "clean_flagged": sum(flagged(p, w, thr, cfg) for p in clean), "clean": len(clean),
            "flagged_clean_ids": [p.page_id for p in clean if flagged(p, w, thr, cfg)]}


def dev_pages(root: Path, skip: Sequence[str] = BLIND) -> list[Page]:
    """Every stored dev page (never a ``skip`` collection) with the detector's verdict parts."""
    from pipeline.spin.detector import get_detector
    from workbench.realweb.evaluate import collection
    from workbench.spin.verdict_calibrate import realweb_pages

    rows = [(pid, lab, t) for pid, lab, t in realweb_pages(root, split="dev", spun=None)
            if collection(pid) not in set(skip)]
    det = get_detector()
    out = []
    for k in range(0, len(rows), 64):
        chunk = rows[k:k + 64]
        for (pid, lab, _), r in zip(chunk, det.detect_many([t for _, _, t in chunk]), strict=True):
            f = r["features"]
            out.append(Page(pid, collection(pid), int(lab), float(f.get("span_llr_z", 0.0)),
                            float(f.get("model_score", 0.0))))
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from pipeline.config import SpinSettings

    ap = argparse.ArgumentParser(prog="python -m workbench.realweb.spin_loco",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path("."))
    ap.add_argument("--weights", default="", help="model_weight grid (default: the shipped one)")
    ap.add_argument("--margin", type=float, default=0.05)
    ap.add_argument("--step", type=float, default=0.05)
    ap.add_argument("--skip", nargs="*", default=list(BLIND), help="blind collections, never read")
    args = ap.parse_args(argv)
    cfg = SpinSettings.defaults()
    weights = [float(x) for x in args.weights.split(",") if x] or [float(cfg.model_weight)]
    res = loco(dev_pages(args.root, args.skip), weights, cfg, args.margin, args.step)
    for coll, f in res["folds"].items():
        s = res["shipped"][coll]
        print(f"{coll:6s} held out: weight {f['weight']:g} threshold {f['threshold']:.2f}: spun "
              f"{f['spun_caught']}/{f['spun']}, clean flagged {f['clean_flagged']}/{f['clean']} "
              f"{f['flagged_clean_ids'] or ''} | shipped: spun {s['spun_caught']}/{s['spun']}, "
              f"clean flagged {s['clean_flagged']}/{s['clean']}")
    t, s = res["total"], res["shipped_total"]
    print(f"leave-one-collection-out: spun {t['spun_caught']}/{t['spun']}, clean flagged "
          f"{t['clean_flagged']}/{t['clean']} | shipped limits: spun {s['spun_caught']}/{s['spun']}, "
          f"clean flagged {s['clean_flagged']}/{s['clean']}")
    return res


if __name__ == "__main__":
    main()
