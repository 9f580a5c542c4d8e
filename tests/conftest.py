"""Shared test helpers: where ../shared is, and a tiny corpus written by us."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fail_analysis_of(monkeypatch: pytest.MonkeyPatch):
    """``fail_analysis_of(marker, exc)``: the analysis step raises ``exc`` for every article
    whose text contains ``marker`` (as a component that breaks on one input would)."""
    from pipeline import analysis

    real = analysis.fill_from_doc

    def install(marker: str, exc: Exception) -> None:
        def fill(article, doc):
            if marker in article.text:
                raise exc
            return real(article, doc)

        monkeypatch.setattr(analysis, "fill_from_doc", fill)

    return install


def shared_dir() -> Path:
    return (ROOT / os.environ.get("SHARED", "../shared")).resolve()


@pytest.fixture
def shared() -> Path:
    path = shared_dir()
    if not (path / "seeds").is_dir():
        pytest.skip(f"shared reference data not found at {path} (set SHARED=...)")
    return path


TINY_ARTICLES = {
    "goodsite.example/trust.txt": (
        "Building trust with your therapist\n\n"
        "It can take a few sessions before you feel safe enough to talk openly with your "
        "therapist. A good counsellor listens closely and helps you feel understood rather than "
        "judged. Early on, agree with your therapist on what you want to change, and review "
        "those goals together every few weeks.\n\n"
        "If an exercise your therapist suggests makes no sense to you, say so. A skilled "
        "clinician will explain why it might help or adapt the homework so it suits you. When "
        "something said in a session upsets you, raise it at the next appointment; talking it "
        "through often strengthens the working relationship."
    ),
    "goodsite.example/feed.jsonl": (
        '{"url": "https://goodsite.example/first-session", "title": "Your first session", '
        '"text": "Your first therapy session is mostly about getting to know each other. The '
        'therapist will ask what brings you in and what you hope will be different. You can '
        'ask about their approach, how long sessions last and how progress will be reviewed."}\n'
        "{this line is broken json\n"
    ),
    "othersite.example/page.html": (
        "<html><head><title>When therapy feels stuck</title></head><body><nav>Home | Blog</nav>"
        "<article><h1>When therapy feels stuck</h1><p>Sometimes clients feel that therapy has "
        "stalled. It helps to tell your therapist honestly that the sessions feel stuck, and to "
        "look together at whether the goals still fit.</p><p>Many therapists welcome this kind "
        "of feedback, because it gives both of you a chance to adjust the plan and repair any "
        "strain in the relationship.</p></article><footer>Copyright</footer></body></html>"
    ),
    "othersite.example/empty.txt": "",
    "othersite.example/picture.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for rel, content in TINY_ARTICLES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode("latin-1") if rel.endswith(".png") else content.encode())
    return root
