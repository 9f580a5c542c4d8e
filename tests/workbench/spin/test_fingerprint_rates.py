"""Per-phrase counts behind the fingerprint table's clean rates (workbench/spin/fingerprint_rates)."""

from workbench.spin.fingerprint_rates import count_hits, phrase_table


def test_counts_hits_documents_and_words(tmp_path):
    table_file = tmp_path / "t.tsv"
    table_file.write_text("# comment\nremedy periods\ttherapy sessions\nthis # months\tthis year\n",
                          encoding="utf-8")
    table = phrase_table(table_file)
    assert table == {2: {"remedy periods": "therapy sessions"}, 3: {"this # months": "this year"}}
    hits, docs, words, any_hit = count_hits(
        ["Two remedy periods, then remedy periods again.", "Plain text here.", ""], table)
    assert hits == {"remedy periods": 2}
    assert docs == {"remedy periods": 1}
    assert words == 10 and any_hit == 1


def test_the_shipped_table_loads_with_number_slots():
    table = phrase_table(None)
    assert "this # months" in table[3]
