"""A therapy article on a host whose name is about something else (food, shops, casinos...).

Content farms and scrapers republish therapy articles on domains bought for another trade
("visualfoodie", "hermesbagsco"). The text cannot show it, the host name can: it is split into
words (a unigram segmentation over wordfreq's English frequencies, the package the quality rules
already use), and a word of an unrelated trade (``resources/audit/host_topics.tsv``) makes the
note, unless the host also names health, therapy or psychology (a word of the host beginning with
a stem of the ``health`` row, or a long stem anywhere in it: "mindfoodclinic" is a health site). The note is only for pages that are
themselves therapy or mental-health articles (enough terms of ``therapy_terms.txt``); the audit
turns it into ``review``, never a removal.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

_RES = resources.files("pipeline") / "resources" / "audit"
# Segmentation: a known word scores its log10 probability (Zipf - 9); letters no known word
# covers score UNKNOWN_PER_CHAR each. Words rarer than MIN_ZIPF are not words here (wordfreq
# knows many fragments of names and other languages), and single letters only as "a" and "i".
UNKNOWN_PER_CHAR = -10.0
MIN_ZIPF = 2.0
MAX_WORD = 20
SEGMENT_CACHE = 4096
HOST_TOPIC = "health"   # the on-topic row name in host_topics.tsv
LONG_STEM = 6           # on-topic stems this long count anywhere in the host's letters


def _zipf(word: str) -> float:
    from pipeline.compact import zipf_en  # wordfreq's value, without loading wordfreq

    return zipf_en(word)


@lru_cache(maxsize=SEGMENT_CACHE)
def segment(label: str) -> tuple[str, ...]:
    """The most probable split of a run of lower-case letters into English words
    ("visualfoodie" -> visual, foodie); letters no word covers come out as pieces of their own."""
    n = len(label)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("-inf"), 0)] * n
    for i in range(1, n + 1):
        for j in range(max(0, i - MAX_WORD), i):
            w = label[j:i]
            z = _zipf(w) if (len(w) > 1 or w in ("a", "i")) else 0.0
            s = z - 9.0 if z >= MIN_ZIPF else UNKNOWN_PER_CHAR * len(w)
            if best[j][0] + s > best[i][0]:
                best[i] = (best[j][0] + s, j)
    out: list[str] = []
    i = n
    while i > 0:
        j = best[i][1]
        out.append(label[j:i])
        i = j
    return tuple(reversed(out))


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` ("" when it has none)."""
    if not url or "://" not in url:
        return ""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_words(host: str) -> tuple[str, ...]:
    """The words of every label of ``host`` (digits and hyphens split labels)."""
    return tuple(w for run in re.findall(r"[a-z]+", host) for w in segment(run))


@lru_cache(maxsize=4)
def load_host_topics(name: str = "host_topics.tsv") -> dict[str, frozenset[str]]:
    """Topic -> its words, from ``resources/audit/<name>`` (topic, tab, words separated by spaces)."""
    topics: dict[str, set[str]] = {}
    for ln in (_RES / name).read_text(encoding="utf-8").splitlines():
        if not ln.strip() or ln.startswith("#"):
            continue
        topic, words = ln.split("\t")
        topics.setdefault(topic, set()).update(words.split())
    return {k: frozenset(v) for k, v in topics.items()}


@lru_cache(maxsize=4)
def _page_terms(name: str) -> re.Pattern:
    lines = [ln.strip() for ln in (_RES / name).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    return re.compile(r"\b(?:" + "|".join(lines) + r")\b", re.IGNORECASE)


def page_terms(text: str, name: str = "therapy_terms.txt") -> int:
    """How many therapy and mental-health terms (``resources/audit/<name>``, regexes) ``text`` has."""
    return len(_page_terms(name).findall(text or ""))


def host_names(url: str, stems: frozenset[str] | tuple[str, ...]) -> bool | None:
    """Whether the host of ``url`` names one of ``stems`` (a short stem begins a word of the
    host, a stem of ``LONG_STEM`` letters or more may be anywhere in it); None when ``url`` has
    no host."""
    host = host_of(url)
    if not host:
        return None
    words = host_words(host)
    letters = re.sub(r"[^a-z]", "", host)
    # A short stem must begin a word ("hope" is inside "eshopeasy"); a long one may be anywhere
    # (a segmentation that cuts "psychologytoday" wrongly still keeps it on topic).
    return any(w.startswith(stem) for w in words for stem in stems) or any(
        stem in letters for stem in stems if len(stem) >= LONG_STEM)


def offtopic_host(url: str, topics_name: str = "host_topics.tsv") -> tuple[str, str] | None:
    """(topic, word) when the host of ``url`` names an unrelated trade and nothing of health,
    therapy or psychology; else None."""
    topics = load_host_topics(topics_name)
    if host_names(url, topics.get(HOST_TOPIC, frozenset())) is not False:   # no host, or health
        return None
    host = host_of(url)
    words = host_words(host)
    for w in words:
        for topic, words in topics.items():
            if topic != HOST_TOPIC and w in words:
                return topic, w
    for run in re.findall(r"[a-z]+", host):
        found = _hidden_word(run, topics)
        if found:
            return found
    return None


def _hidden_word(run: str, topics: dict[str, frozenset[str]]) -> tuple[str, str] | None:
    """(topic, word) of a trade word of ``LONG_STEM`` letters or more that the segmentation of
    ``run`` broke into pieces ("vashikaran" comes out as vash, i, karan: rare words are cut
    into more frequent ones). A match inside one segmented word does not count ("cialis" in
    "specialist", "rental" in "parental")."""
    pieces = segment(run)
    pos = 0
    inside: list[tuple[int, int]] = []
    for p in pieces:
        inside.append((pos, pos + len(p)))
        pos += len(p)
    for topic, words in topics.items():
        if topic == HOST_TOPIC:
            continue
        for w in sorted(words):
            if len(w) < LONG_STEM:
                continue
            for m in re.finditer(re.escape(w), run):
                a, b = m.start(), m.end()
                if not any(lo <= a and b <= hi for lo, hi in inside):
                    return topic, w
    return None
