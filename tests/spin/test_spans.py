"""Span evidence: likelihood ratios of thesaurus swaps (pipeline/spin/spans.py)."""

from __future__ import annotations

import math

import pytest

from pipeline.config import SpinSettings
from pipeline.spin import spans
from pipeline.spin.spans import _variant, fixed_phrases, function_phrase, respelt, span_evidence
from pipeline.spin.tokens import tokenize


def _hits(text, thes, ref):
    toks = tokenize(text)
    return {text[toks[h.i].start:toks[h.j].end]: h for h in span_evidence(toks, thes, ref, SpinSettings.defaults())}


def test_multiword_swap_is_one_span_with_its_original(thes, ref):
    hits = _hits("It takes a long fourth dimension to heal.", thes, ref)
    assert "fourth dimension" in hits
    assert hits["fourth dimension"].original == "time"
    assert hits["fourth dimension"].log_lr > math.log(10)


def test_the_plain_wording_is_not_evidence(thes, ref):
    assert "time" not in _hits("It takes a long time to heal.", thes, ref)


def test_fixed_terms_are_never_spans(thes, ref):
    assert "world health organization" in fixed_phrases()
    hits = _hits("She read the table of contents of the report.", thes, ref)
    assert not any(k in ("table of contents", "table", "contents") for k in hits)


def test_names_inside_a_sentence_are_skipped(thes, ref):
    assert "Fourth Dimension" not in _hits("We met at the Fourth Dimension cafe.", thes, ref)


def test_spans_do_not_overlap(thes, ref):
    toks = tokenize("For a long fourth dimension on that point was hope.")
    hits = span_evidence(toks, thes, ref, SpinSettings.defaults())
    used = [k for h in hits for k in range(h.i, h.j + 1)]
    assert len(used) == len(set(used))


def test_empty_and_hostile_inputs(thes, ref):
    assert span_evidence([], thes, ref, SpinSettings.defaults()) == []
    assert span_evidence(tokenize("{{{|}}} ((( ))) \x00 ;;;"), thes, ref, SpinSettings.defaults()) == []


# (text, whether the span's original is written elsewhere in it): the same swap in the same
# context, with and without its original in another sentence.
IN_TEXT = [
    ("It takes a long fourth dimension to heal.", "fourth dimension", False),
    ("Give it time. It takes a long fourth dimension to heal.", "fourth dimension", True),
    ("Your healer will listen to you.", "healer", False),
    ("A good therapist listens. Your healer will listen to you.", "healer", True),
    ("They flavor so relieved after the session.", "flavor", False),
    ("I feel fine. They flavor so relieved after the session.", "flavor", True),
]


@pytest.mark.parametrize(("text", "span", "in_text"), IN_TEXT)
def test_an_original_written_elsewhere_weighs_the_ratio(text, span, in_text, thes, ref):
    cfg = SpinSettings.defaults()
    neutral = cfg.model_copy(update={"span_in_text_factor": 1.0, "span_not_in_text_factor": 1.0})
    toks = tokenize(text)
    hit = {h.key: h for h in span_evidence(toks, thes, ref, cfg)}[span]
    plain = {h.key: h for h in span_evidence(toks, thes, ref, neutral)}[span]
    factor = cfg.span_in_text_factor if in_text else cfg.span_not_in_text_factor
    assert hit.log_lr == pytest.approx(plain.log_lr + math.log(factor), abs=1e-12)


def test_an_original_written_elsewhere_raises_the_spans_contribution(thes, ref):
    from pipeline.spin.verdict import contributions

    cfg = SpinSettings.defaults()
    assert cfg.span_in_text_factor > 1.0 > cfg.span_not_in_text_factor
    for (absent, span, _), (present, _, _) in zip(IN_TEXT[::2], IN_TEXT[1::2], strict=True):
        a = [h for h in span_evidence(tokenize(absent), thes, ref, cfg) if h.key == span]
        b = [h for h in span_evidence(tokenize(present), thes, ref, cfg) if h.key == span]
        assert contributions(b, cfg)[0] > contributions(a, cfg)[0] > 0


@pytest.mark.parametrize(("original", "expected"), [
    ("", False), ("time", True), ("long time", True), ("time heals", True),
    ("time time", False), ("heal", False)])   # not across the full stop; whole words only
