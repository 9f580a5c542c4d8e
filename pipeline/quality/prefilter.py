"""Exact literal prefilters for the quality metrics' pattern files: run a regex only on texts
where it can match.

Each line of a pattern file (one alternative of the combined regex) gets, from the regex parser,
a set of literal strings ("needles") at least one of which every match of that line contains.
The derivation is conservative: a line whose every match need not contain a literal (``\\w+``,
an optional group, a group with its own flags) gets no needle set and always runs. A text that
contains no needle of a line cannot be matched by that line anywhere, so the line is left out of
the alternation run on that text, and when no line is left the regex does not run at all: the
matches (and their count) are those of the full alternation, since a line that matches nowhere
never wins the alternation at any position.

Under ``re.IGNORECASE`` needles are lower-case ASCII, looked up in ``text.lower()``. Python's
case-insensitive matching also maps a few non-ASCII characters to ASCII letters whose
``lower()`` is not that letter (:data:`CASE_FOLD_TO_ASCII`): a text with any of them runs the
full regex (``tests/quality/test_prefilter.py`` recomputes that set over every code point).

A run of literals right after ``\\b`` whose needles all start with a word character must start a
word: its needles carry :data:`WORD_START` in front, and a text passes such a clause only where a
needle is not preceded by an ASCII letter, digit or underscore (such a character is a word
character of the text as well, so no match of the line starts there). This keeps a page that
says "temporary" out of the lorem-ipsum pattern that needs a word "tempor". A gate so derived
holds for the text and for any part of it that starts after whitespace (its lines), which is
where the metrics run the patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

try:  # Python 3.11+
    from re import _constants as _sc
    from re import _parser as _sp
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sc  # type: ignore[no-redef]
    import sre_parse as _sp  # type: ignore[no-redef]

# Characters that re.IGNORECASE matches to an ASCII character although their lower() is not that
# character's lower(): U+0130 (to "i"), U+0131 (to "i"), U+017F (to "s"), U+212A Kelvin (to "k").
CASE_FOLD_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
# Bounds of the derivation: characters of a class, strings of a finite piece, clauses per line.
MAX_CLASS = 32
MAX_STRINGS = 64
MAX_CLAUSES = 4
MAX_REPEAT_EXPAND = 3
# Strings of an alternation of words right after ``\b`` (a word list: "\b(?:lorem|ipsum|...)").
MAX_WORD_STARTS = 256
# Clauses of single characters with more members than this are dropped.
MAX_WEAK_CLASS = 3

_REPEATS = tuple(op for op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT, getattr(_sc, "POSSESSIVE_REPEAT", None)) if op)
_ZERO_WIDTH = (_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT)

# One clause: a set of literals one of which every match contains. Needles: clauses every one of
# which holds for every match (an empty tuple: no literal known, the line always runs).
Clause = frozenset[str]
Needles = tuple[Clause, ...]
# Marks a needle that must start a word (in front: it follows ``\b`` in the pattern) or end one
# (at its end: ``\b`` or a non-word character follows it).
WORD_START = WORD_END = "\x00"


def _plain(n: str) -> str:
    """The needle without its word marks."""
    return n.strip(WORD_START)


def _needle_len(n: str) -> int:
    return len(_plain(n))


def _strength(c: Clause) -> tuple[int, int]:
    return min(map(_needle_len, c)), -len(c)


def _is_word_char(ch: str) -> bool:
    """An ASCII letter, digit or underscore: a word character in the text and in its lower()."""
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _word_marked(run: frozenset[str], start: bool, end: bool) -> frozenset[str]:
    """The run's needles marked as word starts (``start``, when every one starts with a word
    character) and word ends (``end``, when every one ends with one)."""
    start = start and all(n and _is_word_char(n[0]) for n in run)
    end = end and all(n and _is_word_char(n[-1]) for n in run)
    if not start and not end:
        return run
    return frozenset((WORD_START if start else "") + n + (WORD_END if end else "") for n in run)


def _is_nonword_code(code: int) -> bool:
    ch = chr(code)
    return not (ch.isalnum() or ch == "_")


_NONWORD_CATEGORIES = (_sc.CATEGORY_SPACE, _sc.CATEGORY_NOT_WORD)


def _starts_nonword(op: object, av: object) -> bool:
    """Whether every match of the item starts with a non-word character."""
    if op is _sc.LITERAL:
        return _is_nonword_code(av)
    if op is _sc.IN:
        return bool(av) and all((o is _sc.LITERAL and _is_nonword_code(a))
                                or (o is _sc.CATEGORY and a in _NONWORD_CATEGORIES) for o, a in av)
    if op is _sc.SUBPATTERN:
        _, add_flags, del_flags, p = av
        return not add_flags and not del_flags and bool(p) and _starts_nonword(*p[0])
    if op in _REPEATS:
        lo, _, p = av
        return lo >= 1 and bool(p) and _starts_nonword(*p[0])
    if op is _sc.BRANCH:
        return all(bool(b) and _starts_nonword(*b[0]) for b in av[1])
    return False


def _char(code: int, ignorecase: bool) -> str | None:
    if ignorecase:
        return chr(code).lower() if code < 128 else None
    return chr(code)


def _product(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None or b is None or len(a) * len(b) > MAX_STRINGS:
        return None
    return frozenset(x + y for x in a for y in b)


def _finite(op: object, av: object, ic: bool) -> frozenset[str] | None:
    """Every string the item can match, when that is a small finite set (else None)."""
    if op is _sc.LITERAL:
        ch = _char(av, ic)
        return None if ch is None else frozenset([ch])
    if op in _ZERO_WIDTH:
        return frozenset([""])
    if op is _sc.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is _sc.LITERAL:
                codes = [a]
            elif o is _sc.RANGE and a[1] - a[0] < MAX_CLASS:
                codes = list(range(a[0], a[1] + 1))
            else:
                return None
            for code in codes:
                ch = _char(code, ic)
                if ch is None:
                    return None
                chars.add(ch)
        return frozenset(chars) if len(chars) <= MAX_CLASS else None
    if op is _sc.SUBPATTERN:
        _, add_flags, del_flags, p = av
        return None if add_flags or del_flags else _finite_seq(p, ic)
    if op is _sc.BRANCH:
        return _union(av[1], _finite_seq, ic)
    if op in _REPEATS:
        lo, hi, p = av
        if hi > MAX_REPEAT_EXPAND:
            return None
        f = _finite_seq(p, ic)
        if f is None:
            return None
        out_r: set[str] = set()
        power: frozenset[str] | None = frozenset([""])
        for k in range(hi + 1):
            if k >= lo:
                out_r |= power
            if k < hi:
                power = _product(power, f)
                if power is None:
                    return None
        return frozenset(out_r) if len(out_r) <= MAX_STRINGS else None
    return None


def _union(branches: Iterable, of, ic: bool, limit: int = MAX_STRINGS) -> frozenset[str] | None:
    """The union of ``of(branch)`` over the branches of an alternation (None when one branch
    has none, or when the union grows past ``limit``)."""
    out: set[str] = set()
    for branch in branches:
        strings = of(branch, ic)
        if strings is None:
            return None
        out |= strings
    return frozenset(out) if len(out) <= limit else None


def _word_list_starts(op: object, av: object, ic: bool) -> frozenset[str] | None:
    """How an alternation must start, allowing up to ``MAX_WORD_STARTS`` strings (for the
    alternation right after ``\b``, whose strings become word-start needles)."""
    if op is _sc.SUBPATTERN:
        _, add_flags, del_flags, p = av
        return _word_list_starts(*p[0], ic) if not add_flags and not del_flags and len(p) == 1 else None
    if op is _sc.BRANCH:
        return _union(av[1], _prefixes_seq, ic, MAX_WORD_STARTS)
    return None


def _finite_seq(items: Iterable, ic: bool) -> frozenset[str] | None:
    acc: frozenset[str] | None = frozenset([""])
    for op, av in items:
        acc = _product(acc, _finite(op, av, ic))
        if acc is None:
            return None
    return acc


def _clauses(items: Iterable, ic: bool) -> list[Clause]:
    """Clauses of a sequence: its runs of finite items (their concatenations) and its items'."""
    empty = frozenset([""])
    out: list[Clause] = []
    acc: frozenset[str] = empty
    # Whether the run in ``acc`` starts right after a word boundary (``\b``), and whether the
    # last item was one.
    bounded = at_boundary = False

    def flush(nonword_next: bool = False) -> None:
        if "" not in acc:
            out.append(_word_marked(acc, bounded, at_boundary or nonword_next))

    for op, av in items:
        if acc == empty:
            bounded = at_boundary
        f = _finite(op, av, ic)
        if f is None and bounded and acc == empty:
            # A word list right after \b ("\b(?:lorem|ipsum|...)"): a run of its own.
            words = _word_list_starts(op, av, ic)
            if words is not None and _finite_branches(op, av, ic):
                f = words
        if f is not None:
            joined = _product(acc, f)
            if joined is None:
                flush(_starts_nonword(op, av))
                bounded = bounded and acc == empty
                acc = f
            else:
                acc = joined
            at_boundary = op is _sc.AT and av is _sc.AT_BOUNDARY
            continue
        # The run so far followed by how the item must start ("?" then "[a-z]+": "?a".."?z").
        joined = _product(acc, _prefixes(op, av, ic))
        if joined is not None and "" not in joined:
            out.append(_word_marked(joined, bounded, False))
        else:
            flush(_starts_nonword(op, av))
        acc = empty
        bounded = at_boundary = False
        out.extend(_item_clauses(op, av, ic))
    flush()
    return out


