"""The spinner simulator: deterministic, honest spans, rates respected, robust to junk input."""

from __future__ import annotations

import re

import pytest

from workbench.spin.data import clean_articles, count_words, repair_glued, split_by_question
from workbench.spin.simulate import (
    EVAL_VARIANTS,
    TRAIN_VARIANTS,
    VARIANTS,
    SpunText,
    spin_text,
    variant_settings,
)

# Written for these tests: therapy-advice prose with names, citations and function phrases.
PROSE = (
    "According to the National Institutes of Health, many adults experience anxiety at some "
    "point in their lives. Research shows that the relationship between a therapist and a "
    "client matters more than the specific technique used in the session. Because of this, an "
    "experienced therapist builds mutual trust early, explains the goals of treatment and "
    "checks in regularly about progress. The American Psychological Association recommends "
    "that clients talk openly about what helps and what does not. In the first weeks, small "
    "changes in sleep, appetite and mood are common. Patients who feel heard tend to stay in "
    "therapy longer and report better outcomes (Miller & Okafor, 2018, Journal of Counseling "
    "Research). Honest feedback, shared decisions and a clear plan give people a sense of "
    "control over their recovery. Family members can support this work by listening without "
    "judging and by respecting the privacy of the sessions."
)

# The simulator's word: letters with inner apostrophes/hyphens (numbers are never spun).
WORD = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")


def restore(spun: SpunText) -> str:
    """Undo the spin using the spans: must give the original text back exactly."""
    out, pos = [], 0
    for start, end, original in spun.spans:
        out.append(spun.text[pos:start])
        out.append(original)
        pos = end
    out.append(spun.text[pos:])
    return "".join(out)


def test_variants_are_declared():
    assert set(TRAIN_VARIANTS) | set(EVAL_VARIANTS) == set(VARIANTS)
    assert EVAL_VARIANTS and len(TRAIN_VARIANTS) >= 5
    assert not set(TRAIN_VARIANTS) & set(EVAL_VARIANTS)


def test_eval_mechanisms_are_unused_in_training():
    train = set()
    for v in TRAIN_VARIANTS:
        s = variant_settings(v)
        train |= set(s["mechanisms"]) | {s["fill"]}
    for v in EVAL_VARIANTS:
        s = variant_settings(v)
        assert not (set(s["mechanisms"]) | {s["fill"]}) & train


