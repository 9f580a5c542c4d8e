"""`make train` and `make evaluate`: dispatch to each stage's reproducible train/evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench import MODELS_DIR, PROJECT_ROOT

PARTS_TRAIN = ("spin", "alliance")
PARTS_EVAL = ("spin", "quality", "alliance", "realweb")


def _check_shared(shared: Path) -> Path:
    if not (shared / "data").is_dir():
        raise SystemExit(f"shared data not found at {shared}/data (set SHARED=...)")
    return shared


def train_all(shared: Path, only: str | None = None, seed: int = 0) -> dict[str, Any]:
    """Train the spin detector and the alliance classifier; returns their CV summaries."""
    shared = _check_shared(shared)
    results: dict[str, Any] = {}
    for part in PARTS_TRAIN if only is None else (only,):
        if part == "spin":
            from workbench.spin.train import train as train_spin

            results["spin"] = train_spin(shared, MODELS_DIR, seed=seed)
        elif part == "alliance":
            from workbench.alliance.train import train as train_alliance

            results["alliance"] = train_alliance(shared, PROJECT_ROOT, MODELS_DIR, seed=seed)
        else:
            raise SystemExit(f"unknown model '{part}' (spin or alliance)")
    return results


def seed_phrase_metrics(shared: Path) -> dict[str, Any]:
    """Phrase-level precision/recall of the evidence spans on the real spun seeds' gold."""
    from pipeline.config import load_settings
    from pipeline.spin.detector import detect
    from workbench.spin.evaluate import span_metrics
    from workbench.spin.gold import load_spin_gold

    gold = load_spin_gold(shared, PROJECT_ROOT)
    gold = gold[gold.origin == "seed"]
    settings = load_settings().spin.model_dump()
    out: dict[str, Any] = {}
    for doc, rows in sorted(gold.groupby("doc")):
        text = (shared / "seeds" / doc).read_text(encoding="utf-8")
        result = detect(text, settings)
        pred = [(s["start_char"], s["end_char"]) for s in result["spans"]]
        all_gold = list(zip(rows.start, rows.end, strict=True))
        high = rows[rows.confidence == "high"]
        out[doc] = {
            "spin_score": round(result["score"], 4),
            "spun": result["spun"],
            "all_gold": span_metrics(pred, all_gold),
            "high_confidence_gold": span_metrics(pred, list(zip(high.start, high.end, strict=True))),
        }
    return out


def evaluate_spin(shared: Path, n: int = 100) -> dict[str, Any]:
    """Held-out evaluation spinners at 15% and 30% on article-sized texts and on single
    answers (short texts), hard negatives, and the seeds' gold."""
    from pipeline.config import load_settings
    from pipeline.spin.detector import score_and_spans
    from workbench.spin.evaluate import evaluate_detector, format_report, held_out_answers

    threshold = float(load_settings().spin.model_dump().get("threshold", 0.5))
    result = evaluate_detector(score_and_spans, shared, n=n, threshold=threshold)
    from workbench.spin.data import count_words

    answers = held_out_answers(shared, n=150)
    lengths = [count_words(t) for t in answers] or [0]
    short = evaluate_detector(score_and_spans, None, n=len(answers), threshold=threshold,
                              clean_texts=answers)
    return {
        "report": "Articles (held-out counsel-chat questions joined per topic):\n\n"
        + format_report(result)
        + f"\n\nSingle held-out answers of {min(lengths)}-{max(lengths)} words (short texts):\n\n"
        + format_report(short),
        "seeds": seed_phrase_metrics(shared),
    }


def evaluate_all(shared: Path, only: str | None = None) -> dict[str, Any]:
    """Evaluate each part on data it was not tuned on; returns metric dicts."""
    shared = _check_shared(shared)
    results: dict[str, Any] = {}
    for part in PARTS_EVAL if only is None else (only,):
        if part == "spin":
            results["spin"] = evaluate_spin(shared)
        elif part == "quality":
            from workbench.quality.evaluate import evaluate as evaluate_quality

            results["quality"] = evaluate_quality(shared)
        elif part == "alliance":
            from workbench.alliance.train import evaluate as evaluate_alliance

            results["alliance"] = evaluate_alliance(shared, PROJECT_ROOT, MODELS_DIR)
        elif part == "realweb":
            from workbench.realweb.evaluate import evaluate as evaluate_realweb

            # Our labelled real web pages: the text is not in git (see workbench/realweb).
            results["realweb"] = evaluate_realweb()
        else:
            raise SystemExit(f"unknown part '{part}' (spin, quality, alliance or realweb)")
    return results