def _finite_branches(op: object, av: object, ic: bool) -> bool:
    """Whether every branch of the alternation (in a plain group or bare) is a finite set."""
    if op is _sc.SUBPATTERN:
        _, add_flags, del_flags, p = av
        return not add_flags and not del_flags and len(p) == 1 and _finite_branches(*p[0], ic)
    return op is _sc.BRANCH and all(_finite_seq(b, ic) is not None for b in av[1])


def _prefixes(op: object, av: object, ic: bool) -> frozenset[str] | None:
    """Strings one of which every match of the item starts with (None: none known)."""
    f = _finite(op, av, ic)
    if f is not None:
        return f
    if op is _sc.SUBPATTERN:
        _, add_flags, del_flags, p = av
        return None if add_flags or del_flags else _prefixes_seq(p, ic)
    if op is _sc.ATOMIC_GROUP:
        return _prefixes_seq(av, ic)
    if op in _REPEATS:
        lo, _, p = av
        return _prefixes_seq(p, ic) if lo >= 1 else None
    if op is _sc.BRANCH:
        return _union(av[1], _prefixes_seq, ic)
    return None


def _prefixes_seq(items: list, ic: bool) -> frozenset[str] | None:
    acc: frozenset[str] = frozenset([""])
    for op, av in items:
        f = _finite(op, av, ic)
        nxt = _product(acc, f if f is not None else _prefixes(op, av, ic))
        if nxt is None:
            break
        acc = nxt
        if f is None:
            break
    return None if "" in acc else acc


