"""Choose the combined verdict's thresholds on cached evidence (offline; prints a table).

The procedure behind ``model_weight`` / ``combined_threshold`` / ``model_alone_threshold`` in
spin.toml: the detector runs once over the light-spin cells (``evaluate_light``: held-out
counsel-chat articles spun at 5 and 10 swaps per 100 words by every evaluation-only spinner,
and the same clean articles), the hard negatives, the single clean answers, the clean ``dev``
pages of the real-web set (when ``ROOT/.realweb`` is present; ``test`` pages never) and the
demo corpus. Each text keeps its document ratio, word count and model probability, so the
verdict under any calibration (``llr_clean_mean`` / ``llr_clean_sd``) and thresholds is
recomputed without the detector. A setting is admissible when it flags no clean held-out
article, no hard negative, at most ``--max-answers`` single answers and at most as many clean
dev pages as the shipped settings do (``--max-dev`` to fix it), and keeps every clean demo
article at least ``--demo-margin`` below the combined threshold; among those the best mean
doc F1 at 5 swaps per 100 words wins (ties: the higher threshold).

``python -m workbench.spin.verdict_grid SHARED --root ROOT [--mean M --sd S]`` (M, S: the
calibration to apply, e.g. ``verdict_calibrate``'s output; default the shipped values).
"""

from __future__ import annotations

import argparse
import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The clean articles of the demo corpus (the other three are spun and must stay flagged).
DEMO_SPUN = ("know-you-can-belief-your-specialist", "agreeing-on-targets", "articles.jsonl#3")


@dataclass(frozen=True)
class Setting:
    weight: float
    threshold: float
    alone: float


def flags(llr: np.ndarray, n: np.ndarray, p: np.ndarray, mean: float, sd: float, s: Setting,
          min_words: int, min_z: float) -> tuple[np.ndarray, np.ndarray]:
    """(spun, combined) of every text under calibration ``mean``/``sd`` and setting ``s``
    (the rule of ``pipeline.spin.verdict.verdict_score``)."""
    nn = np.maximum(n, min_words).astype(float)
    z = (llr - nn * mean) / (sd * np.sqrt(nn))
    q = np.clip(p, 1e-6, 1.0 - 1e-6)
    comb = z + s.weight * np.log(q / (1.0 - q))
    spun = (comb >= s.threshold) | ((p >= s.alone) & (z >= min_z))
    return spun, comb


def f1(y: np.ndarray, pred: np.ndarray) -> float:
    """Document F1 of ``pred`` against ``y`` (0 when nothing is caught)."""
    from sklearn.metrics import f1_score

    return float(f1_score(y, pred, zero_division=0))


def evaluate(sets: dict[str, dict[str, np.ndarray]], mean: float, sd: float, s: Setting,
             min_words: int, min_z: float, dev_margin: float = 0.0) -> dict[str, Any]:
    """Per-cell F1 and the clean sets' flag counts of one setting. ``sets``: name ->
    {"llr", "n", "p", "y"} arrays (cells named ``variant@rate``; ``clean`` the clean articles,
    others ``hard``, ``answers``, ``dev``, ``demo``)."""
    out: dict[str, Any] = {}
    res = {k: flags(v["llr"], v["n"], v["p"], mean, sd, s, min_words, min_z)
           for k, v in sets.items()}
    clean_pred = res["clean"][0]
    for k, v in sets.items():
        if "@" in k:
            y = np.concatenate([np.zeros(len(clean_pred), int), v["y"]])
            out[k] = f1(y, np.concatenate([clean_pred, res[k][0]]))
    for k in ("clean", "hard", "answers", "dev"):
        if k in sets:
            out[k] = int(res[k][0].sum())
    if "dev" in sets:
        # Clean dev pages flagged or within ``dev_margin`` below the combined threshold.
        out["dev_near"] = int(np.sum(res["dev"][0] | (res["dev"][1] >= s.threshold - dev_margin)))
    if "demo" in sets:
        d = sets["demo"]
        clean = d["y"] == 0
        out["demo_clean_max"] = float(res["demo"][1][clean].max()) if clean.any() else -math.inf
        out["demo_spun_flagged"] = int(res["demo"][0][~clean].sum())
    five = [v for k, v in out.items() if k.endswith("@0.05")]
    out["mean5"] = float(np.mean(five)) if five else 0.0
    return out


