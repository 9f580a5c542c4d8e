from __future__ import annotations

import numpy as np
import pytest

from pipeline.spin.signals import default_settings
from pipeline.spin.tokens import tokenize
from pipeline.spin.words import FEATURES, word_features


@pytest.mark.parametrize(
    ("text", "n_rows"),
    [("", 0), ("the of and", 0), ("The restorative alliance grew.", 3), ("🙂" * 100, 0)],
)
def test_word_features_shape(ref, text, n_rows):
    idx, X, sugg = word_features(tokenize(text), ref, default_settings())
    assert X.shape == (n_rows, len(FEATURES)) and len(idx) == len(sugg) == n_rows
    assert np.isfinite(X).all()


def test_spun_word_has_a_better_candidate(ref):
    toks = tokenize("The restorative alliance between client and therapist matters.")
    idx, X, sugg = word_features(toks, ref, default_settings())
    row = idx.index(1)
    assert X[row, FEATURES.index("best_delta")] > 1.0
    assert sugg[row] == "therapeutic"


@pytest.mark.parametrize(
    ("text", "word", "via_function", "suggestion"),
    [
        # only function words around it: their bigrams are the evidence ("I wonder if")
        ("Sometimes I marvel if it helps at all.", "marvel", 1.0, "wonder"),
        # a content neighbour is there: the search stays next to it
        ("The restorative alliance between client and therapist matters.", "restorative", 0.0,
         "therapeutic"),
    ],
)
def test_candidates_searched_next_to_function_words_only_when_needed(
        ref, text, word, via_function, suggestion):
    toks = tokenize(text)
    idx, X, sugg = word_features(toks, ref, default_settings())
    row = [toks[i].low for i in idx].index(word)
    assert X[row, FEATURES.index("near_function")] == via_function
    assert sugg[row] == suggestion



def test_memoised_contexts_give_the_features_of_a_cold_start(ref):
    """A (left, word, right) triple is computed once per process: a text read after others
    that share its triples gets exactly the rows a cold start gives it."""
    from pipeline.spin import words

    cfg = default_settings()
    first = "We set targets of remedy together, and the restorative alliance grows."
    second = ("Targets of remedy matter. TARGETS of remedy change; the restorative alliance "
              "holds and the restorative alliance grows.")
    words._STATS.clear()
    cold = word_features(tokenize(second), ref, cfg)
    words._STATS.clear()
    word_features(tokenize(first), ref, cfg)
    assert ("the", "restorative", "alliance") in words.stats_for(ref, cfg)._ctx
    warm = word_features(tokenize(second), ref, cfg)
    assert cold[0] == warm[0] and cold[2] == warm[2] and np.array_equal(cold[1], warm[1])
    # One triple, three places: its context columns agree, its position columns need not.
    toks = tokenize(second)
    rows = [k for k, i in enumerate(warm[0]) if toks[i].low == "targets"]
    start = FEATURES.index("sentence_start")
    assert [warm[1][k, start] for k in rows] == [1.0, 1.0]
    assert warm[2][rows[1]] in ("", warm[2][rows[1]].upper())   # case follows the token


def test_memo_tables_stay_bounded_and_a_reset_changes_no_feature(ref):
    """A corpus keeps bringing new word types; past ``word_memo_max`` entries the memo tables
    are emptied (memory stays flat) and the features come out as from a cold start."""
    from pipeline.spin import words

    text = "The therapist and the client set goals of therapy and review the tasks each week."
    names = ["".join("bcdfghjklmnpqrstvwxz"[int(d)] for d in f"{i:03d}") for i in range(60)]
    made_up = [f"The {n}ix client and the therapist met {n}ova on the {n}eth floor." for n in names]
    cfg = {**default_settings(), "word_memo_max": 200}
    words._STATS.clear()
    cold = word_features(tokenize(text), ref, cfg)
    sizes = []
    for other in made_up:
        word_features(tokenize(other), ref, cfg)
        st = words.stats_for(ref, cfg)
        sizes.append(sum(map(len, (st._p, st._cands, st._pair, st._tag, st._info, st._ctx))))
    assert max(sizes) < 200 + 100          # at most one text's entries past the bound
    assert min(sizes[-20:]) < max(sizes)   # ...because it was reset on the way
    warm = word_features(tokenize(text), ref, cfg)
    assert cold[0] == warm[0] and cold[2] == warm[2] and np.array_equal(cold[1], warm[1])
