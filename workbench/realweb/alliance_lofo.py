"""Leave-one-FILE-out figures of the alliance labels: the estimate for an unseen collection.

For each real-web sentence file (``sentences_<tag>.csv``, dev split only), the classifier is
fitted without that file's rows (as ``ALLIANCE_HOLD_OUT=<tag> python -m workbench.alliance.train``
does: same features, thresholds tuned on the out-of-fold probabilities of the training rows,
decision mode ``union``), and the file is scored **as the component labels it** (the analysis
pipeline's own sentences, spin restoration, rules and model; each labelled sentence mapped to the
pipeline sentence it overlaps most, as ``workbench.realweb.evaluate`` does). Printed: P/R/F1 per
component and micro for each file, then the mean over the files and its spread (sd). A change is
worth keeping when it raises the mean micro-F1 by more than that spread.

``--modes`` also scores each held-out file with the rules alone (``rules``) or the model alone
(``model``); ``--drop-rules`` reruns the whole estimate with rules made feature-only (a rule
family ``label|`` prefix or ``label|rule`` names, comma-separated), so a rule that fires falsely
on several files can be weighed against leaving the label to the model.

    SHARED=../shared python -m workbench.realweb.alliance_lofo [--files devk,devi] [--modes union,rules]
        [--drop-rules "rupture_repair|rupture_word,goals|"] [--json out.json]

Reads the dev split only; the page text is read from ``.realweb/pages`` and never printed.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.alliance.rules import LABELS

SPLIT = "dev"


# --- scoring -----------------------------------------------------------------------------------

def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """:func:`workbench.realweb.evaluate.prf_counts` (unrounded, with the counts)."""
    from workbench.realweb.evaluate import prf_counts

    return prf_counts(tp, fp, fn)


def file_scores(gold: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, float]]:
    """P/R/F1 per component and micro of one file's (n, 4) gold and predicted labels."""
    out = {}
    tot = np.zeros(3, dtype=int)
    for j, lab in enumerate(LABELS):
        g, p = gold[:, j] == 1, pred[:, j] == 1
        cell = np.array([(g & p).sum(), (~g & p).sum(), (g & ~p).sum()], dtype=int)
        tot += cell
        out[lab] = prf(*map(int, cell))
    out["micro"] = prf(*map(int, tot))
    return out