def _item_clauses(op: object, av: object, ic: bool) -> list[Clause]:
    """Clauses of one item that is not a small finite set."""
    if op is _sc.SUBPATTERN:
        _, add_flags, del_flags, p = av
        return [] if add_flags or del_flags else _clauses(p, ic)
    if op is _sc.ATOMIC_GROUP:
        return _clauses(av, ic)
    if op in _REPEATS:
        lo, _, p = av
        if lo < 1:
            return []
        f = _finite_seq(p, ic)
        if f is not None:  # lo copies in a row, as far as the bounds allow
            power: frozenset[str] | None = f
            for _ in range(min(lo, MAX_REPEAT_EXPAND) - 1):
                nxt = _product(power, f)
                if nxt is None:
                    break
                power = nxt
            return [power] if "" not in power else []
        return _clauses(p, ic)
    if op is _sc.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            cl = _clauses(branch, ic)
            if not cl:
                return []
            union |= max(cl, key=_strength)
        return [frozenset(union)]
    return []


def _has_group_refs(items: Iterable) -> bool:
    for op, av in items:
        if op in (_sc.GROUPREF, _sc.GROUPREF_EXISTS):
            return True
        subs: list = []
        if op is _sc.SUBPATTERN:
            subs = [av[3]]
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT, getattr(_sc, "POSSESSIVE_REPEAT", None)):
            subs = [av[2]]
        elif op is _sc.BRANCH:
            subs = list(av[1])
        elif op in (_sc.ASSERT, _sc.ASSERT_NOT):
            subs = [av[1]]
        elif op is _sc.ATOMIC_GROUP:
            subs = [av]
        if any(_has_group_refs(s) for s in subs):
            return True
    return False


def line_needles(line: str, flags: int = 0) -> Needles:
    """The needle clauses of one pattern line compiled with ``flags``, strongest first (empty:
    no gate for this line)."""
    parsed = _sp.parse(line, flags)
    ic = bool((parsed.state.flags | flags) & re.IGNORECASE)
    # A class of single characters (any letter) nearly always hits: not worth a scan.
    found = {c for c in _clauses(parsed, ic) if _strength(c) > (1, -MAX_WEAK_CLASS - 1)}
    # A clause of word starts says all its plain twin says, and more.
    twins = {frozenset(map(_plain, c)) for c in found if all(n != _plain(n) for n in c)}
    clauses = sorted(found - twins, key=_strength, reverse=True)
    return tuple(clauses[:MAX_CLAUSES])


