"""Reports from spooled detail rows (as a run writes them) equal reports from in-memory rows."""

from __future__ import annotations

import copy

from pipeline.article import Sentence, SpinSpan
from pipeline.report import write_reports
from pipeline.spool import DetailSpool, SpooledList


def test_spooled_articles_give_the_same_files(tmp_path, corpus, run_info, same_reports):
    articles, errors = corpus
    write_reports(tmp_path / "memory", copy.deepcopy(articles), errors, run_info)
    with DetailSpool() as spool:
        spooled = copy.deepcopy(articles)
        for a in spooled:
            a.sentences = spool.put(a.sentences, Sentence)
            a.spin_spans = spool.put(a.spin_spans, SpinSpan)
        assert any(isinstance(a.sentences, SpooledList) for a in spooled)
        write_reports(tmp_path / "spooled", spooled, errors, run_info)
    same_reports(tmp_path / "memory", tmp_path / "spooled")