def test_original_in_text(original, expected):
    lows = [t.low if t.is_word else None for t in tokenize("It takes a long time. Time heals.")]
    words = {w for w in lows if w}
    phrases = spans.text_phrases(lows, {2})
    assert spans.original_in_text(original, words, phrases) is expected


@pytest.mark.parametrize(("text", "lengths", "expected"), [
    ("", {2}, {}),
    ("One.", {2}, {}),
    ("a long time. Time heals", {2}, {"a long": 1, "long time": 1, "time heals": 1}),
    ("a long time", {2, 3}, {"a long": 1, "long time": 1, "a long time": 1}),
    ("a long time", {4}, {}),
    ("take time, take time", {2}, {"take time": 2}),
])
def test_text_phrases(text, lengths, expected):
    lows = [t.low if t.is_word else None for t in tokenize(text)]
    assert spans.text_phrases(lows, lengths) == expected


@pytest.mark.parametrize(("span", "expected"), [
    ("", 0), ("time", 2), ("long time", 1), ("time heals", 1), ("time time", 0), ("heal", 0)])
def test_written_count(span, expected):
    lows = [t.low if t.is_word else None for t in tokenize("It takes a long time. Time heals.")]
    counts: dict[str, int] = {}
    for w in lows:
        if w:
            counts[w] = counts.get(w, 0) + 1
    phrases = spans.text_phrases(lows, {2})
    assert spans.written_count(span, counts, phrases) == expected


@pytest.mark.parametrize(("original", "key", "expected"), [
    ("", "stay on", 0), ("stay", "stay", 0), ("stay", "stay on", 1), ("on", "on and on", 2),
    ("stay on", "stay on it", 1), ("remain", "stay on", 0), ("sta", "stay on", 0)])
def test_inner_count(original, key, expected):
    assert spans.inner_count(original, key) == expected


def test_original_inside_the_span_is_not_written_elsewhere():
    """"stay on" read as a swap of "stay": the "stay" it holds is the span itself, so the
    in-text factor needs another "stay" in the text."""
    cfg = SpinSettings.defaults()
    hit = spans.SpanHit(2, 3, 5.0, "stay", "stay on")
    alone = [t.low if t.is_word else None for t in tokenize("The lights stay on overnight.")]
    again = [t.low if t.is_word else None
             for t in tokenize("The lights stay on overnight. We stay home.")]
    a = spans.weigh_in_text([hit], alone, cfg)[0].log_lr
    b = spans.weigh_in_text([hit], again, cfg)[0].log_lr
    assert b - a == pytest.approx(math.log(cfg.span_in_text_factor / cfg.span_not_in_text_factor))


# (span, original, expected log factor with shorter=-1, longer=2, stop=-4)
SHAPES = [
    ("", "", 0.0),
    ("healer", "", 0.0),                          # no original: no shape
    ("healer", "therapist", 0.0),                 # one word for one word
    ("leaves", "allows for", -1.0),               # one word where a phrase could stand
    ("fourth dimension", "time", 2.0),            # a multiword lemma for one word
    ("furthermore", "and", -4.0),                 # a content word for a stop word
    ("magic", "in the", -5.0),                    # both
    ("within the", "in the", 0.0),                # function phrases: verdict's own factor
    ("on that point", "there", -2.0),             # longer, and "point" is a content word
    ("humanly possible", "possible", 0.0),        # the original with a modifier: not longer
    ("medical treatment", "treatment", 0.0),
]


@pytest.mark.parametrize(("key", "original", "expected"), SHAPES)
def test_shape_weight(key, original, expected):
    assert spans.shape_weight(key, original, -1.0, 2.0, -4.0) == expected


def test_an_article_is_never_an_original(thes, ref):
    """Roget lists "magic" under "the": a missing article is no thesaurus swap."""
    cfg = SpinSettings.defaults()
    assert "the" in cfg.span_never_originals
    text = "Many people hope that a counselor will reveal magic secret that ends their worry."
    off = cfg.model_copy(update={"span_never_originals": []})
    assert any(h.original == "the" for h in span_evidence(tokenize(text), thes, ref, off))
    assert not any(h.original == "the" for h in span_evidence(tokenize(text), thes, ref, cfg))


