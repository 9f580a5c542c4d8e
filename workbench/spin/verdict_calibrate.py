"""Calibrate the likelihood-ratio verdict on clean text (offline; prints the spin.toml keys).

Clean text: counsel-chat train answers joined into articles of several lengths, each featurised
against the reference *without its own topic fold* (``train.topic_folds``; a text's own bigrams
in the statistics would make it look cleaner than unseen text), plus the clean ``dev`` pages of
the real-web set when ``.realweb/`` is present (``test`` pages are never used here).
``python -m workbench.spin.verdict_calibrate SHARED [ROOT]`` (ROOT: the folder holding
``.realweb/`` and ``workbench/realweb/``, normally the repository).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.config import SpinSettings
from pipeline.spin import terms, verdict
from pipeline.spin.reference import load_reference
from pipeline.spin.signals import fingerprints
from pipeline.spin.spans import span_evidence
from pipeline.spin.thesaurus import load_thesaurus
from pipeline.spin.tokens import tokenize
from workbench.spin.reference import domain_counts, with_domain

SIZES = ((300, 1200), (150, 450), (100, 250))
FPR_QUANTILE = 0.995


def realweb_pages(root: Path, split: str | None = "dev", spun: int | None = 0) -> list[tuple[str, int, str]]:
    """(page_id, spun, text) of the stored real-web pages of ``split`` (None: all)."""
    manifest = root / "workbench" / "realweb"
    pages = root / ".realweb" / "pages"
    out = []
    for f in sorted(manifest.glob("pages_*.csv")):
        with open(f, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                p = pages / f"{row['page_id']}.txt"
                if not p.is_file() or (split and row["split"] != split):
                    continue
                if spun is not None and int(row["spun"] or 0) != spun:
                    continue
                out.append((row["page_id"], int(row["spun"] or 0), p.read_text(encoding="utf-8")))
    return out


def stat(text: str, ref, thes, cfg: dict[str, Any]) -> tuple[float, int]:
    """(document ratio, words) exactly as the detector computes them (spans, terms, acronyms,
    fingerprints)."""
    toks = tokenize(text)
    hits = span_evidence(toks, thes, ref, cfg)
    _, extra = terms.analyse(text, toks, thes, ref, cfg, len(fingerprints(text, cfg, toks)))
    return verdict.doc_llr(hits, cfg) + extra, sum(1 for t in toks if t.is_word)


def clean_values(shared: Path, cfg: dict[str, Any], realweb_root: Path | None = None,
                 per_size: int = 120) -> list[tuple[float, int]]:
    """(document ratio, words) of clean calibration texts (see the module docstring)."""
    from workbench.spin.data import SPLIT_SEED, clean_articles, load_counsel_chat, split_by_question
    from workbench.spin.train import FOLDS, topic_folds

    ref, thes = load_reference(), load_thesaurus()
    df = load_counsel_chat(shared)
    train, _ = split_by_question(df, SPLIT_SEED)
    full = domain_counts(train["answerText"])
    folds = topic_folds(train["topic"], FOLDS)
    values: list[tuple[float, int]] = []
    for f in range(FOLDS):
        part = train[train["topic"].map(folds) == f]
        ref_f = with_domain(ref, full.minus(domain_counts(part["answerText"])))
        for k, (lo, hi) in enumerate(SIZES):
            arts = clean_articles(part, min_words=lo, max_words=hi, seed=k + 1)
            arts = arts.sample(n=min(per_size // FOLDS, len(arts)), random_state=k)
            values += [stat(t, ref_f, thes, cfg) for t in arts["text"]]
    if realweb_root is not None:
        values += [stat(t, ref, thes, cfg) for _, _, t in realweb_pages(realweb_root)]
    return values


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(
        prog="python -m workbench.spin.verdict_calibrate",
        description="Calibrate the spin verdict's clean ratio (llr_clean_mean, llr_clean_sd) on "
                    "clean counsel-chat articles and, with ROOT, the clean real-web dev pages.")
    ap.add_argument("shared", nargs="?", type=Path, default=Path("../shared"),
                    help="the shared folder holding data/ (default ../shared)")
    ap.add_argument("root", nargs="?", type=Path, default=None,
                    help="folder holding .realweb/ and workbench/realweb/ (normally the repository)")
    args = ap.parse_args(argv)
    cfg = SpinSettings.defaults()
    values = clean_values(args.shared, cfg, args.root)
    mean, sd = verdict.calibrate(values, cfg.norm_min_words)
    cfg = cfg.model_copy(update={"llr_clean_mean": mean, "llr_clean_sd": sd})
    z = np.array([verdict.llr_z(v, n, cfg) for v, n in values])
    out = {"llr_clean_mean": round(mean, 5), "llr_clean_sd": round(sd, 5),
           "z_q995": round(float(np.quantile(z, FPR_QUANTILE)), 2), "z_max": round(float(z.max()), 2),
           "n_texts": len(values)}
    print(out)
    return out


if __name__ == "__main__":
    main()
