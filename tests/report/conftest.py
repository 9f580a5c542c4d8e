"""A tiny hand-written corpus of analysed articles (no other stage needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline import audit
from pipeline.article import Article, IngestError, Sentence, SpinSpan
from pipeline.audit import decide
from pipeline.config import load_settings
from pipeline.dedup import find_duplicates

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'

TRUST = ("Trust with your counsellor grows slowly over the first sessions. "
         "Tell your counsellor what you hope will change by the end of the year. "
         "Ask why an exercise is suggested before you agree to try it at home. "
         "If a remark in session stung, raise it the next time you meet.")
SPUN = ("Belief with your counsellor grows slowly over the first periods. "
        "Tell your counsellor what you hope will change by the end of the year. "
        "Ask why an train is suggested before you agree to try it at home. "
        "If a remark within the session stung, raise it the next time you meet.")
PLAIN = ("Sleep matters for mood, and a regular bedtime helps most people feel steadier. "
         "Short walks in daylight and fewer late screens are simple places to start, "
         "and a diary of sleep and mood shows what changes over a few weeks.")
SOLO = ("Your counsellor ought to make clear why a sleep journal is usual. If the homework "
        "makes no feel to you, say so; a great counsellor will adapt it within the subsequent "
        "assembly and the two of you choose the tempo collectively.")
HOMEWORK = ("Homework between sessions can feel like school. Worksheets, thought records and "
            "small experiments are ways to practise, and a therapist can tell you why each one "
            "is used.")


@pytest.fixture(autouse=True)
def _no_verdict_module(monkeypatch):
    # The fixture's quality values are final: do not let the quality stage's verdict recompute.
    monkeypatch.setattr(audit, "_verdict_function", lambda: None)


def _sentences(text: str, labels: list[dict]) -> list[Sentence]:
    out, start = [], 0
    for i, part in enumerate(text.split(". ")):
        end = start + len(part) + (1 if i < len(labels) - 1 else 0)
        lab = labels[i] if i < len(labels) else {}
        out.append(Sentence(index=i, start_char=start, end_char=end, text=text[start:end],
                            labels=lab, evidence={k: f"rule TEST: {k}" for k, v in lab.items() if v}))
        start = end + 1
    return out


def _article(aid: str, source: str, text: str, *, title: str = "", quality: float = 0.8,
             low: bool = False, spin: float = 0.05, spun: bool = False, spans=(),
             counts=None, language: str = "en", flags=(), url: str = "") -> Article:
    counts = counts or {"bond": 1, "goals": 1, "tasks": 1, "rupture_repair": 1}
    labels = [{"bond": 1}, {"goals": 1}, {"tasks": 1}, {"rupture_repair": 1}]
    return Article(
        article_id=aid, path=aid, source=source, text=text, url=url or f"https://{source}/{aid}",
        title=title or aid.split("/")[-1], language=language, words=len(text.split()),
        applicable=language == "en",
        not_applicable_reason="" if language == "en" else f"language '{language}' is not analysed",
        quality={"score": quality, "low_quality": low,
                 "flags": [{"rule": f, "value": 1.0, "threshold": 0.5, "op": ">", "message": f}
                           for f in flags]},
        spin={"score": spin, "spun": spun, "applicable": True, "reasons": ["test reason"] if spun else [],
              "features": {}},
        spin_spans=list(spans),
        alliance={"applicable": True, "counts": counts, "elements": {"empathy": 1},
                  "citations": [], "citations_count": 0},
        sentences=_sentences(text, labels) if language == "en" else [],
    )


@pytest.fixture
def corpus() -> tuple[list[Article], list[IngestError]]:
    spans = [SpinSpan(0, 6, "Belief", "Trust", "collocation", 0.9),
             SpinSpan(SPUN.index("periods"), SPUN.index("periods") + 7, "periods", "sessions",
                      "collocation", 0.7),
             SpinSpan(SPUN.index("within the"), SPUN.index("within the") + 10, "within the",
                      "in the", "function_phrase", 0.6)]
    articles = [
        _article("alpha/trust.html", "alpha.example", TRUST, title="Trust in therapy"),
        _article("alpha/trust_copy.html", "alpha.example", TRUST + " Thanks for reading.",
                 title="Trust in therapy (copy)"),
        _article("beta/spun.html", "beta.example", SPUN, title="Belief in remedy", spin=0.93,
                 spun=True, spans=spans),
        _article("beta/solo.html", "beta.example", SOLO, title="Homework & the \"tempo\"",
                 spin=0.81, spun=True,
                 spans=[SpinSpan(SOLO.index("usual"), SOLO.index("usual") + 5, "usual",
                                 "used", "collocation", 0.8),
                        SpinSpan(SOLO.index("makes no feel"), SOLO.index("makes no feel") + 13,
                                 "makes no feel", "makes no sense", "collocation", 0.9),
                        SpinSpan(SOLO.index("assembly"), SOLO.index("assembly") + 8,
                                 "assembly", "session", "domain_lexicon", 0.7)],
                 counts={"bond": 0, "goals": 0, "tasks": 2, "rupture_repair": 1}),
        _article("beta/sleep.html", "beta.example", PLAIN, title="Sleep and mood", quality=0.2,
                 low=True, flags=("short", "no_headings", "repetition", "boilerplate"),
                 counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0}),
        # Low quality, so that the hostile title is listed among the articles to fix.
        _article("gamma/hostile.html", "gamma.example", HOMEWORK,
                 title=HOSTILE, quality=0.45, low=True, flags=("short",),
                 counts={"bond": 0, "goals": 0, "tasks": 1, "rupture_repair": 0}),
        _article("gamma/formula.html", "gamma.example", HOMEWORK + " " + PLAIN,
                 title="=SUM(1,2)", url="javascript:alert(1)", quality=0.7),
        _article("gamma/de.html", "gamma.example", "Vertrauen braucht Zeit in der Therapie.",
                 language="de", counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0}),
    ]
    settings = load_settings()
    find_duplicates(articles, settings.dedup)
    for a in articles:
        a.action, a.action_reason = decide(a, settings.audit)
    errors = [IngestError("broken.pdf", "unsupported format: .pdf"),
              IngestError("feed.jsonl#3", "invalid JSON on line 3")]
    return articles, errors


@pytest.fixture
def hostile() -> str:
    return HOSTILE


@pytest.fixture
def run_info() -> dict:
    settings = load_settings()
    return {"config": settings.model_dump(mode="json"), "config_digest": settings.digest(),
            "versions": {"alliance-audit": "0.1.0", "spacy": "3.8.18"}, "corpus": "corpus",
            "counts": {"files": 8, "articles": 6, "errors": 2},
            "started": "2026-01-01T00:00:00+00:00", "seconds": 1.5}


def _assert_same_reports(one: Path, two: Path, skip_bytes: tuple[str, ...] = ()) -> None:
    """The two report folders hold the same files: equal Parquet frames, equal run.json but for
    how long the steps took, byte-identical otherwise (except the names in ``skip_bytes``)."""
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        a, b = one / name, two / name
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
        elif name == "run.json":
            x, y = ({k: v for k, v in json.loads(f.read_text(encoding="utf-8")).items()
                     if k != "step_seconds"} for f in (a, b))
            assert x == y
        elif name not in skip_bytes:
            assert a.read_bytes() == b.read_bytes(), name


@pytest.fixture
def same_reports():
    """:func:`_assert_same_reports`, for tests that write one corpus's reports two ways."""
    return _assert_same_reports