def test_a_span_written_again_weighs_less(thes, ref):
    cfg = SpinSettings.defaults()
    assert 1.0 > cfg.span_twice_factor > cfg.span_repeated_factor
    once = "Your healer will listen to you."
    more = ("Your healer will listen to you. Ask the healer about it. The healer can help.")
    a = {h.key: h for h in span_evidence(tokenize(once), thes, ref, cfg)}["healer"]
    neutral = cfg.model_copy(update={"span_repeated_factor": 1.0})
    b = [h for h in span_evidence(tokenize(more), thes, ref, cfg) if h.key == "healer"]
    c = [h for h in span_evidence(tokenize(more), thes, ref, neutral) if h.key == "healer"]
    assert b and len(b) == len(c)
    for x, y in zip(b, c, strict=True):
        assert x.log_lr == pytest.approx(y.log_lr + math.log(cfg.span_repeated_factor), abs=1e-12)
    assert a.log_lr > 0


TRI = {"state of mind": 5, "of mind and": 2, "a long time": 3, "once": 9}


@pytest.mark.parametrize(("text", "span", "original", "expected"), [
    ("", "", "", (0, 0)),
    ("country", "country", "state", (0, 0)),                   # no words around: no trigram
    ("my country of mind", "country", "", (0, 0)),             # no original
    ("my country of mind", "country", "state", (5, 0)),
    ("my country of mind and", "country", "state", (5, 0)),    # the best window counts
    ("my state of mind", "state", "state", (5, 5)),
    ("country. Of mind", "country", "state", (0, 0)),          # not across punctuation
    ("a long fourth dimension", "fourth dimension", "time", (3, 0)),
])
def test_trigram_counts(text, span, original, expected):
    lows = [t.low if t.is_word else None for t in tokenize(text)]
    if span:
        first = span.split(" ")[0]
        i = lows.index(first)
        j = i + span.count(" ")
    else:
        i = j = 0
    assert spans.trigram_counts(lows, i, j, span, original, TRI) == expected
    assert spans.trigram_counts(lows, i, j, span, original, {}) == (0, 0)


STEPS = [(2, 1.0), (5, 2.0), (10, 3.0)]


@pytest.mark.parametrize(("orig_count", "span_count", "steps", "expected"), [
    (0, 0, STEPS, -1.0), (1, 0, STEPS, -1.0), (2, 0, STEPS, 1.0), (4, 1, STEPS, 1.0),
    (5, 0, STEPS, 2.0), (9, 0, STEPS, 2.0), (10, 0, STEPS, 3.0), (500, 1, STEPS, 3.0),
    (9, 2, STEPS, 0.0), (0, 5, STEPS, 0.0),   # the span as written is a common phrase
    (0, 0, [], 0.0), (50, 0, [], 0.0)])        # no steps: off
def test_trigram_weight(orig_count, span_count, steps, expected):
    assert spans.trigram_weight(orig_count, span_count, steps, -1.0) == expected


def test_an_original_in_a_common_trigram_raises_the_ratio(thes, ref):
    cfg = SpinSettings.defaults()
    steps = cfg.span_trigram_factors
    assert steps and all(f > 1.0 for _, f in steps) and cfg.span_no_trigram_factor < 1.0
    assert [k for k, _ in steps] == sorted(k for k, _ in steps)
    neutral = cfg.model_copy(update={"span_trigram_factors": []})
    text = "It takes a long fourth dimension to heal."
    toks = tokenize(text)
    hit = {h.key: h for h in span_evidence(toks, thes, ref, cfg)}["fourth dimension"]
    plain = {h.key: h for h in span_evidence(toks, thes, ref, neutral)}["fourth dimension"]
    count = ref.dom_tri.get("a long time", 0)
    assert count >= steps[0][0]
    assert hit.original == "time"
    factor = [f for k, f in steps if count >= k][-1]
    assert hit.log_lr == pytest.approx(plain.log_lr + math.log(factor), abs=1e-12)


RESPELT = [
    ("", "", False),
    ("", "colour", False),
    ("colour", "color", True),
    ("counselling", "counseling", True),
    ("paediatric", "pediatric", True),
    ("centre", "center", True),
    ("organisation", "organization", True),
    ("analyse", "analyze", True),
    ("therapies", "therapy", True),
    ("helped", "help", True),
    ("colour scheme", "color schemes", True),
    ("colour", "colour", False),
    ("time", "clip", False),
    ("therapy", "remedy", False),
    ("four", "for", False),
    ("within the", "in the", False),
    ("colour scheme", "color", False),
]


