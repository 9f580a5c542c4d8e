"""The likelihood-ratio calibration on clean text (workbench/spin/verdict_calibrate.py)."""

from __future__ import annotations

import pytest

from pipeline.config import SpinSettings
from pipeline.spin.reference import load_reference
from pipeline.spin.thesaurus import load_thesaurus
from pipeline.spin.tokens import tokenize
from workbench.spin import verdict_calibrate


@pytest.mark.parametrize(("text", "words"), [
    ("", 0),
    ("The client and the therapist agree on goals.", 8),
])
def test_stat_counts_words_and_has_no_evidence_on_plain_text(text, words):
    cfg = SpinSettings.defaults()
    llr, n = verdict_calibrate.stat(text, load_reference(), load_thesaurus(), cfg)
    assert n == words == sum(1 for t in tokenize(text) if t.is_word)
    assert llr >= 0.0


def test_realweb_pages_of_an_empty_root(tmp_path):
    assert verdict_calibrate.realweb_pages(tmp_path) == []


def test_clean_values_run_per_topic_fold(shared):
    # Regression: the per-fold reference is built with workbench.spin.reference.with_domain.
    values = verdict_calibrate.clean_values(shared, SpinSettings.defaults(), per_size=5)
    assert values and all(n > 0 and llr >= 0.0 for llr, n in values)


def test_help_describes_the_arguments(capsys):
    # Regression: "--help" was taken for the shared folder and failed with FileNotFoundError.
    with pytest.raises(SystemExit) as exit_info:
        verdict_calibrate.main(["--help"])
    assert exit_info.value.code == 0
    assert "llr_clean_mean" in capsys.readouterr().out
