"""Word-level differences between duplicate copies (pipeline/report/diff.py)."""

from __future__ import annotations

from pipeline.report.diff import word_diff


def test_changed_words_are_marked():
    d = word_diff("trust grows slowly in therapy", "belief grows slowly in therapy")
    assert "<del>trust</del> <ins>belief</ins>" in str(d.html)
    assert d.changed_words == 1 and d.compared_words == 5 and not d.cut


def test_equal_runs_are_folded_and_text_is_escaped():
    same = " ".join(f"w{i}" for i in range(100))
    d = word_diff(f"<b>a</b> {same}", f"<script>x</script> {same}")
    html = str(d.html)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "same words" in html and "w50" not in html


def test_bounded_and_empty():
    d = word_diff("a " * 10_000, "b " * 10_000, max_words=50)
    assert d.cut and d.compared_words == 50
    assert str(word_diff("", "").html) == ""
    assert word_diff("", "new words").changed_words == 2
