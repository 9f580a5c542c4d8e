"""The record type's helpers (pipeline/article.py)."""

from __future__ import annotations

import json

import pytest

from pipeline.article import load_fields


@pytest.mark.parametrize("text", [
    "{}", "[]", '""', "null",
    '{"quality": {"score": 0.5, "metrics": {"words": 3}}, "spin": {"score": 1, "score2": [1, {"a": null}]}}',
    '{"dup": 1, "dup": 2}',
    '{"\\u202e<script>": "\\ud800"}',
])
def test_load_fields_equals_json_loads(text):
    assert load_fields(text) == json.loads(text)


def test_load_fields_shares_keys_between_records():
    one = load_fields(b'{"metrics": {"mean_word_length": 4.2}}')
    two = load_fields('{"metrics": {"mean_word_length": 3.9}}')
    assert next(iter(one)) is next(iter(two))
    assert next(iter(one["metrics"])) is next(iter(two["metrics"]))


def test_load_fields_rejects_what_json_rejects():
    with pytest.raises(ValueError):
        load_fields("{broken")