@lru_cache(maxsize=1024)
def _grouped(needles: Needles) -> tuple[tuple[tuple[str, re.Pattern | None, bool], ...], ...]:
    """Each clause's needles grouped by their first character: that character is looked up
    first (a fast scan), then, only when it is there, the group's needles as one literal
    alternation (one scan from each occurrence of the shared first character). The third item
    says the group's needles must start a word (:data:`WORD_START`)."""
    out = []
    for clause in needles:
        groups: dict[tuple[str, bool, bool], list[str]] = {}
        for n in sorted(clause, key=lambda n: (-_needle_len(n), n)):
            plain = _plain(n)
            key = (plain[0], n.startswith(WORD_START), n.endswith(WORD_END))
            groups.setdefault(key, []).append(plain)
        out.append(tuple(
            (c, _group_regex(c, [n[1:] for n in ns], we), ws) for (c, ws, we), ns in groups.items()))
    return tuple(out)


def _group_regex(first: str, rest: list[str], word_end: bool) -> re.Pattern | None:
    """``first`` then one of ``rest`` (None: ``first`` alone is a needle and no word end is
    needed); with ``word_end``, no ASCII word character may follow."""
    if not word_end and "" in rest:
        return None
    tail = r"(?![0-9A-Z_a-z])" if word_end else ""
    return re.compile(re.escape(first) + "(?:" + "|".join(map(re.escape, rest)) + ")" + tail)


def _word_start_in(first: str, rx: re.Pattern | None, hay: str) -> bool:
    """Whether a needle of the group (``first``, ``rx``) occurs in ``hay`` where no ASCII word
    character precedes it (every occurrence is tried, overlapping ones included)."""
    if rx is None:
        pos = hay.find(first)
        while pos > 0 and _is_word_char(hay[pos - 1]):
            pos = hay.find(first, pos + 1)
        return pos >= 0
    mt = rx.search(hay)
    while mt is not None:
        pos = mt.start()
        if pos == 0 or not _is_word_char(hay[pos - 1]):
            return True
        mt = rx.search(hay, pos + 1)
    return False


def _hit(needles: Needles, hay: str) -> bool:
    """Whether every clause of ``needles`` has a needle in ``hay``."""
    for clause in _grouped(needles):
        for first, rx, ws in clause:
            if first in hay and (_word_start_in(first, rx, hay) if ws
                                 else rx is None or rx.search(hay) is not None):
                break
        else:
            return False
    return True


@lru_cache(maxsize=8)
def lower(text: str) -> str:
    """``text.lower()``, shared by every gate that reads the same text."""
    return text.lower()


def may_match(needles: Needles, ignorecase: bool, text: str, shared: bool = True) -> bool:
    """False only when no match of a line with ``needles`` can occur in ``text`` (``shared``:
    its lower() is kept for the other gates of the same text; a line of it passes False)."""
    if not needles:
        return True
    if ignorecase:
        if any(c in text for c in CASE_FOLD_TO_ASCII):
            return True
        text = lower(text) if shared else text.lower()
    return _hit(needles, text)


class GatedPattern:
    """The alternation ``(?:line1)|(?:line2)|...`` with a literal gate per line.

    :meth:`for_text` gives the compiled alternation of the lines that can match in a text (the
    full one when every line can), or None when none can.
    """

    def __init__(self, lines: Iterable[str], flags: int = 0) -> None:
        self.lines = tuple(lines)
        self.flags = flags
        self.full = re.compile("|".join(f"(?:{ln})" for ln in self.lines), flags)
        self.ignorecase = bool(self.full.flags & re.IGNORECASE)
        self.needles = tuple(line_needles(ln, flags) for ln in self.lines)
        # Numbered group references would change meaning in a subset: gate all or nothing.
        self.subsets = not any(_has_group_refs(_sp.parse(ln, flags)) for ln in self.lines)
        self._cache: dict[tuple[int, ...], re.Pattern | None] = {}

    def _compiled(self, keep: tuple[int, ...]) -> re.Pattern | None:
        if not keep:
            return None
        if len(keep) == len(self.lines):
            return self.full
        rx = self._cache.get(keep)
        if rx is None:
            rx = re.compile("|".join(f"(?:{self.lines[i]})" for i in keep), self.flags)
            if len(self._cache) < 256:
                self._cache[keep] = rx
        return rx

    def for_text(self, text: str) -> re.Pattern | None:
        """The pattern to run on ``text`` (or on any part of it): matches as :attr:`full`'s."""
        if self.ignorecase:
            if any(c in text for c in CASE_FOLD_TO_ASCII):
                return self.full
            hay = lower(text)
        else:
            hay = text
        keep = tuple(i for i, ns in enumerate(self.needles) if _hit(ns, hay))
        if not self.subsets and keep:
            return self.full
        return self._compiled(keep)

    def findall(self, text: str) -> list:
        """``full.findall(text)``."""
        rx = self.for_text(text)
        return [] if rx is None else rx.findall(text)

    def count(self, text: str) -> int:
        """``len(full.findall(text))``."""
        rx = self.for_text(text)
        return 0 if rx is None else sum(1 for _ in rx.finditer(text))
