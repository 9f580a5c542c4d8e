"""The full-page labels' sentence spans (``workbench.realweb.segment``): the pipeline's own
sentences, trimmed, those without a letter dropped; on the stored pages (when present) they are
exactly the offsets of the full-page labels files."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import PROJECT_ROOT
from workbench.realweb.alliance_data import REALWEB_LABELS, realweb_pages
from workbench.realweb.segment import page_sentences


def test_spans_are_trimmed_and_need_a_letter():
    text = ("Ending therapy\n\nYour counsellor will review your goals with you.  1.)\n"
            "We talk about what you want to change.")
    (spans,) = page_sentences([text])
    assert spans, "no sentence found"
    for a, b in spans:
        assert text[a:b] == text[a:b].strip() and any(ch.isalpha() for ch in text[a:b])
    assert all(text[a:b] != "1.)" for a, b in spans)
    assert any(text[a:b].startswith("We talk about") for a, b in spans)


@pytest.mark.parametrize("tag", ["lb", "deve"])
def test_full_page_labels_are_the_pipeline_sentences(tag):
    labels = PROJECT_ROOT / REALWEB_LABELS / f"sentences_{tag}.csv"
    folder = realweb_pages(PROJECT_ROOT)
    df = pd.read_csv(labels, dtype={"page_id": str})
    pages = [p for p in dict.fromkeys(df.page_id) if (folder / f"{p}.txt").is_file()][:5]
    if not pages:
        pytest.skip("the stored real-web pages (.realweb/) are not here")
    texts = [(folder / f"{p}.txt").read_bytes().decode("utf-8") for p in pages]
    for page_id, spans in zip(pages, page_sentences(texts), strict=True):
        rows = df[df.page_id == page_id]
        assert sorted(zip(rows.start, rows.end, strict=True)) == spans, page_id
