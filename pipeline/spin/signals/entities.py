"""Organisation and journal names with a word swapped ("Nationwide Institutes of Well being")."""

from __future__ import annotations

import functools
from typing import Any

from pipeline.spin.reference import Reference, resource_path
from pipeline.spin.signals.base import Signal, Span, _cfg, _span
from pipeline.spin.tokens import Tok, tokenize


@functools.lru_cache(maxsize=1)
def _entities() -> tuple[list[list[str]], dict[str, list[tuple[int, int]]]]:
    names = []
    for line in resource_path("entities.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names.append(line.split())
    index: dict[str, list[tuple[int, int]]] = {}
    for e, words in enumerate(names):
        for k, w in enumerate(words):
            if w[0].isupper():
                index.setdefault(w.lower(), []).append((e, k))
    return names, index


def _align(entity: list[str], words: list[str]) -> tuple[int, list[tuple[int, int, int, int]]]:
    """Token alignment (Levenshtein, substitutions may cover 1 entity word -> 1-2 text words).

    Returns (matched words, substitutions as (entity_from, entity_to, text_from, text_to)).
    """
    n, m = len(entity), len(words)
    INF = 10**9
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == INF:
                continue
            if i < n and j < m:
                same = entity[i].lower() == words[j].lower()
                nc = c + (0 if same else 1)
                if nc < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1], back[i + 1][j + 1] = nc, (i, j, "m" if same else "s")
            if i < n and j + 1 < m:
                nc = c + 1
                if nc < cost[i + 1][j + 2]:
                    cost[i + 1][j + 2], back[i + 1][j + 2] = nc, (i, j, "s2")
    if cost[n][m] == INF:
        return 0, []
    matched, subs = 0, []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        if step is None:
            return 0, []
        pi, pj, kind = step
        if kind == "m":
            matched += 1
        else:
            subs.append((pi, i, pj, j))
        i, j = pi, pj
    return matched, subs[::-1]


def mangled_entities(
    text: str, settings: dict[str, Any] | None = None, toks: list[Tok] | None = None
) -> list[Span]:
    """Organisation / journal names with a word swapped ("Nationwide Institutes of Well being").

    A run of words around a capitalised word of a known name (``resources/spin/entities.txt``)
    is aligned with the name; at least ``entity_min_match`` of its words must match exactly and
    the differing words must be capitalised (as a name would be). An exact mention is fine.
    """
    cfg = _cfg(settings)
    toks = tokenize(text) if toks is None else toks
    names, index = _entities()
    out: list[Span] = []
    covered = -1
    for i, t in enumerate(toks):
        if i <= covered or not t.is_word or t.low not in index or not t.text[0].isupper():
            continue
        best: tuple[float, int, int, list[tuple[int, int, int, int]], list[str]] | None = None
        for e, k in index[t.low]:
            entity = names[e]
            if len(entity) < 2:
                continue
            start = i - k
            for extra in (0, 1, -1, 2):
                lo, hi = start, start + len(entity) + extra
                for shift in (0, -1):
                    a, b = lo + shift, hi + shift
                    if a < 0 or b > len(toks) or b - a < 2 or not all(x.is_word for x in toks[a:b]):
                        continue
                    words = [x.text for x in toks[a:b]]
                    matched, subs = _align(entity, words)
                    share = matched / len(entity)
                    if not subs or share < cfg.entity_min_match or share == 1.0:
                        continue
                    if not all(toks[a + tj].text[0].isupper() for _, _, tf, tt in subs for tj in range(tf, tt)):
                        continue
                    if best is None or share > best[0]:
                        best = (share, a, b, subs, entity)
        if best is None:
            continue
        share, a, b, subs, entity = best
        for ef, et, tf, tt in subs:
            s, e_ = toks[a + tf].start, toks[a + tt - 1].end
            out.append(_span(text, s, e_, " ".join(entity[ef:et]), "entity", cfg.score_entity * share))
        covered = b - 1
    return out


def _find(text: str, cfg: dict[str, Any], ref: Reference, toks: list[Tok]):
    return mangled_entities(text, cfg, toks), {}


SIGNAL = Signal(
    name="entity", rank=50, label="mangled names of organisations or journals", style="bold cyan",
    find=_find, doc_feature="entity_per100",
)