@pytest.mark.parametrize(("a", "b", "expected"), RESPELT)
def test_respelt(a, b, expected):
    assert respelt(a, b) is expected
    assert respelt(b, a) is expected


FUNCTION_PHRASES = [
    ("", "", False),
    ("within the", "in the", True),
    ("on that point", "there", False),   # "point" is no function word: full weight
    ("due to the fact that", "because", False),
    ("in the", "within the", True),
    ("in keeping with", "according to", False),
    ("remedy", "therapy", False),
    ("the", "a", False),
]


@pytest.mark.parametrize(("key", "original", "expected"), FUNCTION_PHRASES)
def test_function_phrase(key, original, expected):
    assert function_phrase(key, original) is expected


def test_spelling_variants_and_inflections_are_not_swaps():
    assert _variant("generalised", "generalized")
    assert _variant("baths", "bath")
    assert not _variant("time", "clip")


# ---- span_evidence against a straightforward reference (issue 16 item 9: the fast version
# must give the same hits). The reference looks every bigram up by its "a b" key, builds every
# candidate key and scores every context from scratch, as the module did before.

TEXTS = [
    "",
    "It takes a long fourth dimension to heal.",
    "It takes a long time to heal.",
    "She depended on her sister and relied upon her friends when the going got tough.",
    "The counselor offered sound guidance; the client felt heard, valued and understood.",
    "We met at the Fourth Dimension cafe. Fourth dimension is a strange phrase to start with.",
    "Anxiety can make everyday undertakings feel overwhelming, yet small steps assist a lot.",
    "She read the table of contents of the report and then the table of contents again.",
    "SHOUTED WORDS TAKE A LONG FOURTH DIMENSION, said the patient patiently.",
    "Keep in mind a couple of ideas; in the meantime, concentrate on what is going on.",
    "Kept in mind, keeping in mind, looked forward to it, depends on a way of life.",
    "more more the the flavors flavours colour color generalised generalized",
    "{{{|}}} ((( ))) \x00 ;;; 12 34 -- \u2019 \u0130stanbul",
]


