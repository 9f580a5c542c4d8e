"""Reports from spooled detail rows (as a run writes them) equal reports from in-memory rows."""

from __future__ import annotations

import copy
import json

import pandas as pd

from pipeline.article import Sentence, SpinSpan
from pipeline.report import write_reports
from pipeline.spool import DetailSpool, SpooledList


def test_spooled_articles_give_the_same_files(tmp_path, corpus, run_info):
    articles, errors = corpus
    write_reports(tmp_path / "memory", copy.deepcopy(articles), errors, run_info)
    with DetailSpool() as spool:
        spooled = copy.deepcopy(articles)
        for a in spooled:
            a.sentences = spool.put(a.sentences, Sentence)
            a.spin_spans = spool.put(a.spin_spans, SpinSpan)
        assert any(isinstance(a.sentences, SpooledList) for a in spooled)
        write_reports(tmp_path / "spooled", spooled, errors, run_info)
    names = sorted(p.name for p in (tmp_path / "memory").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "spooled").iterdir())
    for name in names:
        one, two = tmp_path / "memory" / name, tmp_path / "spooled" / name
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(one), pd.read_parquet(two))
        elif name == "run.json":   # equal but for how long the reports took
            a, b = ({k: v for k, v in json.loads(f.read_text(encoding="utf-8")).items()
                     if k != "step_seconds"} for f in (one, two))
            assert a == b
        else:
            assert one.read_bytes() == two.read_bytes(), name
