""""an distinctive": the article no longer fits the (swapped) next word."""

from __future__ import annotations

import functools
from typing import Any

from pipeline.spin.reference import Reference, read_tsv
from pipeline.spin.signals.base import Signal, Span, _cfg, _ref, _span, candidates
from pipeline.spin.tokens import Tok, tokenize
from pipeline.text import match_case


@functools.lru_cache(maxsize=1)
def _sound_prefixes() -> list[tuple[str, bool]]:
    rows = read_tsv("article_sounds.tsv")
    pairs = [(r[0].lower(), r[1].strip() == "vowel") for r in rows]
    return sorted(pairs, key=lambda p: -len(p[0]))


def vowel_sound(word: str) -> bool | None:
    """Whether ``word`` starts with a vowel sound (None: cannot tell, e.g. acronyms, numbers)."""
    if not word or not word[0].isalpha() or (word.isupper() and len(word) > 1):
        return None
    w = word.lower()
    for prefix, vowel in _sound_prefixes():
        if w.startswith(prefix):
            return vowel
    return w[0] in "aeiou"


def article_mismatch(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> list[Span]:
    """"an distinctive" / "a exceptional": the article no longer fits the (swapped) next word.

    The suggestion is a synonym of the word that fits the article ("an exceptional"), else the
    other article.
    """
    cfg = _cfg(settings)
    toks = tokenize(text) if toks is None else toks
    out: list[Span] = []
    reference: Reference | None = None
    for i in range(len(toks) - 1):
        t, n = toks[i], toks[i + 1]
        if t.low not in ("a", "an") or not n.is_word or t.text == "A" and text[t.end:t.end + 1] == ".":
            continue
        sound = vowel_sound(n.text)
        if sound is None or sound == (t.low == "an"):
            continue
        if t.low == "a" and n.low in ("a", "an"):
            continue
        reference = reference or _ref(ref, cfg)
        fit = [c for c in candidates(n.low, reference) if vowel_sound(c) == (t.low == "an")]
        if fit:
            suggestion = t.text + " " + match_case(fit[0], n.text)
        else:
            suggestion = match_case("an" if t.low == "a" else "a", t.text) + " " + n.text
        out.append(_span(text, t.start, n.end, suggestion, "article_mismatch", cfg.score_article))
    return out


def _find(text: str, cfg: dict[str, Any], ref: Reference, toks: list[Tok]):
    return article_mismatch(text, cfg, ref, toks), {}


SIGNAL = Signal(
    name="article_mismatch", rank=20, label="a/an that does not fit the next word",
    style="bold blue", find=_find, doc_feature="article_mismatch_per100",
)