def test_unknown_variant_and_bad_rate_are_errors():
    with pytest.raises(ValueError, match="unknown spinner variant"):
        spin_text(PROSE, 0.2, "no-such-spinner", 0)
    with pytest.raises(ValueError, match="rate"):
        spin_text(PROSE, 1.5, "moby_any", 0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_deterministic_for_a_seed(variant):
    a = spin_text(PROSE, 0.3, variant, 7)
    b = spin_text(PROSE, 0.3, variant, 7)
    assert (a.text, a.spans) == (b.text, b.spans)
    c = spin_text(PROSE, 0.3, variant, 8)
    assert c.text != a.text


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("rate", [0.05, 0.15, 0.3])
def test_spans_point_at_what_changed(variant, rate):
    spun = spin_text(PROSE, rate, variant, 3)
    assert spun.text != PROSE
    assert restore(spun) == PROSE
    last = -1
    for (start, end, original), kind in zip(spun.spans, spun.kinds, strict=True):
        assert last <= start < end <= len(spun.text)
        assert spun.text[start:end] != original
        assert original in PROSE and kind
        last = end


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("rate", [0.05, 0.15, 0.3, 0.4])
def test_rate_is_respected(variant, rate):
    spun = spin_text(PROSE, rate, variant, 11)
    assert spun.n_words == len(WORD.findall(PROSE))
    assert abs(spun.achieved_rate - rate) <= 0.05
    replaced = sum(len(WORD.findall(o)) for _, _, o in spun.spans)
    assert replaced == spun.words_replaced


def test_rate_zero_changes_nothing():
    spun = spin_text(PROSE, 0.0, "mixture", 0)
    assert spun.text == PROSE and spun.spans == []


def test_function_phrases_and_names_are_mangled():
    kinds = set()
    for seed in range(5):
        kinds |= set(spin_text(PROSE, 0.3, "mixture", seed).kinds)
    assert {"function", "entity"} <= kinds
    fn = spin_text(PROSE, 0.3, "function", 0)
    originals = {o.lower() for _, _, o in fn.spans}
    assert originals & {"according to", "because of", "in the", "more than", "about"}


def test_entity_variant_keeps_capitals_inside_names():
    spun = spin_text(PROSE, 0.3, "entity", 2)
    entity = [(spun.text[a:b], o) for (a, b, o), k in zip(spun.spans, spun.kinds, strict=True)
              if k == "entity"]
    assert entity
    assert sum(new[:1].isupper() for new, _ in entity) >= len(entity) - 1


def test_syntax_variant_leaves_spinner_syntax():
    found = False
    for seed in range(6):
        spun = spin_text(PROSE, 0.3, "syntax", seed)
        found |= any(re.search(r"[{}|]", spun.text[a:b]) for a, b, _ in spun.spans)
    assert found


def test_capitalisation_and_inflection_carried_over():
    text = "Therapists helped clients. Sessions were running late."
    changed = []
    for seed in range(10):
        spun = spin_text(text, 0.6, "moby_any", seed)
        changed += [(spun.text[a:b], o) for a, b, o in spun.spans]
    capital = [new for new, old in changed if old[:1].isupper()]
    assert capital and sum(w[:1].isupper() for w in capital) >= 0.7 * len(capital)
    plural = [new for new, old in changed if old in ("Therapists", "clients", "Sessions")]
    assert plural and sum(w.endswith("s") for w in plural) >= 0.6 * len(plural)


@pytest.mark.parametrize(
    ("text", "expected_words"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("?!.,;:…—()[]{}|" * 50, 0),
        ("🙂🙃🔥 💬 " * 100, 0),
        ("x" * 1_000_000, 1),
        ("ünïcödé wörds ωμέγα ✓ " * 20, None),
    ],
)
@pytest.mark.parametrize("variant", VARIANTS)
def test_hostile_input_does_not_crash(text, expected_words, variant):
    spun = spin_text(text, 0.3, variant, 0)
    assert restore(spun) == text
    if expected_words is not None:
        assert spun.n_words == expected_words


def test_one_megabyte_line_of_prose():
    line = (PROSE.replace("\n", " ") + " ") * (1_000_000 // len(PROSE) + 1)
    spun = spin_text(line, 0.15, "mixture", 0)
    assert len(line) >= 1_000_000
    assert restore(spun) == line
    assert abs(spun.achieved_rate - 0.15) <= 0.02


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("I agree.Next time it helps.", "I agree. Next time it helps."),
        ("It was 2019.The year after", "It was 2019. The year after"),
        ("Really?Yes!Good", "Really? Yes! Good"),
        ("I hadn't.The end", "I hadn't. The end"),
        ("See Dr. Ph.D and U.S.", "See Dr. Ph.D and U.S."),
        ("visit www.Example.org/Page.Html today", "visit www.Example.org/Page.Html today"),
        ("a  b\u00a0c\n\n\nd", "a b c\nd"),
        ("...!!!", "...!!!"),
    ],
)
def test_repair_glued(text, expected):
    assert repair_glued(text) == expected


def test_split_and_articles_from_a_tiny_frame():
    import pandas as pd

    rows = []
    for q in range(12):
        for k in range(3):
            words = " ".join(f"w{q}x{k}y{i}" for i in range(40)) + "."
            rows.append({"answer_id": len(rows), "questionID": q, "questionTitle": "t",
                         "topic": "alpha" if q % 2 else "beta", "answerText": words,
                         "words": 40})
    df = pd.DataFrame(rows)
    train, held = split_by_question(df, seed=1, held_out=0.25)
    assert set(train.questionID).isdisjoint(held.questionID)
    assert len(set(held.questionID)) == 3 and len(train) + len(held) == len(df)
    assert split_by_question(df, seed=1)[1].equals(held)
    arts = clean_articles(df, min_words=100, max_words=200, seed=0)
    assert len(arts) and (arts.words >= 100).all() and (arts.words <= 200).all()
    assert all(len(set(a.split("/")[0] for a in [x])) == 1 for x in arts.article_id)
    assert arts.apply(lambda r: count_words(r.text) == r.words, axis=1).all()