def _reference_hits(toks, thes, ref, cfg):
    from spacy.lang.en.stop_words import STOP_WORDS

    wd, mu, lam = cfg.colloc_dom_weight, cfg.span_mu, cfg.span_lambda
    big_n = float(max(ref.dom_words, 1)) * (1.0 + wd)
    dom_n = float(max(ref.dom_words, 1))
    rare_floor = cfg.span_rare_weight * math.log(10.0)
    succ, pred = ref.neighbours()

    def p(w):
        z = ref.zipf.get(w)
        return max(10.0 ** (z - 9.0) if z is not None else 1e-9, ref.dom_uni.get(w, 0) / dom_n)

    def lbi(a, b):
        k = a + " " + b
        c = ref.gen_bi.get(k, 0.0) + wd * ref.dom_bi.get(k, 0)
        return math.log((1.0 - lam) * c / (big_n * p(a) + mu) + lam * p(b))

    def fit(left, words, right):
        s = lbi(left, words[0]) if left else math.log(p(words[0]))
        z = ref.zipf.get(words[0], 0.0)
        if rare_floor and z < cfg.span_rare_zipf:
            s += rare_floor * (cfg.span_rare_zipf - z)
        for a, b in zip(words, words[1:], strict=False):
            s += max(lbi(a, b), math.log(cfg.span_inner_floor))
        return s + lbi(words[-1], right) if right else s

    def score(left, key, right):
        cands = thes.originals(key)
        ants = thes.antonyms.get(key, frozenset())
        single = {c: n for c, n in cands
                  if " " not in c and c not in ants and not respelt(key, c)}
        multi = [(c, n) for c, n in cands if " " in c and c not in ants and not respelt(key, c)]
        own = fit(left, key.split(" "), right)
        cset = frozenset(single)
        near = cset & succ.get(left, frozenset()) if left else set()
        if right:
            near = near | (cset & pred.get(right, frozenset()))
        order = sorted(single, key=lambda c: (-p(c) / single[c], c))
        if len(near) > cfg.span_max_near:
            near = [c for c in order if c in near][: cfg.span_max_near]
        total, best, best_v = 0.0, "", -math.inf
        rest = sum(p(c) / n for c, n in single.items())
        for c in near:
            rest -= p(c) / single[c]
            if c in (left, right):
                continue
            v = fit(left, [c], right) - math.log(single[c])
            total += math.exp(min(v - own, 50.0))
            if v > best_v or v == best_v and c < best:
                best, best_v = c, v
        for c, n in multi:
            cw = c.split(" ")
            if cw[0] == left or cw[-1] == right:
                continue
            v = fit(left, cw, right) - math.log(n)
            total += math.exp(min(v - own, 50.0))
            if v > best_v:
                best, best_v = c, v
        if rest > 0.0:
            log_lam = math.log(lam)
            floor = math.log(rest) + (log_lam if left else 0.0) + (
                log_lam + math.log(p(right)) if right else 0.0)
            total += math.exp(min(floor - own, 50.0))
            best = best or (order[0] if order else "")
        if total <= 0.0:
            return -math.inf, ""
        return min(math.log(total), math.log(cfg.span_max_lr)), best

    def gated(left, w, right):
        g = cfg.span_gate_pmi
        return (lbi(left, w) - math.log(p(w)) > g and lbi(w, right) - math.log(p(right)) > g)

    blocked = spans._fixed_cover(toks)
    ok = [t.is_word and k not in blocked for k, t in enumerate(toks)]
    hits = []
    for i, t in enumerate(toks):
        if not ok[i]:
            continue
        left = toks[i - 1].low if i and toks[i - 1].is_word else None
        for j in range(i, min(i + 3, len(toks))):
            if not all(ok[i:j + 1]):
                break
            key = " ".join(x.low for x in toks[i:j + 1])
            if j == i and (key in STOP_WORDS or len(key) < 2
                           or ref.zipf.get(key, 0.0) > cfg.span_max_zipf):
                continue
            if j > i and (t.low not in thes.first_words
                          or j == i + 1 and toks[j].low not in thes.second_words):
                break
            if not thes.originals(key):
                continue
            right = toks[j + 1].low if j + 1 < len(toks) and toks[j + 1].is_word else None
            if j == i and left and right and gated(left, key, right):
                continue
            lr, orig = score(left, key, right)
            start = i + (0 if i and toks[i - 1].text not in ".!?:\"\u201c" else 1)
            if lr < math.log(cfg.span_min_lr) or any(
                    toks[k].text[0].isupper() and not toks[k].text.isupper()
                    for k in range(start, j + 1)):
                continue
            hits.append((i, j, lr, orig, key))
    # The original written elsewhere in the text (a phrase word for word, not across
    # punctuation; not counting the occurrences inside the span itself) multiplies the ratio by span_in_text_factor, else span_not_in_text_factor;
    # the span written twice by span_twice_factor, three times or more by
    # span_repeated_factor; a span shorter than its original by span_shorter_factor, longer by
    # span_longer_factor (not when it holds every word of its original); a content span for an
    # all-stop-word original by span_stop_original_factor; originals in span_never_originals
    # dropped.
    words = [t.low if t.is_word else "|" for t in toks]

    def written(phrase):
        n = len(phrase.split())
        return sum(words[k:k + n] == phrase.split() for k in range(len(words)))

    def inside(orig, key):   # the original written inside the span itself, per occurrence
        o, k = orig.split(), key.split()
        return sum(k[a:a + len(o)] == o for a in range(len(k) - len(o) + 1)) if len(o) < len(k) else 0

    def factor(orig, key):
        elsewhere = orig and written(orig) > inside(orig, key) * written(key)
        f = cfg.span_in_text_factor if elsewhere else cfg.span_not_in_text_factor
        f *= {2: cfg.span_twice_factor}.get(written(key), 1.0 if written(key) < 2
                                            else cfg.span_repeated_factor)
        if orig:
            no, nk = len(orig.split()), len(key.split())
            holds = set(orig.split()) <= set(key.split())   # the original with a modifier
            f *= (cfg.span_shorter_factor if no > nk
                  else cfg.span_longer_factor if nk > no and not holds else 1)
            if all(w in STOP_WORDS for w in orig.split()) and not all(
                    w in STOP_WORDS for w in key.split()):
                f *= cfg.span_stop_original_factor
        return math.log(f)

    # In-domain trigrams: x the factor of the highest span_trigram_factors step that a trigram
    # of the text read with the original reaches when none of the text as written reaches the
    # first step, x span_no_trigram_factor when neither does (two words of context, not across
    # punctuation).
    def tri_factor(i, j, orig, key):
        if not orig:
            return 0.0
        lo = [words[k] for k in (i - 2, i - 1) if k >= 0]
        hi = [words[k] for k in (j + 1, j + 2) if k < len(words)]
        while "|" in lo:
            lo = lo[lo.index("|") + 1:]
        if "|" in hi:
            hi = hi[:hi.index("|")]

        def top(phrase):
            seq = lo + phrase.split() + hi
            return max([ref.dom_tri.get(" ".join(seq[a:a + 3]), 0) for a in range(len(seq) - 2)]
                       or [0])

        steps = cfg.span_trigram_factors
        if not steps or top(key) >= steps[0][0]:
            return 0.0
        reached = [f for k, f in steps if top(orig) >= k]
        return math.log(reached[-1] if reached else cfg.span_no_trigram_factor)

    hits = [(i, j, lr + factor(orig, key) + tri_factor(i, j, orig, key), orig, key)
            for i, j, lr, orig, key in hits if orig not in cfg.span_never_originals]
    hits.sort(key=lambda h: (-h[2], h[0]))
    taken, out = set(), []
    for h in hits:
        if not taken & set(range(h[0], h[1] + 1)):
            taken |= set(range(h[0], h[1] + 1))
            out.append(h)
    return out