def admissible(r: dict[str, Any], s: Setting, max_answers: int, max_dev: int,
               demo_margin: float, demo_spun: int, dev_margin: float = 0.0) -> bool:
    return (r.get("clean", 0) == 0 and r.get("hard", 0) == 0
            and r.get("answers", 0) <= max_answers and r.get("dev", 0) <= max_dev
            and r.get("dev_near", 0) <= max_dev
            and r.get("demo_clean_max", -math.inf) <= s.threshold - demo_margin
            and r.get("demo_spun_flagged", demo_spun) == demo_spun)


def choose(sets, mean, sd, grid, min_words, min_z, max_answers, max_dev, demo_margin,
           dev_margin=0.0):
    """The admissible setting of ``grid`` with the best mean 5% F1 (ties: higher threshold),
    with its results; (None, None) when none is admissible."""
    demo_spun = int(np.sum(sets["demo"]["y"] == 1)) if "demo" in sets else 0
    best = None
    for s in grid:
        r = evaluate(sets, mean, sd, s, min_words, min_z, dev_margin)
        if not admissible(r, s, max_answers, max_dev, demo_margin, demo_spun):
            continue
        key = (round(r["mean5"], 9), s.threshold)
        if best is None or key > best[0]:
            best = (key, s, r)
    return (best[1], best[2]) if best else (None, None)


# ---------------------------------------------------------------- the cache (runs the detector)


def _collect(detector, texts: list[str], batch: int = 32) -> dict[str, np.ndarray]:
    from pipeline.spin.tokens import tokenize

    llr, n, p = [], [], []
    for k in range(0, len(texts), batch):
        part = texts[k:k + batch]
        for t, x in zip(part, detector.detect_many(part), strict=True):
            llr.append(x["features"].get("span_llr", 0.0))
            p.append(x["features"].get("model_score", x["score"]))
            n.append(sum(1 for tok in tokenize(t) if tok.is_word))
    return {"llr": np.array(llr, float), "n": np.array(n, int), "p": np.array(p, float)}


def demo_texts(corpus: Path) -> list[tuple[str, str]]:
    """(article id, text) of the demo corpus as the pipeline ingests it."""
    from pipeline.article import Article
    from pipeline.config import load_settings
    from pipeline.ingest import read_corpus

    settings = load_settings()
    return [(a.article_id, a.text) for a in read_corpus(corpus, settings.ingest)
            if isinstance(a, Article) and a.text.strip()]


def build_sets(shared: Path, root: Path | None, n: int = 100,
               corpus: Path | None = None) -> dict[str, dict[str, np.ndarray]]:
    from pipeline.spin.detector import get_detector
    from workbench.spin.evaluate import build_eval_set, hard_negatives, held_out_answers
    from workbench.spin.evaluate_light import RATES
    from workbench.spin.simulate import EVAL_VARIANTS
    from workbench.spin.verdict_calibrate import realweb_pages

    d = get_detector()
    recs = build_eval_set(shared, rates=RATES, variants=EVAL_VARIANTS, n=n)
    groups: dict[str, list[str]] = {"clean": [r["text"] for r in recs if r["label"] == 0]}
    for r in recs:
        if r["label"] == 1:
            groups.setdefault(f"{r['variant']}@{r['rate']:.2f}", []).append(r["text"])
    groups["hard"] = [h["text"] for h in hard_negatives()]
    groups["answers"] = held_out_answers(shared, n=150)
    if root is not None:
        groups["dev"] = [t for _, _, t in realweb_pages(root, split="dev", spun=0)]
    sets = {}
    for k, texts in groups.items():
        if texts:
            sets[k] = _collect(d, texts)
            sets[k]["y"] = np.full(len(texts), 0 if "@" not in k else 1)
    if corpus is not None and corpus.is_dir():
        demo = demo_texts(corpus)
        sets["demo"] = _collect(d, [t for _, t in demo])
        sets["demo"]["y"] = np.array([int(any(s in i for s in DEMO_SPUN)) for i, _ in demo])
        sets["demo"]["ids"] = np.array([i for i, _ in demo])
    return sets