def test_counsel_chat_loading(shared):
    if not (shared / "data" / "counsel_chat_train.csv").is_file():
        pytest.skip(f"counsel-chat CSV not found under {shared}/data")
    from workbench.spin.data import load_counsel_chat

    df = load_counsel_chat(shared)
    assert len(df) > 1000 and df.answerText.is_unique
    glued = df.answerText.str.contains(r"[a-z]{2}\.[A-Z][a-z]", regex=True).mean()
    assert glued < 0.02
    train, held = split_by_question(df, seed=0)
    assert set(train.questionID).isdisjoint(held.questionID)
    arts = clean_articles(held)
    assert len(arts) >= 50 and arts.words.between(300, 1200).all()


def test_stray_braces_wrap_untouched_words():
    kinds_text = []
    for seed in range(4):
        spun = spin_text(PROSE, 0.15, "syntax", seed)
        kinds_text += [(spun.text[a:b], o) for (a, b, o), k in zip(spun.spans, spun.kinds,
                                                                   strict=True)
                       if k == "stray_braces"]
    assert kinds_text
    assert all(new == "{" + old + "}" for new, old in kinds_text)


def test_spin_many_is_deterministic_and_uses_training_variants():
    from workbench.spin.simulate import spin_many

    texts = [PROSE] * 12
    a = [(s.variant, s.rate, s.text) for s in spin_many(texts, seed=3)]
    b = [(s.variant, s.rate, s.text) for s in spin_many(texts, seed=3)]
    assert a == b and len(a) == 12
    assert {v for v, _, _ in a} <= set(TRAIN_VARIANTS) and len({v for v, _, _ in a}) > 2
    assert all(0.05 <= r <= 0.4 for _, r, _ in a)


def test_context_aware_variant_fits_its_neighbours_better():
    from workbench.spin.simulate import _bigrams

    bigrams = _bigrams()

    def fitting_share(variant):
        fit = total = 0
        for seed in range(4):
            spun = spin_text(PROSE, 0.15, variant, seed)
            for start, end, _ in spun.spans:
                left = WORD.findall(spun.text[max(0, start - 30) : start])
                new = WORD.findall(spun.text[start:end])
                if left and new:
                    total += 1
                    fit += (left[-1].lower(), new[0].lower()) in bigrams
        return fit / total

    assert fitting_share("roget_context") > fitting_share("roget_close") + 0.2


def test_wordnet_variant_draws_on_wordnet_synsets_the_detector_does_not_know():
    from pipeline.spin.reference import load_reference
    from workbench.spin.simulate import _wordnet

    groups, index = _wordnet()
    assert any("customer" in groups[g][1] for g in index["client"])
    assert all(groups[g][0] in {"noun", "verb", "adj", "adv"} for g in index["alliance"])
    spun = spin_text(PROSE, 0.3, "wordnet", 0)
    assert spun.spans and spun.achieved_rate >= 0.2
    # the swapped words are WordNet synset members (re-inflected like the word they replaced)
    wn_words = {w for g in groups for w in g[1]}

    def in_wordnet(w: str) -> bool:
        return any(form in wn_words for form in (w, w[:-1], w[:-2], w[:-3], w.split()[0]))

    new_words = [spun.text[a:b].lower() for a, b, _ in spun.spans]
    assert sum(map(in_wordnet, new_words)) >= 0.8 * len(new_words)
    # the detector's synonym table was not built from WordNet
    ref = load_reference()
    assert "wordnet" not in ref.meta["sources"]["thesaurus"].lower()
