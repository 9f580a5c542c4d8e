"""Plain-language rule text (pipeline/explain_text.py, data in resources/report/rules.toml)."""

from __future__ import annotations

import pytest

from pipeline import explain_text as et


@pytest.mark.parametrize(("flag", "expected"), [
    ({"rule": "words", "value": 32, "threshold": 50, "op": "<"},
     "length: only 32 words; an article needs at least 50"),
    ({"rule": "top_2gram_char_frac", "value": 0.223, "threshold": 0.2, "op": ">"},
     "keyword stuffing: the most repeated two-word phrase is 22% of the text; "
     "real pages stay under 20%"),
    ({"rule": "site_words", "value": -5.78, "threshold": -3.5, "op": "<"},
     "short for this site: much shorter than this site's other articles (5.8 spreads below "
     "its typical length; the limit is 3.5)"),
    # Unknown rule: its id, value and limit; a bare id; a flag without a value.
    ({"rule": "new_rule", "value": 3, "threshold": 1, "op": ">"}, "new_rule: 3 > limit 1"),
    ("words", "length"),
    ({"rule": "words"}, "length"),
    ({"rule": "<script>", "value": "x", "threshold": None}, "<script>"),
    ({}, "?"),
])
def test_flag_sentence(flag, expected):
    assert et.flag_sentence(flag) == expected


def test_every_rule_has_a_name_and_a_sentence():
    for rule, spec in et.rules().items():
        assert spec["name"] and spec["about"], rule
        assert spec.get("below") or spec.get("above"), rule
        assert spec["unit"] in ("count", "share", "number", "z"), rule


def test_every_quality_rule_is_described():
    from pipeline.quality.rules import default_settings

    metrics = {k.split("_", 1)[1].split("__")[0] for k in default_settings()
               if k.startswith(("min_", "max_")) and not isinstance(default_settings()[k], str)}
    site = {f"site_{m}" for m in default_settings()["site_norm_metrics"]}
    assert metrics | site <= set(et.rules())


def test_flags_sentence_limit_and_empty():
    flags = [{"rule": "words", "value": 1, "threshold": 50, "op": "<"}] * 4
    assert et.flags_sentence(flags, 2).endswith("(+2 more)")
    assert et.flags_sentence([]) == ""
    assert et.flag_rules([{"rule": "a"}, "b"]) == ["a", "b"]


def test_glossary():
    rows = et.glossary(["words", "words", "unknown"])
    assert [r["rule"] for r in rows] == ["unknown", "words"]
    assert rows[1]["name"] == "length" and rows[0]["about"] == ""


def test_rules_with_one_plain_name_are_said_once():
    flags = [{"rule": f"top_{n}gram_char_frac", "value": 0.3, "threshold": 0.2, "op": ">"}
             for n in (2, 3)] + [{"rule": "words", "value": 10, "threshold": 50, "op": "<"}]
    text = et.flags_sentence(flags)
    assert text.count("keyword stuffing") == 1
    assert text.startswith("keyword stuffing: the most repeated two-word phrase is 30%")
    assert "; the most repeated three-word phrase" in text and text.endswith("needs at least 50")