def main(argv: list[str] | None = None) -> None:
    from pipeline.config import SpinSettings

    ap = argparse.ArgumentParser(prog="python -m workbench.spin.verdict_grid")
    ap.add_argument("shared", type=Path)
    ap.add_argument("--root", type=Path, default=None,
                    help="folder holding .realweb/ and workbench/realweb/ (dev pages only)")
    ap.add_argument("--corpus", type=Path, default=Path("corpus"), help="the demo corpus")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--mean", type=float, default=None)
    ap.add_argument("--sd", type=float, default=None)
    ap.add_argument("--cache", type=Path, default=None,
                    help="pickle of the detector's values: read when present, else written "
                         "(valid only for the scoring it was made with)")
    ap.add_argument("--max-answers", type=int, default=1)
    ap.add_argument("--max-dev", type=int, default=None,
                    help="clean dev pages allowed (default: as many as the shipped settings flag)")
    ap.add_argument("--demo-margin", type=float, default=0.1)
    ap.add_argument("--dev-margin", type=float, default=0.05,
                    help="a clean dev page not flagged stays at least this below the threshold")
    ap.add_argument("--weights", default="1.25", help="model_weight values, comma-separated")
    ap.add_argument("--alone", default="0.7", help="model_alone_threshold values")
    ap.add_argument("--thresholds", default="3.0:4.3:0.05", help="combined_threshold lo:hi:step")
    args = ap.parse_args(argv)
    cfg = SpinSettings.defaults()
    mean = cfg.llr_clean_mean if args.mean is None else args.mean
    sd = cfg.llr_clean_sd if args.sd is None else args.sd
    mw, mz = int(cfg.norm_min_words), float(cfg.model_alone_min_z)
    if args.cache is not None and args.cache.is_file():
        with open(args.cache, "rb") as fh:
            sets = pickle.load(fh)
    else:
        sets = build_sets(args.shared, args.root, args.n, args.corpus)
        if args.cache is not None:
            with open(args.cache, "wb") as fh:
                pickle.dump(sets, fh)
    shipped = Setting(cfg.model_weight, cfg.combined_threshold, cfg.model_alone_threshold)
    base = evaluate(sets, mean, sd, shipped, mw, mz)
    max_dev = base.get("dev", 0) if args.max_dev is None else args.max_dev
    lo, hi, step = (float(x) for x in args.thresholds.split(":"))
    grid = [Setting(w, round(float(t), 4), a) for w in map(float, args.weights.split(","))
            for a in map(float, args.alone.split(","))
            for t in np.arange(lo, hi + step / 2, step)]
    cells = sorted(k for k in sets if "@" in k)
    print(f"calibration mean {mean:.5f} sd {sd:.5f}; clean dev pages allowed {max_dev}")
    print("| weight / threshold / alone | " + " | ".join(cells) + " | mean 5% | clean | hard | "
          "answers | dev | demo clean max |")
    print("|---" * (len(cells) + 7) + "|")
    for s in [shipped, *grid]:
        r = evaluate(sets, mean, sd, s, mw, mz, args.dev_margin)
        ok = admissible(r, s, args.max_answers, max_dev, args.demo_margin,
                        int(np.sum(sets["demo"]["y"] == 1)) if "demo" in sets else 0)
        print(f"| {s.weight:g} / {s.threshold:g} / {s.alone:g}{'' if ok else ' (x)'} | "
              + " | ".join(f"{r[c]:.3f}" for c in cells)
              + f" | {r['mean5']:.3f} | {r.get('clean', '-')} | {r.get('hard', '-')} | "
              f"{r.get('answers', '-')} | {r.get('dev', '-')} | {r.get('demo_clean_max', 0):.2f} |")
    s, r = choose(sets, mean, sd, grid, mw, mz, args.max_answers, max_dev, args.demo_margin,
                  args.dev_margin)
    print(f"\nchosen: {s} mean 5% F1 {r['mean5']:.3f}" if s else "\nno admissible setting")
    if s and "demo" in sets:
        _, comb = flags(sets["demo"]["llr"], sets["demo"]["n"], sets["demo"]["p"], mean, sd, s,
                        mw, mz)
        for i, c, y in sorted(zip(sets["demo"]["ids"], comb, sets["demo"]["y"], strict=True),
                              key=lambda x: -x[1])[:6]:
            print(f"demo {i}: combined {c:.2f} ({'spun' if y else 'clean'})")
    if s and "dev" in sets:
        _, comb = flags(sets["dev"]["llr"], sets["dev"]["n"], sets["dev"]["p"], mean, sd, s, mw, mz)
        top = np.sort(comb)[::-1][:4]
        print("closest clean dev pages (combined): " + ", ".join(f"{c:.2f}" for c in top))


if __name__ == "__main__":
    main()