def _same(fast, slow):
    fast = sorted(fast, key=lambda h: (h[0], h[1]))
    slow = sorted(slow, key=lambda h: (h[0], h[1]))
    assert [(h[0], h[1], h[3], h[4]) for h in fast] == [(h[0], h[1], h[3], h[4]) for h in slow]
    assert all(abs(a[2] - b[2]) < 1e-9 for a, b in zip(fast, slow, strict=True))


@pytest.mark.parametrize("text", TEXTS)
def test_hits_equal_a_straightforward_reference(text, thes, ref):
    cfg = SpinSettings.defaults()
    toks = tokenize(text)
    _same(span_evidence(toks, thes, ref, cfg), _reference_hits(toks, thes, ref, cfg))


def test_the_reference_sees_the_swaps(thes, ref):
    """The comparison above is not vacuous: the reference finds the swap too."""
    toks = tokenize(TEXTS[1])
    hits = _reference_hits(toks, thes, ref, SpinSettings.defaults())
    assert ("fourth dimension", "time") in {(h[4], h[3]) for h in hits}
    keys = {h[4] for t in TEXTS[-4:-2] for h in _reference_hits(tokenize(t), thes, ref,
                                                                  SpinSettings.defaults())}
    assert any(k.count(" ") == 2 for k in keys) and any(k.count(" ") == 1 for k in keys)


def test_memo_tables_stay_bounded_and_a_reset_changes_no_hit(thes, ref):
    """Past ``word_memo_max`` entries the memo tables are emptied between documents; a reset
    (or a cold start) gives the same hits as warm tables."""
    cfg = SpinSettings.defaults()
    small = SpinSettings.of({"word_memo_max": 300})
    toks = [tokenize(t) for t in TEXTS]
    warm = [span_evidence(t, thes, ref, cfg) for t in toks]
    again = [span_evidence(t, thes, ref, cfg) for t in toks]
    sizes = []
    bounded = []
    for t in toks * 3:
        bounded.append(span_evidence(t, thes, ref, small))
        sizes.append(spans.model_for(ref, small).size())
    assert max(sizes) < 300 + 2000        # at most one text's entries past the bound
    assert min(sizes[len(toks):]) < max(sizes)   # ...because it was reset on the way
    m = spans.model_for(ref, cfg)
    m.reset()
    assert m.size() == 0
    cold = [span_evidence(t, thes, ref, cfg) for t in toks]
    assert warm == again == cold == bounded[: len(toks)] == bounded[-len(toks):]