def mean_over_files(per_file: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Mean and sd over the files of P, R and F1 per key; a component is averaged over the files
    where it has gold positives or predictions (a file without either says nothing about it)."""
    out = {}
    for key in (*LABELS, "micro"):
        cells = [f[key] for f in per_file.values() if f[key]["support"] or f[key]["predicted"]]
        if not cells:
            continue
        arr = np.array([[c["precision"], c["recall"], c["f1"]] for c in cells])
        out[key] = {"precision": float(arr[:, 0].mean()), "recall": float(arr[:, 1].mean()),
                    "f1": float(arr[:, 2].mean()), "f1_sd": float(arr[:, 2].std()),
                    "files": len(cells)}
    return out


# --- the pipeline's view of the labelled pages ---------------------------------------------------

def labelled_sentences(project_root: Path, tags: Iterable[str] | None = None) -> pd.DataFrame:
    """Dev rows of every ``sentences_<tag>.csv`` (column ``file`` = tag)."""
    from workbench.realweb.evaluate import load_sentences

    df = load_sentences(Path(project_root) / "workbench" / "realweb")
    df = df[df["split"] == SPLIT]
    if tags is not None:
        df = df[df["file"].isin(set(tags))]
    return df.reset_index(drop=True)


def page_records(texts: dict[str, str], page_ids: Iterable[str], settings: Any = None
                 ) -> tuple[Any, dict[str, list[dict[str, Any]]]]:
    """The component's sentence records (rule hits, gate, candidates) of each page, computed once:
    only the model and its thresholds change between the held-out runs."""
    from pipeline.config import load_settings
    from pipeline.nlp import build_nlp

    settings = settings or load_settings(None)
    nlp = build_nlp(settings)
    ex = nlp.get_pipe("alliance_components").extractor
    wanted = [p for p in dict.fromkeys(page_ids) if p in texts]
    recs = {}
    for pid, doc in zip(wanted, nlp.pipe(texts[p] for p in wanted), strict=True):
        spin = doc._.spin if doc.has_extension("spin") else None
        recs[pid] = ex.sentence_records(doc, spin, text=texts[pid])
    return ex, recs


def decide_file(ex: Any, recs: dict[str, list[dict[str, Any]]], sents: pd.DataFrame
                ) -> tuple[np.ndarray, list[dict[str, str]]]:
    """(n, 4) labels the extractor ``ex`` gives the labelled sentences (largest overlap), and
    each sentence's evidence (``rule NAME: words`` or ``model p=..`` per label)."""
    from workbench.realweb.evaluate import best_overlap

    for pid in dict.fromkeys(sents["page_id"]):
        ex.score(recs.get(pid, []))
    out = np.zeros((len(sents), len(LABELS)), dtype=int)
    evidence: list[dict[str, str]] = []
    for k, s in enumerate(sents.itertuples()):
        best = best_overlap(int(s.start), int(s.end), recs.get(s.page_id, []))
        labels, ev = ex.decide(best) if best is not None else ({}, {})
        out[k] = [labels.get(lab, 0) for lab in LABELS]
        evidence.append(ev)
    return out, evidence


def sources(gold: np.ndarray, pred: np.ndarray, evidence: list[dict[str, str]]
            ) -> dict[str, dict[str, int]]:
    """Per ``label source`` (``bond rule trust``, ``tasks model``): true and false positives."""
    from workbench.realweb.alliance_errors import source_of

    out: dict[str, dict[str, int]] = {}
    for k, ev in enumerate(evidence):
        for j, lab in enumerate(LABELS):
            if pred[k, j]:
                cell = out.setdefault(f"{lab} {source_of(ev.get(lab, ''))}", {"tp": 0, "fp": 0})
                cell["tp" if gold[k, j] else "fp"] += 1
    return out


# --- training without one file ---------------------------------------------------------------------

def rule_decisions(data: Any, feature_only: frozenset[str]) -> np.ndarray:
    """(n, 4) the rule layer's own labels of the prepared rows with ``feature_only`` rules."""
    out = np.zeros((len(data.hits), len(LABELS)), dtype=int)
    for i, hits in enumerate(data.hits):
        for h in hits:
            if f"{h.label}|{h.rule}" not in feature_only:
                out[i, LABELS.index(h.label)] = 1
    return out


def fit_without(data: Any, train_idx: np.ndarray, rule_names: list[str], rule_labels: np.ndarray,
                seed: int = 0, mode: str = "union", **options: Any) -> dict[str, Any]:
    """The bundle ``train`` would ship from ``train_idx``: fitted there, thresholds tuned on its
    own 5-fold grouped out-of-fold probabilities."""
    from sklearn.model_selection import GroupKFold

    from workbench.alliance.train import fit_bundle, predict, stage2_thresholds

    groups = data.frame["group"].to_numpy()[train_idx]
    oof = np.zeros((len(train_idx), len(LABELS)))
    for tr, te in GroupKFold(n_splits=5).split(train_idx, groups=groups):
        b = fit_bundle(data, train_idx[tr], rule_names, seed, **options)
        oof[te] = predict(b, data, train_idx[te])
    rules_before, data.rule_labels = data.rule_labels, rule_labels
    try:
        stage2, thr = stage2_thresholds(data, train_idx, oof, mode, seed, **options)
    finally:
        data.rule_labels = rules_before
    bundle = fit_bundle(data, train_idx, rule_names, seed, **options)
    bundle["stage2"] = stage2
    bundle["thresholds"] = dict(zip(LABELS, map(float, thr), strict=True))
    bundle["combine"] = mode
    return bundle


def file_masks(data: Any, sents: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per file tag, the prepared rows it labels (real-web rows by page and start)."""
    keys = list(zip(data.frame["doc"].astype(str), data.frame["start"].astype(int), strict=True))
    web = (data.frame["origin"] == "realweb").to_numpy()
    out = {}
    for tag, g in sents.groupby("file", sort=True):
        own = set(zip(g["page_id"].astype(str), g["start"].astype(int), strict=True))
        out[str(tag)] = web & np.array([k in own for k in keys], dtype=bool)
    return out


def extractor_for(base: Any, bundle: dict[str, Any], mode: str, feature_only: frozenset[str]) -> Any:
    """An extractor with ``base``'s rules and settings and ``bundle`` as its model."""
    from pipeline.alliance.extract import AllianceExtractor

    ex = AllianceExtractor(base.settings.model_dump() | {"combine": mode}, base.rules.vocab,
                           bundle=bundle, tokenizer=base.tokenizer)
    ex.rules.feature_only = feature_only
    return ex


def leave_one_file_out(data: Any, sents: pd.DataFrame, base: Any,
                       recs: dict[str, list[dict[str, Any]]], tags: list[str],
                       modes: tuple[str, ...] = ("union",), drop: frozenset[str] = frozenset(),
                       seed: int = 0, **options: Any) -> dict[str, dict[str, Any]]:
    """``{mode: {tag: file_scores}}`` of the model fitted without each file, on that file."""
    rule_names = base.rules.rule_names
    feature_only = frozenset(base.rules.feature_only) | drop
    rule_labels = rule_decisions(data, feature_only)
    masks = file_masks(data, sents)
    out: dict[str, dict[str, Any]] = {m: {} for m in modes}
    for tag in tags:
        train_idx = np.flatnonzero(~masks.get(tag, np.zeros(len(data.frame), dtype=bool)))
        bundle = fit_without(data, train_idx, rule_names, rule_labels, seed, **options)
        own = sents[sents["file"] == tag]
        gold = own[list(LABELS)].astype(int).to_numpy()
        for mode in modes:
            pred, ev = decide_file(extractor_for(base, bundle, mode, feature_only), recs, own)
            out[mode][tag] = {**file_scores(gold, pred), "sources": sources(gold, pred, ev)}
    return out


def expand_drop(spec: str, rule_names: list[str]) -> frozenset[str]:
    """``label|`` prefixes and ``label|rule`` names to the rule names they cover."""
    items = [s.strip() for s in spec.split(",") if s.strip()]
    return frozenset(n for n in rule_names for s in items
                     if n == s or (s.endswith("|") and n.startswith(s)))


def pooled(per_file: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """P/R/F1 per key over the held-out files' sentences pooled (each file scored by the model
    that never saw it)."""
    return {key: prf(*(sum(f[key][c] for f in per_file.values()) for c in ("tp", "fp", "fn")))
            for key in (*LABELS, "micro")}


def source_table(per_file: dict[str, dict[str, Any]]) -> list[tuple[str, int, int, int]]:
    """(label source, true positives, false positives, files with a false positive), most false
    positives first, over the held-out files."""
    rows: dict[str, list[int]] = {}
    for sc in per_file.values():
        for src, cell in sc.get("sources", {}).items():
            row = rows.setdefault(src, [0, 0, 0])
            row[0] += cell["tp"]
            row[1] += cell["fp"]
            row[2] += int(cell["fp"] > 0)
    return sorted(((k, *v) for k, v in rows.items()), key=lambda r: (-r[2], -r[1], r[0]))


def report(result: dict[str, dict[str, Any]], show_sources: bool = False) -> list[str]:
    lines = []
    for mode, per_file in result.items():
        for tag, sc in per_file.items():
            cells = "  ".join(f"{k} {sc[k]['precision']:.2f}/{sc[k]['recall']:.2f}/"
                              f"{sc[k]['f1']:.2f} ({sc[k]['support']})" for k in (*LABELS, "micro"))
            lines.append(f"{mode:6s} {tag:5s} {cells}")
        for key, m in mean_over_files(per_file).items():
            lines.append(f"{mode:6s} mean {key:15s} P {m['precision']:.3f}  R {m['recall']:.3f}  "
                         f"F1 {m['f1']:.3f} (sd {m['f1_sd']:.3f}, {m['files']} files)")
        for key, m in pooled(per_file).items():
            lines.append(f"{mode:6s} pooled {key:13s} P {m['precision']:.3f}  R {m['recall']:.3f}  "
                         f"F1 {m['f1']:.3f} ({m['support']} labels)")
        if show_sources:
            lines.append(f"{mode:6s} decisions by source over the held-out files: tp fp files-with-fp")
            lines += [f"{mode:6s}   {src:45s} {tp:4d} {fp:4d} {nf:2d}"
                      for src, tp, fp, nf in source_table(per_file)]
    return lines


def main(argv: list[str] | None = None) -> int:
    from workbench import PROJECT_ROOT, default_shared
    from workbench.alliance.train import prepare
    from workbench.realweb.evaluate import load_pages, read_folder

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", default="", help="comma-separated tags (default: every file)")
    ap.add_argument("--modes", default="union", help="union, rules, model (comma-separated)")
    ap.add_argument("--drop-rules", default="", help="rules made feature-only (label| or label|rule)")
    ap.add_argument("--shared", type=Path, default=default_shared())
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--sources", action="store_true",
                    help="count true and false positives by rule or model over the held-out files")
    args = ap.parse_args(argv)
    os.environ.pop("ALLIANCE_HOLD_OUT", None)  # every file is held out in turn here
    sents = labelled_sentences(PROJECT_ROOT)
    tags = [t for t in args.files.split(",") if t] or sorted(sents["file"].unique())
    folder = read_folder(load_pages())
    if not folder.texts:
        print("no stored pages: see workbench/realweb/README.md")
        return 1
    sents = sents[sents["page_id"].isin(folder.texts)]
    base, recs = page_records(folder.texts, sents[sents["file"].isin(tags)]["page_id"])
    data = prepare(args.shared, PROJECT_ROOT)
    drop = expand_drop(args.drop_rules, base.rules.rule_names)
    result = leave_one_file_out(data, sents, base, recs, tags,
                                tuple(m for m in args.modes.split(",") if m), drop)
    print("\n".join(report(result, args.sources)))
    if args.json:
        summary = {mode: {"files": per_file, "mean": mean_over_files(per_file),
                          "pooled": pooled(per_file)}
                   for mode, per_file in result.items()}
        args.json.write_text(json.dumps({"drop_rules": sorted(drop), **summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
