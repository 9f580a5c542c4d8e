from __future__ import annotations

import pytest

from pipeline.spin.signals import registry
from pipeline.spin.signals.base import Signal


def test_every_signal_describes_itself_once():
    found = registry.signals()
    names = [s.name for s in found]
    assert len(set(names)) == len(names)
    assert [s.rank for s in found] == sorted(s.rank for s in found)
    assert all(s.label and s.style for s in found)
    assert {"word_model", "spinner_syntax", "article_mismatch", "fingerprint", "function_phrase",
            "entity"} <= set(names)


def test_readers_follow_the_registry():
    from pipeline.spin.explain import STYLES

    assert registry.styles() == STYLES
    assert set(registry.labels()) == {s.name for s in registry.signals()}
    assert registry.doc_features()[0] == "word_top_mean"  # the word scorer ranks first
    assert "word_model" not in {s.name for s in registry.rule_signals()}


@pytest.mark.parametrize("text", ["", "{Hostile|text} \x00 ÿ" * 3])
def test_analyse_reports_a_count_feature_per_rule_signal(ref, text):
    spans, feats = registry.analyse(text, ref=ref, oddity=False)
    for signal in registry.rule_signals():
        assert f"{signal.name}_per100" in feats
    assert {s["signal"] for s in spans} <= {s.name for s in registry.rule_signals()}


def test_a_new_signal_module_is_found(monkeypatch, tmp_path):
    """A module defining SIGNAL in the package is picked up; a clash of ranks is refused."""
    import pipeline.spin.signals as package

    (tmp_path / "probe_signal.py").write_text(
        "from pipeline.spin.signals.base import Signal\n"
        "SIGNAL = Signal(name='probe', rank=999, label='probe hits', style='bold',"
        " find=lambda text, cfg, ref, toks: ([], {}), doc_feature='probe_per100')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
    registry.signals.cache_clear()
    try:
        found = registry.signals()
        assert found[-1].name == "probe" and "probe_per100" in registry.doc_features()
        (tmp_path / "probe_clash.py").write_text(
            "from pipeline.spin.signals.base import Signal\n"
            "SIGNAL = Signal(name='clash', rank=999, label='x', style='bold', find=None)\n",
            encoding="utf-8",
        )
        registry.signals.cache_clear()
        with pytest.raises(ValueError, match="rank"):
            registry.signals()
    finally:
        monkeypatch.undo()
        registry.signals.cache_clear()
        import sys

        for name in ("probe_signal", "probe_clash"):
            sys.modules.pop(f"pipeline.spin.signals.{name}", None)


def test_signal_record_is_frozen():
    s = Signal(name="x", rank=1, label="l", style="s", find=None)
    with pytest.raises(AttributeError):
        s.name = "y"  # type: ignore[misc]
