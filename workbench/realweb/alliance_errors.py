"""Alliance label errors on the real-web sentences, by the source of the decision.

Lists false positives (with the rule or model evidence that set the label) and false negatives
(with the model probability when the sentence was scored), and counts them per source, so that
causes that generalise can be fixed in the rules, the gate or the training data. Dev only by
default: tuning reads no test sentence. The sentence text is printed from the stored page
(``.realweb/pages``) and never written to the repository.

    python -m workbench.realweb.alliance_errors [--split dev] [--label tasks] [--limit 40]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.realweb.evaluate import (
    COMPONENTS,
    best_overlap,
    load_pages,
    load_sentences,
    read_folder,
)


def source_of(evidence: str) -> str:
    """``rule NAME`` or ``model`` from one evidence string (``""`` when none)."""
    if not evidence:
        return ""
    if evidence.startswith("model"):
        return "model"
    if evidence.startswith("rule "):
        head = evidence[len("rule "):].split(":", 1)[0].strip()
        return f"rule {head}"
    return evidence.split(":", 1)[0]


def predict_with_proba(texts: dict[str, str], sentences: pd.DataFrame,
                       settings: Any = None) -> pd.DataFrame:
    """Per labelled sentence: predicted labels, evidence, gate and model probabilities."""
    from pipeline.config import load_settings
    from pipeline.nlp import build_nlp

    settings = settings or load_settings(None)
    nlp = build_nlp(settings)
    ex = nlp.get_pipe("alliance_components").extractor
    wanted = [p for p in dict.fromkeys(sentences.page_id) if p in texts]
    rows = []
    for pid in wanted:
        doc = nlp(texts[pid])
        spin = doc._.spin
        recs = ex.sentence_records(doc, spin, text=texts[pid])
        ex.score(recs)
        for s in sentences[sentences.page_id == pid].itertuples():
            best = best_overlap(int(s.start), int(s.end), recs)
            labels, evidence = ex.decide(best) if best is not None else ({}, {})
            proba = (best or {}).get("proba") or {}
            rows.append({"sent_id": s.sent_id, "gate": bool((best or {}).get("gate")),
                         "candidate": bool((best or {}).get("candidate")),
                         **{f"pred_{c}": int(labels.get(c, 0)) for c in COMPONENTS},
                         **{f"p_{c}": round(float(proba.get(c, -1.0)), 2) for c in COMPONENTS},
                         "evidence": json.dumps(evidence, sort_keys=True)})
    return pd.DataFrame(rows)


def errors(pred: pd.DataFrame, sentences: pd.DataFrame, texts: dict[str, str]) -> list[dict[str, Any]]:
    """One row per (sentence, label) error: kind fp/fn, source, probability, text."""
    df = sentences.merge(pred, on="sent_id", how="inner")
    out = []
    for r in df.itertuples():
        ev = json.loads(r.evidence)
        text = texts.get(r.page_id, "")[int(r.start):int(r.end)].replace("\n", " ")
        for c in COMPONENTS:
            gold, got = int(getattr(r, c)) == 1, int(getattr(r, f"pred_{c}")) == 1
            if gold == got:
                continue
            if got:
                src = source_of(ev.get(c, ""))
            elif not r.gate and not r.candidate:  # a tasks-only sentence is a candidate
                src = "gate closed"
            elif not r.candidate:
                src = "not a candidate"
            else:
                src = "model below threshold"
            out.append({"kind": "fp" if got else "fn", "label": c, "source": src,
                        "p": getattr(r, f"p_{c}"), "sent_id": r.sent_id, "page_id": r.page_id,
                        "gold_kind": getattr(r, "kind", ""), "text": text})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--label", default=None, choices=COMPONENTS)
    ap.add_argument("--limit", type=int, default=60, help="rows printed per kind")
    ap.add_argument("--root", type=Path, default=None, help="folder holding pages/ (default .realweb)")
    args = ap.parse_args(argv)
    folder = read_folder(load_pages(), args.root)
    if not folder.texts:
        print("no stored pages: see workbench/realweb/README.md")
        return 1
    sentences = load_sentences()
    sentences = sentences[sentences.split == args.split]
    pred = predict_with_proba(folder.texts, sentences)
    errs = [e for e in errors(pred, sentences, folder.texts) if args.label in (None, e["label"])]
    print(f"{args.split}: {len(pred)} sentences scored, {len(errs)} label errors")
    for kind in ("fp", "fn"):
        rows = [e for e in errs if e["kind"] == kind]
        counts = Counter((e["label"], e["source"]) for e in rows)
        print(f"\n== {kind}: {len(rows)} by label and source")
        for (lab, src), n in counts.most_common():
            print(f"  {n:3d}  {lab:15s} {src}")
        for e in rows[:args.limit]:
            print(f"  [{e['label']} | {e['source']} | p={e['p']}] {e['sent_id']} ({e['gold_kind']}): "
                  f"{e['text'][:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
